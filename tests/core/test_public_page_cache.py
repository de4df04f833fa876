"""Anonymous readers of the public pages get a cached page; nobody else ever does."""

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


def test_it_serves_the_second_anonymous_visit_without_touching_the_database(
    client: Client, group_a: CivicGroup, django_assert_num_queries: Any
) -> None:
    first = client.get("/groups/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get("/groups/")
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    client.get(f"/groups/{group_a.pk}/")
    with django_assert_num_queries(0):
        assert client.get(f"/groups/{group_a.pk}/").status_code == 200


def test_it_shows_an_approved_group_at_once(
    client: Client, center_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assert "新しい会" not in client.get("/groups/").content.decode()
    newcomer = factories.CivicGroupFactory(name="新しい会", name_kana="あたらしいかい")
    application = factories.RegistrationApplicationFactory(group=newcomer, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application, action="approve", actor=center_staff
        )
    assert "新しい会" in client.get("/groups/").content.decode()


def test_it_never_serves_a_cached_page_to_a_signed_in_person(
    client: Client, as_user: Callable[[User], Client], resident: User, group_a: CivicGroup
) -> None:
    anonymous = Client()
    anonymous.get("/groups/")
    page = as_user(resident).get("/groups/").content.decode()
    assert resident.full_name in page  # their own navigation, not the anonymous copy
    assert "ログアウト" in page


def test_it_keeps_languages_apart(client: Client, group_a: CivicGroup) -> None:
    japanese = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert '<html lang="ja">' in japanese
    assert '<html lang="en">' in english


def test_it_does_not_store_a_page_that_sets_a_cookie(client: Client) -> None:
    first = client.get("/accounts/login/")  # a form with a token: never cached
    assert first.cookies.get("csrftoken") is not None
    second = Client().get("/accounts/login/")
    assert second.cookies.get("csrftoken") is not None


def test_it_switches_language_with_a_plain_link(client: Client) -> None:
    response = client.get("/i18n/setlang/", {"language": "en", "next": "/groups/"})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/groups/").content.decode()


def test_it_refuses_to_send_the_switch_elsewhere_or_to_an_unknown_language(client: Client) -> None:
    response = client.get("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies
