"""User-written rich text, made safe to show.

Kyodo's forms take plain text, and templates escape it. Where a person may write a little
formatting (a proposal's description pasted from Word, a group's news), the HTML goes
through `clean_html` — nh3, a binding to the Rust `ammonia` sanitiser, with a short list
of tags and attributes — before it is marked safe. This is the ONLY place user data is
marked safe: tests/gates/test_security.py fails on `|safe` or `mark_safe` anywhere else.
"""

from __future__ import annotations

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li",
        "blockquote", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean_html(html: str | None) -> str:
    """Only harmless markup survives: no script, no event handler, no style, no javascript:."""
    if not html:
        return ""
    return nh3.clean(
        str(html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "template", "iframe", "object", "embed"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def rich_text(value: str | None) -> SafeString:
    """Sanitised HTML, or plain text with its line breaks kept, ready for a template."""
    text = str(value or "")
    if "<" not in text:
        # linebreaks escapes the text first, then wraps it in <p>/<br>.
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308
    return mark_safe(clean_html(text))  # noqa: S308 - cleaned by nh3 just above
