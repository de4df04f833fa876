"""「市民活動の現状」 as a PDF report through the documents mechanism: linked from the public
page, public like it, and printing the page's figures and the chosen survey tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.japan.calendar import fiscal_year
from kyodo.stats import services as stats
from kyodo.stats.models import NpoCorporation
from kyodo.surveys import services as surveys
from tests.documents.conftest import pdf_text, squeeze
from tests.surveys.builders import RESPONDENTS, build_questionnaire, key_all


def _world(office: Any) -> None:
    NpoCorporation.objects.create(
        corporate_number="1234567890123",
        name="特定非営利活動法人かまくら見守りネット",
        certified_on=dt.date(2015, 4, 10),
        fields=",1,13,",
        is_certified=True,
    )
    NpoCorporation.objects.create(
        corporate_number="2234567890123",
        name="特定非営利活動法人由比ガ浜クリーン",
        certified_on=dt.date(2010, 6, 1),
        fields=",7,",
        dissolved=True,
        dissolved_on=dt.date(2020, 3, 31),
    )
    stats.city_year_save(
        actor=office,
        fiscal_year=2024,
        data={"population": 172_345, "households": 80_123, "general_budget": None},
    )
    built = build_questionnaire(office)
    key_all(office, built.edition, RESPONDENTS)
    surveys.edition_method_update(
        actor=office, edition=built.edition, data={"featured_codes": "Q1,Q4"}
    )
    surveys.edition_step(actor=office, edition=built.edition, step="publish")


def test_it_prints_the_public_page_as_a_pdf_report_linked_from_it(
    office_staff: Any, tmp_path: Path
) -> None:
    _world(office_staff)
    year = fiscal_year(timezone.localdate())
    url = reverse("documents:current_state", kwargs={"pk": year, "fmt": "pdf"})
    anyone = Client()
    page = anyone.get(reverse("stats:current_state"))
    assert url in page.content.decode()

    response = anyone.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(response.content, tmp_path))
    for expected in (
        "市民活動の現状",
        "活動中1法人（うち認定・特例認定1法人）、解散1法人。",
        "年度末の法人数",
        "172,345",
        "80,123",
        "市民意識調査から",
        "Q1．市民活動への関心",
        "関心がある",
        "37.5",  # 3 of 8, as tests/surveys/test_tabulation.py works out by hand
        "Q4．",
        "M.T.13162.5",  # Q4: 13 answers of 8 respondents, worked out in tests/surveys
    ):
        assert squeeze(expected) in text, expected


def test_it_has_no_report_for_a_year_before_the_npo_law_or_in_the_future() -> None:
    anyone = Client()
    for year in (1990, fiscal_year(timezone.localdate()) + 1):
        url = reverse("documents:current_state", kwargs={"pk": year, "fmt": "pdf"})
        assert anyone.get(url).status_code == 404
