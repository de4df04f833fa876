"""Text normalisation for Japanese input: search keys, kana readings and 五十音 order.

NFKC folds full-width Latin and digits to ASCII and half-width katakana to full-width;
jaconv then folds hiragana to katakana, so ｶﾏｸﾗ, かまくら and カマクラ share one key.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000・･·\-‐－ー]+")
_KANA_READING = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u309b\u309c\s\u3000・ー]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def clean_text(text: str) -> str:
    """Drop NUL and other control and bidi-override characters that no form should store."""
    return _CONTROL.sub("", text)


def search_key(text: str) -> str:
    """The key both stored text and typed queries are reduced to before comparing.

    Long-vowel marks and separators are dropped, so スペース and スペ－ス meet too.
    """
    folded = jaconv.hira2kata(nfkc(text)).casefold()
    return _SPACES.sub("", folded)


def normalize_reading(text: str) -> str:
    """A kana reading as stored: full-width katakana, single spaces."""
    value = jaconv.hira2kata(nfkc(text))
    return " ".join(value.split())


def is_kana_reading(text: str) -> bool:
    return bool(_KANA_READING.match(nfkc(text)))


def gojuon_key(reading: str) -> str:
    """Sort key for 五十音順: hiragana with voicing marks removed, then the voiced form to
    break ties, so that が sorts with か rather than after ん.

    The two parts are joined by a space: it sorts before every kana, neither part can hold
    one (separators are stripped), and unlike NUL PostgreSQL can store it in a text column."""
    hira = jaconv.kata2hira(nfkc(reading))
    base = unicodedata.normalize("NFD", hira)
    plain = "".join(ch for ch in base if ch not in "\u3099\u309a")
    plain = _SPACES.sub("", plain)
    return plain + " " + _SPACES.sub("", hira)
