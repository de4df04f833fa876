"""NPO portal bulk files generated for tests and the bench: a ZIP holding a CP932 CSV with
the portal's real header (kyodo/stats/data/npo_portal_columns.txt)."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from kyodo.stats.npo import COLUMNS, FIELD_COLUMNS


def row(**values: Any) -> dict[str, str]:
    out = dict.fromkeys(COLUMNS, "")
    fields = values.pop("fields", ())
    for n in fields:
        out[FIELD_COLUMNS[n - 1]] = "1"
    out.update({k: str(v) for k, v in values.items()})
    return out


def zip_of(rows: list[dict[str, str]], name: str = "npo.csv") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r[c] for c in COLUMNS])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text.getvalue().encode("cp932"))
    return buffer.getvalue()
