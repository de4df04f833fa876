from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from kyodo.core.permissions import NotAllowed


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = exception.decision.reason if isinstance(exception, NotAllowed) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark baseline: a response with no template and no query."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: a plain GET form, so public pages carry no form token and can be
    cached. Choosing a UI language is harmless to forge, unlike the POST Django ships."""
    language = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        )
    return response
