"""Kyodo's form renderer: Django's TemplatesSetting, with the select widget written in
Python.

Every form is rendered through the project's templates (templates/django/forms/: the
field layout and the error summary). A select, though, made the template engine include
two templates per option and resolve a dozen variables each: the directory's filter of 40
options spent most of its time there, on every page that shows it. `render_select` writes
what Django's select.html, select_option.html and attrs.html write, byte for byte
(tests/unit/test_select_widget.py renders both for many widgets and compares them),
escaping as the template's autoescape does. An option with a template of its own is still
rendered by that template.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _formatted(value: Any) -> str:
    """{{ value|stringformat:'s' }} under autoescape."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting, tuples included
    except (ValueError, TypeError):  # pragma: no cover - as the filter, which gives ""
        return ""
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


class KyodoFormRenderer(TemplatesSetting):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT and request is None:
            return self.render_select(context["widget"])
        return super().render(template_name, context, request)

    def render_select(self, widget: dict[str, Any]) -> str:
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append("\n  ")
                if option["template_name"] == OPTION:
                    parts.append(
                        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                        f"{conditional_escape(option['label'])}</option>\n"
                    )
                else:
                    # As {% include %}: unlike render(), the template's last newline stays.
                    template: Any = self.get_template(option["template_name"])
                    parts.append(template.render({"widget": option}))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
