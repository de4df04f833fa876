"""Downloads follow the record's own predicate, carry a file name that says what they are
(RFC 6266/5987, with an ASCII fallback), and the links appear on the record's page."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import login
from tests.documents.conftest import Scene

pytestmark = pytest.mark.django_db


def test_it_sends_the_group_its_proposal_as_pdf_and_word_with_a_japanese_file_name(
    client: Client, scene: Scene
) -> None:
    login(client, scene.representative)
    for fmt, content_type in (
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ):
        response = client.get(
            reverse("documents:proposal", kwargs={"pk": scene.proposal.pk, "fmt": fmt})
        )
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        name = f"令和7年度_協働事業提案書_{scene.group.name}.{fmt}"
        assert response["Content-Disposition"] == (
            f'attachment; filename="proposal-{scene.proposal.pk}.{fmt}"; '
            f"filename*=UTF-8''{quote(name, safe='')}"
        )
        assert response["Cache-Control"] == "private, no-store"
    assert response.content[:2] == b"PK"  # a .docx is a zip


def test_it_refuses_the_proposal_to_another_group_and_asks_strangers_to_log_in(
    client: Client, scene: Scene
) -> None:
    url = reverse("documents:proposal", kwargs={"pk": scene.proposal.pk, "fmt": "pdf"})
    assert client.get(url).status_code == 302
    login(client, factories.UserFactory())
    response = client.get(url)
    assert response.status_code == 403
    assert "この提案を見る権限がありません。" in response.content.decode()


def test_it_answers_404_for_a_format_it_does_not_make(client: Client, scene: Scene) -> None:
    login(client, scene.office)
    url = reverse("documents:proposal", kwargs={"pk": scene.proposal.pk, "fmt": "exe"})
    assert client.get(url).status_code == 404


def test_it_gives_a_committee_member_their_own_score_sheet_only(
    client: Client, scene: Scene
) -> None:
    url = reverse("documents:score_sheet", kwargs={"pk": scene.score_sheet.pk, "fmt": "pdf"})
    login(client, scene.members[0])
    assert client.get(url).status_code == 200
    login(client, scene.members[1])
    assert client.get(url).status_code == 403
    login(client, scene.representative)
    assert client.get(url).status_code == 403


def test_it_shows_the_download_links_on_the_records_pages(client: Client, scene: Scene) -> None:
    login(client, scene.representative)
    pages = {
        reverse("proposals:detail", args=[scene.proposal.pk]): "documents:proposal",
        reverse("proposals:consultation", args=[scene.sheet.pk]): "documents:consultation",
        reverse("review:notice", args=[scene.proposal.pk]): "documents:notice",
        reverse("registry:certificate", args=[scene.group.pk]): "documents:certificate",
        reverse("registry:my_group", args=[scene.group.pk]): "documents:group_profile",
    }
    for page, name in pages.items():
        html = client.get(page).content.decode()
        pk = scene.record(name.split(":")[1]).pk
        for fmt in ("pdf", "docx"):
            assert reverse(name, kwargs={"pk": pk, "fmt": fmt}) in html, (page, fmt)
    client.logout()
    html = client.get(reverse("review:results", args=[scene.committee.call_id])).content.decode()
    assert (
        reverse("documents:results", kwargs={"pk": scene.committee.call_id, "fmt": "pdf"}) in html
    )


def test_it_lists_the_blank_forms_in_the_public_menu(client: Client) -> None:
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("documents:forms") in home
    page = client.get(reverse("documents:forms")).content.decode()
    for key in ("proposal", "consultation", "group_profile"):
        url = reverse("documents:blank", kwargs={"key": key, "fmt": "docx"})
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert (
        client.get(reverse("documents:blank", kwargs={"key": "notice", "fmt": "pdf"})).status_code
        == 404
    )
