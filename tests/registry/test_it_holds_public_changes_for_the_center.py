"""After approval, a group's changes to what the public sees are shown to the center as a
before/after review; the public page keeps the approved version until the center accepts.
Private items change at once; the center's own edits are not held."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.audit.models import AuditEvent
from kyodo.registry.forms import GroupForm
from kyodo.registry.models import CivicGroup, PendingPublicChange
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _save(client, group: CivicGroup, **changes: object) -> None:
    initial = GroupForm.initial_for(group)
    data: dict[str, object] = {
        k: v for k, v in initial.items() if v is not None and k not in ("fields", "area")
    }
    data.update(
        fields=[f.pk for f in group.fields.all()],
        area=group.area_id,
        version=group.version,
        founded_on=group.founded_on.isoformat() if group.founded_on else "",
        **changes,
    )
    response = client.post(reverse("registry:group_edit", args=[group.pk]), data)
    assert response.status_code == 302, response.context["form"].errors


@pytest.fixture
def registered(group_a):
    """Group A as the form stores it (the form writes readings in katakana)."""
    group_a.fields.set([1])
    CivicGroup.objects.filter(pk=group_a.pk).update(name_kana="グループエー")
    group_a.refresh_from_db()
    return group_a


def test_a_public_change_waits_for_the_center(
    client, registered, representative_a, office_staff, django_capture_on_commit_callbacks
):
    login(client, representative_a)
    _save(client, registered, purpose="新しい目的", phone="0467-99-9999")

    registered.refresh_from_db()
    assert registered.purpose == "地域の子どもたちの居場所をつくる"  # public: held
    assert registered.phone == "0467-99-9999"  # private (not ticked): saved at once
    change = PendingPublicChange.objects.get(group=registered)
    assert change.proposed == {"purpose": "新しい目的"}
    client.logout()
    public = client.get(reverse("registry:group_detail", args=[registered.pk])).content.decode()
    assert "地域の子どもたちの居場所をつくる" in public and "新しい目的" not in public

    # the group sees its change, marked as awaiting the center, and edits on top of it
    own = login(client, representative_a).get(reverse("registry:my_group", args=[registered.pk]))
    assert "新しい目的" in own.content.decode() and "確認待ち" in own.content.decode()
    edit = client.get(reverse("registry:group_edit", args=[registered.pk]))
    assert edit.context["form"].initial["purpose"] == "新しい目的"

    # the center reviews before and after, and accepts
    review = login(client, office_staff).get(reverse("registry:public_change", args=[change.pk]))
    rows = review.context["rows"]
    assert [(r.key, r.before, r.after) for r in rows] == [
        ("purpose", "地域の子どもたちの居場所をつくる", "新しい目的")
    ]
    with django_capture_on_commit_callbacks(execute=True):  # the public page cache moves on
        client.post(reverse("registry:public_change", args=[change.pk]), {"action": "accept"})
    registered.refresh_from_db()
    assert registered.purpose == "新しい目的"
    assert not PendingPublicChange.objects.exists()
    assert AuditEvent.objects.filter(action="group.public_change.accept").exists()
    client.logout()
    public = client.get(reverse("registry:group_detail", args=[registered.pk])).content.decode()
    assert "新しい目的" in public


def test_the_center_can_decline_with_a_reason(client, registered, representative_a, center_staff):
    login(client, representative_a)
    _save(client, registered, name="別の名前の会")
    change = PendingPublicChange.objects.get()
    login(client, center_staff)

    missing = client.post(
        reverse("registry:public_change", args=[change.pk]), {"action": "decline"}
    )
    assert missing.status_code == 200 and missing.context["decline_form"].errors["reason"]

    client.post(
        reverse("registry:public_change", args=[change.pk]),
        {"action": "decline", "reason": "団体名の変更は総会の議事録を添えてください"},
    )
    registered.refresh_from_db()
    assert registered.name == "グループA"
    assert not PendingPublicChange.objects.exists()
    assert AuditEvent.objects.filter(action="group.public_change.decline").exists()


def test_making_a_private_item_public_is_held_too(client, registered, representative_a):
    login(client, representative_a)
    _save(client, registered, public_items=[*registered.public_items, "phone"])
    registered.refresh_from_db()
    assert "phone" not in registered.public_items
    assert "public_items" in PendingPublicChange.objects.get().proposed


def test_a_group_not_yet_registered_edits_directly(client, representative_a):
    group = representative_a.group_memberships.get().group
    CivicGroup.objects.filter(pk=group.pk).update(registration_number=None, registered_until=None)
    group.refresh_from_db()
    group.fields.set([1])
    login(client, representative_a)
    _save(client, group, purpose="登録前の変更")
    group.refresh_from_db()
    assert group.purpose == "登録前の変更"
    assert not PendingPublicChange.objects.exists()


def test_the_centers_own_edit_is_not_held(client, registered, center_staff):
    login(client, center_staff)
    _save(client, registered, purpose="センターが直した目的")
    registered.refresh_from_db()
    assert registered.purpose == "センターが直した目的"
    assert not PendingPublicChange.objects.exists()


def test_putting_it_back_withdraws_the_held_change(client, registered, representative_a):
    login(client, representative_a)
    _save(client, registered, purpose="新しい目的")
    registered.refresh_from_db()
    _save(client, registered, purpose="地域の子どもたちの居場所をつくる")
    assert not PendingPublicChange.objects.exists()


def test_a_renewal_submits_and_approval_applies_the_held_change(
    client, registered, representative_a, center_staff
):
    from kyodo.registry import services

    login(client, representative_a)
    _save(client, registered, purpose="更新で変える目的")
    application = services.renewal_start(actor=representative_a, group=registered)
    services.application_transition(
        application=application, action="submit", actor=representative_a
    )
    application.refresh_from_db()
    assert application.snapshot["purpose"] == "更新で変える目的"
    services.application_transition(application=application, action="approve", actor=center_staff)
    registered.refresh_from_db()
    assert registered.purpose == "更新で変える目的"
    assert not PendingPublicChange.objects.exists()


def test_the_queue_links_to_the_review(client, registered, representative_a, office_staff):
    login(client, representative_a)
    _save(client, registered, purpose="新しい目的")
    change = PendingPublicChange.objects.get()
    page = login(client, office_staff).get(reverse("registry:staff_applications"))
    assert reverse("registry:public_change", args=[change.pk]) in page.content.decode()
