"""The renewal button is there while a registration runs out at the end of this fiscal year
(or has lapsed), and not again right after the renewal has been approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kyodo.core.permissions import check
from kyodo.japan.calendar import fiscal_year, fiscal_year_end
from kyodo.registry import services
from kyodo.registry.models import CivicGroup
from tests.conftest import login

pytestmark = pytest.mark.django_db
BUTTON = "登録を更新する"


def _page(client, group):
    return client.get(reverse("registry:my_group", args=[group.pk])).content.decode()


def test_the_button_goes_after_the_renewal_is_approved(
    client, group_a, representative_a, center_staff
):
    login(client, representative_a)
    assert BUTTON in _page(client, group_a)

    application = services.renewal_start(actor=representative_a, group=group_a)
    assert BUTTON not in _page(client, group_a)  # the renewal is under way
    services.application_transition(
        application=application, action="submit", actor=representative_a
    )
    services.application_transition(application=application, action="approve", actor=center_staff)
    group_a.refresh_from_db()
    assert group_a.registered_until == fiscal_year_end(fiscal_year(timezone.localdate()) + 1)

    assert BUTTON not in _page(client, group_a)
    decision = check("registry.start_renewal", representative_a, group_a)
    assert not decision and "済んでいます" in str(decision.reason)


def test_a_lapsed_group_may_renew(client, group_a, representative_a):
    last_year_end = fiscal_year_end(fiscal_year(timezone.localdate()) - 1)
    CivicGroup.objects.filter(pk=group_a.pk).update(registered_until=last_year_end)
    group_a.refresh_from_db()
    assert check("registry.start_renewal", representative_a, group_a)


def test_the_boundary_is_the_end_of_this_fiscal_year(group_a, representative_a):
    end = fiscal_year_end(fiscal_year(timezone.localdate()))
    CivicGroup.objects.filter(pk=group_a.pk).update(registered_until=end)
    group_a.refresh_from_db()
    assert check("registry.start_renewal", representative_a, group_a)
    CivicGroup.objects.filter(pk=group_a.pk).update(registered_until=end + dt.timedelta(days=1))
    group_a.refresh_from_db()
    assert not check("registry.start_renewal", representative_a, group_a)
