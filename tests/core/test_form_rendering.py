"""Every form renders through Django's form rendering (templates/django/forms/): one label per
field with its required mark, help and errors tied to the widget by aria-describedby, choice
groups as a fieldset with a legend, and the error summary linking to each field."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template import Context, Template


class SampleForm(forms.Form):
    name = forms.CharField(label="団体名", help_text="正式な名前", max_length=10)
    kind = forms.ChoiceField(
        label="種類",
        choices=[("a", "任意団体"), ("b", "NPO法人")],
        widget=forms.RadioSelect,
        help_text="一つ選ぶ",
    )
    agree = forms.BooleanField(label="同意する", required=False, help_text="任意")

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("全体の誤り")


def render(source: str, form: forms.Form) -> str:
    return Template(source).render(Context({"form": form}))


def test_it_renders_a_text_field_with_label_required_mark_help_and_error() -> None:
    form = SampleForm(data={"name": "長" * 11, "kind": "a"})
    html = render("{{ form.name.as_field_group }}", form)
    assert '<div class="field field--error field--required">' in html
    assert '<label for="id_name">団体名 <span class="required">必須</span></label>' in html
    assert '<p class="help" id="id_name_helptext">正式な名前</p>' in html
    assert '<ul class="errorlist" id="id_name_error"><li>' in html
    widget = re.search(r"<input [^>]*>", html)
    assert widget is not None
    assert 'aria-describedby="id_name_helptext id_name_error"' in widget.group(0)
    assert 'aria-invalid="true"' in widget.group(0)


def test_it_renders_choices_as_a_fieldset_with_a_legend() -> None:
    html = render("{{ form.kind.as_field_group }}", SampleForm(data={"name": "会"}))
    assert '<fieldset id="id_kind" aria-describedby="id_kind_helptext id_kind_error">' in html
    assert '<legend>種類 <span class="required">必須</span></legend>' in html
    assert '<label class="choice" for="id_kind_0">' in html


def test_it_puts_a_checkbox_before_its_label() -> None:
    html = render("{{ form.agree.as_field_group }}", SampleForm())
    assert re.search(
        r'<label class="choice" for="id_agree"><input type="checkbox"[^>]*> 同意する', html
    )
    assert 'aria-describedby="id_agree_helptext"' in html


def test_it_opens_a_whole_form_with_the_error_summary() -> None:
    html = render("{{ form }}", SampleForm(data={"name": "", "kind": "a"}))
    summary = html.index(
        '<div class="error-summary" role="alert" tabindex="-1" id="error-summary">'
    )
    assert summary < html.index('<label for="id_name">')
    assert "<li>全体の誤り</li>" in html
    assert '<a href="#id_name">団体名：' in html
    assert html.count('class="field') == 3


def test_it_leaves_a_valid_form_without_a_summary() -> None:
    form = SampleForm()
    html = render("{{ form }}", form)
    assert "error-summary" not in html and 'id="id_kind"' in html


def test_it_has_no_hand_written_field_loop_left_in_the_templates() -> None:
    """{{ form }} and {{ field.as_field_group }} render fields; a template that includes the
    old field partial in a loop bypasses the shared rendering."""
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "kyodo"]
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for root in roots
        for path in root.rglob("*.html")
        if 'include "includes/field.html"' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
