"""The committee pack and the dossier are built by a background task (immediate in tests)
after the request commits; the person sees the progress, then downloads one PDF. The pack
holds only what the member may open and marks every page with their name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kyodo.documents.models import BuiltBundle, BundleKind, BundleStatus
from kyodo.review import services as review
from tests.conftest import login
from tests.documents.conftest import Scene, squeeze
from tests.review.conftest import ready_proposal

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def _ask(client: Client, url: str, capture) -> BuiltBundle:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    bundle = BuiltBundle.objects.get()
    assert response["Location"] == reverse("documents:bundle", args=[bundle.pk])
    return bundle


def test_it_builds_a_members_pack_without_the_proposal_they_declared_a_conflict_on(
    client: Client, scene: Scene, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    member = scene.members[0]
    # Two more proposals in review: the member declares no conflict on one, a conflict on the other.
    open_one = review.review_start(
        actor=scene.office, proposal=ready_proposal(scene.proposal.call, title="公園の花壇づくり")
    )
    conflicted = review.review_start(
        actor=scene.office, proposal=ready_proposal(scene.proposal.call, title="利害のある提案")
    )
    review.declaration_make(actor=member, proposal=open_one, has_conflict=False)
    review.declaration_make(
        actor=member, proposal=conflicted, has_conflict=True, reason="親族が代表者"
    )
    login(client, member)
    bundle = _ask(
        client,
        reverse("documents:committee_pack", args=[scene.committee.call_id]),
        django_capture_on_commit_callbacks,
    )
    bundle.refresh_from_db()
    assert bundle.kind == BundleKind.COMMITTEE_PACK
    assert bundle.status == BundleStatus.READY
    # the decided proposal is no longer under review: only the open one is in the pack
    assert (bundle.done, bundle.total) == (1, 1)
    page = client.get(reverse("documents:bundle", args=[bundle.pk])).content.decode()
    assert reverse("documents:bundle_file", args=[bundle.pk]) in page
    response = client.get(reverse("documents:bundle_file", args=[bundle.pk]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    text = _pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content, tmp_path
    )
    assert "公園の花壇づくり" in text
    assert "利害のある提案" not in text and scene.proposal.title not in text
    pages = text.count("\f")
    assert text.count("﨑山 委員 様 閲覧用") == pages, "every page carries the member's name"
    # Nobody else may have the member's pack.
    login(client, scene.members[1])
    assert client.get(reverse("documents:bundle_file", args=[bundle.pk])).status_code == 403


def test_it_builds_the_dossier_of_one_proposal_for_the_office(
    client: Client, scene: Scene, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    login(client, scene.office)
    page = client.get(reverse("proposals:detail", args=[scene.proposal.pk])).content.decode()
    assert reverse("documents:dossier", args=[scene.proposal.pk]) in page
    bundle = _ask(
        client,
        reverse("documents:dossier", args=[scene.proposal.pk]),
        django_capture_on_commit_callbacks,
    )
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.READY
    # consultation, proposal, minutes, 2 members × 2 rounds of score sheets, the notice
    assert bundle.total == 8
    data = client.get(reverse("documents:bundle_file", args=[bundle.pk])).content
    text = squeeze(_pdf_text(data, tmp_path))
    for subject in (
        "事前相談シート",
        "協働事業提案書",
        "4者協議",
        "採点票",
        "審査結果について（通知）",
    ):
        assert subject in text
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("documents:bundle", args=[bundle.pk]) in dashboard


def test_it_refuses_a_pack_to_someone_not_on_the_committee(client: Client, scene: Scene) -> None:
    login(client, scene.representative)
    response = client.post(reverse("documents:committee_pack", args=[scene.committee.call_id]))
    assert response.status_code == 403
    assert not BuiltBundle.objects.exists()
