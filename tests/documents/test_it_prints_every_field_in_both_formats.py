"""Both renderers print every string of a document's context: the PDF (read back with
pdftotext) and the Word file (read back with python-docx) never disagree with the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kyodo.documents import pdf, registry, services, word
from kyodo.documents.layout import Document
from tests.documents.conftest import (
    BLANK_KEYS,
    KEYS,
    LONG,
    RARE,
    Scene,
    document_for,
    docx_text,
    pdf_text,
    squeeze,
)

pytestmark = pytest.mark.django_db
PAGE_NUMBER = re.compile(r"^\s*\d+ / \d+\s*$", re.MULTILINE)


def _missing(document: Document, text: str) -> list[str]:
    # Page numbers sit between the halves of a paragraph that runs onto the next page.
    flat = squeeze(PAGE_NUMBER.sub("", text))
    return [value for value in document.texts() if squeeze(value) not in flat]


@pytest.mark.parametrize("key", KEYS)
def test_it_prints_every_field_of_the_record_in_the_pdf_and_the_word_file(
    scene: Scene, key: str, tmp_path: Path
) -> None:
    document = document_for(scene, key)
    texts = list(document.texts())
    assert len(texts) >= 5, "the context holds the record's fields"
    assert _missing(document, pdf_text(pdf.render(document), tmp_path)) == []
    assert _missing(document, docx_text(word.render(document))) == []


@pytest.mark.parametrize("key", BLANK_KEYS)
def test_it_prints_every_label_of_the_blank_form_in_both_formats(key: str, tmp_path: Path) -> None:
    document = services.blank_build(doc_type=registry.get(key))
    assert _missing(document, pdf_text(pdf.render(document), tmp_path)) == []
    assert _missing(document, docx_text(word.render(document))) == []


def test_it_prints_the_long_text_and_the_rare_name_glyphs(scene: Scene, tmp_path: Path) -> None:
    document = document_for(scene, "proposal")
    raw = pdf_text(pdf.render(document), tmp_path)
    text = squeeze(raw)
    assert squeeze(LONG) in squeeze(PAGE_NUMBER.sub("", raw))
    assert "1 / " in raw  # page numbers "n / N"
    for glyph in RARE:
        assert glyph in text
    assert "令和" in document.date and "年" in document.date
    assert (
        document.filename
        == "令和7年度_協働事業提案書_特定非営利活動法人 髙﨑𠮷𩸽ヶ々の海辺を守る会"
    )
