"""Every page of the cycle renders for the people who use it, and the inbox shows work."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.proposals import services
from kyodo.proposals.models import ConsultationSheet, Proposal


def test_it_shows_the_public_call_page_with_its_timeline_and_published_themes(
    client: Any, call: Any, theme: Any
) -> None:
    body = client.get(reverse("programmes:call", args=[call.pk])).content.decode()
    assert call.title in body and "スケジュール" in body and theme.title in body
    assert client.get(reverse("programmes:theme", args=[theme.pk])).status_code == 200


def test_it_hides_a_draft_theme_from_the_public(client: Any, call: Any) -> None:
    from tests.proposals.factories import CityThemeFactory

    theme = CityThemeFactory(call=call, status="draft", title="未公開のテーマ")
    response = client.get(reverse("programmes:theme", args=[theme.pk]))
    assert response.status_code in (302, 403)
    assert "未公開のテーマ" not in response.content.decode()
    assert (
        "未公開のテーマ"
        not in client.get(reverse("programmes:call", args=[call.pk])).content.decode()
    )


def test_it_lets_a_department_draft_and_the_office_publish_a_theme(
    as_user: Any, call: Any, department_staff: Any, office_staff: Any, client: Any
) -> None:
    section = department_staff.role_assignments.get().section
    data = {
        "call": call.pk,
        "course": call.courses.get(key="collaboration").pk,
        "section": section.pk,
        "title": "高齢者の見守り",
        "background": "背景",
        "outline": "概要",
        "expectations": "期待",
        "budget_ceiling": "４０万円",
        "years": "3",
        "contact": "担当課",
    }
    response = as_user(department_staff).post(reverse("programmes:theme_new"), data)
    assert response.status_code == 302
    from kyodo.programmes.models import CityTheme

    theme = CityTheme.objects.get(title="高齢者の見守り")
    assert theme.budget_ceiling == 400_000 and theme.status == "draft"
    client.logout()
    office = as_user(office_staff)
    assert "高齢者の見守り" in office.get(reverse("portal:dashboard")).content.decode()
    office.post(reverse("programmes:theme_publish", args=[theme.pk]))
    theme.refresh_from_db()
    assert theme.status == "published"


def test_it_records_a_consultation_that_the_group_can_follow(
    as_user: Any,
    call: Any,
    group_a: Any,
    representative_a: Any,
    center_staff: Any,
    department_staff: Any,
    client: Any,
) -> None:
    response = as_user(representative_a).post(
        reverse("proposals:consultation_new", args=[group_a.pk]) + f"?call={call.pk}",
        {"call": call.pk, "idea": "海岸清掃", "issue": "海ごみ"},
    )
    sheet = ConsultationSheet.objects.get(group=group_a)
    assert response.status_code == 302
    client.logout()
    center = as_user(center_staff)
    section = department_staff.role_assignments.get().section
    center.post(
        reverse("proposals:consultation_manage", args=[sheet.pk, "assign"]), {"section": section.pk}
    )
    center.post(
        reverse("proposals:consultation_manage", args=[sheet.pk, "meeting"]),
        {
            "held_on": "令和8年5月10日",
            "attendees": "団体、センター",
            "notes": "役割を話し合った",
            "next_steps": "担当課と面談",
        },
    )
    client.logout()
    body = (
        as_user(representative_a)
        .get(reverse("proposals:consultation", args=[sheet.pk]))
        .content.decode()
    )
    assert "役割を話し合った" in body and section.name in body and "令和8年5月10日" in body

    # The department it was assigned to finds it on its dashboard, records and concludes it;
    # choosing the department stays with the office and the center.
    client.logout()
    department = as_user(department_staff)
    dashboard = department.get(reverse("portal:dashboard")).content.decode()
    assert reverse("proposals:consultation", args=[sheet.pk]) in dashboard
    page = department.get(reverse("proposals:consultation", args=[sheet.pk])).content.decode()
    assert reverse("proposals:consultation_manage", args=[sheet.pk, "meeting"]) in page
    assert reverse("proposals:consultation_manage", args=[sheet.pk, "assign"]) not in page
    assert (
        department.post(
            reverse("proposals:consultation_manage", args=[sheet.pk, "assign"]),
            {"section": section.pk},
        ).status_code
        == 403
    )
    response = department.post(
        reverse("proposals:consultation_manage", args=[sheet.pk, "conclude"]),
        {"outcome": "matched", "note": "提案の準備へ"},
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.outcome == "matched"


def test_it_shows_the_office_its_inbox_and_the_staff_list(
    as_user: Any, draft: Proposal, representative_a: Any, office_staff: Any, client: Any
) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    client.logout()
    office = as_user(office_staff)
    assert draft.title in office.get(reverse("portal:dashboard")).content.decode()
    body = office.get(reverse("proposals:staff_list") + "?status=submitted&q=食堂").content.decode()
    assert draft.title in body
    assert office.get(reverse("programmes:staff_overview")).status_code == 200
    assert office.get(reverse("proposals:staff_consultations")).status_code == 200


def test_it_lets_the_office_edit_a_course_rule_without_code(
    as_user: Any, call: Any, office_staff: Any
) -> None:
    course = call.courses.get(key="collaboration")
    office = as_user(office_staff)
    form = office.get(reverse("programmes:course_edit", args=[course.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
    data.update({k: "on" for k, v in form.initial.items() if v is True})
    data.update(
        {
            "tracks": course.tracks,
            "cost_shares": "90%、80%、70%",
            "cap_by_adoption": "300,000、150,000",
        }
    )
    response = office.post(reverse("programmes:course_edit", args=[course.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    course.refresh_from_db()
    assert course.cost_shares == ["90%", "80%", "70%"]
    assert course.cap_by_adoption == [300_000, 150_000]


def test_it_shows_a_calls_consultations_and_four_party_meetings_in_one_table(
    as_user: Any,
    draft: Proposal,
    representative_a: Any,
    office_staff: Any,
    department_staff: Any,
    client: Any,
) -> None:
    import datetime as dt
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from kyodo.proposals import fourparty

    ConsultationSheet.objects.create(
        group=draft.group,
        call=draft.call,
        idea="海岸の清掃",
        issue="海ごみ",
        created_by=representative_a,
    )
    draft.section = department_staff.role_assignments.get().section
    draft.save(update_fields=["section"])
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    services.proposal_transition(actor=office_staff, proposal=draft, action="accept")
    meeting = fourparty.fourparty_schedule(
        actor=office_staff, proposal=draft, scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    fourparty.fourparty_record(
        actor=office_staff, meeting=meeting, minutes="議論", outcome="revise", reason="目標を数字で"
    )
    office = as_user(office_staff)
    url = reverse("proposals:call_consultations", args=[draft.call_id])
    # Reached from the list of consultations.
    assert url in office.get(reverse("proposals:staff_consultations")).content.decode()
    page = office.get(url + "?sort=-kind")
    rows = page.context["rows"]
    assert [r.kind for r in rows] == ["事前相談", "4者協議"]
    assert rows[1].title == draft.title and rows[1].reason == "目標を数字で"
    assert rows[1].section == draft.section.name and rows[1].outcome == "修正して再協議"
    assert 'aria-sort="descending"' in page.content.decode()

    export = office.get(url + "?sort=group&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("種類", "提案・相談の内容", "団体")
    assert {v[0] for v in values[1:]} == {"事前相談", "4者協議"}

    # A department sees what is its own: the four-party meeting, not the unassigned sheet.
    client.logout()
    kinds = [r.kind for r in as_user(department_staff).get(url).context["rows"]]
    assert kinds == ["4者協議"]
