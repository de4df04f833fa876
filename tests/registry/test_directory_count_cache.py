"""The directory caches its counts, and every write that changes the directory invalidates them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kyodo.accounts.models import User
from kyodo.registry import services
from kyodo.registry.models import CivicGroup
from tests import factories

pytestmark = pytest.mark.django_db


def _count(client: Client, query: str = "") -> int:
    # A messages cookie keeps the request out of the anonymous page cache, so the view runs
    # and this measures the count cache alone.
    client.cookies["messages"] = ""
    return client.get("/groups/", {"q": query} if query else {}).context["page"].paginator.count


def test_it_counts_once_and_then_reads_the_cached_total(
    client: Client, django_assert_num_queries: Any
) -> None:
    factories.CivicGroupFactory.create_batch(3, registered=True)
    assert _count(client) == 3
    with django_assert_num_queries(5):  # no COUNT: ids, rows, fields, and the two filter lists
        assert _count(client) == 3


def test_it_recounts_after_a_group_is_approved(
    client: Client,
    center_staff: User,
    representative_a: User,
    group_a: CivicGroup,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert _count(client) == 1
    newcomer = factories.CivicGroupFactory(name="新しい会", name_kana="あたらしいかい")
    factories.member(newcomer, "representative")
    application = factories.RegistrationApplicationFactory(group=newcomer, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application, action="approve", actor=center_staff
        )
    assert _count(client) == 2


def test_it_recounts_a_search_after_a_group_is_renamed(
    as_user: Callable[[User], Client],
    client: Client,
    center_staff: User,
    group_a: CivicGroup,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The center renames it: a registered group's own rename waits for the center
    # (test_it_holds_public_changes_for_the_center), and reaches the directory only then.
    assert _count(client, "ﾕｲｶﾞﾊﾏ") == 0
    data = {"name": "由比ガ浜の会", "name_kana": "ゆいがはまのかい"}
    with django_capture_on_commit_callbacks(execute=True):
        services.group_update(
            actor=center_staff,
            group=group_a,
            data=data,
            fields=list(group_a.fields.all()),
            expected_version=group_a.version,
        )
    assert _count(client, "ﾕｲｶﾞﾊﾏ") == 1
