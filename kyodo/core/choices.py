"""Model choice fields that read their choices in one plain query.

Django's ModelChoiceIterator streams the choices through queryset.iterator(), which on
PostgreSQL is a server-side cursor: DECLARE, two FETCHes and CLOSE, four round trips for a
list of twenty districts or fields, on every page that shows the select. The lists offered
in a select are short by nature, so they are read as an ordinary query.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator
