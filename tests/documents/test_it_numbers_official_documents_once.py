"""A certificate or notice takes its number from the locked sequence the first time it is
printed and keeps it (and its date) on every later print; the issue is audited."""

from __future__ import annotations

import pytest

from kyodo.audit.models import AuditEvent
from kyodo.documents.models import IssuedNumber
from tests.documents.conftest import Scene, document_for

pytestmark = pytest.mark.django_db


def test_it_numbers_the_notice_once_and_reprints_the_same_number(scene: Scene) -> None:
    first = document_for(scene, "notice")
    again = document_for(scene, "notice")
    assert first.number.startswith("第") and first.number.endswith("号")
    assert again.number == first.number and again.date == first.date
    assert IssuedNumber.objects.filter(kind="notice").count() == 1
    assert AuditEvent.objects.filter(action="document.issue").count() == 1


def test_it_gives_the_certificate_its_own_sequence(scene: Scene) -> None:
    notice = document_for(scene, "notice")
    certificate = document_for(scene, "certificate")
    assert notice.number.endswith("-0001号") and certificate.number.endswith("-0001号")


def test_it_leaves_unnumbered_documents_without_a_number(scene: Scene) -> None:
    assert document_for(scene, "proposal").number == ""
    assert not IssuedNumber.objects.filter(kind="proposal").exists()
