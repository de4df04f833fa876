"""The Word renderer: an editable .docx from the same Document the PDF renderer prints (no
template file to keep in step, no LibreOffice).

python-docx builds the package once (styles with the BIZ UD faces, A4 with the PDF's 22 mm
margins, a footer with Word's own PAGE / NUMPAGES fields) and that package is cached; each
document then only writes its body as WordprocessingML. Building the body through
python-docx's object layer cost 100–300 ms a page; the string costs a few milliseconds.
The body mirrors document.typ: 様式/number/date at the top, addressee and sender, a centred
subject, ruled tables whose header row repeats on every page (w:tblHeader).
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kyodo.documents.fonts import WORD_GOTHIC, WORD_MINCHO
from kyodo.documents.layout import Block, Bundle, Document

TEXT_WIDTH = 166  # mm: A4 less two 22 mm margins
SHADE_HEADER = "EBEBEB"
SHADE_LABEL = "F0F0F0"
# Characters XML 1.0 cannot hold (pasted control codes): dropped rather than a broken file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _twips(mm: float) -> int:
    return round(mm * 56.6929)


# --- the cached package ----------------------------------------------------------------


def _field(paragraph: object, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays out the pages."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    parts = [("w:fldChar", "begin"), ("w:instrText", instruction), ("w:fldChar", "separate")]
    for tag, value in parts:
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)
    shown = OxmlElement("w:t")
    shown.text = "1"
    run._r.append(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


@functools.lru_cache(maxsize=8)
def _package(confidential: str) -> tuple[tuple[tuple[zipfile.ZipInfo, bytes], ...], str, str]:
    """(every part but the body, the document.xml before the body, the part after it)."""
    doc = new_docx()
    normal = doc.styles["Normal"]
    normal.font.name = WORD_MINCHO
    normal.font.size = Pt(10.5)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), WORD_MINCHO)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(22))
    if confidential:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(confidential)
        run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")
    doc.add_paragraph("BODY")
    out = io.BytesIO()
    doc.save(out)
    parts = []
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode()
            else:
                parts.append((info, data))
    # The body goes where the placeholder paragraph is, before the section properties.
    placeholder = re.search(
        r"<w:p(?: [^>]*)?>(?:(?!</w:p>).)*BODY(?:(?!</w:p>).)*</w:p>", xml, re.S
    )
    assert placeholder is not None
    return tuple(parts), xml[: placeholder.start()], xml[placeholder.end() :]


# --- WordprocessingML ------------------------------------------------------------------


def _run(
    text: str, *, face: str | None = None, size: float | None = None, bold: bool = False
) -> str:
    props = ""
    if face:
        props += f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}" w:cs="{face}"/>'
    if bold:
        props += "<w:b/><w:bCs/>"
    if size:
        props += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    lines = [escape(_NOT_XML.sub("", line)) for line in text.split("\n")]
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{body}</w:r>"


def _p(
    runs: str = "", *, align: str = "left", first_indent: bool = False, left_mm: float = 0
) -> str:
    props = ""
    if first_indent or left_mm:
        props += "<w:ind"
        if left_mm:
            props += f' w:left="{_twips(left_mm)}"'
        if first_indent:
            props += ' w:firstLine="210"'
        props += "/>"
    if align != "left":
        props += f'<w:jc w:val="{align}"/>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _cell(width: int, content: str, *, shade: str = "") -> str:
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>{content}</w:tc>'


_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _table(widths: list[int], rows: list[str], *, ruled: bool = True) -> str:
    borders = f"<w:tblBorders>{_BORDERS}</w:tblBorders>" if ruled else ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'{borders}<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"{''.join(rows)}</w:tbl>"
    )


def _row(cells: str, *, header: bool = False) -> str:
    props = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if header else ""
    return f"<w:tr>{props}{cells}</w:tr>"


def _block(block: Block) -> str:
    kind = block["type"]
    if kind == "heading":
        return _p(_run(block["text"], face=WORD_GOTHIC, bold=True))
    if kind == "paragraph":
        align = block["align"]
        return _p(_run(block["text"]), align=align, first_indent=align == "left")
    if kind == "fields":
        widths = [_twips(TEXT_WIDTH * 0.32), _twips(TEXT_WIDTH * 0.68)]
        blank = "\n" * max(block["blank_lines"] - 1, 0)
        rows = [
            _row(
                _cell(widths[0], _p(_run(label, face=WORD_GOTHIC, size=9.5)), shade=SHADE_LABEL)
                + _cell(widths[1], _p(_run(value or blank)))
            )
            for label, value in block["rows"]
        ]
        return _table(widths, rows) + _p()
    if kind == "table":
        total = sum(block["widths"])
        widths = [_twips(TEXT_WIDTH * w / total) for w in block["widths"]]
        header = _row(
            "".join(
                _cell(widths[i], _p(_run(h, face=WORD_GOTHIC, size=9.5)), shade=SHADE_HEADER)
                for i, h in enumerate(block["headers"])
            ),
            header=True,
        )
        numeric = set(block["numeric"])
        rows = [
            _row(
                "".join(
                    _cell(widths[i], _p(_run(v), align="right" if i in numeric else "left"))
                    for i, v in enumerate(values)
                )
            )
            for values in block["rows"]
        ]
        if block["footer"]:
            rows.append(
                _row(
                    "".join(
                        _cell(
                            widths[i],
                            _p(
                                _run(v, face=WORD_GOTHIC), align="right" if i in numeric else "left"
                            ),
                            shade="F5F5F5",
                        )
                        for i, v in enumerate(block["footer"])
                    )
                )
            )
        return _table(widths, [header, *rows]) + _p()
    raise ValueError(f"unknown block {kind!r}")


def _document(document: Document) -> str:
    half = _twips(TEXT_WIDTH / 2)
    right = "\n".join(x for x in (document.number, document.date) if x)
    parts = [
        _table(
            [half, half],
            [
                _row(
                    _cell(half, _p(_run(document.form_number)))
                    + _cell(half, _p(_run(right), align="right"))
                )
            ],
            ruled=False,
        )
    ]
    if document.addressee:
        parts += [_p(), _p(_run(document.addressee))]
    if document.sender:
        parts.append(_p(_run("\n".join(document.sender)), left_mm=95))
    parts += [
        _p(),
        _p(_run(document.subject, face=WORD_GOTHIC, size=13, bold=True), align="center"),
    ]
    parts += [_block(block) for block in document.blocks]
    return "".join(parts)


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def render_bundle(bundle: Bundle) -> bytes:
    parts, before, after = _package(bundle.confidential)
    body = PAGE_BREAK.join(_document(d) for d in bundle.documents)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for info, data in parts:
            package.writestr(info, data)
        package.writestr("word/document.xml", before + body + after)
    return out.getvalue()


def render(document: Document) -> bytes:
    return render_bundle(Bundle(document.filename, [document], document.confidential))


def text_of(data: bytes) -> str:
    """Every paragraph (table cells included) and header of a .docx, in order: what the
    tests compare with the context."""
    doc = new_docx(io.BytesIO(data))
    parts = [
        "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        for paragraph in doc.element.body.iter(qn("w:p"))
    ]
    for section in doc.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
    return "\n".join(parts)
