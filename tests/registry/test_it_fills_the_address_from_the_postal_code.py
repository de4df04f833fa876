"""The postal code fills in the address: by the form's script through a small JSON
endpoint, and without JavaScript by the form's 「住所を調べる」 button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.registry.models import ActivityField, Area, CivicGroup
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_answers_the_address_of_a_postal_code(client, resident):
    login(client, resident)
    url = reverse("registry:postal_lookup")

    assert client.get(url, {"code": "２４８-０００５"}).json() == {
        "found": True,
        "address": "神奈川県鎌倉市雪ノ下",
    }
    assert client.get(url, {"code": "0000000"}).json() == {"found": False, "address": ""}
    assert client.get(url, {"code": "2" * 30}).json()["found"] is False


def test_it_asks_for_a_log_in_before_looking_up(client):
    response = client.get(reverse("registry:postal_lookup"), {"code": "2480005"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def _typed() -> dict[str, object]:
    return {
        "name": "雪ノ下の会",
        "name_kana": "ゆきのしたのかい",
        "legal_form": "voluntary",
        "representative_name": "鎌倉 花子",
        "postal_code": "248-0005",
        "address": "",
        "member_count": "",  # not yet typed: no message about it while looking up
        "fields": [str(ActivityField.objects.get(number=2).pk)],
        "purpose": "古い道をきれいにする",
        "area": str(Area.objects.get(name="鎌倉地域").pk),
        "public_items": ["phone", "website"],
    }


def test_the_button_fills_the_address_and_keeps_everything_typed(client, resident):
    login(client, resident)

    page = client.post(reverse("registry:group_new"), {**_typed(), "lookup_address": "1"})

    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="神奈川県鎌倉市雪ノ下"' in text
    assert 'value="雪ノ下の会"' in text and "古い道をきれいにする" in text
    assert 'value="phone" id="id_public_items_' in text
    form = page.context["form"]
    assert form.data.getlist("public_items") == ["phone", "website"]
    assert not form.errors  # nothing was sent yet: no message about the empty counts
    assert not CivicGroup.objects.exists()


def test_the_button_says_so_at_the_field_when_the_code_is_unknown(client, resident):
    login(client, resident)

    page = client.post(
        reverse("registry:group_new"),
        {**_typed(), "postal_code": "000-0000", "address": "手で書いた住所", "lookup_address": "1"},
    )

    form = page.context["form"]
    assert list(form.errors) == ["postal_code"]
    assert 'value="手で書いた住所"' in page.content.decode()


def test_the_button_works_on_the_edit_page_too(client, group_a, representative_a):
    login(client, representative_a)
    data = {**_typed(), "version": str(group_a.version), "lookup_address": "1"}

    page = client.post(reverse("registry:group_edit", args=[group_a.pk]), data)

    assert 'value="神奈川県鎌倉市雪ノ下"' in page.content.decode()
    group_a.refresh_from_db()
    assert group_a.address == "鎌倉市雪ノ下1-1-1"  # nothing saved by looking up
