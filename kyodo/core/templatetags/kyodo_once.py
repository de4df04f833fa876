"""{% load kyodo_once %} … {% once_token %}: the one-time token of kyodo.core.once."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kyodo.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
