"""The agreement and the change agreement as documents: the clauses, the cost split per
year and the two seal boxes; the change agreement names its reason and what changed since
the version signed last."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.documents import registry
from kyodo.documents.services import document_build
from kyodo.projects import services
from kyodo.projects.models import Project
from tests.gates.conftest import PDF_BYTES
from tests.projects.conftest import walk_to_confirming

pytestmark = pytest.mark.django_db


def _texts(key: str, agreement: Any, actor: Any) -> list[str]:
    doc = document_build(doc_type=registry.get(key), record=agreement, actor=actor)
    return list(doc.texts())


def test_the_agreement_has_every_clause_the_costs_and_two_seal_boxes(
    project: Project, office_staff: Any
) -> None:
    texts = _texts("agreement", project.agreement, office_staff)  # type: ignore[attr-defined]
    joined = "\n".join(texts)
    for label in ("目的", "協定の期間", "費用の分担", "情報の共有", "個人情報の保護", "事故"):
        assert label in joined, label
    assert "400,000円" in texts and "令和10年度" in texts
    assert texts.count("記名押印") == 2
    assert project.group.name in texts


def test_the_change_agreement_says_why_and_what_changed(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = walk_to_confirming(project, representative_a, department_staff)
    services.agreement_transition(
        actor=representative_a, agreement=agreement, action="confirm_group"
    )
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="confirm_department"
    )
    services.condition_settle(actor=office_staff, condition=project.conditions.get(), note="済")
    services.agreement_conclude(
        actor=office_staff,
        agreement=agreement,
        upload=SimpleUploadedFile("signed.pdf", PDF_BYTES),
        concluded_on=dt.date(2026, 4, 1),
    )
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="change", reason="会場の変更"
    )
    services.agreement_update(
        actor=representative_a, agreement=agreement, content={"purpose": "公民館で開く"}
    )
    agreement.refresh_from_db()
    texts = _texts("change_agreement", agreement, office_staff)
    assert "会場の変更" in texts
    assert "子どもの孤食をなくす" in texts and "公民館で開く" in texts
    assert texts.count("記名押印") == 2
