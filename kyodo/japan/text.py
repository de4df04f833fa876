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


# ケ between kanji is one place-name particle written four ways: 稲村ヶ崎, 稲村ケ崎, 稲村ガ崎
# (and が); ヵ between kanji is カ (三ヵ月, 三カ月).
_KE_IN_NAME = re.compile(r"(?<=[\u3400-\u9fff々])[ヶケガ](?=[\u3400-\u9fff])")
_KA_IN_NAME = re.compile(r"(?<=[\u3400-\u9fff々])ヵ(?=[\u3400-\u9fff])")
_ROMAJI_QUERY = re.compile(r"^[a-z\s\-']+$")
_LONG_VOWELS = re.compile(r"(?<=o)[ou]|(?<=u)u|(?<=a)a|(?<=i)i|(?<=e)e")
_M_BEFORE_LIPS = re.compile(r"m(?=[bpm])")


def search_key(text: str) -> str:
    """The key both stored text and typed queries are reduced to before comparing.

    Long-vowel marks and separators are dropped, so スペース and スペ－ス meet too; the
    variants of ケ and カ between kanji meet (稲村ヶ崎 = 稲村ケ崎 = 稲村ガ崎).
    """
    folded = jaconv.hira2kata(nfkc(text)).casefold()
    folded = _KA_IN_NAME.sub("カ", _KE_IN_NAME.sub("ケ", folded))
    return _SPACES.sub("", folded)


def _fold_romaji(romaji: str) -> str:
    # Long vowels as people type them without macrons (kyōdō: kyodo, kyoudou, kyoodoo) and
    # the Hepburn m before b/p (shimbun = shinbun).
    letters = re.sub(r"[^a-z]", "", romaji)
    return _M_BEFORE_LIPS.sub("n", _LONG_VOWELS.sub("", letters))


def romaji_key(reading: str) -> str:
    """A kana reading as folded romaji, to be found by a query typed in Latin letters."""
    hiragana = jaconv.kata2hira(nfkc(reading))
    return _fold_romaji(jaconv.kana2alphabet(_SPACES.sub("", hiragana)))


def romaji_query_key(query: str) -> str:
    """The romaji key of a query typed in Latin letters (kamakura, Kamakura, si = shi), or
    "" when the query is not romaji-like."""
    text = nfkc(query).casefold().strip()
    if not text or not _ROMAJI_QUERY.match(text):
        return ""
    # Through kana and back, so that Kunrei and Hepburn spellings meet (si = shi, tu = tsu).
    kana = jaconv.alphabet2kana(re.sub(r"[\s\-']", "", text))
    if re.search(r"[a-z]", kana):
        return _fold_romaji(text)  # not all romaji (e.g. an English word): fold it as typed
    return _fold_romaji(jaconv.kana2alphabet(kana))


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
