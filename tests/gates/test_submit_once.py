"""Gate: every POST form of Kyodo makes one effect however often the same submission arrives.

The forms are discovered (tests/gates/forms.py: every page of the authorization matrix, as
every persona who may open it), not listed by hand; FORMS below only says, per form, what a
valid submission needs beyond what the page fills in, so that the first POST really changes
something. Each form is then sent twice with the same one-time token, inside a transaction
that is rolled back:

  - every POST form carries exactly one one-time token (kyodo.core.once);
  - the first answer is never a 500; a redirect means it succeeded, and then the second
    answer is a redirect to the same place and changes nothing: no row and no audit event
    more than after the first;
  - an answer that is not a redirect (the form again with a message) changes nothing, and
    releases the token, so the corrected form can be sent;
  - at least one persona's submission of each form succeeds with an effect, unless FORMS
    says why it cannot in the gates' world.

A new form fails `test_it_knows_every_post_form` with the line to add.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from kyodo.audit.models import AuditEvent
from kyodo.core.models import FormSubmission
from kyodo.core.once import FIELD, new_token
from tests.gates.conftest import PDF_BYTES, PNG_BYTES, World
from tests.gates.forms import Form, by_key, discover_forms
from tests.gates.test_authorization_matrix import MATRIX, PATTERNS


@dataclass(frozen=True)
class Case:
    data: dict[str, Any] = field(default_factory=dict)  # beyond what the page fills in
    # Objects a valid submission needs, made inside the case's transaction: → more data.
    given: Callable[[World], dict[str, Any]] | None = None
    tick: tuple[str, ...] = ()  # check boxes to tick (the first of each group)
    no_effect: str = ""  # why no submission in the gates' world changes a row
    writes_on_page: str = ""  # why an answer that is not a redirect writes rows


def _new_committee_member(world: World) -> dict[str, Any]:
    from kyodo.accounts.models import Role
    from tests import factories

    user = factories.UserFactory(roles=[Role.COMMITTEE], email="gate-committee@example.jp")
    return {"email": user.email}


def _days_ahead(days: int) -> str:
    """A weekday `days` or more from today (the gates' world is built relative to today)."""
    import datetime as dt

    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day.isoformat()


def _free_booking_day(world: World) -> dict[str, Any]:
    # The world's booking is 21 days ahead; a month ahead is free and inside the window.
    return {"day": _days_ahead(30), "holder_name": "窓口の利用者"}


def _lottery_day(world: World) -> dict[str, Any]:
    # The world's lottery covers 40–50 days ahead; group A entered the 41st day's evening.
    import datetime as dt

    lottery = world.extra["booking_lottery"]
    return {"day": (lottery.first_day + dt.timedelta(days=4)).isoformat()}


def _new_lottery(world: World) -> dict[str, Any]:
    return {
        "first_day": _days_ahead(90),
        "last_day": _days_ahead(100),
        "opens_on": _days_ahead(1),
        "closes_on": _days_ahead(20),
        "confirm_on": _days_ahead(30),
        "per_group_cap": "3",
    }


def _settle_note(world: World) -> dict[str, Any]:
    # The settle form's fields are prefixed with the condition's id.
    return {f"settle-{world.extra['condition_a'].pk}-note": "安全管理の計画を受け取った"}


def _report_schedule(world: World) -> dict[str, Any]:
    return {"schedule-due_dates": "2026-09-30\n2027-04-30"}


def _report_session(world: World) -> dict[str, Any]:
    year = world.extra["project_a"].first_fiscal_year  # the session reports on that year
    return {"held_on": f"{year + 1}-02-14", "place": "ゲートの報告会場"}


def _decide(world: World) -> dict[str, Any]:
    prefix = f"money-{world.extra['funding_a'].pk}-decide"
    return {f"{prefix}-decided_amount": "200000", f"{prefix}-decided_on": "2026-05-01"}


def _instalment(world: World) -> dict[str, Any]:
    prefix = f"money-{world.extra['funding_a'].pk}-instalment"
    return {f"{prefix}-amount": "50000", f"{prefix}-due_on": "2026-09-30"}


def _meeting(world: World) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    return {
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "attendees": "団体代表、担当課、協働担当課",
        "discussion_progress": "会場を駅の近くに移す",
        "conclusion": "改善して継続",
    }


OK = Case()
# Irreversible actions ask first (kyodo.core.confirm); the gate sends the confirmed form.
CONFIRMED = Case(data={"confirmed": "yes"})
FORMS: dict[str, Case] = {
    # accounts
    "POST accounts:login": Case(no_effect="the gates' personas have no password to type"),
    "POST accounts:logout": Case(no_effect="ends the session; no row of Kyodo changes"),
    "POST accounts:otp_setup": Case(
        no_effect="needs the six digits of a real authenticator",
        writes_on_page="the page keeps the person's unconfirmed device for the next try",
    ),
    "POST accounts:otp_verify": Case(no_effect="needs the six digits of a real authenticator"),
    "POST accounts:password_reset": Case(
        data={"email": "nobody@example.jp"},
        no_effect="sends mail only to an address that exists, and never says which",
    ),
    "POST accounts:sign_up": Case(
        data={
            "email": "gate-new@example.jp",
            "full_name": "新規 登録",
            "full_name_kana": "しんき とうろく",
            "password1": "a-long-gate-password-2026",
            "password2": "a-long-gate-password-2026",
        },
    ),
    "POST accounts:role_revoke": OK,
    "POST accounts:division_new": Case(data={"name": "ゲート部"}),
    "POST accounts:division_edit": Case(data={"name": "ゲート改名部"}),
    "POST accounts:section_new": Case(data={"name": "ゲート課"}),
    "POST accounts:section_edit": Case(data={"name": "ゲート改名課"}),
    "POST accounts:totp_reset": OK,
    "POST accounts:user_detail": Case(data={"role": "committee"}),
    # portal
    "POST portal:inbox_read_all": OK,
    "POST portal:mail_resend": OK,
    "POST portal:notice_open": OK,
    # programmes
    "POST programmes:call_edit": OK,
    "POST programmes:call_new": Case(tick=("courses",)),
    "POST programmes:course_edit": OK,
    "POST programmes:budget_categories": Case(data={"category-0-name_en": "Honoraria (gate)"}),
    "POST programmes:issue_new": OK,
    "POST programmes:theme_edit": OK,
    "POST programmes:theme_new": Case(data={"budget_ceiling": "500000"}),
    # projects
    "POST projects:agreement_action[action=cancel]": Case(data={"cancel-reason": "団体の解散"}),
    "POST projects:agreement_action[action=to_department]": OK,
    "POST projects:agreement_edit": Case(data={"purpose": "ゲートで直した協定の目的"}),
    "POST projects:condition_settle": Case(given=_settle_note),
    "POST projects:report_action[action=submit]": OK,
    "POST projects:report_edit": Case(data={"reflections": "ゲートの振り返り"}),
    "POST projects:report_schedule": Case(given=_report_schedule),
    "POST projects:report_session_edit": Case(given=_report_session),
    "POST projects:photo_upload": Case(
        data={
            "photo-file": lambda: SimpleUploadedFile("gate.png", PNG_BYTES),
            "photo-caption": "ゲートの写真",
        }
    ),
    "POST projects:photo_delete": CONFIRMED,
    # payments
    "POST payments:funding_step[step=decide]": Case(given=_decide),
    "POST payments:funding_step[step=instalment]": Case(given=_instalment),
    "POST payments:payment_action[action=claim]": OK,
    # evaluation
    "POST evaluation:budget_action[action=request]": OK,
    "POST evaluation:budget_edit": Case(data={"basis": "ゲートで直した積算根拠"}),
    "POST evaluation:evaluate[side=group]": Case(data={"comment": "ゲートの総評"}),
    "POST evaluation:evaluation_action[action=submit]": CONFIRMED,
    "POST evaluation:meeting": Case(given=_meeting),
    "POST evaluation:outcome": Case(data={"reason": "ゲートで直した理由"}),
    "POST evaluation:settings": Case(data={"axis-0-name_en": "Synergy (gate)"}),
    "POST evaluation:targets_action[action=submit]": OK,
    "POST evaluation:targets_edit": Case(data={"field_0": "ゲートで直した目標"}),
    "POST payments:receipt_add": Case(
        data={
            "receipt-issued_on": "2026-06-10",
            "receipt-amount": "1000",
            "receipt-description": "ゲートの領収書",
        }
    ),
    "POST payments:settlement_edit": Case(data={"y1-expense-0-quantity": "210"}),
    # The gates' settlement: 自己資金 (note 1) and 会議費 (note 2) are over the threshold.
    "POST payments:settlement_notes": Case(data={"notes-note-2": "ゲートの会議を開いた"}),
    # proposals
    "POST proposals:action[action=submit]": Case(
        data={"confirmed": "yes"},
        no_effect="the gates' draft lacks what a submission needs: refused with a message",
    ),
    "POST proposals:action[action=withdraw]": CONFIRMED,
    "POST proposals:assign": OK,
    "POST proposals:attachment_delete": CONFIRMED,
    "POST proposals:attachment_upload": OK,
    "POST proposals:budget": Case(
        data={
            "y1-income-0-source": "city",
            "y1-income-0-description": "ゲートの内訳",
            "y1-income-0-amount": "10000",
            "y1-expense-0-category": "消耗品費",
            "y1-expense-0-unit_price": "1000",
            "y1-expense-0-quantity": "10",
        }
    ),
    "POST proposals:consultation_manage[step=assign]": OK,
    "POST proposals:consultation_manage[step=conclude]": OK,
    "POST proposals:consultation_manage[step=meeting]": OK,
    "POST proposals:consultation_new": OK,
    "POST proposals:edit": Case(data={"title": "ゲートで直した事業名"}),
    "POST proposals:new": OK,
    # registry
    "POST registry:application_action[action=approve]": OK,
    "POST registry:application_action[action=return]": Case(
        no_effect="returning needs a reason, which only the staff application page asks for"
    ),
    "POST registry:application_action[action=withdraw]": CONFIRMED,
    "POST registry:document_delete": CONFIRMED,
    "POST registry:document_upload": OK,
    "POST registry:group_edit": OK,
    "POST registry:group_new": Case(data={"legal_form": "voluntary"}, tick=("fields",)),
    "POST registry:invite": Case(data={"email": "gate-invitee@example.jp"}),
    "POST registry:membership_update": OK,
    "POST registry:member_entry_add": Case(data={"name": "名簿 花子"}),
    "POST registry:member_entry_edit": Case(data={"name": "名簿 次郎"}),
    "POST registry:member_entry_delete": CONFIRMED,
    "POST registry:public_change": Case(data={"reason": "写真の権利を確かめてください"}),
    "POST registry:staff_application": OK,
    "POST registry:staff_import": Case(
        no_effect="the upload only shows a preview; its confirmation makes the rows"
    ),
    # booking, documents, stats, surveys
    "POST booking:act[action=cancel]": OK,
    "POST booking:act[action=no_show]": Case(
        no_effect="a no-show is recorded once the booked time has begun; the gates' booking is weeks ahead"
    ),
    "POST booking:act[action=void]": Case(data={"void-reason": "入力の誤りを訂正"}),
    "POST booking:book": Case(data={"attendees": "8"}, given=_free_booking_day),
    "POST booking:change": OK,
    "POST booking:closure_new": OK,
    "POST booking:equipment_new": OK,
    "POST booking:facility_edit": Case(data={"opens_at": "09:00", "closes_at": "21:30"}),
    "POST booking:facility_new": OK,
    "POST booking:feed_renew": OK,
    "POST booking:lottery_draw": Case(
        no_effect="the gates' lottery takes entries for five more days; it is drawn after that"
    ),
    "POST booking:lottery_enter": Case(data={"attendees": "8"}, given=_lottery_day),
    "POST booking:lottery_new": Case(given=_new_lottery, tick=("rooms",)),
    "POST booking:room_edit": OK,
    "POST booking:room_new": Case(data={"capacity": "20"}),
    "POST booking:watch": OK,
    "POST documents:committee_pack": OK,
    "POST stats:city_years": Case(data={"fiscal_year": "2025"}),
    "POST stats:staff_index": OK,
    "POST surveys:answer[token=*]": OK,
    "POST surveys:answer_start": OK,
    "POST surveys:edition_method": OK,
    "POST surveys:edition_new": OK,
    "POST surveys:edition_step[step=close]": OK,
    "POST surveys:edition_step[step=unpublish]": OK,
    "POST surveys:free_text_publish": OK,
    "POST surveys:import": Case(
        no_effect="an import needs a CSV shaped like the edition's questions; the gate sends a PDF"
    ),
    "POST surveys:invitations": OK,
    "POST surveys:keying": OK,
    "POST surveys:keying_second": Case(
        no_effect="a second keying checks a paper keyed once; the gates' edition has none"
    ),
    "POST surveys:mismatch_resolve[keep=first]": OK,
    "POST surveys:mismatch_resolve[keep=second]": OK,
    "POST surveys:question_new": Case(data={"code": "Q99", "options": "はい\nいいえ"}),
    "POST surveys:survey_new": OK,
    # review
    "POST review:committee_act[step=budget]": OK,
    "POST review:committee_act[step=deadlines]": OK,
    "POST review:committee_act[step=member]": Case(given=_new_committee_member),
    "POST review:committee_act[step=publish]": OK,
    "POST review:committee_act[step=publish_schedule]": OK,
    "POST review:criteria_act[step=choose]": OK,
    "POST review:criteria_act[step=criteria]": OK,
    "POST review:criteria_act[step=settings]": OK,
    "POST review:declaration_revoke": Case(data={"reason": "委員からの申出"}),
    "POST review:declare": OK,
    "POST review:member_kinds": Case(data={"form-4-name": "ゲートの区分"}),  # 4 seeded
    "POST review:score": OK,
    "POST review:staff_index": OK,
    "POST review:staff_proposal_act[step=advice]": OK,
    "POST review:staff_proposal_act[step=slot]": OK,
}
# Models whose rows are bookkeeping, not an effect of the form: the token itself, sessions,
# failed log-in counters, queued background work.
NOT_EFFECTS = {
    "core.formsubmission",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "django_tasks_db.dbtaskresult",
}
GENERIC: dict[str, str] = {
    "email": "gate@example.jp",
    "number": "1",
    "date": "2026-05-01",
    "url": "https://example.jp/",
    "tel": "0467-00-0000",
    "password": "a-long-gate-password-2026",
}


# A required field the page leaves empty gets a value that fits its name, else its type.
BY_NAME: list[tuple[str, str]] = [
    (r"(_on|^day|deadline|_date)$", "2026-05-01"),
    (r"kana$", "げーとのにゅうりょく"),
    (r"postal_code$", "248-0006"),
    (r"phone$", "0467-00-0000"),
    (r"^starts$", "10:00"),
    (r"^ends$", "11:00"),
    (r"(count|year|years|_members|_officers)$", "3"),
]


def _filler(form: Form, name: str) -> str:
    for pattern, value in BY_NAME:
        if re.search(pattern, name):
            return value
    return GENERIC.get(form.types.get(name, ""), "ゲートの入力")


def effects() -> dict[str, str]:
    """Per model: its row count and a digest of every row (so an edit counts too); and the
    number of audit events."""
    state: dict[str, str] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_EFFECTS:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()[:10]
        state[label] = f"{len(rows)} rows {digest}"
    state["audit events"] = str(AuditEvent.objects.count())
    return state


def _valid(form: Form, case: Case) -> dict[str, Any]:
    data: dict[str, Any] = dict(form.fixed)
    if form.buttons:
        data[form.buttons[0][0]] = form.buttons[0][1]
    for name in form.text:
        data[name] = form.values.get(name, "")
        if not data[name] and name in form.required:
            data[name] = _filler(form, name)
    for name, options in form.choices.items():
        # What a browser sends: the selected options, else a single select's first option;
        # a required select left at "choose…" gets its first real option.
        real = [o for o in options if o]
        chosen = form.selected.get(name) or ([] if name in form.multi else options[:1])
        if name in form.required and not any(chosen):
            chosen = real[:1]
        if chosen:
            data[name] = chosen if name in form.multi else chosen[0]
    for name, value in form.checkboxes.items():
        ticked = form.checked.get(name) or (
            [value] if name in form.required or name in case.tick else []
        )
        if ticked:
            data[name] = ticked
    for name in form.files:
        data[name] = SimpleUploadedFile("gate.pdf", PDF_BYTES)
    data.update({k: v() if callable(v) else v for k, v in case.data.items()})
    return data


def _answer(response: Any) -> str:
    """The status and any messages beside fields: why a submission did not go through."""
    if response.streaming or not response.content:
        return str(response.status_code)
    body = response.content.decode("utf-8", "replace")
    errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', body, re.S)
    ids = re.findall(r'<ul class="errorlist" id="([^"]+)"', body)
    text = "; ".join(f"{i}: {re.sub('<[^>]+>', '', e)}" for i, e in zip(ids, errors, strict=False))
    return f"{response.status_code} {response.get('Location', '')} {text}"[:600]


def _twice(world: World, form: Form, case: Case) -> tuple[bool, list[str], str]:
    """Send the form twice with one token: (did the first change something, problems, and
    what the first answer was)."""
    client: Client = world.client_for(form.persona)
    cookies = copy.deepcopy(client.cookies)
    where = f"{form.key} as {form.persona} (from {form.page})"
    problems: list[str] = []
    changed = False
    answer = ""
    try:
        with transaction.atomic():
            if form.prepare is not None:
                form.prepare(world)
            given = case.given(world) if case.given else {}
            token = new_token()
            before = effects()
            first = client.post(form.action, {**_valid(form, case), **given, FIELD: token})
            after_first = effects()
            second = client.post(form.action, {**_valid(form, case), **given, FIELD: token})
            after_second = effects()
            answer = f"{where}: {_answer(first)}"
            if first.status_code >= 500:
                problems.append(f"{where}: the first POST answered {first.status_code}")
            elif 300 <= first.status_code < 400:
                changed = after_first != before
                if second.status_code != first.status_code or second.get("Location") != first.get(
                    "Location"
                ):
                    problems.append(
                        f"{where}: the repeat answered {second.status_code} "
                        f"{second.get('Location', '')}, not the first's {first['Location']}"
                    )
                if after_second != after_first:
                    problems.append(
                        f"{where}: the repeat changed {_diff(after_first, after_second)}"
                    )
                if not FormSubmission.objects.filter(token=token).exclude(result_url="").exists():
                    problems.append(f"{where}: the token was not kept with where it led")
            else:
                changed = after_first != before
                if changed and not case.writes_on_page:
                    problems.append(
                        f"{where}: answered {first.status_code} but changed "
                        f"{_diff(before, after_first)} (success answers with a redirect)"
                    )
                if changed and after_second != after_first:
                    problems.append(
                        f"{where}: the repeat changed {_diff(after_first, after_second)}"
                    )
                if FormSubmission.objects.filter(token=token).exists() and second.status_code < 300:
                    problems.append(f"{where}: a form sent back was not released")
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return changed, problems, answer


def _diff(a: dict[str, str], b: dict[str, str]) -> str:
    return ", ".join(f"{k} {a[k]}→{b[k]}" for k in a if a[k] != b.get(k))


def _post_forms(world: World) -> dict[str, list[Form]]:
    forms = [f for f in discover_forms(world, every_persona=True) if f.method == "POST"]
    return by_key(forms)


@pytest.mark.slow
def test_it_knows_every_post_form(shared_world: World) -> None:
    found = _post_forms(shared_world)
    missing = sorted(set(found) - set(FORMS))
    gone = sorted(set(FORMS) - set(found))
    assert not missing, "POST forms not in FORMS; add:\n" + "\n".join(
        f'    "{key}": OK,' for key in missing
    )
    assert not gone, f"FORMS lists forms no page shows any more: {gone}"
    # The discovery finds the product's forms, not silently nothing.
    assert len(found) >= 40


def test_it_carries_one_token_in_every_post_form(shared_world: World) -> None:
    without = [
        f"{form.key} on {form.page} as {form.persona}: {form.once_tokens} tokens"
        for forms in _post_forms(shared_world).values()
        for form in forms
        if form.once_tokens != 1
    ]
    assert not without, "\n".join(without)


def test_it_names_every_post_only_url_in_a_form() -> None:
    """POST-only URLs are reached through forms; each is one the gate sends twice, or FORMS
    lacks a page that shows its form (say so in UNREACHED)."""
    post_only = {n for n, r in MATRIX.items() if n in PATTERNS and r.methods == {"POST"}}
    named = {key.split(" ", 1)[1].split("[")[0] for key in FORMS}
    assert post_only - named - set(UNREACHED) == set()


# POST-only URLs whose form the discovery's pages do not show in the gates' world, and why.
UNREACHED = {
    "payments:settlement_submit": "shown once the year is decided; the gates' year is a share "
    "course not yet fixed (tests/payments/test_it_serves_the_settlement_pages.py submits one)",
    "payments:funding_action": "its buttons answer a grant application, a change request or "
    "a results report; the gates' year is a share course not yet fixed (tests/payments)",
    "projects:agreement_conclude": "shown once both partners confirmed the agreement; the "
    "gates' agreement is still the group's draft (tests/projects cover the conclusion)",
    "evaluation:budget_pass": "shown once the line is requested; the gates' line is still "
    "being planned (tests/evaluation cover the passing)",
    "booking:lottery_confirm": "shown once the draw made an entry a win; the gates' lottery is "
    "still taking entries",
    "documents:dossier": "the office's button sits on the decided proposal's page; the matrix "
    "opens the one under review",
    "surveys:section_new": "shown on a draft edition's page; the gates' edition is open for "
    "answers",
    "registry:renewal_start": "group A's registration is current: no renewal button yet",
    "programmes:theme_publish": "the matrix opens the published theme, which has no button",
    "proposals:fourparty_schedule": "shown on an accepted proposal's page; the matrix opens "
    "the draft's",
    "proposals:fourparty_record": "shown on a proposal in consultation; the matrix opens the "
    "draft's",
}


@pytest.mark.parametrize("key", sorted(FORMS))
def test_it_makes_one_effect_of_two_identical_posts(shared_world: World, key: str) -> None:
    forms = _post_forms(shared_world).get(key)
    assert forms, f"no page shows {key} any more: remove it from FORMS"
    case = FORMS[key]
    results = [_twice(shared_world, form, case) for form in forms]
    problems = [p for _, found, _ in results for p in found]
    assert not problems, "\n".join(problems)
    if not case.no_effect:
        assert any(changed for changed, _, _ in results), (
            f"{key}: no persona's submission changed anything, so the gate proves nothing: "
            "give FORMS the data a valid submission needs. The answers:\n"
            + "\n".join(answer for _, _, answer in results)
        )
