"""Submit once: a double click or a resent POST never creates two records.

Every create form carries a one-time token (`{% once_token %}` from kyodo_once, next to
`{% csrf_token %}`). The view is wrapped in `@once_per_submit(fallback="app:url")`: the
first POST with a token claims it by inserting a FormSubmission row (the unique index
decides between two simultaneous requests); any later POST with the same token does not
run the view at all and is sent where the first one went, with a note that nothing was
sent twice. A POST that only re-shows the form with errors releases its token, so the
person can correct and send again. POSTs without a token (scripts, old pages) run as before.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
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
    """`fallback`: the URL name (reversed with the view's kwargs, or without any) to send a
    repeated POST to while the first one is still being processed."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = request.POST.get(FIELD, "")[:64] if request.method == "POST" else ""
            if not token:
                return view(request, *args, **kwargs)
            claim = _claim(request, token)
            if claim is None:
                first = FormSubmission.objects.filter(token=token).first()
                messages.info(
                    request, _("この内容はすでに送信されています。二重には登録していません。")
                )
                if first and first.result_url:
                    return HttpResponseRedirect(first.result_url)
                try:
                    target = reverse(fallback, kwargs=kwargs)
                except NoReverseMatch:  # the fallback takes no arguments
                    target = reverse(fallback)
                return HttpResponseRedirect(target)
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                FormSubmission.objects.filter(pk=claim.pk).delete()
                raise
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                FormSubmission.objects.filter(pk=claim.pk).update(
                    result_url=response["Location"][:500]
                )
            else:  # the form came back with errors: the person may send it again
                FormSubmission.objects.filter(pk=claim.pk).delete()
            if secrets.randbelow(100) == 0:
                FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
            return response

        wrapper.once_per_submit = True  # type: ignore[attr-defined]
        return wrapper

    return decorate
