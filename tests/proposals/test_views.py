"""Pages: who reads what, tampered ids, amounts as people type them, input kept on error."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kyodo.proposals import consultations, selectors, services, workflow
from kyodo.proposals.models import BudgetLine, ConsultationSheet, Proposal
from tests import factories
from tests.proposals import factories as pf


def test_it_shows_a_group_its_own_proposal(as_user: Any, draft: Proposal, member_a: Any) -> None:
    response = as_user(member_a).get(reverse("proposals:detail", args=[draft.pk]))
    assert response.status_code == 200
    assert draft.title in response.content.decode()


@pytest.mark.parametrize(
    "name", ["proposals:detail", "proposals:edit", "proposals:budget", "proposals:versions"]
)
def test_it_never_shows_group_as_proposal_to_group_b(
    as_user: Any, draft: Proposal, member_b: Any, name: str
) -> None:
    response = as_user(member_b).get(reverse(name, args=[draft.pk]))
    assert response.status_code == 403
    assert draft.title not in response.content.decode()


def test_it_refuses_group_b_posting_an_action_on_group_as_proposal(
    as_user: Any, draft: Proposal, member_b: Any
) -> None:
    response = as_user(member_b).post(reverse("proposals:action", args=[draft.pk, "withdraw"]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == workflow.DRAFT


def test_it_ignores_a_tampered_consultation_id_from_another_group(
    as_user: Any, call: Any, group_a: Any, group_b: Any, member_b: Any, representative_a: Any
) -> None:
    sheet_a = ConsultationSheet.objects.create(
        group=group_a, call=call, idea="秘密のアイデア", issue="課題", created_by=representative_a
    )
    client = as_user(member_b)
    response = client.post(
        reverse("proposals:new", args=[group_b.pk]) + f"?call={call.pk}",
        {
            "call": call.pk,
            "course": pf.course("collaboration").pk,
            "title": "B の提案",
            "consultation": sheet_a.pk,
        },
    )
    assert response.status_code == 200  # the form refuses the choice and shows an error
    assert not Proposal.objects.filter(consultation=sheet_a).exists()
    assert "秘密のアイデア" not in response.content.decode()
    assert client.get(reverse("proposals:consultation", args=[sheet_a.pk])).status_code == 403


def test_it_refuses_creating_a_proposal_for_a_group_one_is_not_in(
    as_user: Any, call: Any, group_a: Any, member_b: Any
) -> None:
    response = as_user(member_b).post(
        reverse("proposals:new", args=[group_a.pk]) + f"?call={call.pk}",
        {"call": call.pk, "course": pf.course("collaboration").pk, "title": "なりすまし"},
    )
    assert response.status_code == 403
    assert not Proposal.objects.filter(title="なりすまし").exists()


def test_it_scopes_the_staff_list_by_role(
    draft: Proposal,
    office_staff: Any,
    department_staff: Any,
    center_staff: Any,
    member_b: Any,
    theme: Any,
) -> None:
    on_theme = pf.ProposalFactory(
        call=draft.call, group=draft.group, theme=theme, track="city_proposed"
    )
    assert set(selectors.visible_proposals(office_staff)) == {draft, on_theme}
    assert set(selectors.visible_proposals(department_staff)) == {on_theme}
    assert set(selectors.visible_proposals(center_staff)) == set()
    assert set(selectors.visible_proposals(member_b)) == set()
    on_theme.center_involved = True
    on_theme.save(update_fields=["center_involved"])
    assert set(selectors.visible_proposals(center_staff)) == {on_theme}


def test_it_agrees_between_the_predicate_and_the_selector(
    draft: Proposal,
    office_staff: Any,
    department_staff: Any,
    center_staff: Any,
    member_a: Any,
    member_b: Any,
    resident: Any,
) -> None:
    from kyodo.core.permissions import check

    for user in (office_staff, department_staff, center_staff, member_a, member_b, resident):
        in_list = selectors.visible_proposals(user).filter(pk=draft.pk).exists()
        assert bool(check("proposals.view", user, draft)) == in_list, user


def test_it_hides_proposals_from_the_public(client: Any, draft: Proposal) -> None:
    response = client.get(reverse("proposals:detail", args=[draft.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("５０万円", 500_000), ("500,000", 500_000), ("500000円", 500_000), ("50万", 500_000)],
)
def test_it_understands_amounts_as_people_type_them(
    as_user: Any, draft: Proposal, representative_a: Any, typed: str, amount: int
) -> None:
    data = _budget_post(
        [
            {"kind": "income", "source": "city", "amount": typed},
            {"kind": "expense", "category": "消耗品費", "unit_price": typed, "quantity": "１"},
        ]
    )
    response = as_user(representative_a).post(reverse("proposals:budget", args=[draft.pk]), data)
    assert response.status_code == 302
    lines = list(BudgetLine.objects.filter(proposal=draft).order_by("kind"))
    assert [line.amount for line in lines] == [amount, amount]


def test_it_refuses_a_bad_amount_with_a_message_and_keeps_what_was_typed(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    before = list(BudgetLine.objects.filter(proposal=draft).values_list("amount", flat=True))
    data = _budget_post(
        [
            {
                "kind": "income",
                "source": "city",
                "amount": "五十万",
                "description": "市の負担分",
            },
            {
                "kind": "expense",
                "category": "消耗品費",
                "unit_price": "1,000",
                "quantity": "10",
                "description": "コピー用紙",
            },
        ]
    )
    response = as_user(representative_a).post(reverse("proposals:budget", args=[draft.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "金額は「500,000」「500000円」「50万円」のように入力してください。" in body
    assert 'value="五十万"' in body and 'value="コピー用紙"' in body and 'value="1,000"' in body
    assert (
        list(BudgetLine.objects.filter(proposal=draft).values_list("amount", flat=True)) == before
    )


def test_it_keeps_the_plan_typed_when_the_form_has_an_error(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    response = as_user(representative_a).post(
        reverse("proposals:edit", args=[draft.pk]),
        {"title": "新しい事業名", "purpose": "とても大事な目的", "years": "三"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "とても大事な目的" in body and 'value="新しい事業名"' in body
    draft.refresh_from_db()
    assert draft.title != "新しい事業名"


def test_it_shows_the_failed_rule_on_the_editor(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    group = draft.group
    group.citizen_member_count = 3
    group.save(update_fields=["citizen_member_count"])
    body = (
        as_user(representative_a).get(reverse("proposals:edit", args=[draft.pk])).content.decode()
    )
    assert "市民の構成員が5人以上必要です（現在3人）" in body


def test_it_shows_the_differences_between_versions(
    as_user: Any, draft: Proposal, representative_a: Any, office_staff: Any
) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    services.proposal_transition(
        actor=office_staff, proposal=draft, action="return", reason="目的を具体的に"
    )
    services.proposal_update(
        actor=representative_a, proposal=draft, data={"purpose": "居場所を週3回ひらく"}
    )
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    body = (
        as_user(representative_a)
        .get(reverse("proposals:versions", args=[draft.pk]))
        .content.decode()
    )
    assert "居場所を<del>つくる</del><ins>週3回ひらく</ins>" in body


def test_it_keeps_the_office_list_query_count_flat(
    django_assert_max_num_queries: Any, office_staff: Any, call: Any
) -> None:
    def count(n: int) -> int:
        groups = [factories.CivicGroupFactory(registered=True) for _ in range(2)]
        for i in range(n):
            pf.ProposalFactory(call=call, group=groups[i % 2])
        with CaptureQueriesContext(connection) as ctx:
            rows = [
                (p.group.name, p.call.title, p.course.name, p.state.staff_label)
                for p in selectors.staff_list(user=office_staff)
            ]
        assert len(rows) >= n
        return len(ctx.captured_queries)

    office_staff.role_set  # noqa: B018 (the role cache is per request; warm it once)
    few = count(5)
    many = count(45)
    assert few == many


def test_it_renders_the_office_list_with_filters_in_constant_queries(
    as_user: Any, office_staff: Any, call: Any
) -> None:
    client = as_user(office_staff)
    url = reverse("proposals:staff_list") + f"?call={call.pk}&status=draft"
    for _ in range(3):
        pf.ProposalFactory(call=call)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(20):
        pf.ProposalFactory(call=call)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)


def _budget_post(rows: list[dict[str, str]], years: int = 1) -> dict[str, str]:
    """The budget page's POST: rows of {"kind": income|expense, "year": "1", fields…}."""
    data: dict[str, str] = {}
    for year in range(1, years + 1):
        for kind in ("income", "expense"):
            mine = [r for r in rows if r["kind"] == kind and r.get("year", "1") == str(year)]
            prefix = f"y{year}-{kind}"
            data |= {
                f"{prefix}-TOTAL_FORMS": str(len(mine)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
            for i, row in enumerate(mine):
                for key, value in row.items():
                    if key not in ("kind", "year"):
                        data[f"{prefix}-{i}-{key}"] = value
    return data


def test_it_lets_the_office_assign_a_department_which_then_sees_the_proposal(
    as_user: Any, draft: Proposal, office_staff: Any, department_staff: Any, client: Any
) -> None:
    section = department_staff.role_assignments.get().section
    assert not selectors.visible_proposals(department_staff).filter(pk=draft.pk).exists()
    response = as_user(office_staff).post(
        reverse("proposals:assign", args=[draft.pk]), {"assign-section": section.pk}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.section == section
    client.logout()
    assert (
        as_user(department_staff).get(reverse("proposals:detail", args=[draft.pk])).status_code
        == 200
    )


def test_it_shows_the_office_the_frozen_group_profile(
    as_user: Any, draft: Proposal, representative_a: Any, office_staff: Any
) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    body = as_user(office_staff).get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    assert "提出時の団体情報" in body and "任意団体" in body
    assert "形式審査：差し戻す" in body and "受理する" in body


def test_it_sends_proposals_drafted_from_a_consultation_to_its_department(
    call: Any, group_a: Any, representative_a: Any, center_staff: Any, department_staff: Any
) -> None:
    from kyodo.audit.models import AuditEvent

    sheet = consultations.consultation_create(
        actor=representative_a, group=group_a, call=call, data={"idea": "案", "issue": "課題"}
    )
    proposal = services.proposal_create(
        actor=representative_a,
        group=group_a,
        call=call,
        course=pf.course("collaboration"),
        title="相談からの提案",
        consultation=sheet,
    )
    assert proposal.section is None and proposal.center_involved
    section = department_staff.role_assignments.get().section
    consultations.consultation_assign(actor=center_staff, sheet=sheet, section=section)
    proposal.refresh_from_db()
    assert proposal.section == section
    assert AuditEvent.objects.filter(
        action="proposal.assign_section", target_id=str(proposal.pk)
    ).exists()
    assert selectors.visible_proposals(department_staff).filter(pk=proposal.pk).exists()


def test_it_lets_a_draft_change_its_course_and_no_other_proposal(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    from kyodo.audit.models import AuditEvent
    from kyodo.proposals.forms import PlanForm

    client = as_user(representative_a)
    url = reverse("proposals:edit", args=[draft.pk])
    form = client.get(url).context["form"]
    other = next(c for c in form.fields["course"].queryset if c.pk != draft.course_id)
    data = {k: v for k, v in PlanForm.initial_for(draft).items() if v is not None and k != "course"}
    response = client.post(url, data | {"course": str(other.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.course_id == other.pk
    assert AuditEvent.objects.filter(action="proposal.update", target_id=str(draft.pk)).exists()
    # Once submitted, the editor is closed (and the course with it).
    draft.status = "submitted"
    draft.save(update_fields=["status"])
    assert client.post(url, data).status_code == 403
