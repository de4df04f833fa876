"""Kyodo's select.html (templates/django/forms/widgets/select.html) writes each option in
place rather than including two templates per option; what it renders is byte for byte
what Django's own template renders."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

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


def test_the_two_renderers_really_use_different_templates() -> None:
    ours = TemplatesSetting().get_template("django/forms/widgets/select.html")
    django = DjangoTemplates().get_template("django/forms/widgets/select.html")
    assert "written in place" in ours.template.source
    assert "written in place" not in django.template.source


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_it_renders_a_select_exactly_as_django_does(widget: forms.Widget, value: Any) -> None:
    ours = widget.render("f", value, {"id": "id_f"}, renderer=TemplatesSetting())
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
            field.html_name, field.value(), attrs, renderer=TemplatesSetting()
        ) == widget.render(field.html_name, field.value(), attrs, renderer=DjangoTemplates())
