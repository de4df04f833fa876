"""Gate: a double click or a resent POST never creates two records (kyodo.core.once)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse

from kyodo.core.once import FIELD
from kyodo.registry.models import CivicGroup, GroupDocument, GroupInvitation
from tests import factories
from tests.gates.conftest import PDF_BYTES, World

# Views that create a record and name where a repeated POST goes while the first is still
# being processed (@once_per_submit(fallback=...)). Every other view is guarded too
# (SubmitOnceMiddleware); tests/gates/test_submit_once.py proves it form by form.
CREATE_VIEWS = [
    "registry:group_new",
    "registry:invite",
    "registry:document_upload",
    "booking:book",
    "booking:watch",
    "booking:lottery_enter",
    "booking:lottery_new",
    "booking:facility_new",
    "booking:room_new",
    "booking:closure_new",
    "booking:equipment_new",
]
# URL arguments of the create views that take more (or other) than a pk.
CREATE_KWARGS: dict[str, dict[str, int]] = {
    "registry:group_new": {},
    "booking:lottery_new": {},
    "booking:facility_new": {},
    "booking:lottery_enter": {"pk": 1, "room_pk": 1},
}


def _token(html: str) -> str:
    match = re.search(rf'name="{FIELD}" value="([^"]+)"', html)
    assert match, "the form carries no one-time token ({% once_token %})"
    return match.group(1)


def group_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "二重送信を試す会",
        "name_kana": "にじゅうそうしんをためすかい",
        "legal_form": "voluntary",
        "representative_name": "代表 太郎",
        "member_count": "10",
        "officer_count": "3",
        "citizen_member_count": "8",
        "fields": [f.pk for f in factories.fields(13)],
        "purpose": "目的",
        "activities": "活動",
        "area": factories.area().pk,
    }
    data.update(overrides)
    return data


def test_it_guards_every_view_through_the_middleware() -> None:
    from django.conf import settings

    assert settings.MIDDLEWARE[-1] == "kyodo.core.once.SubmitOnceMiddleware"


@pytest.mark.parametrize("name", CREATE_VIEWS)
def test_it_names_where_a_repeat_of_a_create_view_goes(name: str, world: World) -> None:
    kwargs = CREATE_KWARGS.get(name, {"pk": world.group_a.pk})
    assert getattr(resolve(reverse(name, kwargs=kwargs)).func, "once_fallback", ""), name


def test_it_registers_a_group_once_however_often_the_form_is_sent(
    resident: Any, as_user: Any
) -> None:
    client: Client = as_user(resident)
    token = _token(client.get(reverse("registry:group_new")).content.decode())
    first = client.post(reverse("registry:group_new"), {**group_data(), FIELD: token})
    again = client.post(reverse("registry:group_new"), {**group_data(), FIELD: token})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]  # back to what the first one made
    assert CivicGroup.objects.filter(name="二重送信を試す会").count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "二重には登録していません" in page


def test_it_lets_a_corrected_form_through_with_the_same_token(resident: Any, as_user: Any) -> None:
    client: Client = as_user(resident)
    token = _token(client.get(reverse("registry:group_new")).content.decode())
    wrong = client.post(reverse("registry:group_new"), {**group_data(name=""), FIELD: token})
    assert wrong.status_code == 200  # re-shown with the error: the token is released
    fixed = client.post(reverse("registry:group_new"), {**group_data(), FIELD: token})
    assert fixed.status_code == 302
    assert CivicGroup.objects.filter(name="二重送信を試す会").count() == 1


def test_it_invites_once(world: World) -> None:
    client = world.client_for("representative_a")
    page = client.get(reverse("registry:my_group", args=[world.group_a.pk])).content.decode()
    token = re.findall(rf'name="{FIELD}" value="([^"]+)"', page)[0]
    url = reverse("registry:invite", args=[world.group_a.pk])
    for _ in range(3):
        client.post(url, {"email": "new@example.jp", "role": "member", FIELD: token})
    assert GroupInvitation.objects.filter(email="new@example.jp").count() == 1


def test_it_stores_an_uploaded_document_once(world: World) -> None:
    client = world.client_for("representative_a")
    page = client.get(reverse("registry:my_group", args=[world.group_a.pk])).content.decode()
    token = re.findall(rf'name="{FIELD}" value="([^"]+)"', page)[-1]
    url = reverse("registry:document_upload", args=[world.group_a.pk])
    for _ in range(2):
        client.post(
            url,
            {
                "kind": "report",
                "file": SimpleUploadedFile("report.pdf", PDF_BYTES),
                FIELD: token,
            },
        )
    assert GroupDocument.objects.filter(original_name="report.pdf").count() == 1


def test_it_gives_each_form_a_fresh_token(world: World) -> None:
    client = world.client_for("representative_a")
    url = reverse("registry:my_group", args=[world.group_a.pk])
    pages = [client.get(url).content.decode() for _ in range(2)]
    tokens = [t for page in pages for t in re.findall(rf'name="{FIELD}" value="([^"]+)"', page)]
    post_forms = sum(len(re.findall(r'<form [^>]*method="post"', page)) for page in pages)
    assert post_forms >= 6  # the invitation, the upload, log-out, members, documents…
    assert len(tokens) == post_forms and len(set(tokens)) == post_forms


@pytest.fixture
def committed_db(transactional_db: None) -> Any:
    """Real commits, so two threads see each other's rows; the registry's seed rows are put
    back first, and the audit log's SQLite triggers step aside for the closing flush."""
    import importlib

    from django.apps import apps
    from django.db import connection

    importlib.import_module("kyodo.registry.migrations.0002_seed_fields_and_areas").seed(apps, None)
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def test_it_creates_one_group_when_two_identical_posts_arrive_together(
    committed_db: None,
) -> None:
    import threading

    from django.db import connection, connections

    from tests.conftest import login

    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database shares one cache between threads and refuses"
            " concurrent writers with 'table is locked'; the PostgreSQL run covers this"
        )

    user = factories.UserFactory(roles=["resident"])
    token = "the-same-token-twice"
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = login(Client(), user)
            barrier.wait(timeout=10)
            response = client.post(reverse("registry:group_new"), {**group_data(), FIELD: token})
            statuses.append(response.status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert statuses == [302, 302]
    assert CivicGroup.objects.filter(name="二重送信を試す会").count() == 1
