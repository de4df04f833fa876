"""The home page and each person's dashboard. The dashboard is assembled from the panels the
domain apps register (kyodo.core.navigation); the portal is the one app above them all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kyodo.core.caching import anonymous_page_cache
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.navigation import panels_for
from kyodo.registry import selectors as registry_selectors
from kyodo.registry.forms import DirectoryFilterForm
from kyodo.registry.models import ActivityField, CivicGroup


@anonymous_page_cache(registry_selectors.directory_generation)
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "search_form": DirectoryFilterForm(),
        "group_count": CivicGroup.objects.registered_on(timezone.localdate()).count(),
        "fields": ActivityField.objects.all(),
    }
    return render(request, "portal/home.html", context)


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person's inbox: what awaits them, by role, panel by panel."""
    return render(request, "portal/dashboard.html", {"panels": panels_for(request.user)})
