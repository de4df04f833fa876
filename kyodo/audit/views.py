from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kyodo.audit.models import AuditEvent
from kyodo.core.permissions import authorize
from kyodo.japan.forms import JapaneseDateField


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("操作した人（メールアドレス・氏名）"), required=False, max_length=200
    )
    action = forms.CharField(
        label=_("操作（例：registration.approve）"), required=False, max_length=100
    )
    target = forms.CharField(label=_("対象（名称）"), required=False, max_length=200)
    since = JapaneseDateField(label=_("この日から"), required=False)
    until = JapaneseDateField(label=_("この日まで"), required=False)


def event_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "audit.view_log")
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["target"]:
            events = events.filter(target_label__icontains=data["target"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    params = request.GET.copy()
    params.pop("page", None)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query_string": params.urlencode()},
    )
