"""Two people editing one group: the second saver sees the conflict and loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kyodo.accounts.models import User
from kyodo.registry.models import CivicGroup
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _form_data(client: Client, group: CivicGroup) -> dict[str, Any]:
    form = client.get(f"/my/groups/{group.pk}/edit/").context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "fields":
            data[name] = [f.pk for f in value]
        elif name == "area":
            data[name] = value.pk
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    return data


def test_it_shows_the_second_saver_the_conflict_and_keeps_their_input(
    as_user: Callable[[User], Client],
    representative_a: User,
    center_staff: User,
    group_a: CivicGroup,
) -> None:
    first = as_user(representative_a)
    second = login(Client(), center_staff)
    first_data = _form_data(first, group_a)
    second_data = _form_data(second, group_a)
    assert first_data["version"] == second_data["version"] == 1

    saved = first.post(f"/my/groups/{group_a.pk}/edit/", first_data | {"phone": "0467-11-1111"})
    assert saved.status_code == 302
    group_a.refresh_from_db()
    assert group_a.version == 2

    typed = second_data | {"activities": "第2・第4日曜日に海岸清掃をします"}
    response = second.post(f"/my/groups/{group_a.pk}/edit/", typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "別の人がこの内容を保存しました" in html
    # Both versions on the page: the saved one (with the other person's phone)…
    assert response.context["conflict_profile"]["phone"] == "0467-11-1111"
    assert "0467-11-1111" in html
    # …and what this person typed, still in the form.
    assert response.context["form"]["activities"].value() == "第2・第4日曜日に海岸清掃をします"
    assert "第2・第4日曜日に海岸清掃をします" in html
    group_a.refresh_from_db()
    assert group_a.phone == "0467-11-1111"
    assert group_a.activities != "第2・第4日曜日に海岸清掃をします"

    # Saving again from the conflict page goes on top of the newer version.
    assert response.context["form"]["version"].value() == "2"
    again = second.post(
        f"/my/groups/{group_a.pk}/edit/", typed | {"version": "2", "phone": "0467-11-1111"}
    )
    assert again.status_code == 302
    group_a.refresh_from_db()
    assert group_a.version == 3
    assert group_a.activities == "第2・第4日曜日に海岸清掃をします"
    assert group_a.phone == "0467-11-1111"


def test_it_keeps_input_and_shows_japanese_messages_next_to_bad_fields(
    as_user: Callable[[User], Client], representative_a: User, group_a: CivicGroup
) -> None:
    client = as_user(representative_a)
    data = _form_data(client, group_a) | {
        "name_kana": "Group A",
        "postal_code": "12345",
        "member_count": "３",
        "citizen_member_count": "５",
        "founded_on": "令和2年13月1日",
    }
    response = client.post(f"/my/groups/{group_a.pk}/edit/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name_kana"] == ["ふりがなは、ひらがなまたはカタカナで入力してください。"]
    assert errors["postal_code"] == ["郵便番号は7桁の数字で入力してください（例：248-0006）。"]
    assert errors["citizen_member_count"] == ["市内の会員数は会員数以下にしてください。"]
    assert "founded_on" in errors
    html = response.content.decode()
    assert 'value="Group A"' in html and 'value="令和2年13月1日"' in html
    group_a.refresh_from_db()
    assert group_a.version == 1


def test_it_refuses_the_edit_form_to_plain_members(
    as_user: Callable[[User], Client], member_a: User, group_a: CivicGroup
) -> None:
    response = as_user(member_a).get(f"/my/groups/{group_a.pk}/edit/")
    assert response.status_code == 403
    assert (
        "団体の情報を変更できるのは、団体の代表者とセンター職員です。" in response.content.decode()
    )
