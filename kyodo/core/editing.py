"""No lost update: a record edited on a form carries the version it was loaded at.

The form sends the version back (a hidden field, `VersionField`); the service locks the row
and calls `expect_version(locked, expected)`, which refuses with `EditConflict` when someone
else saved in between, and bumps the version when it may go on. The view keeps what this
person typed, moves the hidden version on to the newer one and shows the other person's
save beside it (`keep_typed_after_conflict`), so that saving again is a deliberate choice.
Used by group profiles and proposals (and agreements and reports next).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.core.errors import Conflict

CONFLICT_MESSAGE = _(
    "あなたが編集している間に、別の人がこの内容を保存しました。下の内容を見比べて、もう一度保存してください。"
)


class EditConflict(Conflict):
    """Someone else saved the record after this person opened it."""

    current: Any

    def __init__(self, current: models.Model):
        super().__init__(CONFLICT_MESSAGE)
        self.current = current


def VersionField() -> forms.IntegerField:  # noqa: N802 - reads as a form field
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def expect_version(locked: Any, expected: int | None) -> list[str]:
    """Refuse a save made on a stale copy; otherwise bump the version. Returns the field to
    add to update_fields."""
    if expected is not None and locked.version != expected:
        raise EditConflict(locked)
    locked.version += 1
    return ["version"]


def keep_typed_after_conflict(form: forms.Form, conflict: EditConflict) -> None:
    """Keep what was typed, on top of the newer version, with the message on the form."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a bound form's data is a QueryDict
    data[form.add_prefix("version")] = str(conflict.current.version)  # type: ignore[attr-defined]
    form.data = data
    form.add_error(None, str(conflict.message))
