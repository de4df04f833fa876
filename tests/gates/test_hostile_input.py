"""Gate: every form in Kyodo takes hostile input without a 500, and shows it back escaped.

The forms are discovered (tests/gates/forms.py): every page of the authorization matrix is
opened as a persona who may see it (and as an anonymous visitor where allowed), and every
<form> in its HTML is collected with its fields. Each form is one test case (FORMS names
them, so that the cases spread over the xdist workers; the discovery fails the gate when a
page shows a form FORMS lacks). Each form is sent a battery of inputs —
empty, 10,000+ characters, full-width digits, half-width kana, emoji with ZWJ sequences,
right-to-left marks, NUL bytes, <script> and HTML, SQL fragments, 和暦 and Western dates,
negative and huge yen amounts — in every text field at once, each request inside a
transaction that is rolled back. Every answer must be
  - a success (a redirect) with the text stored as typed or as documented
    (kyodo.japan.text.clean_text drops control and bidi characters, fields strip spaces,
    readings are NFKC-normalised), or
  - the form again with a message next to a field (any 2xx/4xx page that is not a 500),
and never a 500; and no page may echo the markup unescaped.
"""

from __future__ import annotations

import copy
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.test import Client
from django.urls import resolve

from kyodo.japan.text import clean_text
from tests.gates.conftest import PDF_BYTES, World
from tests.gates.forms import Form, by_key, discover_forms

SCRIPT = "<script>alert('kyodo')</script><b onmouseover=alert(1)>太字</b>"
BATTERY: dict[str, str] = {
    "empty": "",
    "spaces": "  \t ",
    "very long": "長" * 10_050,
    "full-width digits": "１２３４５６７",
    "half-width kana": "ｶﾏｸﾗｼﾐﾝｶﾂﾄﾞｳ",
    "emoji ZWJ": "家族👨‍👩‍👧‍👦と旗🏳️‍🌈と肌色👍🏽",
    "RTL marks": "\u202eabc\u202c\u200fמרכז\u200e",
    "NUL byte": "ab\x00cd",
    "script and HTML": SCRIPT,
    "SQL": "'; DROP TABLE registry_civicgroup; -- ' OR '1'='1",
    "wareki date": "令和7年4月1日",
    "wareki short": "R7.4.1",
    "impossible date": "平成31年4月31日",
    "western date": "2025/4/1",
    "negative yen": "-500,000円",
    "huge yen": "99999999999999999999999",
    "yen in man": "５０万円",
}
# Forms whose success stores nothing typed, by URL name, and why.
NO_STORAGE = {
    "set_language": "sets a cookie",
    "accounts:logout": "logs out",
    "accounts:login": "logs in",
    "review:declare": "the reason is kept only when a conflict is declared; the battery says no",
}
# Known failures, reported by the gate without failing it until their owners fix them.
# Each entry: URL name → what is wrong. Remove the entry with the fix.
KNOWN_ISSUES = {
    "review:declaration_revoke": "an invalid reason redirects with a generic message and "
    "the typed text is lost (should re-show the form with the message at the field)",
}
# Inputs that a field converts (dates, numbers, yen) rather than stores as text.
CONVERTED = {
    "full-width digits",
    "wareki date",
    "wareki short",
    "impossible date",
    "western date",
    "negative yen",
    "huge yen",
    "yen in man",
}


def _payload(form: Form, value: str, button: tuple[str, str] | None) -> dict[str, Any]:
    data: dict[str, Any] = dict(form.fixed)
    if button:
        data[button[0]] = button[1]
    for name in form.text:
        data[name] = value
    for name, options in form.choices.items():
        real = [o for o in options if o]
        if real:
            data[name] = [real[0]] if name in form.multi else real[0]
    for name, checkbox_value in form.checkboxes.items():
        data[name] = checkbox_value
    for name in form.files:
        safe_name = (clean_text(value).replace("/", "_")[:80] or "file") + ".pdf"
        data[name] = SimpleUploadedFile(
            safe_name if "\x00" not in value else "a\x00b.pdf", PDF_BYTES
        )
    return data


