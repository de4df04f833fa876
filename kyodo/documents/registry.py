"""The document types: what each prints, from which record, and who may have it.

Adding a document type is one `register(DocumentType(...))` call in a module of
kyodo/documents/types/ (see README, "Adding a document type"): a loader, the permission
predicate of the record (reused, never a new rule for the paper copy of a page), and a
builder that turns the record into a `layout.Document`. The download URLs, both renderers,
the file name and the tests' field check come with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kyodo.documents.layout import Document


@dataclass(frozen=True)
class Issue:
    """What the printing adds to the record: the document number (numbered types only) and
    the date the document bears."""

    number: str = ""
    issued_on: dt.date | None = None


@dataclass(frozen=True)
class DocumentType:
    key: str
    label: str | Promise
    # pk → the record (with what the builder reads joined in); raises Http404 when absent.
    load: Callable[[int], Any]
    # The record's existing permission predicate, and the object it is asked about.
    permission: str
    build: Callable[[Any, Issue], Document]
    permission_object: Callable[[Any], Any] = lambda record: record
    # The empty form a group fills in by hand, where there is one.
    blank: Callable[[], Document] | None = None
    # Numbered types take a number from kyodo.core.numbering the first time they print and
    # keep it (documents.IssuedNumber).
    numbered: bool = False
    order: int = 100


_TYPES: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    if doc_type.key in _TYPES and _TYPES[doc_type.key] != doc_type:
        raise ValueError(f"document type {doc_type.key!r} is registered twice")
    _TYPES[doc_type.key] = doc_type
    return doc_type


def get(key: str) -> DocumentType:
    return _TYPES[key]


def all_types() -> list[DocumentType]:
    return sorted(_TYPES.values(), key=lambda t: (t.order, t.key))


def blank_types() -> list[DocumentType]:
    return [t for t in all_types() if t.blank is not None]
