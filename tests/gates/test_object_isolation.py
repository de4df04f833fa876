"""Gate: a member of group B never reads or changes group A's private data.

Not by opening A's URLs, not by posting B's forms with A's ids swapped in (the
form-tampering a browser's developer tools make trivial), and not through any export.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.registry.models import CivicGroup, GroupDocument, GroupMembership
from tests import factories
from tests.gates.conftest import World

# Values that exist only in group A's private items: none may reach group B's screen.
SECRET_PHONE = "0467-99-1234"
SECRET_EMAIL = "secret-a@example.jp"
SECRET_REPRESENTATIVE = "秘密 代表者"


@pytest.fixture
def isolated(world: World) -> World:
    group = world.group_a
    group.phone = SECRET_PHONE
    group.email = SECRET_EMAIL
    group.representative_name = SECRET_REPRESENTATIVE
    group.public_items = ["purpose", "activities"]  # phone, e-mail, representative: private
    group.save()
    # A second, unregistered group of A's representative: a draft, visible to nobody else.
    draft = factories.CivicGroupFactory(name="グループAの下書き団体", name_kana="したがき")
    GroupMembership.objects.create(
        group=draft, user=world.users["representative_a"], role="representative"
    )
    world.extra["draft"] = draft
    return world


def _text(response) -> str:  # type: ignore[no-untyped-def]
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_it_refuses_b_every_private_page_of_a(isolated: World) -> None:
    w = isolated
    client = w.client_for("member_b")
    for url in [
        reverse("registry:my_group", args=[w.group_a.pk]),
        reverse("registry:group_edit", args=[w.group_a.pk]),
        reverse("registry:certificate", args=[w.group_a.pk]),
        reverse("registry:document_download", args=[w.document_a.pk]),
        reverse("registry:group_detail", args=[w.extra["draft"].pk]),
        reverse("registry:my_group", args=[w.extra["draft"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        body = _text(response)
        for secret in (SECRET_PHONE, SECRET_EMAIL, SECRET_REPRESENTATIVE):
            assert secret not in body, (url, secret)


def test_it_shows_b_only_the_public_items_of_a(isolated: World) -> None:
    w = isolated
    client = w.client_for("member_b")
    pages = [
        reverse("registry:group_detail", args=[w.group_a.pk]),
        reverse("registry:directory") + "?q=グループ",
        reverse("registry:my_groups"),
        reverse("portal:dashboard"),
    ]
    for url in pages:
        body = _text(client.get(url))
        for secret in (SECRET_PHONE, SECRET_EMAIL, SECRET_REPRESENTATIVE):
            assert secret not in body, (url, secret)
    assert "グループAの下書き団体" not in _text(client.get(reverse("registry:directory")))


def test_it_keeps_a_private_out_of_every_export(isolated: World) -> None:
    w = isolated
    client = w.client_for("member_b")
    csv = _text(client.get(reverse("registry:directory_export")))
    assert "グループA" in csv  # A is in the open data …
    for secret in (SECRET_PHONE, SECRET_EMAIL, SECRET_REPRESENTATIVE, "グループAの下書き団体"):
        assert secret not in csv  # … with its private items empty, its draft absent
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("registry:staff_list") + f"?export={fmt}")
        assert response.status_code == 403


def test_it_refuses_b_every_change_to_a_by_posting_a_ids(isolated: World) -> None:
    """B posts the forms B is allowed to use, with A's ids put in their place."""
    w = isolated
    client = w.client_for("member_b")
    before = CivicGroup.objects.get(pk=w.group_a.pk)
    attempts = [
        (reverse("registry:group_edit", args=[w.group_a.pk]), {"name": "乗っ取り", "version": 1}),
        (
            reverse("registry:invite", args=[w.group_a.pk]),
            {"email": "x@example.jp", "role": "representative"},
        ),
        (reverse("registry:document_delete", args=[w.document_a.pk]), {}),
        (reverse("registry:membership_update", args=[w.membership_a.pk]), {"remove": "1"}),
        (
            reverse("registry:membership_update", args=[w.membership_a.pk]),
            {"role": "representative"},
        ),
        (reverse("registry:application_action", args=[w.application_a.pk, "withdraw"]), {}),
        (reverse("registry:renewal_start", args=[w.group_a.pk]), {}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 403, (url, response.status_code)
    after = CivicGroup.objects.get(pk=w.group_a.pk)
    assert (after.name, after.version) == (before.name, before.version)
    assert GroupDocument.objects.filter(pk=w.document_a.pk).exists()
    assert GroupMembership.objects.get(pk=w.membership_a.pk).role == "member"
    assert w.group_a.invitations.count() == 1  # only the fixture's own
    w.application_a.refresh_from_db()
    assert w.application_a.status == "submitted"


def test_it_saves_b_edits_to_b_even_when_a_hidden_id_names_a(isolated: World) -> None:
    """Tampered hidden fields (an id, a group) in B's own edit form never reach A."""
    w = isolated
    client = w.client_for("member_b")
    form = client.get(reverse("registry:group_edit", args=[w.group_b.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data.update(
        {
            "fields": [f.pk for f in w.group_b.fields.all()],
            "area": w.group_b.area_id,
            "public_items": w.group_b.public_items,
            # a private item: a registered group's public items wait for the center
            "contact_name": "連絡 B（改）",
            "id": w.group_a.pk,
            "pk": w.group_a.pk,
            "group": w.group_a.pk,
        }
    )
    response = client.post(reverse("registry:group_edit", args=[w.group_b.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert CivicGroup.objects.get(pk=w.group_b.pk).contact_name == "連絡 B（改）"
    assert CivicGroup.objects.get(pk=w.group_a.pk).contact_name != "連絡 B（改）"


def test_it_lets_b_download_only_the_documents_a_made_public(isolated: World) -> None:
    w = isolated
    client = w.client_for("member_b")
    public = client.get(reverse("registry:document_download", args=[w.public_document_a.pk]))
    assert public.status_code == 200
    assert public["Content-Disposition"].startswith("attachment")
    private = client.get(reverse("registry:document_download", args=[w.document_a.pk]))
    assert private.status_code == 403
