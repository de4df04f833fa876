"""Submit once: a double click or a resent POST never creates two records, on any form.

Every POST form carries a fresh one-time token because Kyodo's `{% csrf_token %}` renders it
beside the CSRF input (kyodo/core/templatetags/kyodo_once.py, a template built-in), so no
template and no view opts in form by form. `SubmitOnceMiddleware`
enforces the token for every view: the first POST that carries it claims it by inserting a
FormSubmission row (the unique index decides between two simultaneous requests); any later
POST with the same token does not reach the view at all and is sent where the first one
went, with a note that nothing was sent twice. A POST that only re-shows the form (any
answer that is not a redirect: errors, a refusal, a crash) releases its token, so the person
can correct and send again. POSTs without a token (scripts, API clients) run as before.

While the first POST is still being processed the repeat has nowhere recorded to go: it is
sent to the view's `@once_per_submit(fallback=...)` URL if the view names one, else back to
the page the form was on (the same-origin Referer), else to the dashboard.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kyodo.core.models import FormSubmission

FIELD = "once_token"
KEEP = dt.timedelta(days=2)

View = Callable[..., HttpResponse]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _claim(request: HttpRequest, token: str) -> FormSubmission | None:
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user, path=request.path[:300])
    except IntegrityError:
        return None


def once_per_submit(*, fallback: str) -> Callable[[View], View]:
    """Optional: name where a repeated POST goes while the first is still being processed
    (the URL name, reversed with the view's kwargs or without any). Every view is guarded
    by SubmitOnceMiddleware whether or not it carries this."""

    def decorate(view: View) -> View:
        view.once_fallback = fallback  # type: ignore[attr-defined]
        return view

    return decorate


def _fallback(request: HttpRequest, view: Any, kwargs: dict[str, Any]) -> str:
    name = getattr(view, "once_fallback", None)
    if name:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # the fallback takes no arguments
            return reverse(name)
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    if request.user.is_authenticated:
        return reverse("portal:dashboard")
    return resolve_url(settings.LOGIN_URL)


def _succeeded(response: HttpResponse) -> bool:
    """A redirect, except to the log-in page (a refusal of someone signed out)."""
    if not (300 <= response.status_code < 400 and response.has_header("Location")):
        return False
    return response["Location"].split("?")[0] != resolve_url(settings.LOGIN_URL)


class SubmitOnceMiddleware:
    """Claims the one-time token of every POST before its view runs (see the module doc).

    It sits last in MIDDLEWARE, so its process_view runs after the CSRF check, and its
    __call__ sees the view's final answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        claim: FormSubmission | None = getattr(request, "_once_claim", None)
        if claim is not None:
            if _succeeded(response):
                FormSubmission.objects.filter(pk=claim.pk).update(
                    result_url=response["Location"][:500]
                )
            else:  # the form came back (errors, a refusal, a crash): it may be sent again
                FormSubmission.objects.filter(pk=claim.pk).delete()
            if secrets.randbelow(100) == 0:
                FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None
        token = request.POST.get(FIELD, "")[:64]
        if not token:
            return None
        claim = _claim(request, token)
        if claim is not None:
            request._once_claim = claim  # type: ignore[attr-defined]
            return None
        first = FormSubmission.objects.filter(token=token).first()
        messages.info(request, _("この内容はすでに送信されています。二重には登録していません。"))
        if first and first.result_url:
            return HttpResponseRedirect(first.result_url)
        return HttpResponseRedirect(_fallback(request, view, kwargs))
