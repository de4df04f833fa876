"""Gate: who may open or act on every URL of Kyodo, written down once per URL pattern.

The matrix is generated: every named pattern of the URL configuration (walked
recursively) × every persona (tests/gates/conftest.py: PERSONAS) × GET and POST. The
expected answer of each cell is derived from the pattern's one row in MATRIX below:

    allowed persona       → "ok"     (2xx, or a redirect that is not to the log-in page)
    anonymous, not allowed → "login"  (302 to the log-in page)
    signed in, not allowed → "403"
    method not served      → "405"   (for everyone, before any permission check)

How to add your rows (other engineers adding apps, read this)
---------------------------------------------------------------
A URL pattern without a row fails `test_it_has_a_row_for_every_named_url_pattern`, with
the line to paste. Add one entry to MATRIX, e.g.

    "programmes:call_detail": PUBLIC.url(pk="call"),
    "proposals:edit": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.OFFICE).url(pk="proposal_a"),
    "review:score": STAFF(Role.COMMITTEE).post_only().url(pk="proposal_a"),

- the rule says who is allowed: PUBLIC, LOGIN, STAFF(*roles), ADMIN, ONLY(persona sets),
  OWNER_OR_STAFF(persona set, *roles). Persona sets: GROUP_A_MEMBERS,
  GROUP_A_REPRESENTATIVE, COMMITTEE_WITHOUT_CONFLICT (a committee member who is also a
  member of group A counts as conflicted: put only COMMITTEE_WITHOUT_CONFLICT where a
  conflicted member must be refused);
- `.url(kw="attr")` fills the URL's kwargs from the gate's world (tests/gates/conftest.py):
  "group_a" gives group A's pk, "invitation_a.token" an attribute, "=text" a literal.
  Objects of your app go into `World.extra` through a fixture hook: add a function to
  WORLD_BUILDERS below that creates them (for group A / group B) and returns a dict;
- `.post_only()` / `.get_only()` when the view refuses the other method with 405;
- `.posting(field=value)` when an allowed POST needs a field to pass the permission check;
- `.given(func)` to put the world in the state the URL needs (runs inside the rolled-back
  transaction of each cell), `.answers(400)` when the allowed answer is not 2xx/3xx.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kyodo.accounts.models import Role
from tests.gates.conftest import PERSONAS, World

EVERYONE = frozenset(PERSONAS)
PEOPLE = EVERYONE - {"anonymous"}
GROUP_A_MEMBERS = frozenset({"member_a", "representative_a", "committee_conflicted"})
GROUP_A_REPRESENTATIVE = frozenset({"representative_a"})
COMMITTEE_WITHOUT_CONFLICT = frozenset({"committee_member"})
ROLE_PERSONAS: dict[str, frozenset[str]] = {
    Role.RESIDENT: frozenset(
        {"resident", "member_a", "representative_a", "member_b"}
    ),  # everyone who signed up as a citizen
    Role.CENTER: frozenset({"center_staff"}),
    Role.OFFICE: frozenset({"office_staff"}),
    Role.DEPARTMENT: frozenset({"department_staff"}),
    Role.COMMITTEE: frozenset({"committee_member", "committee_conflicted"}),
    Role.ADMIN: frozenset({"administrator"}),
}
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    methods: frozenset[str] = frozenset(METHODS)
    kwargs: tuple[tuple[str, str], ...] = ()
    data: tuple[tuple[str, str], ...] = ()
    status: int | None = None
    prepare: Callable[[World], None] | None = field(default=None, compare=False)

    def url(self, **kwargs: str) -> Rule:
        return replace(self, kwargs=tuple(kwargs.items()))

    def post_only(self) -> Rule:
        return replace(self, methods=frozenset({"POST"}))

    def get_only(self) -> Rule:
        return replace(self, methods=frozenset({"GET"}))

    def posting(self, **data: str) -> Rule:
        return replace(self, data=tuple(data.items()))

    def answers(self, status: int) -> Rule:
        return replace(self, status=status)

    def given(self, prepare: Callable[[World], None]) -> Rule:
        return replace(self, prepare=prepare)

    def expected(self, persona: str, method: str) -> str:
        if method not in self.methods:
            return "405"
        if persona in self.allowed:
            return str(self.status) if self.status else "ok"
        return "login" if persona == "anonymous" else "403"


def ONLY(*sets: frozenset[str]) -> Rule:  # noqa: N802 - reads as a rule in the table
    return Rule(frozenset().union(*sets))


def STAFF(*roles: str) -> Rule:  # noqa: N802
    return ONLY(*(ROLE_PERSONAS[r] for r in roles))


def OWNER_OR_STAFF(owners: frozenset[str], *roles: str) -> Rule:  # noqa: N802
    return ONLY(owners, *(ROLE_PERSONAS[r] for r in roles))


PUBLIC = Rule(EVERYONE)
LOGIN = Rule(PEOPLE)
ADMIN = STAFF(Role.ADMIN)
REGISTRY_STAFF = (Role.CENTER, Role.OFFICE, Role.ADMIN)


def _close_open_applications(world: World) -> None:
    world.group_a.applications.update(status="approved")


# Apps that need their own objects in the world register a builder here: it receives the
# world (group A, group B, personas) and returns {"name": object} for World.extra.
WORLD_BUILDERS: list[Callable[[World], dict[str, Any]]] = []

# accounts (the city's 部 and 課): tests/accounts/gate_world.py
from tests.accounts.gate_world import accounts_world  # noqa: E402

WORLD_BUILDERS.append(accounts_world)

# registry (a group's private member list): tests/registry/gate_world.py
from tests.registry.gate_world import registry_world  # noqa: E402

WORLD_BUILDERS.append(registry_world)

# review (the selection committee): tests/review/gate_world.py
from tests.review.gate_world import review_world  # noqa: E402

WORLD_BUILDERS.append(review_world)

# proposals and programmes (the proposal cycle): tests/proposals/gate_world.py
from tests.proposals.gate_world import proposals_world  # noqa: E402

WORLD_BUILDERS.append(proposals_world)

# projects (the project and its agreement): tests/projects/gate_world.py
from tests.projects.gate_world import projects_world  # noqa: E402

WORLD_BUILDERS.append(projects_world)

# evaluation (targets, evaluations, the meeting, the outcome, budget lines):
# tests/evaluation/gate_world.py (uses the projects world's project_a)
from tests.evaluation.gate_world import evaluation_world  # noqa: E402

WORLD_BUILDERS.append(evaluation_world)

# payments (a year's settlement and its receipts): tests/payments/gate_world.py
from tests.payments.gate_world import payments_world  # noqa: E402

WORLD_BUILDERS.append(payments_world)

# documents (PDF and Word): tests/documents/gate_world.py (uses the review world's objects)
from tests.documents.gate_world import documents_world  # noqa: E402

WORLD_BUILDERS.append(documents_world)

# portal (inbox, mail deliveries): tests/portal/gate_world.py
from tests.portal.gate_world import portal_world  # noqa: E402

WORLD_BUILDERS.append(portal_world)
# surveys (questionnaires, answers, results): tests/surveys/gate_world.py
from tests.surveys.gate_world import surveys_world  # noqa: E402

WORLD_BUILDERS.append(surveys_world)

# stats (NPO corporations, the city's yearly figures): tests/stats/gate_world.py
from tests.stats.gate_world import stats_world  # noqa: E402

WORLD_BUILDERS.append(stats_world)
SURVEY_STAFF = (Role.OFFICE, Role.CENTER)

# booking (rooms, bookings, the lottery): tests/booking/gate_world.py
from tests.booking.gate_world import booking_world  # noqa: E402

WORLD_BUILDERS.append(booking_world)
BOOKING_STAFF = (Role.CENTER, Role.OFFICE)


# --- the table: one row per URL pattern -----------------------------------------------------
MATRIX: dict[str, Rule] = {
    # core
    "portal:home": PUBLIC,
    "core:healthz": PUBLIC,
    "portal:dashboard": LOGIN,
    "portal:inbox": LOGIN,
    "portal:inbox_read_all": LOGIN.post_only(),
    "portal:notice_open": ONLY(GROUP_A_REPRESENTATIVE).post_only().url(pk="notice_a"),
    "portal:mail_list": STAFF(Role.OFFICE, Role.ADMIN),
    "portal:mail_resend": STAFF(Role.OFFICE, Role.ADMIN).post_only().url(pk="failed_mail"),
    "portal:workflow_list": STAFF(Role.CENTER, Role.OFFICE, Role.DEPARTMENT, Role.ADMIN),
    "portal:workflow_detail": STAFF(Role.CENTER, Role.OFFICE, Role.DEPARTMENT, Role.ADMIN).url(
        key="=proposal"
    ),
    "set_language": PUBLIC.get_only(),  # a plain GET switch: no form token on public pages
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC.post_only(),
    "accounts:sign_up": PUBLIC,
    "accounts:sign_up_sent": PUBLIC,
    "accounts:verify_email": PUBLIC.url(token="=not-a-real-token").answers(400),
    "accounts:otp_verify": LOGIN,
    "accounts:otp_setup": LOGIN,
    "accounts:me": LOGIN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC.get_only(),
    "accounts:password_reset_confirm": PUBLIC.url(uidb64="=MQ", token="=not-a-token"),
    "accounts:password_reset_complete": PUBLIC.get_only(),
    "accounts:user_list": ADMIN,
    "accounts:user_detail": ADMIN.url(pk="users.resident"),
    "accounts:totp_reset": ADMIN.post_only().url(pk="users.resident"),
    "accounts:role_revoke": ADMIN.post_only().url(pk="role_assignment"),
    # accounts: the city's 部 and 課, kept by the administrator and the office
    "accounts:organisation": STAFF(Role.OFFICE, Role.ADMIN),
    "accounts:division_new": STAFF(Role.OFFICE, Role.ADMIN),
    "accounts:division_edit": STAFF(Role.OFFICE, Role.ADMIN).url(pk="division"),
    "accounts:section_new": STAFF(Role.OFFICE, Role.ADMIN),
    "accounts:section_edit": STAFF(Role.OFFICE, Role.ADMIN).url(pk="section"),
    # audit
    "audit:event_list": STAFF(Role.OFFICE, Role.CENTER, Role.ADMIN),
    # registry: public
    "registry:directory": PUBLIC,
    "registry:directory_export": PUBLIC,
    "registry:group_detail": PUBLIC.url(pk="group_a"),
    "registry:certificate": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF).url(pk="group_a"),
    "registry:document_download": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF).url(
        pk="document_a"
    ),
    # registry: the group's own pages
    "registry:my_groups": LOGIN,
    "registry:postal_lookup": LOGIN.get_only(),
    "registry:group_new": LOGIN,
    "registry:my_group": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF).url(pk="group_a"),
    "registry:group_edit": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.CENTER).url(pk="group_a"),
    "registry:renewal_start": ONLY(GROUP_A_REPRESENTATIVE)
    .post_only()
    .url(pk="group_a")
    .given(_close_open_applications),
    "registry:invite": ONLY(GROUP_A_REPRESENTATIVE).post_only().url(pk="group_a"),
    "registry:document_upload": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.CENTER)
    .post_only()
    .url(pk="group_a"),
    "registry:application_action": ONLY(GROUP_A_REPRESENTATIVE)
    .post_only()
    .url(pk="application_a", action="=withdraw"),
    "registry:membership_update": ONLY(GROUP_A_REPRESENTATIVE).post_only().url(pk="membership_a"),
    "registry:document_delete": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.CENTER)
    .post_only()
    .url(pk="document_a"),
    "registry:accept_invitation": LOGIN.url(token="invitation_a.token"),
    # registry: the group's private member list (会員名簿)
    "registry:member_list": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF)
    .get_only()
    .url(pk="group_a"),
    "registry:member_entry_add": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.CENTER)
    .post_only()
    .url(pk="group_a"),
    "registry:member_entry_edit": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.CENTER).url(
        pk="member_entry_a"
    ),
    "registry:member_entry_delete": OWNER_OR_STAFF(GROUP_A_REPRESENTATIVE, Role.CENTER)
    .post_only()
    .url(pk="member_entry_a"),
    # registry: staff
    "registry:staff_list": STAFF(*REGISTRY_STAFF),
    "registry:staff_import": STAFF(Role.CENTER, Role.ADMIN),
    "registry:staff_applications": STAFF(Role.CENTER, Role.OFFICE),
    "registry:staff_application": STAFF(Role.CENTER, Role.OFFICE)
    .url(pk="application_a")
    .posting(action="return"),
    "registry:public_change": STAFF(Role.CENTER, Role.OFFICE)
    .url(pk="public_change_a")
    .posting(action="decline"),
    # review: committee members (a member of group A is conflicted on its proposals)
    "review:member_home": STAFF(Role.COMMITTEE),
    "review:declare": STAFF(Role.COMMITTEE).url(pk="review_b"),
    "review:proposal": ONLY(COMMITTEE_WITHOUT_CONFLICT).url(pk="review_a"),
    "review:score": ONLY(COMMITTEE_WITHOUT_CONFLICT).url(pk="review_a", round_number="=1"),
    "review:attachment": ONLY(COMMITTEE_WITHOUT_CONFLICT).get_only().url(pk="review_file"),
    # review: the office
    "review:staff_index": STAFF(Role.OFFICE),
    "review:member_kinds": STAFF(Role.OFFICE).posting(
        **{"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
    ),
    "review:committee": STAFF(Role.OFFICE).url(call_pk="review_call"),
    "review:committee_act": STAFF(Role.OFFICE)
    .post_only()
    .url(call_pk="review_call", step="=deadlines"),
    "review:criteria": STAFF(Role.OFFICE).url(call_pk="criteria_call"),
    "review:criteria_act": STAFF(Role.OFFICE)
    .post_only()
    .url(call_pk="criteria_call", step="=choose"),
    "review:staff_results": STAFF(Role.OFFICE).url(call_pk="review_call"),
    "review:export": STAFF(Role.OFFICE).get_only().url(call_pk="review_call"),
    "review:staff_proposal": STAFF(Role.OFFICE).url(pk="review_a"),
    "review:staff_proposal_act": STAFF(Role.OFFICE)
    .post_only()
    .url(pk="review_a", step="=advice")
    .posting(recommendation="adopt"),
    "review:declaration_revoke": STAFF(Role.OFFICE)
    .post_only()
    .url(pk="review_declaration")
    .posting(reason="委員からの申出"),
    # review: the group's notice, the public schedule and results (published in the world)
    "review:notice": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE).url(pk="decided_a"),
    "review:schedule": PUBLIC.url(call_pk="review_call"),
    "review:results": PUBLIC.url(call_pk="review_call"),
    # projects: the group's own, the department's own, the office's all
    "projects:staff_list": STAFF(Role.OFFICE, Role.DEPARTMENT),
    "projects:group_list": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE).url(group_pk="group_a"),
    "projects:detail": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT).url(
        pk="project_a"
    ),
    "projects:agreement_versions": OWNER_OR_STAFF(
        GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT
    ).url(pk="project_a"),
    "projects:scan_download": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT).url(
        pk="scan_a"
    ),
    # the agreement is the group's to draft in the world; the department's and office's steps
    "projects:agreement_edit": ONLY(GROUP_A_MEMBERS).url(pk="project_a"),
    "projects:agreement_action": ONLY(GROUP_A_MEMBERS)
    .post_only()
    .url(pk="project_a", action="=to_department"),
    "projects:agreement_conclude": STAFF(Role.OFFICE, Role.DEPARTMENT)
    .post_only()
    .url(pk="project_a"),
    "projects:condition_settle": STAFF(Role.OFFICE).post_only().url(pk="condition_a"),
    # reports: the office sets the schedule and sees what is due; the group writes its own
    "projects:report_list": STAFF(Role.OFFICE),
    "projects:photo_upload": ONLY(GROUP_A_MEMBERS).post_only().url(pk="report_a"),
    "projects:photo_delete": ONLY(GROUP_A_MEMBERS).post_only().url(pk="photo_a"),
    "projects:photo": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="photo_a"),
    # the public side: a project whose agreement was signed, and its year's report session
    "projects:public_list": PUBLIC.get_only(),
    "projects:public_detail": PUBLIC.get_only().url(pk="project_a"),
    "projects:report_session": PUBLIC.get_only().url(fiscal_year="project_a.first_fiscal_year"),
    "projects:report_sessions": STAFF(Role.OFFICE),
    "projects:report_session_edit": STAFF(Role.OFFICE).url(
        fiscal_year="project_a.first_fiscal_year"
    ),
    "projects:report_schedule": STAFF(Role.OFFICE).post_only().url(pk="project_a"),
    "projects:report_detail": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT).url(
        pk="report_a"
    ),
    "projects:report_edit": ONLY(GROUP_A_MEMBERS).url(pk="report_a"),
    "projects:report_action": ONLY(GROUP_A_MEMBERS)
    .post_only()
    .url(pk="report_a", action="=submit"),
    # payments: the office decides, sets instalments and pays; the group claims
    "payments:due_list": STAFF(Role.OFFICE),
    "payments:funding_step": STAFF(Role.OFFICE).post_only().url(pk="funding_a", step="=instalment"),
    "payments:funding_action": STAFF(Role.OFFICE)
    .post_only()
    .url(pk="funding_a", action="=return_application"),
    "payments:payment_action": ONLY(GROUP_A_MEMBERS)
    .post_only()
    .url(pk="payment_a", action="=claim"),
    # evaluation: the partners evaluate their own project; the office and the department
    # record the meeting, the office the outcome; budget lines for the office and departments
    "evaluation:staff_index": STAFF(Role.OFFICE, Role.DEPARTMENT),
    "evaluation:settings": STAFF(Role.OFFICE).url(pk="gate_call.programme_id"),
    "evaluation:project": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT).url(
        pk="project_a"
    ),
    "evaluation:targets_edit": ONLY(GROUP_A_MEMBERS).url(pk="project_a"),
    "evaluation:targets_action": ONLY(GROUP_A_MEMBERS)
    .post_only()
    .url(pk="project_a", action="=submit"),
    "evaluation:evaluate": ONLY(GROUP_A_MEMBERS).url(pk="segment_a2", side="=group"),
    "evaluation:evaluation_action": ONLY(GROUP_A_MEMBERS)
    .post_only()
    .url(pk="evaluation_a", action="=submit"),
    "evaluation:meeting": STAFF(Role.OFFICE, Role.DEPARTMENT).url(pk="segment_a1"),
    "evaluation:outcome": STAFF(Role.OFFICE).url(pk="segment_a1"),
    "evaluation:budget_list": STAFF(Role.OFFICE, Role.DEPARTMENT),
    "evaluation:budget_export": STAFF(Role.OFFICE, Role.DEPARTMENT).get_only(),
    "evaluation:budget_edit": STAFF(Role.OFFICE, Role.DEPARTMENT).url(pk="line_a"),
    "evaluation:budget_action": STAFF(Role.OFFICE, Role.DEPARTMENT)
    .post_only()
    .url(pk="line_a", action="=request"),
    "evaluation:budget_pass": STAFF(Role.OFFICE).post_only().url(pk="line_a"),
    "evaluation:public_index": PUBLIC,
    "evaluation:public_year": PUBLIC.url(fiscal_year="segment_a1.fiscal_year"),
    # the settlement (収支決算書): whoever sees the project reads it; the group writes it
    "payments:settlement": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="funding_a"),
    "payments:settlement_edit": ONLY(GROUP_A_MEMBERS).url(pk="funding_a"),
    "payments:settlement_notes": ONLY(GROUP_A_MEMBERS).post_only().url(pk="funding_a"),
    "payments:settlement_submit": ONLY(GROUP_A_MEMBERS).post_only().url(pk="funding_a"),
    "payments:receipt_add": ONLY(GROUP_A_MEMBERS).post_only().url(pk="funding_a"),
    "payments:receipt_file": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT).url(
        pk="receipt_file_a"
    ),
    # programmes: public pages (a draft theme is the department's and the office's only)
    "programmes:calls": PUBLIC,
    "programmes:call": PUBLIC.url(pk="gate_call"),
    "programmes:theme": PUBLIC.url(pk="theme_published"),
    "programmes:issues": PUBLIC,
    # programmes: the office configures; departments draft their own themes
    "programmes:staff_overview": STAFF(Role.OFFICE),
    "programmes:course_edit": STAFF(Role.OFFICE).url(pk="gate_course"),
    "programmes:budget_categories": STAFF(Role.OFFICE).url(pk="gate_call.programme_id"),
    "programmes:call_new": STAFF(Role.OFFICE),
    "programmes:call_edit": STAFF(Role.OFFICE).url(pk="gate_call"),
    "programmes:issue_new": STAFF(Role.OFFICE),
    "programmes:theme_list": STAFF(Role.OFFICE, Role.DEPARTMENT),
    "programmes:theme_new": STAFF(Role.OFFICE, Role.DEPARTMENT),
    "programmes:theme_edit": STAFF(Role.OFFICE, Role.DEPARTMENT).url(pk="theme_draft"),
    "programmes:theme_publish": STAFF(Role.OFFICE).post_only().url(pk="theme_draft"),
    # proposals: the group's own pages (group-only rights need a current registration)
    "proposals:consultation_new": ONLY(GROUP_A_MEMBERS).url(group_pk="group_a"),
    "proposals:group_proposals": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE).url(
        group_pk="group_a"
    ),
    "proposals:new": ONLY(GROUP_A_MEMBERS).url(group_pk="group_a"),
    "proposals:consultation": OWNER_OR_STAFF(
        GROUP_A_MEMBERS, Role.OFFICE, Role.CENTER, Role.DEPARTMENT
    ).url(pk="consultation_a"),
    "proposals:consultation_manage": STAFF(Role.OFFICE, Role.CENTER)
    .post_only()
    .url(pk="consultation_a", step="=meeting"),
    "proposals:detail": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE).url(pk="proposal_a"),
    "proposals:edit": ONLY(GROUP_A_MEMBERS).url(pk="proposal_a"),
    "proposals:budget": ONLY(GROUP_A_MEMBERS).url(pk="proposal_a"),
    "proposals:versions": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE).url(pk="proposal_a"),
    "proposals:attachment_upload": ONLY(GROUP_A_MEMBERS).post_only().url(pk="proposal_a"),
    "proposals:action": ONLY(GROUP_A_REPRESENTATIVE)
    .post_only()
    .url(pk="proposal_a", action="=withdraw"),
    "proposals:attachment_download": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE).url(
        pk="attachment_a"
    ),
    "proposals:attachment_delete": ONLY(GROUP_A_MEMBERS).post_only().url(pk="attachment_a"),
    # proposals: intake and the four-party consultation are the office's
    "proposals:assign": STAFF(Role.OFFICE).post_only().url(pk="proposal_a"),
    "proposals:fourparty_schedule": STAFF(Role.OFFICE).post_only().url(pk="proposal_accepted"),
    # The department in charge records too (the gates' department is not in charge of this one).
    "proposals:fourparty_record": STAFF(Role.OFFICE, Role.CENTER).post_only().url(pk="fourparty_a"),
    "proposals:staff_list": STAFF(Role.OFFICE, Role.CENTER, Role.DEPARTMENT),
    "proposals:staff_consultations": STAFF(Role.OFFICE, Role.CENTER, Role.DEPARTMENT),
    "proposals:call_consultations": STAFF(Role.OFFICE, Role.CENTER, Role.DEPARTMENT).url(
        call_pk="gate_call"
    ),
    # documents: each record's paper copy follows the record's own predicate
    "documents:certificate": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF)
    .get_only()
    .url(pk="group_a", fmt="=pdf"),
    "documents:group_profile": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF)
    .get_only()
    .url(pk="group_a", fmt="=docx"),
    "documents:consultation": OWNER_OR_STAFF(
        GROUP_A_MEMBERS, Role.OFFICE, Role.CENTER, Role.DEPARTMENT
    )
    .get_only()
    .url(pk="consultation_a", fmt="=pdf"),
    "documents:proposal": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE)
    .get_only()
    .url(pk="proposal_a", fmt="=pdf"),
    # the four-party proposal is one the center helps with (proposals.view lets it in)
    "documents:fourparty": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.CENTER)
    .get_only()
    .url(pk="fourparty_a", fmt="=docx"),
    "documents:score_sheet": OWNER_OR_STAFF(COMMITTEE_WITHOUT_CONFLICT, Role.OFFICE)
    .get_only()
    .url(pk="score_sheet_a", fmt="=pdf"),
    "documents:results": PUBLIC.get_only().url(pk="review_call", fmt="=pdf"),
    # the printed 「市民活動の現状」 is as public as the page (pk: the fiscal year it runs to)
    "documents:current_state": PUBLIC.get_only().url(pk="=2024", fmt="=pdf"),
    "documents:notice": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE)
    .get_only()
    .url(pk="decided_a", fmt="=pdf"),
    "documents:agreement": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="agreement_a", fmt="=pdf"),
    "documents:change_agreement": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="agreement_a", fmt="=docx"),
    "documents:grant_decision": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="funding_grant", fmt="=pdf"),
    "documents:amount_confirmation": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="funding_grant", fmt="=docx"),
    "documents:settlement": OWNER_OR_STAFF(GROUP_A_MEMBERS, Role.OFFICE, Role.DEPARTMENT)
    .get_only()
    .url(pk="funding_a", fmt="=pdf"),
    "documents:forms": PUBLIC.get_only(),
    "documents:blank": PUBLIC.get_only().url(key="=proposal", fmt="=docx"),
    "documents:committee_pack": STAFF(Role.OFFICE, Role.COMMITTEE)
    .post_only()
    .url(call_pk="review_call"),
    "documents:dossier": STAFF(Role.OFFICE).post_only().url(pk="review_a"),
    "documents:bundle": ONLY(frozenset({"office_staff"})).get_only().url(pk="bundle_office"),
    "documents:bundle_file": ONLY(frozenset({"office_staff"})).get_only().url(pk="bundle_office"),
    # surveys: respondents (the world's edition is open and its results published)
    "surveys:public_list": PUBLIC,
    "surveys:answer_start": PUBLIC.url(pk="survey_edition"),
    "surveys:public_results": PUBLIC.url(pk="survey_edition"),
    "surveys:answer": PUBLIC.url(token="survey_draft.resume_token"),
    "surveys:answer_done": PUBLIC.url(token="survey_draft.resume_token"),
    # surveys: the office and the center build, key, import and read every result
    "surveys:staff_index": STAFF(*SURVEY_STAFF),
    "surveys:survey_new": STAFF(*SURVEY_STAFF),
    "surveys:edition_new": STAFF(*SURVEY_STAFF)
    .post_only()
    .url(survey_pk="survey_edition.survey_id"),
    "surveys:edition": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:edition_step": STAFF(*SURVEY_STAFF)
    .post_only()
    .url(pk="survey_edition", step="=publish"),
    "surveys:section_new": STAFF(*SURVEY_STAFF)
    .post_only()
    .url(pk="survey_draft_edition")
    .posting(title="あなたのことについて"),
    "surveys:question_new": STAFF(*SURVEY_STAFF).url(pk="survey_draft_edition"),
    "surveys:edition_method": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:invitations": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:keying": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:keying_second": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:mismatches": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:mismatch_resolve": STAFF(*SURVEY_STAFF)
    .post_only()
    .url(pk="survey_keying", keep="=first"),
    "surveys:import": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:results": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:cell": STAFF(*SURVEY_STAFF).url(question_pk="survey_q1"),
    "surveys:export": STAFF(*SURVEY_STAFF).url(pk="survey_edition", fmt="=xlsx"),
    "surveys:report": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:free_text": STAFF(*SURVEY_STAFF).url(pk="survey_edition"),
    "surveys:free_text_publish": STAFF(*SURVEY_STAFF).post_only().url(pk="survey_free_text"),
    # stats: the public 「市民活動の現状」; imports and yearly figures by the office and center
    "stats:current_state": PUBLIC,
    "stats:staff_index": STAFF(*SURVEY_STAFF),
    "stats:import_detail": STAFF(*SURVEY_STAFF).url(pk="npo_import"),
    "stats:city_years": STAFF(*SURVEY_STAFF),
    # booking: public rooms, calendars and feeds (the room feed has no personal data; the
    # group feed is reachable only by its secret token)
    "booking:rooms": PUBLIC,
    "booking:room": PUBLIC.url(pk="booking_room"),
    "booking:room_ical": PUBLIC.url(pk="booking_room"),
    "booking:freed": PUBLIC,
    "booking:freed_feed": PUBLIC,
    "booking:group_ical": PUBLIC.url(token="booking_feed_a.token"),
    # booking: anyone signed in opens the booking screen (the room's rules decide on sending)
    "booking:book": LOGIN.url(pk="booking_room"),
    "booking:watch": LOGIN.post_only().url(pk="booking_room"),
    "booking:mine": LOGIN,
    "booking:lotteries": LOGIN,
    "booking:lottery": LOGIN.url(pk="booking_lottery"),
    "booking:lottery_enter": LOGIN.url(pk="booking_lottery", room_pk="booking_lottery_room"),
    # booking: the group's own bookings, and the center at the window
    "booking:detail": OWNER_OR_STAFF(GROUP_A_MEMBERS, *BOOKING_STAFF).url(pk="booking_a"),
    "booking:change": OWNER_OR_STAFF(GROUP_A_MEMBERS, *BOOKING_STAFF).url(pk="booking_a"),
    "booking:approval": OWNER_OR_STAFF(GROUP_A_MEMBERS, *BOOKING_STAFF).url(pk="booking_a"),
    "booking:act": OWNER_OR_STAFF(GROUP_A_MEMBERS, *BOOKING_STAFF)
    .post_only()
    .url(pk="booking_a", action="=cancel"),
    "booking:group_calendar": OWNER_OR_STAFF(GROUP_A_MEMBERS, *REGISTRY_STAFF).url(
        group_pk="group_a"
    ),
    "booking:feed_renew": OWNER_OR_STAFF(GROUP_A_MEMBERS, *BOOKING_STAFF)
    .post_only()
    .url(group_pk="group_a"),
    "booking:lottery_confirm": OWNER_OR_STAFF(GROUP_A_MEMBERS, *BOOKING_STAFF)
    .post_only()
    .url(pk="booking_entry_a"),
    # booking: the center's staff pages
    "booking:staff": STAFF(*BOOKING_STAFF),
    "booking:stats": STAFF(*BOOKING_STAFF),
    "booking:lottery_new": STAFF(*BOOKING_STAFF),
    "booking:lottery_draw": STAFF(*BOOKING_STAFF).post_only().url(pk="booking_lottery"),
    "booking:facility_new": STAFF(*BOOKING_STAFF),
    "booking:facility_edit": STAFF(*BOOKING_STAFF).url(pk="booking_facility"),
    "booking:room_new": STAFF(*BOOKING_STAFF).url(pk="booking_facility"),
    "booking:room_edit": STAFF(*BOOKING_STAFF).url(pk="booking_room"),
    "booking:closure_new": STAFF(*BOOKING_STAFF).url(pk="booking_facility"),
    "booking:equipment_new": STAFF(*BOOKING_STAFF).url(pk="booking_facility"),
}


# --- the URL configuration, walked ---------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    kwargs: tuple[str, ...]


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = "", ns: str = ""
) -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner_ns = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from url_patterns(entry, prefix + str(entry.pattern), inner_ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            kwargs = tuple(entry.pattern.regex.groupindex)
            yield Pattern(f"{ns}{entry.name}" if entry.name else None, route, kwargs)


PATTERNS = {p.name: p for p in url_patterns() if p.name}


def _suggestion(pattern: Pattern) -> str:
    kw = "".join(f', {k}="…"' for k in pattern.kwargs)
    url = f".url({kw[2:]})" if kw else ""
    return f'    "{pattern.name}": LOGIN{url},  # /{pattern.route} — set the real rule'


def test_it_has_a_row_for_every_named_url_pattern() -> None:
    unnamed = [p.route for p in url_patterns() if not p.name]
    missing = [p for name, p in PATTERNS.items() if name not in MATRIX]
    stale = sorted(set(MATRIX) - set(PATTERNS))
    problems = []
    if unnamed:
        problems.append("URL patterns without a name (name them): " + ", ".join(unnamed))
    if missing:
        problems.append(
            "URL patterns with no row in tests/gates/test_authorization_matrix.py MATRIX; "
            "add (see the module docstring):\n" + "\n".join(_suggestion(p) for p in missing)
        )
    if stale:
        problems.append("MATRIX rows for URL patterns that no longer exist: " + ", ".join(stale))
    assert not problems, "\n\n".join(problems)


def _outcome(response: HttpResponse) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        login = resolve_url(settings.LOGIN_URL)
        return "login" if response["Location"].split("?")[0] == login else "ok"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def _url(world: World, name: str, rule: Rule) -> str:
    kwargs = {k: v[1:] if v.startswith("=") else world.resolve(v) for k, v in rule.kwargs}
    return reverse(name, kwargs=kwargs)


def _run_row(world: World, name: str, rule: Rule) -> tuple[int, list[str]]:
    url = _url(world, name, rule)
    cells, mismatches = 0, []
    for persona in PERSONAS:
        for method in METHODS:
            expected = rule.expected(persona, method)
            response = world.cell(
                persona, method, url, dict(rule.data) if method == "POST" else None, rule.prepare
            )
            got = _outcome(response)
            cells += 1
            if got != expected:
                mismatches.append(
                    f"{method} {url} as {persona}: expected {expected}, got {got}"
                    f" ({response.status_code} {response.get('Location', '')})"
                )
    return cells, mismatches


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if n in PATTERNS))
def test_it_answers_every_persona_as_the_table_says(shared_world: World, name: str) -> None:
    cells, mismatches = _run_row(shared_world, name, MATRIX[name])
    assert cells == len(PERSONAS) * len(METHODS)
    assert not mismatches, f"{name}:\n" + "\n".join(mismatches)


def test_it_records_the_size_of_the_matrix() -> None:
    rows = [n for n in MATRIX if n in PATTERNS]
    cells = len(rows) * len(PERSONAS) * len(METHODS)
    report = {
        "patterns": len(PATTERNS),
        "rows": len(rows),
        "personas": len(PERSONAS),
        "methods": len(METHODS),
        "cells": cells,
    }
    out = Path(settings.BASE_DIR) / "var" / "gates" / "authorization-matrix.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"authorization matrix: {len(rows)} patterns × {len(PERSONAS)} personas × 2 = {cells}")
    assert cells > 0


# --- the checker itself can fail -----------------------------------------------------------


def test_it_reports_a_row_that_expects_the_wrong_answer(shared_world: World) -> None:
    """A row that opens the staff list to everyone disagrees with the real view: the checker
    must say so, cell by cell, or the matrix would pass whatever the views do."""
    url = reverse("registry:staff_list")
    cells, mismatches = _run_row(shared_world, "registry:staff_list", PUBLIC)
    assert cells == len(PERSONAS) * len(METHODS)
    assert f"GET {url} as resident: expected ok, got 403 (403 )" in mismatches
    assert any(m.startswith(f"GET {url} as anonymous: expected ok, got login") for m in mismatches)
    assert not any(" as center_staff:" in m for m in mismatches)  # the staff really may


def test_it_reports_a_view_whose_permission_is_broken(
    shared_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The true row against a view whose predicate lets everyone in: every signed-in person
    the row refuses shows up as a mismatch."""
    from kyodo.core import permissions

    monkeypatch.setitem(
        permissions._PREDICATES,
        "registry.view_staff_pages",
        lambda user, obj=None: permissions.ALLOW,
    )
    url = reverse("registry:staff_list")
    rule = MATRIX["registry:staff_list"]
    _, mismatches = _run_row(shared_world, "registry:staff_list", rule)
    refused = [p for p in PERSONAS if p not in rule.allowed and p != "anonymous"]
    assert refused
    for persona in refused:
        assert f"GET {url} as {persona}: expected 403, got ok (200 )" in mismatches
