"""E-mail notifications, sent only once the transaction that caused them has committed.

A rolled-back transition must never have told anybody anything. Inline by default; a
production deployment can swap `_deliver` for a task queue without touching callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext


def _subject(message: str, params: dict[str, Any]) -> str:
    text = gettext(message)
    return text % {k: str(v) for k, v in params.items()} if params else text


def mail_subject(message: str, **params: Any) -> Promise:
    """A subject line translated when the mail is written, in the city's language, not in
    the UI language of whoever caused it. Mark the message with gettext_noop so that
    makemessages still extracts it."""
    translated_later: Promise = lazy(_subject, str)(message, params)  # type: ignore[assignment]  # the stubs type lazy()'s result as its return type
    return translated_later


def _deliver(*, recipients: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def notify(
    *,
    to: Iterable[str],
    subject: str | Promise,
    template: str,
    context: dict[str, Any] | None = None,
) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {"SITE_URL": settings.SITE_URL, **(context or {})}
    # Mail goes out in the city's language whatever the sender's UI language is.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        subject_text = " ".join(str(subject).split())
    transaction.on_commit(lambda: _deliver(recipients=recipients, subject=subject_text, body=body))
