"""A person's moves from a page (kyodo.core.moves): one panel, one way to take the POST."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404
from django.test import RequestFactory

from kyodo.core.errors import DomainError
from kyodo.core.moves import (
    ReasonForm,
    make_move,
    move_form,
    move_panel,
    person_transition,
    posted_form,
)
from kyodo.payments import workflow as payments
from kyodo.projects import workflow as projects
from kyodo.proposals import workflow as proposals


def _post(data: dict[str, str]) -> Any:
    request = RequestFactory().post("/", data)
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_the_panel_gives_a_button_per_plain_move_and_a_form_per_move_with_a_reason() -> None:
    moves = list(projects.REPORT.transitions.values())
    panel = move_panel(moves, url=lambda action: f"/r/7/{action}/", scope="7")
    assert [b.transition.action for b in panel.buttons] == [
        t.action for t in moves if not t.needs_reason
    ]
    assert [b.transition.action for b in panel.with_form] == [
        t.action for t in moves if t.needs_reason
    ]
    assert panel.with_form and all(b.url.startswith("/r/7/") for b in panel.buttons)
    first = panel.with_form[0]
    assert first.form is not None and first.form.prefix == f"7-{first.transition.action}"
    assert not first.form.is_bound
    assert not move_panel([], url=str)  # nothing to offer: the page shows no panel


def test_a_reason_that_came_back_takes_the_place_of_its_empty_form_only() -> None:
    moves = [t for t in payments.FUNDING.transitions.values() if t.needs_reason][:2]
    assert len(moves) == 2
    one, other = moves
    posted = ReasonForm({f"f-{one.action}-reason": ""}, prefix=f"f-{one.action}")
    assert not posted.is_valid()
    panel = move_panel(moves, url=str, scope="f", posted=posted)
    forms = {b.transition.action: b.form for b in panel.with_form}
    assert forms[one.action] is posted
    assert forms[other.action] is not posted and not forms[other.action].is_bound
    assert move_form("elsewhere", posted).prefix == "elsewhere"


def test_only_a_persons_move_has_an_address() -> None:
    assert person_transition(projects.REPORT, "submit").action == "submit"
    with pytest.raises(Http404):
        person_transition(projects.REPORT, "no-such-move")
    service_only = next(t for t in proposals.PROPOSAL.transitions.values() if not t.by_person)
    with pytest.raises(Http404):
        person_transition(proposals.PROPOSAL, service_only.action)


def test_the_reason_is_read_only_for_a_move_that_asks_for_one() -> None:
    plain = next(t for t in projects.REPORT.transitions.values() if not t.needs_reason)
    asks = next(t for t in projects.REPORT.transitions.values() if t.needs_reason)
    request = _post({f"9-{asks.action}-reason": "  写真が\x07足りません "})
    assert posted_form(request, plain, scope="9") is None
    form = posted_form(request, asks, scope="9")
    assert form is not None and form.is_valid()
    assert form.cleaned_data["reason"] == "写真が足りません"  # trimmed, control characters gone
    blank = posted_form(_post({f"9-{asks.action}-reason": "　 "}), asks, scope="9")
    assert blank is not None and not blank.is_valid() and "reason" in blank.errors


def test_the_move_says_what_was_done_or_why_not() -> None:
    asks = next(t for t in projects.REPORT.transitions.values() if t.needs_reason)
    request = _post({f"{asks.action}-reason": "日付が違います"})
    form = posted_form(request, asks)
    assert form is not None and form.is_valid()
    given: list[str] = []
    assert make_move(request, asks, form, given.append) is True
    assert given == ["日付が違います"]
    assert _said(request) == [("success", f"「{asks.label}」を行いました。")]

    class Failure:
        reason = "収支予算が未入力です"

    class Report:
        blocking = [Failure()]

    def refuse(reason: str) -> None:
        raise DomainError("提出できません。", report=Report())

    request = _post({})
    assert make_move(request, asks, None, refuse) is False
    assert _said(request) == [("error", "提出できません。"), ("error", "収支予算が未入力です")]
