"""The Word renderer: python-docx builds an editable .docx from the same Document the PDF
renderer prints (no template file, no LibreOffice).

The layout mirrors document.typ: A4 with the same margins, 様式/number/date at the top,
addressee and sender, a centred subject, ruled tables whose header row repeats on each page
(w:tblHeader), and "n / N" page numbers from Word's own PAGE and NUMPAGES fields.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from kyodo.documents.fonts import WORD_GOTHIC, WORD_MINCHO
from kyodo.documents.layout import Block, Bundle, Document

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
SHADE_HEADER = "EBEBEB"
SHADE_LABEL = "F0F0F0"


def _font(run_or_style: object, face: str, size: float | None = None, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = face
    if size:
        font.size = Pt(size)
    font.bold = bold or None
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face)


def _text(paragraph: Paragraph, text: str, *, face: str = WORD_MINCHO, size: float | None = None,
          bold: bool = False) -> None:
    for i, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        if i > 0:
            run.add_break()  # type: ignore[no-untyped-call]
            # add_break appends after the text; put the break before it instead.
            run._r.remove(run._r[-1])
            run._r.insert(0 if run._r.rPr is None else 1, OxmlElement("w:br"))
        if face != WORD_MINCHO or size or bold:
            _font(run, face, size, bold)


def _shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(table: Table) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _cell(cell: object, text: str, *, align: str = "left", face: str = WORD_MINCHO,
          size: float | None = None) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = ALIGN[align]
    _text(paragraph, text, face=face, size=size)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays out the pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def _block(doc: object, block: Block) -> None:
    kind = block["type"]
    if kind == "heading":
        _text(doc.add_paragraph(), block["text"], face=WORD_GOTHIC, bold=True)  # type: ignore[attr-defined]
    elif kind == "paragraph":
        paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
        paragraph.alignment = ALIGN[block["align"]]
        if block["align"] == "left":
            paragraph.paragraph_format.first_line_indent = Pt(10.5)
        _text(paragraph, block["text"])
    elif kind == "fields":
        table = doc.add_table(rows=0, cols=2)  # type: ignore[attr-defined]
        table.style = "Table Grid"
        for label, value in block["rows"]:
            row = table.add_row()
            row.cells[0].width = Mm(52)
            row.cells[1].width = Mm(114)
            _cell(row.cells[0], label, face=WORD_GOTHIC, size=9.5)
            _shade(row.cells[0], SHADE_LABEL)
            _cell(row.cells[1], value or "\n" * max(block["blank_lines"] - 1, 0))
        doc.add_paragraph()  # type: ignore[attr-defined]
    elif kind == "table":
        headers = block["headers"]
        table = doc.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        total = sum(block["widths"])
        widths = [Mm(166 * w / total) for w in block["widths"]]
        for i, header in enumerate(headers):
            table.rows[0].cells[i].width = widths[i]
            _cell(table.rows[0].cells[i], header, face=WORD_GOTHIC, size=9.5)
            _shade(table.rows[0].cells[i], SHADE_HEADER)
        _repeat_header(table)
        body = list(block["rows"]) + ([block["footer"]] if block["footer"] else [])
        for values in body:
            cells = table.add_row().cells
            for i, value in enumerate(values):
                cells[i].width = widths[i]
                _cell(cells[i], value, align="right" if i in block["numeric"] else "left")
        doc.add_paragraph()  # type: ignore[attr-defined]


def _document(doc: object, document: Document) -> None:
    top = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _cell(top.rows[0].cells[0], document.form_number)
    right = "\n".join(x for x in (document.number, document.date) if x)
    _cell(top.rows[0].cells[1], right, align="right")
    if document.addressee:
        doc.add_paragraph()  # type: ignore[attr-defined]
        _text(doc.add_paragraph(), document.addressee)  # type: ignore[attr-defined]
    if document.sender:
        sender = doc.add_paragraph()  # type: ignore[attr-defined]
        sender.paragraph_format.left_indent = Mm(95)
        _text(sender, "\n".join(document.sender))
    doc.add_paragraph()  # type: ignore[attr-defined]
    subject = doc.add_paragraph()  # type: ignore[attr-defined]
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(subject, document.subject, face=WORD_GOTHIC, size=13, bold=True)
    for block in document.blocks:
        _block(doc, block)


def render_bundle(bundle: Bundle) -> bytes:
    doc = new_docx()
    normal = doc.styles["Normal"]
    _font(normal, WORD_MINCHO, 10.5)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(22))
    if bundle.confidential:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _text(header, bundle.confidential, face=WORD_GOTHIC, size=8)
        header.runs[0].font.color.rgb = RGBColor(0, 0, 0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")
    for i, document in enumerate(bundle.documents):
        if i > 0:
            doc.add_page_break()
        _document(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(document: Document) -> bytes:
    return render_bundle(Bundle(document.filename, [document], document.confidential))


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, in order (the tests compare it with the
    context; people can use it to search)."""
    doc = new_docx(io.BytesIO(data))
    body = doc.element.body
    parts: list[str] = []
    for paragraph in body.iter(qn("w:p")):
        parts.append("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))
    for section in doc.sections:
        for paragraph in section.header.paragraphs:
            parts.append(paragraph.text)
    return "\n".join(parts)
