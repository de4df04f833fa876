from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from kyodo.core.caching import anonymous_page_cache
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.permissions import NotAllowed
from kyodo.proposals import selectors as proposal_selectors
from kyodo.registry import selectors as registry_selectors
from kyodo.registry.forms import DirectoryFilterForm
from kyodo.registry.models import ActivityField, CivicGroup


@anonymous_page_cache(registry_selectors.directory_generation)
def home(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    context = {
        "search_form": DirectoryFilterForm(),
        "group_count": CivicGroup.objects.registered_on(timezone.localdate()).count(),
        "fields": ActivityField.objects.all(),
    }
    return render(request, "core/home.html", context)


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person's inbox: what awaits them, by role."""
    from kyodo.core.permissions import check

    user = request.user
    context = {
        "memberships": registry_selectors.memberships_of(user=user),
        "registration_queue": (
            registry_selectors.applications_awaiting_review()
            if check("registry.review_application", user)
            else None
        ),
        "proposal_inbox": proposal_selectors.inbox(user),
        **_review_inbox(user),
    }
    return render(request, "core/dashboard.html", context)


def _review_inbox(user: Any) -> dict[str, Any]:
    """Committee members: proposals awaiting their declaration or score; the office: the
    scoring progress of each committee."""
    from kyodo.core.permissions import check
    from kyodo.review import selectors as review_selectors

    return {
        "review_inbox": review_selectors.member_inbox(user),
        "review_progress": (
            [review_selectors.committee_results(c) for c in review_selectors.office_committees()]
            if check("review.manage", user)
            else None
        ),
    }


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