def _stored(value: str) -> bool:
    """Is the typed text, as typed or as documented-normalised, somewhere in the database?"""
    cleaned = clean_text(value).strip()
    if len(cleaned) < 2:
        return True
    needles = {
        value.strip()[:40],
        value.replace("\x00", "").strip()[:40],
        cleaned[:40],
        unicodedata.normalize("NFKC", cleaned)[:40],
    }
    needles = {n for n in needles if n and "\x00" not in n}  # PostgreSQL text has no NUL
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and f.concrete
        ]
        if not text_fields:
            continue
        query = Q()
        for name in text_fields:
            for needle in needles:
                query |= Q(**{f"{name}__contains": needle})
        if model._base_manager.filter(query).exists():
            return True
    return False


def _send(client: Client, form: Form, data: dict[str, Any]) -> Any:
    if form.method == "POST":
        return client.post(form.action, data)
    return client.get(form.action, {k: v for k, v in data.items() if not hasattr(v, "read")})


def _check(
    world: World, form: Form, label: str, value: str, button: tuple[str, str] | None
) -> list[str]:
    client = world.client_for(form.persona)
    problems: list[str] = []
    pressed = f" [{button[0]}={button[1]}]" if button else ""
    where = f"{form.method} {form.action}{pressed} as {form.persona} ({form.page}) with {label}"
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            try:
                response = _send(client, form, _payload(form, value, button))
            except Exception as exc:  # the test client re-raises what would be a 500
                problems.append(f"{where}: 500 ({type(exc).__name__}: {exc})"[:400])
                transaction.set_rollback(True)
                return problems
            status = response.status_code
            body = response.content.decode("utf-8", "replace") if not response.streaming else ""
            if status >= 500:
                problems.append(f"{where}: {status}")
            if "<script>alert('kyodo')" in body or "<b onmouseover" in body:
                problems.append(f"{where}: the markup came back unescaped")
            if 300 <= status < 400:
                view_name = resolve(urlsplit(form.action).path).view_name
                typed = form.method == "POST" and form.text and label not in CONVERTED
                if typed and view_name not in NO_STORAGE and not _stored(value):
                    problems.append(f"{where}: success, but the text was not stored as typed")
                follow = client.get(response["Location"])
                shown = follow.content.decode("utf-8", "replace") if not follow.streaming else ""
                if "<script>alert('kyodo')" in shown:
                    problems.append(f"{where}: the next page shows the markup unescaped")
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return problems


