"""Notifications go out in the city's language, whatever language the person who caused
them uses on screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from kyodo.accounts.models import User
from kyodo.registry import services
from kyodo.registry.models import CivicGroup, GroupRole

pytestmark = pytest.mark.django_db


def test_it_writes_the_subject_in_japanese_when_the_actor_reads_english(
    representative_a: User, group_a: CivicGroup, django_capture_on_commit_callbacks: Any
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=representative_a, group=group_a, email="new@example.jp", role=GroupRole.MEMBER
        )
    assert mail.outbox[0].subject == "【協働】グループA への招待"
    assert "招待されました" in mail.outbox[0].body
