"""One snapshot-and-compare mechanism: a record frozen as plain data when it is submitted,
and two snapshots compared field by field for the person who reviews the change.

Used by registration applications (this year's data beside last year's), proposals (version
against version) and, next, agreements and reports. A `SnapshotSpec` says which keys a
snapshot has, their labels, and how a value reads; `compare` does the rest, with a character
diff (Japanese has no spaces) whose short equal runs between changes are folded into the
change, so that a rewritten phrase reads as one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


def plain_text(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{k}：{plain_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(plain_text(v) for v in value)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class SnapshotSpec:
    # key → label, in the order a reader expects.
    labels: Callable[[], Mapping[str, str | Promise]]
    # How a value reads (codes as labels, dates in 和暦 …); plain_text by default.
    text: Callable[[str, Any], str] = field(default=lambda _key, value: plain_text(value))


@dataclass(frozen=True)
class Row:
    key: str
    label: str | Promise
    before: str
    after: str
    changed: bool
    segments: list[tuple[str, str]]  # (equal | delete | insert, text)

    # The names the review templates read.
    @property
    def shown(self) -> str:
        return self.after

    @property
    def shown_previous(self) -> str:
        return self.before


def compare(spec: SnapshotSpec, before: dict[str, Any] | None, after: dict[str, Any]) -> list[Row]:
    """Every key of the spec, as it reads before and after; `changed` only when there is a
    `before` to compare with."""
    rows = []
    for key, label in spec.labels().items():
        new = spec.text(key, after.get(key))
        old = spec.text(key, before.get(key)) if before is not None else ""
        changed = before is not None and old != new
        rows.append(Row(key, label, old, new, changed, segments(old, new) if changed else []))
    return rows


def segments(a: str, b: str) -> list[tuple[str, str]]:
    chunks: list[list[str]] = []  # [kind, old, new]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "equal" if op == "equal" else "change"
        chunks.append([kind, a[i1:i2], b[j1:j2]])
    merged: list[list[str]] = []
    for index, chunk in enumerate(chunks):
        between_changes = 0 < index < len(chunks) - 1 and chunks[index + 1][0] == "change"
        if (
            chunk[0] == "equal"
            and len(chunk[1]) <= 2
            and between_changes
            and merged[-1:]
            and merged[-1][0] == "change"
        ):
            chunk = ["change", chunk[1], chunk[2]]
        if merged and merged[-1][0] == "change" and chunk[0] == "change":
            merged[-1][1] += chunk[1]
            merged[-1][2] += chunk[2]
        else:
            merged.append(chunk)
    out: list[tuple[str, str]] = []
    for kind, old, new in merged:
        if kind == "equal":
            out.append(("equal", old))
            continue
        if old:
            out.append(("delete", old))
        if new:
            out.append(("insert", new))
    return out
