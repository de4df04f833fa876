"""A group keeps a private member list (会員名簿): name, role, city resident or not. Its
member, officer and citizen counts follow from the list; the list itself is seen only by the
group's members and registry staff, never on the public page; every change is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.audit.models import AuditEvent
from kyodo.registry.models import GroupMemberEntry
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _add(client, group, name, role="member", citizen=True):
    data = {"name": name, "role": role}
    if citizen:
        data["is_citizen"] = "on"
    return client.post(reverse("registry:member_entry_add", args=[group.pk]), data)


def test_the_counts_follow_the_list(client, group_a, representative_a):
    login(client, representative_a)
    _add(client, group_a, "代表 花子", "representative")
    _add(client, group_a, "会計 次郎", "officer", citizen=False)
    _add(client, group_a, "会員 三郎")

    group_a.refresh_from_db()
    assert (group_a.member_count, group_a.officer_count, group_a.citizen_member_count) == (3, 2, 2)

    entry = GroupMemberEntry.objects.get(name="会計 次郎")
    client.post(
        reverse("registry:member_entry_edit", args=[entry.pk]),
        {"name": "会計 次郎", "role": "member", "is_citizen": "on"},
    )
    group_a.refresh_from_db()
    assert (group_a.member_count, group_a.officer_count, group_a.citizen_member_count) == (3, 1, 3)

    client.post(reverse("registry:member_entry_delete", args=[entry.pk]), {"confirmed": "yes"})
    group_a.refresh_from_db()
    assert (group_a.member_count, group_a.officer_count, group_a.citizen_member_count) == (2, 1, 2)


def test_every_change_leaves_an_audit_event(client, group_a, representative_a):
    login(client, representative_a)
    _add(client, group_a, "会員 三郎")
    entry = GroupMemberEntry.objects.get()
    client.post(
        reverse("registry:member_entry_edit", args=[entry.pk]),
        {"name": "会員 三郎", "role": "officer"},
    )
    client.post(reverse("registry:member_entry_delete", args=[entry.pk]), {"confirmed": "yes"})

    actions = list(
        AuditEvent.objects.filter(action__startswith="member_list.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["member_list.add", "member_list.remove", "member_list.update"]
    assert AuditEvent.objects.filter(action="group.recount").count() == 3


def test_typed_counts_give_way_to_the_list(client, group_a, representative_a):
    """Once the list exists, the edit form shows the counts without letting them be typed,
    and a tampered count is not stored."""
    GroupMemberEntry.objects.create(group=group_a, name="一人目", role="representative")
    login(client, representative_a)
    from kyodo.registry.services import member_entry_add

    member_entry_add(
        actor=representative_a, group=group_a, name="二人目", role="member", is_citizen=True
    )
    group_a.refresh_from_db()
    page = client.get(reverse("registry:group_edit", args=[group_a.pk]))
    form = page.context["form"]
    assert form.fields["member_count"].disabled
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("fields", "area", "public_items")
    }
    data.update(
        {
            "fields": [f.pk for f in group_a.fields.all()] or ["1"],
            "area": group_a.area_id,
            "member_count": "999",
            "founded_on": "2015-04-01",
            "purpose": "目的",
            "activities": "活動",
        }
    )
    client.post(reverse("registry:group_edit", args=[group_a.pk]), data)
    group_a.refresh_from_db()
    assert group_a.member_count == 2


def test_the_list_is_private(client, group_a, member_a, resident, office_staff):
    GroupMemberEntry.objects.create(group=group_a, name="秘密 名簿", role="member")
    url = reverse("registry:member_list", args=[group_a.pk])

    assert "秘密 名簿" in login(client, member_a).get(url).content.decode()
    assert "秘密 名簿" in login(client, office_staff).get(url).content.decode()
    assert login(client, resident).get(url).status_code == 403
    client.logout()
    public = client.get(reverse("registry:group_detail", args=[group_a.pk])).content.decode()
    assert "秘密 名簿" not in public


def test_a_member_who_is_not_a_representative_cannot_change_it(client, group_a, member_a):
    login(client, member_a)
    assert _add(client, group_a, "勝手 追加").status_code == 403
    assert not GroupMemberEntry.objects.exists()
    page = client.get(reverse("registry:member_list", args=[group_a.pk])).content.decode()
    assert "名簿に加える" not in page


def test_a_bad_line_comes_back_with_the_message_at_the_field(client, group_a, representative_a):
    login(client, representative_a)
    page = _add(client, group_a, "")
    assert page.status_code == 200
    assert page.context["form"].errors["name"]


def test_the_group_page_links_to_the_list(client, group_a, member_a):
    page = login(client, member_a).get(reverse("registry:my_group", args=[group_a.pk]))
    assert reverse("registry:member_list", args=[group_a.pk]) in page.content.decode()


def test_a_group_without_a_list_types_its_counts(client, group_a, representative_a):
    page = login(client, representative_a).get(reverse("registry:group_edit", args=[group_a.pk]))
    assert not page.context["form"].fields["member_count"].disabled
