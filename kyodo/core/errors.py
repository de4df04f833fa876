"""One way to refuse: a domain error with a translated message and, where it belongs to one,
the form field it is about.

Services raise `DomainError` (or a subclass) when a request cannot be carried out as asked;
views hand it to `form_error(form, exc)`, which puts the message next to its field (or at the
top of the form when it has none), so nothing the person typed is lost. The same shape
serves a JSON API: `as_dict()`.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A request the domain refuses, in words the person can act on."""

    def __init__(self, message: str | Promise, *, field: str | None = None, **extra: Any):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"message": str(self.message), "field": self.field}


class Conflict(DomainError):
    """The record changed, or was created, by someone else at the same moment."""


def form_error(form: Any, error: DomainError) -> None:
    """Show `error` on `form`: beside its field when the form has that field, else on top."""
    field = error.field if error.field and error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error.message))
