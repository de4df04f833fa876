"""English UI: the catalog is complete, and the language follows the cookie, never the browser.

Japanese is the source language; `locale/en/LC_MESSAGES/django.po` holds the English. The
catalog is read with a small parser rather than a new dependency: it only needs to tell
which entries have an empty translation or a fuzzy flag."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The project's catalog and each app's own (apps that keep their strings beside them).
CATALOGS = [
    PO_PATH,
    *sorted((Path(settings.BASE_DIR) / "kyodo").glob("*/locale/en/LC_MESSAGES/django.po")),
]
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file (header and obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: str | None = None  # "msgid", "msgid_plural" or "msgstr"

    def finish() -> None:
        if current is not None and current.msgid:
            entries.append(current)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            current, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            target = None
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = ast.literal_eval(line[13:]), "msgid_plural"
        elif line.startswith("msgid "):
            current.msgid, target = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith("msgstr"):
            current.msgstrs.append(ast.literal_eval(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"'):
            piece = ast.literal_eval(line)
            if target == "msgid":
                current.msgid += piece
            elif target == "msgid_plural":
                current.msgid_plural += piece
            elif target == "msgstr":
                current.msgstrs[-1] += piece
    finish()
    return entries


def english_page(client: Client, url: str, *, cookie: str | None) -> str:
    if cookie is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    # An English browser must not switch the UI: only the cookie does.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_it_has_a_translation_for_every_entry_and_no_fuzzy_one(po_path: Path) -> None:
    entries = parse_po(po_path.read_text(encoding="utf-8"))
    assert len(entries) > (500 if po_path == PO_PATH else 0)
    untranslated = [e.msgid for e in entries if not e.msgstrs or not all(e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_it_keeps_every_placeholder_of_the_japanese_in_the_english(po_path: Path) -> None:
    wrong = []
    for e in parse_po(po_path.read_text(encoding="utf-8")):
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for msgstr in e.msgstrs:
            if set(PLACEHOLDER.findall(msgstr)) != wanted:
                wrong.append((e.msgid, msgstr))
    assert wrong == []


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_it_ships_a_compiled_catalog_that_matches_the_source(po_path: Path) -> None:
    with po_path.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in parse_po(po_path.read_text(encoding="utf-8")):
        if e.msgid_plural:
            got = [compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
        else:
            got = [compiled.gettext(e.msgid)]
        if got != e.msgstrs:
            stale.append(e.msgid)
    assert stale == [], "run `make messages` and commit django.mo"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english", "japanese"),
    [
        ("/", "Browse by activity field", "活動分野からさがす"),
        ("/groups/", "Find a citizen group", "市民活動団体をさがす"),
        ("/accounts/login/", "Forgot your password?", "パスワードを忘れた方"),
    ],
)
def test_it_shows_english_with_the_cookie_and_japanese_without(
    client: Client, url: str, english: str, japanese: str
) -> None:
    ja = english_page(client, url, cookie=None)
    assert '<html lang="ja">' in ja
    assert japanese in ja
    assert english not in ja

    en = english_page(client, url, cookie="en")
    assert '<html lang="en">' in en
    assert english in en
    assert japanese not in en
    assert "Log in" in en  # the navigation, from base.html


@pytest.mark.django_db
def test_it_falls_back_to_japanese_for_a_cookie_naming_no_offered_language(client: Client) -> None:
    page = english_page(client, "/", cookie="fr")
    assert '<html lang="ja">' in page
    assert "活動分野からさがす" in page


@pytest.mark.django_db
def test_it_fills_a_placeholder_in_the_english_sentence(client: Client) -> None:
    factories.CivicGroupFactory(registered=True, name="グループA", name_kana="ぐるーぷえー")
    factories.CivicGroupFactory(registered=True, name="グループB", name_kana="ぐるーぷびー")

    page = english_page(client, "/", cookie="en")

    assert "Search the citizen groups registered with" in page
    assert "(2 in all)" in page


@pytest.mark.django_db
def test_it_switches_to_english_and_back_with_the_switch_on_every_page(client: Client) -> None:
    assert '<html lang="ja">' in english_page(client, "/groups/", cookie=None)

    response = client.get("/i18n/setlang/", {"language": "en", "next": "/groups/"})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # The Japanese page just rendered (and cached for anonymous readers) is not served in English.
    page = english_page(client, "/groups/", cookie=None)
    assert '<html lang="en">' in page and "Find a citizen group" in page

    client.get("/i18n/setlang/", {"language": "ja", "next": "/groups/"})
    assert '<html lang="ja">' in english_page(client, "/groups/", cookie=None)
