"""One way to refuse: a domain error with a translated message and, where it belongs to one,
the form field it is about.

Services raise `DomainError` (or a subclass) when a request cannot be carried out as asked;
views hand it to `form_error(form, exc)`, which puts the message next to its field (or at the
top of the form when it has none), so nothing the person typed is lost. The same shape
serves a JSON API: `as_dict()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.functional import Promise

M = TypeVar("M")


class DomainError(Exception):
    """A request the domain refuses, in words the person can act on: one message, and the
    field it is about (`field`), or a message per field (`errors`) when several are wrong."""

    def __init__(
        self,
        message: str | Promise,
        *,
        field: str | None = None,
        errors: dict[str, str | Promise] | None = None,
        **extra: Any,
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors: dict[str, str | Promise] = dict(errors or {})
        if field and field not in self.errors:
            self.errors[field] = message
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": str(self.message),
            "field": self.field,
            "errors": {k: str(v) for k, v in self.errors.items()},
        }


class Conflict(DomainError):
    """The record changed, or was created, by someone else at the same moment."""


def form_error(form: Any, error: DomainError) -> None:
    """Show `error` on `form`: each message beside its field when the form has that field,
    else on top of the form."""
    fields = getattr(form, "fields", {})
    shown = False
    for name, message in error.errors.items():
        form.add_error(name if name in fields else None, str(message))
        shown = True
    if not shown:
        form.add_error(None, str(error.message))


def create_once(create: Callable[[], M], *, message: str | Promise, field: str | None = None) -> M:
    """Create a row that a unique constraint allows once; when another request created it at
    the same moment, refuse with `message` instead of an IntegrityError (a 500)."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as exc:
        raise Conflict(message, field=field) from exc
