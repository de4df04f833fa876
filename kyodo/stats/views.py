"""Statistics pages: the public 「市民活動の現状」 and the staff's import and yearly figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.core.errors import DomainError, form_error
from kyodo.core.http import acting_user
from kyodo.core.once import once_per_submit
from kyodo.core.permissions import authorize
from kyodo.documents.types.stats import CurrentState
from kyodo.japan.calendar import fiscal_year, wareki_fiscal_year
from kyodo.stats import selectors, services
from kyodo.stats.forms import CityYearForm, NpoUploadForm
from kyodo.stats.models import NpoImport
from kyodo.surveys import charts
from kyodo.surveys.selectors import featured_tables


def current_state(request: HttpRequest) -> HttpResponse:
    """「市民活動の現状」: NPO corporations, registered groups, the city's figures and the
    survey results staff chose, as charts with their tables."""
    by_year = selectors.npo_by_year()
    recent = by_year[-10:]
    by_field = selectors.npo_by_field()
    groups_year = selectors.groups_by_year()
    groups_field = selectors.groups_by_field()
    context: dict[str, Any] = {
        "totals": selectors.npo_totals(),
        "by_year": recent,
        "by_field": by_field,
        "groups_year": groups_year,
        "groups_field": groups_field,
        "city_years": selectors.city_years(),
        "npo_year_chart": charts.count_chart(
            "chart-npo-year",
            _("年度末のNPO法人数"),
            [(wareki_fiscal_year(r.year), r.active) for r in recent],
        ),
        "npo_field_chart": charts.count_chart(
            "chart-npo-field",
            _("活動分野別のNPO法人数（重複あり）"),
            [(name, n) for _num, name, n in by_field],
        ),
        "groups_year_chart": charts.count_chart(
            "chart-groups-year",
            _("年度末の登録団体数"),
            [(wareki_fiscal_year(year), n) for year, n in groups_year],
        ),
        "groups_field_chart": charts.count_chart(
            "chart-groups-field",
            _("活動分野別の登録団体数（重複あり）"),
            [(name, n) for _num, name, n in groups_field],
        ),
        "report": CurrentState(fiscal_year(timezone.localdate())),
        "survey_blocks": [
            (edition, [{"table": t, "chart": charts.bar_chart(t)} for t in tables])
            for edition, tables in featured_tables()
        ],
    }
    return render(request, "stats/current_state.html", context)


def _staff(request: HttpRequest) -> Any:
    authorize(request.user, "stats.manage")
    return acting_user(request)


@once_per_submit(fallback="stats:staff_index")
def staff_index(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    form = NpoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.npo_import_start(
                actor=actor, data=upload.read(), filename=upload.name or ""
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("取込みを始めました。進み具合はこのページで確かめられます。")
            )
            return redirect("stats:import_detail", pk=record.pk)
    context = {
        "form": form,
        "imports": selectors.recent_imports(),
        "year_form": CityYearForm(),
        "city_years": selectors.city_years(),
        "totals": selectors.npo_totals(),
    }
    return render(request, "stats/staff_index.html", context)


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    record = get_object_or_404(NpoImport.objects.select_related("started_by"), pk=pk)
    return render(request, "stats/import_detail.html", {"record": record})


def city_years(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    form = CityYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.city_year_save(actor=actor, fiscal_year=data["fiscal_year"], data=data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(y)sの数値を保存しました。") % {"y": wareki_fiscal_year(data["fiscal_year"])},
            )
            return redirect("stats:city_years")
    return render(
        request, "stats/city_years.html", {"form": form, "city_years": selectors.city_years()}
    )
