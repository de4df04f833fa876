"""`make demo`: every committee log-in is printed, and the presentation is on a sensible day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kyodo.review.demo import MEMBERS
from kyodo.review.models import PresentationSlot

pytestmark = pytest.mark.django_db


def test_the_demo_prints_every_committee_log_in_and_presents_after_the_deadline() -> None:
    out = StringIO()
    call_command("seed_demo", groups=2, stdout=out)
    printed = out.getvalue()
    for email, _name, _kind in MEMBERS:
        assert email in printed
    assert "committee@kyodo.example" in printed
    slots = list(PresentationSlot.objects.select_related("proposal__call"))
    assert slots
    for slot in slots:
        local = timezone.localtime(slot.starts_at)
        call = slot.proposal.call
        assert local.date() == call.presentation_on > call.closes_on
        assert dt.time(9, 0) <= local.time() <= dt.time(17, 0)  # an afternoon in Japan time
