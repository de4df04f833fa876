"""Every POST form's one-time token (kyodo.core.once), rendered by `{% csrf_token %}`.

This library is a template built-in (settings.TEMPLATES "builtins"), and its `csrf_token`
replaces Django's: the CSRF input, then a fresh one-time token. Every POST form already
needs `{% csrf_token %}`, so every POST form carries the token by construction, with no
template or view opting in; a GET form has neither. The gate
tests/gates/test_submit_once.py proves it form by form. `{% once_token %}` alone is kept
for templates written before (a second token in one form is harmless: the last one counts).
"""

from django import template
from django.template.base import Parser, Token
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kyodo.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


class FormTokensNode(template.Node):
    def render(self, context: template.Context) -> SafeString:
        return format_html("{}{}", CsrfTokenNode().render(context), once_token())


@register.tag
def csrf_token(parser: Parser, token: Token) -> FormTokensNode:
    return FormTokensNode()