# Every form that takes typed text or a file, by its key (tests/gates/forms.py): one test
# case each, so the cases spread over the workers. A new form fails
# `test_it_knows_every_form_that_takes_input` with the line to add.
FORMS = [
    "GET accounts:user_list",
    "GET audit:event_list",
    "GET booking:rooms",
    "GET booking:stats",
    "GET proposals:staff_list",
    "GET registry:directory",
    "GET registry:staff_list",
    "GET surveys:free_text",
    "POST accounts:division_edit",
    "POST accounts:division_new",
    "POST accounts:login",
    "POST accounts:otp_setup",
    "POST accounts:password_reset",
    "POST accounts:section_edit",
    "POST accounts:section_new",
    "POST accounts:sign_up",
    "POST booking:act[action=cancel]",
    "POST booking:book",
    "POST booking:change",
    "POST booking:closure_new",
    "POST booking:equipment_new",
    "POST booking:facility_edit",
    "POST booking:facility_new",
    "POST booking:lottery_enter",
    "POST booking:lottery_new",
    "POST booking:room_edit",
    "POST booking:room_new",
    "POST booking:watch",
    "POST evaluation:budget_edit",
    "POST evaluation:evaluate[side=group]",
    "POST evaluation:meeting",
    "POST evaluation:outcome",
    "POST evaluation:settings",
    "POST evaluation:targets_edit",
    "POST programmes:call_edit",
    "POST programmes:call_new",
    "POST programmes:course_edit",
    "POST programmes:budget_categories",
    "POST programmes:issue_new",
    "POST programmes:theme_edit",
    "POST programmes:theme_new",
    "POST payments:receipt_add",
    "POST payments:settlement_edit",
    "POST payments:settlement_notes",
    "POST projects:agreement_edit",
    "POST projects:photo_upload",
    "POST projects:report_edit",
    "POST projects:report_session_edit",
    "POST proposals:attachment_upload",
    "POST proposals:budget",
    "POST proposals:consultation_new",
    "POST proposals:edit",
    "POST proposals:new",
    "POST registry:document_upload",
    "POST registry:group_edit",
    "POST registry:group_new",
    "POST registry:invite",
    "POST registry:member_entry_add",
    "POST registry:member_entry_edit",
    "POST registry:public_change",
    "POST registry:staff_application",
    "POST registry:staff_import",
    "POST review:committee_act[step=budget]",
    "POST review:committee_act[step=deadlines]",
    "POST review:committee_act[step=member]",
    "POST review:committee_act[step=publish]",
    "POST review:criteria_act[step=criteria]",
    "POST review:criteria_act[step=settings]",
    "POST review:declaration_revoke",
    "POST review:declare",
    "POST review:member_kinds",
    "POST review:score",
    "POST review:staff_index",
    "POST review:staff_proposal_act[step=advice]",
    "POST review:staff_proposal_act[step=slot]",
    "POST stats:city_years",
    "POST stats:staff_index",
    "POST surveys:answer[token=*]",
    "POST surveys:edition_method",
    "POST surveys:edition_new",
    "POST surveys:import",
    "POST surveys:invitations",
    "POST surveys:keying",
    "POST surveys:keying_second",
    "POST surveys:question_new",
    "POST surveys:survey_new",
]


def _input_forms(world: World) -> dict[str, list[Form]]:
    return by_key(
        [
            form
            for form in discover_forms(world)
            if (form.text or form.files) and urlsplit(form.action).path != "/accounts/logout/"
        ]
    )


def test_it_knows_every_form_that_takes_input(shared_world: World) -> None:
    found = _input_forms(shared_world)
    actions = {urlsplit(f.action).path for forms in found.values() for f in forms}
    # The discovery must find the product's forms, not silently nothing.
    for expected in ("/accounts/login/", "/accounts/signup/", "/my/groups/new/", "/groups/"):
        assert expected in actions, f"form at {expected} not discovered: {sorted(actions)}"
    missing = sorted(set(found) - set(FORMS))
    assert not missing, "forms not in FORMS; add:\n" + "\n".join(f'    "{k}",' for k in missing)
    assert not sorted(set(FORMS) - set(found)), "FORMS lists forms no page shows any more"


# The forms with so many fields (or values) that their case takes ten seconds or more: they
# run in `make test` and CI, not in `make test-fast` (the marker `slow`, pyproject.toml).
SLOW_FORMS = {"POST evaluation:settings", "POST review:declaration_revoke"}


@pytest.mark.parametrize(
    "key", [pytest.param(k, marks=pytest.mark.slow) if k in SLOW_FORMS else k for k in FORMS]
)
def test_it_survives_hostile_input(shared_world: World, key: str) -> None:
    world = shared_world
    forms = _input_forms(world).get(key)
    assert forms, f"no page shows {key} any more: remove it from FORMS"
    problems: list[str] = []
    known: list[str] = []
    sent = 0
    for form in forms:
        view_name = resolve(urlsplit(form.action).path).view_name
        for button in form.buttons or [None]:
            for label, value in BATTERY.items():
                found = _check(world, form, label, value, button)
                (known if view_name in KNOWN_ISSUES else problems).extend(found)
                sent += 1
    print(f"hostile input: {key}: {len(forms)} forms, {sent} requests")
    for line in known:
        print(f"KNOWN ISSUE: {line}")
    assert sent >= len(BATTERY)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
