"""The center approves a registration with the group's documents in front of it: the
approval page lists every uploaded document, private ones too, and each link opens it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kyodo.registry import services
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_approval_page_lists_and_opens_every_document(client, center_staff):
    group = factories.CivicGroupFactory()
    representative = factories.member(group, "representative")
    application = factories.RegistrationApplicationFactory(group=group, submitted=True)
    rules = services.document_upload(
        actor=representative,
        group=group,
        kind="rules",
        upload=SimpleUploadedFile("会則.pdf", PDF, content_type="application/pdf"),
        is_public=False,
    )
    officers = services.document_upload(
        actor=representative,
        group=group,
        kind="officers",
        upload=SimpleUploadedFile("役員名簿.pdf", PDF, content_type="application/pdf"),
        is_public=True,
    )
    login(client, center_staff)

    page = client.get(reverse("registry:staff_application", args=[application.pk]))

    text = page.content.decode()
    for document in (rules, officers):
        link = reverse("registry:document_download", args=[document.pk])
        assert f'href="{link}"' in text and document.original_name in text
        opened = client.get(link)
        assert opened.status_code == 200
        assert b"".join(opened.streaming_content).startswith(b"%PDF")


def test_the_approval_page_says_when_there_is_no_document(client, center_staff):
    application = factories.RegistrationApplicationFactory(submitted=True)
    page = login(client, center_staff).get(
        reverse("registry:staff_application", args=[application.pk])
    )
    assert "この団体は書類を登録していません。" in page.content.decode()
