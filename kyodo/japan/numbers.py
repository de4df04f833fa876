"""Numbers as people type them in Japan: full-width digits, commas, 円, 万."""

from __future__ import annotations

import re

from kyodo.japan.text import nfkc

# Thousands separators, when present, must group by three: "50,00" or "1,0,0" is a typo
# (or a decimal comma) that would otherwise be read as a quite different amount.
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_YEN = re.compile(
    r"^(?P<sign>-)?(?:(?P<man>\d+(?:\.\d+)?)万)?(?:(?P<sen>\d+(?:\.\d+)?)千)?(?P<rest>\d*)円?$"
)


def _drop_separators(value: str, text: str) -> str:
    for number in re.findall(r"[\d,]+", value):
        if "," in number and not _GROUPED.fullmatch(number):
            raise ValueError(text)
    return value.replace(",", "")


def parse_int(text: str) -> int:
    """'１２' → 12, '1,234' → 1234. Raises ValueError for anything else."""
    value = _drop_separators(nfkc(text).strip().replace(" ", ""), text)
    if not re.fullmatch(r"-?\d+", value):
        raise ValueError(text)
    return int(value)


def parse_yen(text: str) -> int:
    """'500,000', '500000円', '５０万円', '50万', '1万5000円' → yen as an integer."""
    value = nfkc(text).strip().replace(" ", "").replace("¥", "").replace("￥", "")
    value = _drop_separators(value, text)
    value = value.replace("−", "-").replace("ー", "-") if value[:1] in "−ー" else value
    match = _YEN.match(value)
    if not value or not match or not (match["man"] or match["sen"] or match["rest"]):
        raise ValueError(text)
    amount = 0
    for group, unit in (("man", 10_000), ("sen", 1_000)):
        if match[group]:
            part = float(match[group]) * unit
            if part != int(part):
                raise ValueError(text)
            amount += int(part)
    if match["rest"]:
        amount += int(match["rest"])
    return -amount if match["sign"] else amount


def format_yen(amount: int | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,}円"
