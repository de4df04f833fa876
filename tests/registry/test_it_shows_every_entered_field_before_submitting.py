"""The group's page is the confirmation step of its registration: before it presses
申請する, the group sees every item it entered, as the center will read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kyodo.registry.models import ActivityField, GroupRole, LegalForm
from kyodo.registry.services import PROFILE_FIELDS
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_shows_every_item_of_a_draft_registration(client):
    group = factories.CivicGroupFactory(
        name="雪ノ下の会",
        legal_form=LegalForm.NPO,
        corporate_number="1234567890123",
        representative_kana="ユキノシタ ハナコ",
        contact_name="連絡 三郎",
        postal_code="248-0005",
        address="鎌倉市雪ノ下9-9-9",
        phone="0467-11-2233",
        email="yukinoshita@example.jp",
        website="https://yukinoshita.example.jp",
        social_links="https://sns.example.jp/yukinoshita",
        founded_on=dt.date(2019, 5, 1),
        member_count=41,
        officer_count=7,
        citizen_member_count=33,
        purpose="古い道をきれいにする",
        activities="月に一度の清掃",
        activity_days="毎月第3日曜日",
        public_items=["phone"],
    )
    group.fields.set([ActivityField.objects.get(number=2)])
    factories.RegistrationApplicationFactory(group=group)
    representative = factories.member(group, GroupRole.REPRESENTATIVE)

    page = login(client, representative).get(reverse("registry:my_group", args=[group.pk]))

    text = page.content.decode()
    for value in (
        "NPO法人", "1234567890123", "ユキノシタ ハナコ", "連絡 三郎", "248-0005",
        "鎌倉市雪ノ下9-9-9", "0467-11-2233", "yukinoshita@example.jp",
        "https://yukinoshita.example.jp", "https://sns.example.jp/yukinoshita",
        "令和元年5月1日", "41", "7", "33", "古い道をきれいにする", "月に一度の清掃",
        "鎌倉地域", "毎月第3日曜日", ActivityField.objects.get(number=2).short_name,
    ):  # fmt: skip
        assert value in text, value
    # one row per item the form asks for, labelled as on the review page
    assert text.count("<dt>") >= len(PROFILE_FIELDS) + 1
    assert "設立年月日" in text and "役員数" in text and "市内在住・在勤・在学の会員数" in text
