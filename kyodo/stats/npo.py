"""Reading the national NPO portal's bulk file: a ZIP holding one CP932 CSV, one row per
corporation, with the header in data/npo_portal_columns.txt.

`parse_rows` turns each row into the fields Kyodo keeps (or a problem for the report);
`in_city` decides whether a corporation is the city's: its 所轄庁 or 権限移譲先市町村 is the
city, or its address names the city or one of the configured towns (KYODO_CITY_TOWNS,
data/towns.txt by default)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.japan.calendar import parse_date
from kyodo.japan.text import clean_text, nfkc, normalize_reading

DATA = Path(__file__).resolve().parent / "data"
COLUMNS = [
    line.strip()
    for line in (DATA / "npo_portal_columns.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
# The portal numbers the field columns in full-width digits: 活動分野１ … 活動分野２０.
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FIELD_COLUMNS = [f"活動分野{str(n).translate(_FULL_WIDTH)}" for n in range(1, 21)]
CERTIFICATION_COLUMNS = [c for c in COLUMNS if c.startswith("認定（")]
NO = {"", "0", "×", "-", "－", "なし", "無", "false", "FALSE"}
_DATE_IN_TEXT = re.compile(
    r"((?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?)"
)
TRACKED = (
    "name",
    "name_kana",
    "authority",
    "delegated_to",
    "address",
    "representative",
    "certified_on",
    "established_on",
    "fields",
    "is_certified",
    "certification_start",
    "certification_end",
    "dissolved",
    "dissolved_on",
    "dissolution_note",
    "url",
)


class NpoFileError(ValueError):
    pass


@dataclass
class Row:
    line: int
    corporate_number: str
    values: dict[str, Any]


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Outside:
    """A row of a corporation that is not the city's: not read further."""

    line: int


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of the CSV inside the ZIP (or of a bare CSV), header included."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if len(names) != 1:
                    raise NpoFileError(
                        _("ZIPの中にCSVファイルがひとつだけ入っている必要があります。")
                    )
                data = archive.read(names[0])
        except zipfile.BadZipFile as exc:
            raise NpoFileError(_("ZIPファイルとして読めませんでした。")) from exc
    for encoding in ("cp932", "utf-8-sig"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NpoFileError(
            _("文字コードが読めませんでした（NPO法人ポータルサイトのCSVはShift_JISです）。")
        )
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise NpoFileError(_("ファイルが空です。"))
    header = [clean_text(h).strip().lstrip("\ufeff") for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise NpoFileError(
            _("NPO法人ポータルサイトの列がありません：%(cols)s") % {"cols": "、".join(missing[:5])}
        )
    rows[0] = header
    return rows


@cache
def _towns() -> tuple[str, ...]:
    configured = getattr(settings, "KYODO_CITY_TOWNS", None)
    if configured:
        return tuple(configured)
    return tuple(
        t.strip()
        for t in (DATA / "towns.txt").read_text(encoding="utf-8").splitlines()
        if t.strip()
    )


@cache
def _towns_pattern() -> re.Pattern[str]:
    """Any of the towns, as one search (the national file has tens of thousands of rows)."""
    towns = sorted(_towns(), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in towns) if towns else "(?!)")


def in_city(values: dict[str, Any], city: str | None = None) -> bool:
    city = city or settings.KYODO_CITY_NAME
    if city in (values["authority"], values["delegated_to"]):
        return True
    address = values["address"]
    if not address:
        return False
    if city in address:
        return True
    return _towns_pattern().search(address) is not None


def _text(value: str, limit: int = 300) -> str:
    if not value:
        return ""
    return nfkc(clean_text(value)).strip()[:limit]


def _date(value: str) -> dt.date | None:
    value = value.strip() if value else ""
    return parse_date(value) if value else None


def parse_rows(
    rows: list[list[str]], keep: Callable[[dict[str, Any]], bool] | None = None
) -> Iterator[Row | Problem | Outside]:
    """Each row as the fields Kyodo keeps, or a problem; with `keep` (e.g. `in_city`), a
    row it refuses is only an `Outside`, as soon as its number, authority and address are
    read: the national file holds every corporation of Japan, few of them the city's."""
    header = rows[0]
    width = len(header)
    index = {name: i for i, name in enumerate(header)}
    field_index = [(n, index[column]) for n, column in enumerate(FIELD_COLUMNS, 1)]
    certification_index = [index[c] for c in CERTIFICATION_COLUMNS]

    def get(row: list[str], column: str) -> str:
        return row[index[column]]

    today = timezone.localdate()
    for line, row in enumerate(rows[1:], start=2):
        if not "".join(row).strip():  # a blank line (one C call, not one per cell)
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        number = re.sub(r"\D", "", nfkc(get(row, "法人番号")))
        if len(number) != 13:
            yield Problem(line, _("法人番号が13桁ではありません。"))
            continue
        where = {
            "authority": _text(get(row, "所轄庁"), 100),
            "delegated_to": _text(get(row, "権限移譲先市町村"), 100),
            "address": _text(get(row, "主たる事務所の所在地")),
        }
        if keep is not None and not keep(where):
            yield Outside(line)
            continue
        try:
            certified_on = _date(get(row, "法人設立認証年月日"))
            established_on = _date(get(row, "設立年月日"))
            certification_start = _date(get(row, "認定開始日"))
            certification_end = _date(get(row, "認定満了日"))
            revoked = _date(get(row, "認定取消日"))
        except ValueError:
            yield Problem(line, _("日付が読めません（%(n)s）。") % {"n": number})
            continue
        fields = [str(n) for n, i in field_index if row[i] and nfkc(row[i]).strip() not in NO]
        certified = any(row[i].strip() for i in certification_index) or bool(certification_start)
        if revoked or (certification_end and certification_end < today):
            certified = False
        note = _text(get(row, "解散情報"))
        found = _DATE_IN_TEXT.search(nfkc(note)) if note else None
        try:
            dissolved_on = parse_date(found.group(1)) if found else None
        except ValueError:
            dissolved_on = None
        name = _text(get(row, "法人名称"))
        if not name:
            yield Problem(line, _("法人名称がありません（%(n)s）。") % {"n": number})
            continue
        yield Row(
            line,
            number,
            {
                "name": name,
                "name_kana": normalize_reading(get(row, "法人名称カナ"))[:300],
                **where,
                "representative": _text(get(row, "代表者氏名"), 200),
                "certified_on": certified_on,
                "established_on": established_on,
                "fields": ("," + ",".join(fields) + ",") if fields else "",
                "is_certified": certified,
                "certification_start": certification_start,
                "certification_end": certification_end,
                "dissolved": bool(note),
                "dissolved_on": dissolved_on,
                "dissolution_note": note,
                "url": _text(get(row, "法人情報URL")),
            },
        )
