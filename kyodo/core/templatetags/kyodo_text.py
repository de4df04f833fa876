"""{% load kyodo_text %} … {{ proposal.description|rich_text }}: sanitised user HTML."""

from django import template
from django.utils.safestring import SafeString

from kyodo.core.sanitize import rich_text as _rich_text

register = template.Library()


@register.filter(is_safe=True)
def rich_text(value: str | None) -> SafeString:
    return _rich_text(value)
