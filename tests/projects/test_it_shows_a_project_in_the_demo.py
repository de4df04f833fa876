"""`make demo` shows two projects, both made through the real services: rep@'s group's, whose
agreement is being drafted, and another registered group's from the previous fiscal year's
call, whose first year is finished (settled, evaluated side by side, 改善して継続, its next
year's budget passed). The office, the department and that group reach the finished year by
clicking from their dashboards; the public reads it; loading the demo again adds nothing."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from kyodo.accounts.models import User
from kyodo.evaluation.demo import REPRESENTATIVE, TITLE
from kyodo.evaluation.models import BudgetRequestLine, Evaluation, ReviewMeeting, YearOutcome
from kyodo.evaluation.selectors import agenda_of
from kyodo.japan.calendar import fiscal_year, fiscal_year_start
from kyodo.payments.models import Funding, Payment
from kyodo.projects.models import Project, Report
from kyodo.registry.models import GroupMembership
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", groups=2, stdout=StringIO())


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def _click(client: Client, page: str, url: str) -> str:
    """Follow a link the page shows (failing when it does not show it)."""
    assert url in _links(page), url
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_demo_has_a_project_with_an_agreement_in_progress() -> None:
    _seed()
    project = Project.objects.select_related("agreement", "section").get(
        group__memberships__user__email="rep@kyodo.example"
    )
    assert project.section is not None and project.section.name == "こども支援課"
    assert project.segments.count() == 3
    assert project.agreement.status == "drafting_by_group"  # type: ignore[attr-defined]
    assert project.agreement.versions.count() == 3  # type: ignore[attr-defined]
    assert project.conditions.filter(settled_at__isnull=True).count() == 2

    from kyodo.projects.reports import due_or_overdue

    today = timezone.localdate()
    overdue = [r for r in due_or_overdue(today=today) if r.overdue_on(today)]
    assert [r.kind for r in overdue] == ["interim"]


def test_the_demo_has_another_groups_project_whose_first_year_is_finished() -> None:
    _seed()
    today = timezone.localdate()
    last_year = fiscal_year(today) - 1
    project = Project.objects.select_related("group", "section", "agreement").get(title=TITLE)
    # Another registered group's, with its own representative; rep@ stays on their group.
    rep_groups = GroupMembership.objects.filter(user__email="rep@kyodo.example")
    assert [m.group_id for m in rep_groups] != [project.group_id] and rep_groups.count() == 1
    assert project.group.is_registered()
    assert project.group.memberships.get().user.email == REPRESENTATIVE[0]
    assert project.section is not None and project.section.name == "こども支援課"
    assert project.proposal.call.fiscal_year == project.first_fiscal_year == last_year

    year1, year2, year3 = project.segments.order_by("year_index")
    assert (year1.fiscal_year, year2.fiscal_year, year3.fiscal_year) == (
        last_year,
        last_year + 1,
        last_year + 2,
    )
    # The agreement was concluded on 1 April, then changed for year 2 and concluded again.
    agreement = project.agreement  # type: ignore[attr-defined]
    assert (agreement.status, agreement.kind, agreement.round) == ("concluded", "change", 2)
    assert agreement.concluded_on == fiscal_year_start(last_year + 1) <= today
    assert agreement.scans.count() == 2
    assert project.target_plan.status == "agreed"  # type: ignore[attr-defined]

    # Year 1's money: 400,000 decided and paid in two instalments; 371,680 spent, confirmed
    # at 371,000 (cut below 1,000 yen); 29,000 asked back and received: settled.
    funding = Funding.objects.get(segment=year1)
    assert funding.status == "settled"
    assert (funding.decided_amount, funding.actual_cost, funding.confirmed_amount) == (
        400_000,
        371_680,
        371_000,
    )
    payments = {(p.kind, p.amount, p.status) for p in Payment.objects.filter(funding=funding)}
    assert (
        payments
        == {
            ("instalment", 200_000, "paid"),
            ("refund", 29_000, "paid"),
        }
        and Payment.objects.filter(funding=funding).count() == 3
    )
    # The instalments were claimed and paid in that year, on the days recorded after the fact.
    instalments = Payment.objects.filter(funding=funding, kind="instalment").order_by("due_on")
    assert [(p.claimed_on, p.paid_on) for p in instalments] == [
        (due - dt.timedelta(days=14), due)
        for due in (dt.date(last_year, 5, 31), dt.date(last_year, 10, 31))
    ]
    assert [
        (r.kind, r.status) for r in Report.objects.filter(segment=year1).order_by("due_on")
    ] == [
        ("interim", "accepted"),
        ("results", "accepted"),
    ]

    # Three evaluations submitted; the partners two steps apart on progress (the agenda);
    # the meeting and the budget's passing dated in the year's last weeks, never after today.
    assert {(e.side, e.status) for e in Evaluation.objects.filter(segment=year1)} == {
        ("group", "submitted"),
        ("department", "submitted"),
        ("committee", "submitted"),
    }
    assert [row.axis.key for row in agenda_of(year1)] == ["progress"]
    meeting = ReviewMeeting.objects.get(segment=year1)
    assert fiscal_year(meeting.held_on) == last_year and meeting.held_on <= today
    assert meeting.discussions.keys() == {"progress"}
    outcome = YearOutcome.objects.get(segment=year1)
    assert outcome.outcome == "improve"
    line = BudgetRequestLine.objects.get(outcome=outcome)
    assert (line.fiscal_year, line.status, line.amount) == (last_year + 1, "passed", 370_000)
    assert line.passed_on is not None
    assert line.passed_on < fiscal_year_start(last_year + 1) <= today
    assert line.passed_on > meeting.held_on
    # Year 2 runs now at what passed: 370,000 from the city and the group's 50,000.
    assert (year2.approved_amount, year2.group_amount, year2.total_cost) == (
        370_000,
        50_000,
        420_000,
    )
    assert not YearOutcome.objects.filter(segment__in=[year2, year3]).exists()


def test_the_office_the_department_and_the_group_reach_the_finished_year_by_clicking() -> None:
    _seed()
    project = Project.objects.get(title=TITLE)
    year1 = project.segments.get(year_index=1)
    funding = Funding.objects.get(segment=year1)
    evaluation_page = reverse("evaluation:project", args=[project.pk])
    staff_index = reverse("evaluation:staff_index")
    detail = reverse("projects:detail", args=[project.pk])
    settlement = reverse("payments:settlement", args=[funding.pk])
    people: list[tuple[str, list[str]]] = [
        ("office@kyodo.example", [staff_index, evaluation_page]),
        ("dept@kyodo.example", [staff_index, evaluation_page]),
        (REPRESENTATIVE[0], [evaluation_page]),
    ]
    for email, path in people:
        client = login(Client(), User.objects.get(email=email))
        page = client.get(reverse("portal:dashboard")).content.decode()
        for url in path:
            page = _click(client, page, url)
        # The year side by side: the group's 2 and the department's 4 on progress, marked
        # for the meeting; the meeting's conclusion; the outcome and its reflection.
        assert "改善して継続" in page, email
        assert "1つの観点で団体と担当課の評価が大きく違います" in page, email
        assert "2年目は学校を通じて周知し、小学校への出前授業を加える" in page, email
        assert "出前授業を年4回加えます" in page, email
        # On to the project: the year's money settled, and its settlement against the budget.
        page = _click(client, page, detail)
        assert "精算済み" in page and "371,000円" in page, email
        page = _click(client, page, settlement)
        assert "観察道具の一部を地元の企業から寄付していただいた" in page, email
    # The office and the department see the passed budget line on their budget list.
    for email in ("office@kyodo.example", "dept@kyodo.example"):
        client = login(Client(), User.objects.get(email=email))
        page = _click(
            client,
            client.get(reverse("portal:dashboard")).content.decode(),
            staff_index,
        )
        page = _click(client, page, reverse("evaluation:budget_list"))
        assert TITLE in page and "370,000円" in page and "予算成立" in page, email
    # rep@ (another group) is shown no link to it and may not open it.
    rep = login(Client(), User.objects.get(email="rep@kyodo.example"))
    assert evaluation_page not in _links(rep.get(reverse("portal:dashboard")).content.decode())
    assert rep.get(evaluation_page).status_code == 403


def test_the_public_reads_the_finished_year_from_the_home_page() -> None:
    _seed()
    project = Project.objects.get(title=TITLE)
    last_year = project.first_fiscal_year
    client = Client()
    index = reverse("evaluation:public_index")
    page = _click(client, client.get("/").content.decode(), index)
    page = _click(client, page, reverse("evaluation:public_year", args=[last_year]))
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(TITLE)}</th>.*?</tr>", page, re.S)
    assert row is not None
    assert project.group.name in row[0]
    assert "改善して継続" in row[0] and "予算成立" in row[0]
    assert "出前授業を年4回加えます" in row[0]
    # The project's public page: the committee's evaluation, the outcome, the results report.
    public = client.get(reverse("projects:public_detail", args=[project.pk])).content.decode()
    assert "地域の自然を生かした学びとして定着しつつある。" in public
    assert "1年で自然教室を9回開き、延べ320人の親子が参加した" in public


def test_loading_the_demo_again_changes_nothing() -> None:
    _seed()

    def counts() -> dict[str, Any]:
        return {
            "projects": Project.objects.count(),
            "users": User.objects.count(),
            "memberships": GroupMembership.objects.count(),
            "evaluations": Evaluation.objects.count(),
            "outcomes": YearOutcome.objects.count(),
            "lines": list(BudgetRequestLine.objects.values_list("pk", "status", "amount")),
            "payments": list(Payment.objects.values_list("pk", "status", "amount")),
            "fundings": list(Funding.objects.values_list("pk", "status")),
            "reports": list(Report.objects.values_list("pk", "status")),
            "agreements": list(
                Project.objects.values_list("pk", "agreement__status", "agreement__round")
            ),
        }

    before = counts()
    assert before["projects"] == 2
    _seed()
    assert counts() == before


@pytest.mark.parametrize(
    "day",
    [dt.date(2027, 4, 1), dt.date(2028, 3, 31)],
    ids=["first-day-of-a-fiscal-year", "last-day-of-a-fiscal-year"],
)
def test_the_finished_year_is_seeded_whatever_day_it_is(
    day: dt.date, time_machine: TimeMachineFixture
) -> None:
    """On the first day of a fiscal year as on its last, the previous year is finished and
    no date the services were given (conclusions, decision, meeting, budget) is after today."""
    time_machine.move_to(timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0))), tick=False)
    _seed()
    project = Project.objects.get(title=TITLE)
    assert project.first_fiscal_year == fiscal_year(day) - 1
    funding = Funding.objects.get(segment__project=project, segment__year_index=1)
    line = BudgetRequestLine.objects.get(project=project)
    assert (funding.status, line.status) == ("settled", "passed")
    assert project.agreement.status == "concluded"  # type: ignore[attr-defined]
    dates = [
        funding.decided_on,
        project.agreement.concluded_on,  # type: ignore[attr-defined]
        ReviewMeeting.objects.get(segment__project=project).held_on,
        line.passed_on,
    ]
    assert all(d is not None and d <= day for d in dates), dates
