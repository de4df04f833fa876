"""Kyodo's form renderer writes a select in Python (kyodo.core.forms_renderer) rather than
including two templates per option; what it writes is byte for byte what Django's own
templates render."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

from kyodo.core.forms_renderer import KyodoFormRenderer
from kyodo.registry.forms import DirectoryFilterForm, StaffFilterForm


class _OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"


WIDGETS: list[tuple[forms.Widget, Any]] = [
    (forms.Select(choices=[("", "すべて"), ("a", "あ<b>&\"'"), ("b", "い")]), "a"),
    (forms.Select(choices=[("", "—")]), None),
    (forms.Select(choices=[(1, "一"), (2, "二")], attrs={"required": True, "class": "x"}), 2),
    (
        forms.Select(choices=[("山", [("m1", "富士"), ("m2", "鳥海")]), ("o", "ほか")]),
        "m2",
    ),
    (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
    (forms.NullBooleanSelect(attrs={"disabled": False}), True),
    (_OwnOption(choices=[("a", "A"), ("b", "B")]), "b"),
]


def test_the_project_renders_forms_with_it(settings: Any) -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), KyodoFormRenderer)
    assert isinstance(DirectoryFilterForm().renderer, KyodoFormRenderer)
    # The field layout and error summary still come from the project's templates.
    assert isinstance(KyodoFormRenderer(), TemplatesSetting)


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_it_renders_a_select_exactly_as_django_does(widget: forms.Widget, value: Any) -> None:
    ours = widget.render("f", value, {"id": "id_f"}, renderer=KyodoFormRenderer())
    django = widget.render("f", value, {"id": "id_f"}, renderer=DjangoTemplates())
    assert ours == django


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [DirectoryFilterForm, StaffFilterForm])
def test_it_renders_the_directory_filters_exactly_as_django_does(form_class: Any) -> None:
    form = form_class({"q": "かまくら", "legal_form": "npo", "status": "registered"})
    for name in form.fields:
        field = form[name]
        widget = field.field.widget
        attrs = field.build_widget_attrs({"id": field.auto_id})
        assert widget.render(
            field.html_name, field.value(), attrs, renderer=KyodoFormRenderer()
        ) == widget.render(field.html_name, field.value(), attrs, renderer=DjangoTemplates())


def test_it_escapes_safe_and_lazy_labels_as_the_template_does() -> None:
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    widget = forms.Select(
        choices=[
            (mark_safe("<i>"), mark_safe("<b>太字</b>")),
            ("x", gettext_lazy("すべて")),
            (("t", 1), "タプル"),
        ],
        attrs={"data-x": mark_safe("&amp;"), "data-y": "<&>", "aria-hidden": True},
    )
    value: Any = "x"
    ours = widget.render("f", value, {"id": "id_f"}, renderer=KyodoFormRenderer())
    assert ours == widget.render("f", value, {"id": "id_f"}, renderer=DjangoTemplates())


@pytest.mark.django_db
def test_the_directory_filters_read_their_choices_in_one_plain_query(monkeypatch: Any) -> None:
    # QuerySet.iterator() is a server-side cursor on PostgreSQL: four round trips a list.
    from django.db.models import QuerySet

    def streamed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("choices streamed through QuerySet.iterator()")

    monkeypatch.setattr(QuerySet, "iterator", streamed)
    html = str(StaffFilterForm())
    from kyodo.registry.models import ActivityField, Area

    for choice in [*ActivityField.objects.all(), *Area.objects.all()]:
        assert f'<option value="{choice.pk}">' in html
