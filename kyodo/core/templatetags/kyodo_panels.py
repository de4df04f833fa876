"""{% dashboard_panel panel %}: renders a registered dashboard panel with its own context."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kyodo.core.navigation import RenderedPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panel(context: template.Context, panel: RenderedPanel) -> SafeString:
    request = context.get("request")
    return render_to_string(panel.template, {"user": context.get("user"), **panel.context}, request)
