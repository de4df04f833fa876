"""The Word file is a real, editable .docx: A4 with the PDF's margins, the BIZ UD faces,
table header rows that repeat on each page, Word's own page-number fields, and no
character XML cannot hold (pasted control codes are dropped, not a broken file)."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as open_docx
from docx.shared import Mm

from kyodo.documents import word
from kyodo.documents.layout import Document, paragraph, table
from tests.documents.conftest import Scene, document_for

pytestmark = pytest.mark.django_db


def test_it_writes_a4_with_repeating_table_headers_and_page_numbers(scene: Scene) -> None:
    data = word.render(document_for(scene, "proposal"))
    doc = open_docx(io.BytesIO(data))
    section = doc.sections[0]
    # Word stores twentieths of a point: equal to a tenth of a millimetre
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.left_margin - Mm(22)) < Mm(0.1)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode()
        footer = "".join(
            package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")
        )
        styles = package.read("word/styles.xml").decode()
    assert body.count('<w:tblHeader w:val="true"/>') >= 4  # plan, roles, income, expense …
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert "BIZ UD明朝" in styles and "BIZ UDゴシック" in body
    assert len(doc.tables) >= 6


def test_it_drops_characters_xml_cannot_hold() -> None:
    document = Document(
        kind="t",
        filename="t",
        subject="件名\x07",
        blocks=[paragraph("本文\x00<b>&amp;"), table(["見出し"], [["値\x1b"]])],
    )
    text = word.text_of(word.render(document))
    assert "件名" in text and "本文<b>&amp;" in text and "値" in text
    assert "\x00" not in text and "\x07" not in text
