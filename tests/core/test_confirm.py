"""Irreversible actions ask for confirmation on a page of their own, without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kyodo.registry import services as registry
from kyodo.registry.models import CivicGroup, DocumentKind, GroupDocument

pytestmark = pytest.mark.django_db


def test_it_asks_before_deleting_a_document_and_deletes_only_when_confirmed(
    as_user: Callable[[Any], Client], representative_a: Any, group_a: CivicGroup
) -> None:
    document = registry.document_upload(
        actor=representative_a,
        group=group_a,
        kind=DocumentKind.RULES,
        upload=SimpleUploadedFile("会則.pdf", b"%PDF-1.4\nrules\n", "application/pdf"),
        is_public=True,
    )
    client = as_user(representative_a)
    url = reverse("registry:document_delete", args=[document.pk])
    asked = client.post(url)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "「会則.pdf」を削除しますか。" in page and "この操作は取り消せません。" in page
    # The page's own form sends the confirmation; "back" leads to the group's page.
    assert f'action="{url}"' in page and 'name="confirmed" value="yes"' in page
    assert reverse("registry:my_group", args=[group_a.pk]) in page
    assert GroupDocument.objects.filter(pk=document.pk).exists()

    done = client.post(url, {"confirmed": "yes"})
    assert done.status_code == 302
    assert not GroupDocument.objects.filter(pk=document.pk).exists()


def test_it_carries_the_fields_of_the_first_post_into_the_confirmation(
    as_user: Callable[[Any], Client], representative_a: Any, group_a: CivicGroup
) -> None:
    document = registry.document_upload(
        actor=representative_a,
        group=group_a,
        kind=DocumentKind.RULES,
        upload=SimpleUploadedFile("会則.pdf", b"%PDF-1.4\nrules\n", "application/pdf"),
        is_public=True,
    )
    url = reverse("registry:document_delete", args=[document.pk])
    page = as_user(representative_a).post(url, {"note": '<script>"x"</script>'}).content.decode()
    assert 'name="note" value="&lt;script&gt;&quot;x&quot;&lt;/script&gt;"' in page
