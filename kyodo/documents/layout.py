"""The context of a document: plain data (no model objects), shared by both renderers.

A builder (kyodo/documents/types/) turns a record into a `Document`; `pdf.render` and
`word.render` both lay out the same `Document`, so the PDF and the Word file can never say
different things. Blocks are tagged dicts so that the Typst template reads them as JSON
unchanged; the constructors below keep their shape in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

Block = dict[str, Any]


def heading(text: str) -> Block:
    """A numbered section heading such as 「１　事業の目的」."""
    return {"type": "heading", "text": text}


def paragraph(text: str, *, align: str = "left") -> Block:
    """Running text; line breaks in `text` are kept."""
    return {"type": "paragraph", "text": text, "align": align}


def ki() -> Block:
    """「記」: the centred word that separates the letter from its particulars."""
    return {"type": "paragraph", "text": "記", "align": "center"}


def ijo() -> Block:
    """「以上」 at the right, closing the particulars."""
    return {"type": "paragraph", "text": "以上", "align": "right"}


def fields(rows: Sequence[tuple[str, str]], *, blank_lines: int = 1) -> Block:
    """A ruled two-column table of label and value. `blank_lines` is the height an empty
    value keeps, so that the blank form leaves room to write by hand."""
    return {
        "type": "fields",
        "rows": [[label, value] for label, value in rows],
        "blank_lines": blank_lines,
    }


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[int] | None = None,
    numeric: Sequence[int] = (),
    footer: Sequence[str] | None = None,
) -> Block:
    """A ruled table whose header row repeats on every page it continues to.

    `widths` are relative column widths; `numeric` the indexes of right-aligned columns
    (yen); `footer` an optional total row."""
    return {
        "type": "table",
        "headers": list(headers),
        "rows": [list(r) for r in rows],
        "widths": list(widths or [1] * len(headers)),
        "numeric": list(numeric),
        "footer": list(footer) if footer else [],
    }


@dataclass(frozen=True)
class Document:
    """One document as plain data. Every string in it is printed by both renderers."""

    kind: str
    # The name the download gets, without the extension (令和7年度_協働事業提案書_団体名).
    filename: str
    subject: str
    blocks: list[Block] = field(default_factory=list)
    form_number: str = ""  # 様式第N号, top left, where the form has one
    number: str = ""  # the document number, top right
    date: str = ""  # 和暦, top right under the number
    addressee: str = ""  # 〇〇市長 様
    sender: list[str] = field(default_factory=list)  # title and name, one per line
    # A line printed at the top of every page (the committee pack's confidentiality mark).
    confidential: str = ""

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def texts(self) -> Iterator[str]:
        """Every non-empty string this document prints: what the tests look for in both files."""
        for value in (self.form_number, self.number, self.date, self.addressee, self.subject):
            if value:
                yield value
        yield from (line for line in self.sender if line)
        if self.confidential:
            yield self.confidential
        for block in self.blocks:
            if block["type"] in ("heading", "paragraph"):
                yield block["text"]
            elif block["type"] == "fields":
                for label, value in block["rows"]:
                    yield label
                    if value:
                        yield value
            elif block["type"] == "table":
                yield from block["headers"]
                for row in block["rows"]:
                    yield from (cell for cell in row if cell)
                yield from (cell for cell in block["footer"] if cell)


@dataclass(frozen=True)
class Bundle:
    """Several documents printed as one PDF (the committee pack, the dossier)."""

    filename: str
    documents: list[Document]
    confidential: str = ""

    def as_json(self) -> str:
        return json.dumps(
            {
                "confidential": self.confidential,
                "documents": [asdict(d) for d in self.documents],
            },
            ensure_ascii=False,
        )
