"""Questionnaires from a CSV or Excel file: one row per paper, checked cell by cell.

The header row holds 「調査票番号」 (or 「番号」) and the question codes; cells are typed
as on the keying screen. `parse` reports every bad row and cell; the service imports
nothing from a file with errors unless the person asks for the good rows only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kyodo.japan.text import clean_text, nfkc
from kyodo.surveys import values as v
from kyodo.surveys.models import Question

NUMBER_HEADERS = ("調査票番号", "番号", "paper_number")
MAX_ROWS = 100_000


class ImportFileError(ValueError):
    pass


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class Parsed:
    rows: list[tuple[int, str, v.Values]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {e.line for e in self.errors}

    def good_rows(self) -> list[tuple[str, v.Values]]:
        bad = self.bad_lines
        return [(number, values) for line, number, values in self.rows if line not in bad]


def _table(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("Excelファイルとして読めませんでした。")) from exc
        sheet = book.worksheets[0]
        return [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _("文字コードが読めませんでした（UTF-8かShift_JISで保存してください）。")
        )
    return list(csv.reader(io.StringIO(text)))


def parse(data: bytes, filename: str, questions: list[Question]) -> Parsed:
    table = [row for row in _table(data, filename) if any(cell.strip() for cell in row)]
    if not table:
        raise ImportFileError(_("ファイルが空です。"))
    if len(table) > MAX_ROWS + 1:
        raise ImportFileError(_("一度に取り込めるのは10万行までです。"))
    header = [nfkc(clean_text(h)).strip() for h in table[0]]
    by_code = {q.code: q for q in questions}
    number_col = next((i for i, h in enumerate(header) if h in NUMBER_HEADERS), None)
    if number_col is None:
        raise ImportFileError(_("見出し行に「調査票番号」の列がありません。"))
    unknown = [
        h
        for i, h in enumerate(header)
        if i != number_col and h and h not in by_code and not h.endswith("__other")
    ]
    if unknown:
        raise ImportFileError(
            _("この調査票にない設問コードの列があります：%(codes)s")
            % {"codes": "、".join(unknown[:10])}
        )
    parsed = Parsed()
    seen: dict[str, int] = {}
    for line, row in enumerate(table[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        number = nfkc(clean_text(row[number_col] if number_col < len(row) else "")).strip()
        if not number:
            parsed.errors.append(RowError(line, header[number_col], _("調査票番号がありません。")))
        elif len(number) > 30:
            parsed.errors.append(
                RowError(line, header[number_col], _("調査票番号は30文字以内です。"))
            )
        elif number in seen:
            parsed.errors.append(
                RowError(
                    line,
                    header[number_col],
                    _("%(n)d行目と同じ調査票番号です。") % {"n": seen[number]},
                )
            )
        seen.setdefault(number, line)
        values: v.Values = {}
        for code, question in by_code.items():
            try:
                value = v.parse_typed(question, cells.get(code, ""))
            except ValueError as exc:
                parsed.errors.append(RowError(line, code, str(exc)))
                continue
            if value not in (None, "", []):
                values[code] = value
            other = clean_text(cells.get(v.other_key(question), "")).strip()
            if other:
                values[v.other_key(question)] = other[:500]
        parsed.rows.append((line, number, values))
    return parsed


def template_header(questions: list[Question]) -> list[Any]:
    return ["調査票番号", *[q.code for q in questions]]
