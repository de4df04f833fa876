"""A committee member who declared no conflict opens a proposal's submitted attachments
from the proposal's page; a conflicted or undeclared member, or one of the proposing group,
does not; files uploaded after the submission are not offered."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from kyodo.proposals.models import ProposalAttachment
from kyodo.registry.models import GroupMembership
from kyodo.review import services
from tests.conftest import login
from tests.review.conftest import make_scene

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _file(proposal, frozen: int | None) -> ProposalAttachment:
    return ProposalAttachment.objects.create(
        proposal=proposal,
        kind="rules",
        file=ContentFile(PDF, name="rules.pdf"),
        original_name="会則.pdf" if frozen else "差替え.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=proposal.created_by,
        frozen_in_version=frozen,
    )


def test_a_member_without_a_conflict_opens_the_attachments_from_the_proposal(office_staff):
    scene = make_scene(office_staff, proposals=1, members=3)
    (p1,) = scene.proposals
    frozen, later = _file(p1, 1), _file(p1, None)
    clear, conflicted, undeclared = scene.members
    services.declaration_make(actor=clear, proposal=p1, has_conflict=False)
    services.declaration_make(actor=conflicted, proposal=p1, has_conflict=True, reason="親族")
    client = login(Client(), clear)
    page = client.get(reverse("review:proposal", args=[p1.pk])).content.decode()
    assert reverse("review:attachment", args=[frozen.pk]) in page and "差替え.pdf" not in page
    response = client.get(reverse("review:attachment", args=[frozen.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client.get(reverse("review:attachment", args=[later.pk])).status_code == 404
    for user in (conflicted, undeclared):
        answer = login(Client(), user).get(reverse("review:attachment", args=[frozen.pk]))
        assert answer.status_code == 403
    # Joining the proposing group closes it too.
    GroupMembership.objects.create(group_id=p1.group_id, user=clear)
    assert client.get(reverse("review:attachment", args=[frozen.pk])).status_code == 403
