"""The surveys app's English catalog (kyodo/surveys/locale): complete, placeholders kept,
compiled, and used by the pages."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.unit.test_i18n import PLACEHOLDER, english_page, parse_po

PO_PATH = (
    Path(settings.BASE_DIR) / "kyodo" / "surveys" / "locale" / "en" / "LC_MESSAGES" / "django.po"
)
STATS_PO_PATH = (
    Path(settings.BASE_DIR) / "kyodo" / "stats" / "locale" / "en" / "LC_MESSAGES" / "django.po"
)


@pytest.mark.parametrize("po_path", [PO_PATH, STATS_PO_PATH], ids=["surveys", "stats"])
def test_it_translates_every_entry_keeps_placeholders_and_ships_the_compiled_catalog(
    po_path: Path,
) -> None:
    entries = parse_po(po_path.read_text(encoding="utf-8"))
    assert len(entries) > 90
    assert [e.msgid for e in entries if not all(e.msgstrs) or "fuzzy" in e.flags] == []
    wrong = [
        e.msgid
        for e in entries
        if set(PLACEHOLDER.findall(e.msgid)) != set(PLACEHOLDER.findall(e.msgstrs[0]))
    ]
    assert wrong == []
    with po_path.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert [e.msgid for e in entries if compiled.gettext(e.msgid) != e.msgstrs[0]] == []


def test_it_shows_the_survey_pages_in_english_with_the_cookie(civic, client: Client) -> None:
    page = english_page(client, f"/surveys/{civic.edition.pk}/", cookie="en")
    assert "Start answering" in page and "回答を始める" not in page
    state = english_page(Client(), "/state/", cookie="en")
    assert "Civic activity today" in state
