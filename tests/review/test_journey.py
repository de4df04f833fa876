"""End to end through the pages: a conflicted member cannot open the proposal; the others
score both rounds; the office records advice and decisions; the group sees its notice;
the public sees the results page."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from kyodo.audit.models import AuditEvent
from kyodo.proposals import workflow
from kyodo.review.models import ConflictDeclaration
from tests import factories
from tests.conftest import login
from tests.review.conftest import Scene


def _client(user) -> Client:
    return login(Client(), user)


def _score(client: Client, scene: Scene, proposal, rnd: int, a: str, b: str, c: str, submit=True):
    ids = {cr.key: cr.pk for cr in scene.criteria}
    data = {f"c{ids['A']}": a, f"c{ids['B']}": b, f"c{ids['C']}": c, "comment": "よい提案"}
    data[f"c{ids['A']}_comment"] = "地域の課題に合っている"
    data["submit" if submit else "save"] = "1"
    return client.post(reverse("review:score", args=[proposal.pk, rnd]), data)


def test_it_runs_the_committee_from_declaration_to_public_results(
    scene, group_a, representative_a, django_capture_on_commit_callbacks
):
    p1, p2 = scene.proposals
    p1.group = group_a
    p1.save(update_fields=["group"])
    conflicted, *others = scene.members
    office = _client(scene.office)

    # The conflicted member declares and cannot open the proposal or its scoring page.
    c0 = _client(conflicted)
    r = c0.get(reverse("review:proposal", args=[p1.pk]))
    assert r.status_code == 403  # must declare first
    r = c0.post(reverse("review:declare", args=[p1.pk]), {"has_conflict": "yes", "reason": ""})
    assert r.status_code == 200 and "利害関係の内容を書いてください" in r.content.decode()
    r = c0.post(
        reverse("review:declare", args=[p1.pk]), {"has_conflict": "yes", "reason": "理事です"}
    )
    assert r.status_code == 302
    assert c0.get(reverse("review:proposal", args=[p1.pk])).status_code == 403
    assert c0.get(reverse("review:score", args=[p1.pk, 1])).status_code == 403
    assert AuditEvent.objects.filter(action="review.declare", target_id=str(p1.pk)).exists()

    # The others declare no conflict and score both rounds.
    values = [("4", "4", "3"), ("3", "na", "4"), ("5", "4", "4"), ("4", "3", "3")]
    for user, (a, b, c) in zip(others, values, strict=True):
        client = _client(user)
        for p in (p1, p2):
            assert (
                client.post(
                    reverse("review:declare", args=[p.pk]), {"has_conflict": "no"}
                ).status_code
                == 302
            )
            page = client.get(reverse("review:proposal", args=[p.pk]))
            assert "居場所をつくる（提出版）" in page.content.decode()
            assert _score(client, scene, p, 1, a, b, c).status_code == 302
            assert _score(client, scene, p, 2, a, b, c).status_code == 302
    # the conflicted member's round 1 on p2
    _client(conflicted).post(reverse("review:declare", args=[p2.pk]), {"has_conflict": "no"})
    assert _score(_client(conflicted), scene, p2, 1, "1", "1", "1").status_code == 302

    # The office sees progress: 4 of 4 on p1 (conflicted member excluded), 5 of 5 on p2 round 1.
    page = office.get(reverse("review:committee", args=[scene.call.pk])).content.decode()
    assert "4 / 4" in page and "5 / 5" in page

    # Advice then decisions.
    for p, rec in ((p1, "adopt_with_conditions"), (p2, "not_adopt")):
        r = office.post(
            reverse("review:staff_proposal_act", args=[p.pk, "advice"]),
            {
                "recommendation": rec,
                "review_comment": f"{p.title}の講評",
                "note": f"{p.title}への付帯意見",
            },
        )
        assert r.status_code == 302
    r = office.post(
        reverse("review:staff_proposal_act", args=[p1.pk, "decision"]),
        {"outcome": "adopted_with_conditions"},
    )
    assert r.status_code == 400 and "採択の条件を書いてください" in r.content.decode()
    mail.outbox.clear()
    with_conditions = {"outcome": "adopted_with_conditions", "conditions": "保険に加入すること"}
    not_adopted = {
        "outcome": "not_adopted",
        "reason": "実施体制が具体的でない",
        # Needed only if its score reaches the pass line (a decision against the rule).
        "rule_reason": "実施体制が具体的でないため",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r1 = office.post(
            reverse("review:staff_proposal_act", args=[p1.pk, "decision"]), with_conditions
        )
        r2 = office.post(
            reverse("review:staff_proposal_act", args=[p2.pk, "decision"]), not_adopted
        )
    assert r1.status_code == 302 and r2.status_code == 302
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert p1.status == workflow.ADOPTED_WITH_CONDITIONS and p2.status == workflow.NOT_ADOPTED
    assert p1.decision.provisional
    notices = [m for m in mail.outbox if "審査結果" in m.subject]
    # One mail per recipient: each group's representatives and the group's own address.
    expected = []
    for proposal in (p1, p2):
        group = proposal.group
        expected += [m.user.email for m in group.memberships.filter(role="representative")]
        expected += [group.email] if group.email else []
    assert sorted(a for m in notices for a in m.to) == sorted(expected)
    assert all(len(m.to) == 1 for m in notices)
    assert any("保険に加入すること" in m.body for m in notices)
    assert any("実施体制が具体的でない" in m.body for m in notices)

    # The group sees its notice, with the conditions; another group does not.
    notice = _client(representative_a).get(reverse("review:notice", args=[p1.pk]))
    assert notice.status_code == 200
    assert "保険に加入すること" in notice.content.decode()
    outsider = factories.UserFactory()
    assert _client(outsider).get(reverse("review:notice", args=[p1.pk])).status_code == 403
    # ... and finds it from its own proposal page, with the mark, 講評 and 付帯意見.
    own = _client(representative_a).get(reverse("proposals:detail", args=[p1.pk]))
    own_page = own.content.decode()
    assert "条件付き採択" in own_page and "内定：予算の成立をもって確定します" in own_page
    assert f"{p1.title}の講評" in own_page and f"{p1.title}への付帯意見" in own_page
    assert reverse("review:notice", args=[p1.pk]) in own_page
    assert f"{p1.title}への付帯意見" in notice.content.decode()

    # Budget passes: decisions become final.
    assert (
        office.post(
            reverse("review:committee_act", args=[scene.call.pk, "budget"]),
            {"passed_on": "2026-03-20"},
        ).status_code
        == 302
    )
    p1.decision.refresh_from_db()
    assert not p1.decision.provisional
    own_page = _client(representative_a).get(reverse("proposals:detail", args=[p1.pk]))
    assert "確定：" in own_page.content.decode()

    # Public results: not before publication, then with totals, means and 講評.
    url = reverse("review:results", args=[scene.call.pk])
    # Anyone is told the results are not out yet (not sent to the log-in page), and sees none.
    before = Client().get(url)
    assert before.status_code == 200
    assert "審査結果はまだ公表されていません" in before.content.decode()
    assert p1.title not in before.content.decode()
    assert (
        office.post(
            reverse("review:committee_act", args=[scene.call.pk, "publish"]),
            {"general_comment": "全体に熱意のある提案でした"},
        ).status_code
        == 302
    )
    public = Client().get(url).content.decode()
    # p1, round 2, four members: A (4+3+5+4)/4 = 4.0, B (4+4+3)/3 = 3.7, C (3+4+4+3)/4 = 3.5
    # total = (2·3/4 + (8/3)/4 + 2.5/4) / 4 × 100 = (1.5 + 0.6667 + 0.625)/4 × 100 = 69.8
    assert "69.8" in public and "4.0" in public and "3.7" in public and "3.5" in public
    assert "提案1の講評" in public and "全体に熱意のある提案でした" in public
    assert "委員1" not in public  # no member names, no individual scores
    assert ConflictDeclaration.objects.filter(proposal=p1, automatic=True).count() == 0
