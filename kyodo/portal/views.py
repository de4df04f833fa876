"""The home page, each person's dashboard and inbox, the office's view of mail deliveries and
the staff's map of every workflow. The dashboard is assembled from the panels the domain apps
register (kyodo.core.navigation); the portal is the one app above them all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyodo.core import workflow as engine
from kyodo.core.caching import anonymous_page_cache
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.models import Delivery, DeliveryChannel, DeliveryStatus
from kyodo.core.navigation import panels_for
from kyodo.core.permissions import authorize, described
from kyodo.portal import selectors, services
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


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "portal.inbox")
    page = Paginator(selectors.notices_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page": page})


@require_POST
@login_required
def notice_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Delivery, pk=pk, channel=DeliveryChannel.INBOX)
    services.notice_read(actor=request.user, notice=notice)
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return HttpResponseRedirect(notice.url)
    return redirect("portal:inbox")


@require_POST
@login_required
def inbox_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notices_read_all(actor=request.user)
    messages.success(request, _("すべてのお知らせを既読にしました。"))
    return redirect("portal:inbox")


@login_required
def mail_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "portal.manage_mail")
    status = request.GET.get("status") or DeliveryStatus.FAILED
    if status not in DeliveryStatus.values:
        status = DeliveryStatus.FAILED
    counts = selectors.mail_counts()
    context = {
        "page": Paginator(selectors.mail_deliveries(status), 50).get_page(request.GET.get("page")),
        "query_string": f"status={status}",
        "status": status,
        "statuses": [(key, label, counts[key]) for key, label in DeliveryStatus.choices],
    }
    return render(request, "portal/mail_list.html", context)


@require_POST
@login_required
def mail_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk, channel=DeliveryChannel.MAIL)
    services.mail_resend(actor=request.user, delivery=delivery)
    messages.success(
        request, _("%(address)s へのメールを送り直します。") % {"address": delivery.address}
    )
    return HttpResponseRedirect(f"{reverse('portal:mail_list')}?status={DeliveryStatus.PENDING}")


@login_required
def workflow_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "portal.view_workflows")
    return render(request, "portal/workflow_list.html", {"workflows": engine.workflows()})


@login_required
def workflow_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    authorize(request.user, "portal.view_workflows")
    try:
        flow = engine.get(key)
    except KeyError as missing:
        raise Http404 from missing
    moves = [
        {
            "transition": t,
            "sources": [flow.states[s] for s in sorted(t.sources, key=list(flow.states).index)],
            "target": flow.states[t.target],
            "who": described(t.permission),
            "guards": [described(g) for g in t.guards],
        }
        for t in flow.transitions.values()
    ]
    return render(request, "portal/workflow_detail.html", {"flow": flow, "moves": moves})
