"""Rules the workflow engine enforces for themes and proposals, at their boundaries: a theme
within its course, no lost update on a proposal's plan, attachments frozen with a version."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kyodo.core.editing import EditConflict
from kyodo.core.errors import DomainError
from kyodo.core.workflow import TransitionRefused
from kyodo.programmes import services as programme_services
from kyodo.proposals import services
from kyodo.proposals.models import Proposal
from tests.conftest import login
from tests.gates.conftest import PDF_BYTES
from tests.proposals import factories as pf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ceiling", "years", "refused_field"),
    [
        (500_000, 3, None),  # exactly the 協働 course's cap and years
        (500_001, 3, "budget_ceiling"),
        (500_000, 4, "years"),
        (600_000, 5, "budget_ceiling"),
    ],
)
def test_it_publishes_a_theme_only_within_its_course(
    call: Any, office_staff: Any, ceiling: int, years: int, refused_field: str | None
) -> None:
    theme = pf.CityThemeFactory(
        call=call,
        status="draft",
        course=pf.course("collaboration"),
        budget_ceiling=ceiling,
        years=years,
    )
    if refused_field is None:
        programme_services.theme_publish(actor=office_staff, theme=theme)
        theme.refresh_from_db()
        assert theme.status == "published" and theme.published_at is not None
        return
    with pytest.raises(TransitionRefused):
        programme_services.theme_publish(actor=office_staff, theme=theme)
    theme.refresh_from_db()
    assert theme.status == "draft"
    data = {
        name: getattr(theme, name)
        for name in programme_services.THEME_FIELDS
        if hasattr(theme, name)
    }
    with pytest.raises(DomainError) as refused:
        programme_services.theme_save(actor=office_staff, data=data, theme=theme)
    assert refused.value.field == refused_field


def test_it_refuses_a_plan_saved_on_a_stale_copy_and_keeps_what_was_typed(
    draft: Proposal, representative_a: Any, member_a: Any
) -> None:
    first = login(Client(), representative_a)
    second = login(Client(), member_a)
    url = reverse("proposals:edit", args=[draft.pk])
    loaded_version = draft.version
    services.proposal_update(
        actor=representative_a,
        proposal=draft,
        data={"purpose": "代表者が先に保存した目的"},
        expected_version=loaded_version,
    )
    with pytest.raises(EditConflict):
        services.proposal_update(
            actor=member_a,
            proposal=draft,
            data={"purpose": "会員が古い版の上に書いた目的"},
            expected_version=loaded_version,
        )
    page = second.get(url).content.decode()
    assert f'name="version" value="{loaded_version + 1}"' in page
    form = {
        "title": draft.title,
        "purpose": "古い版から書いた目的",
        "years": "1",
        "version": str(loaded_version),
    }
    response = second.post(url, form)
    assert response.status_code == 200
    text = response.content.decode()
    assert "別の人がこの内容を保存しました" in text
    assert "古い版から書いた目的" in text  # what was typed is still there
    assert "代表者が先に保存した目的" in text  # beside the other save
    draft.refresh_from_db()
    assert draft.purpose == "代表者が先に保存した目的"
    # Saving again on top of the newer version is a deliberate choice, and it goes through.
    form["version"] = str(draft.version)
    assert second.post(url, form).status_code == 302
    draft.refresh_from_db()
    assert draft.purpose == "古い版から書いた目的"
    assert first.get(url).status_code == 200


def test_it_keeps_the_attachments_a_version_was_submitted_with(
    draft: Proposal, representative_a: Any, office_staff: Any
) -> None:
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    attachment = services.attachment_add(
        actor=representative_a, proposal=draft, kind="other", upload=upload
    )
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    attachment.refresh_from_db()
    assert attachment.frozen_in_version == 1
    services.proposal_transition(
        actor=office_staff, proposal=draft, action="return", reason="書類を足してください"
    )
    # Editable again, but the submitted file belongs to version 1.
    with pytest.raises(DomainError):
        services.attachment_delete(actor=representative_a, attachment=attachment)
    assert draft.attachments.filter(pk=attachment.pk).exists()
    # A new file may be added for the next version, and removed while it is not yet frozen.
    extra = services.attachment_add(
        actor=representative_a,
        proposal=draft,
        kind="other",
        upload=SimpleUploadedFile("extra.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    assert extra.frozen_in_version is None
    services.attachment_delete(actor=representative_a, attachment=extra)
    assert not draft.attachments.filter(pk=extra.pk).exists()
