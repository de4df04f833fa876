"""The surveys' objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS.

"survey_edition" is open, with the eight hand-checked respondents and published results;
"survey_draft_edition" is still being built; "survey_draft" a web respondent half-way
through; "survey_keying" a second keying that differs from the first; "survey_free_text"
a free-text answer."""

from __future__ import annotations

from typing import Any

from kyodo.surveys import services
from kyodo.surveys.models import Answer, Kind
from tests.surveys.builders import RESPONDENTS, build_questionnaire, key_all


def surveys_world(world: Any) -> dict[str, Any]:
    office = world.users["office_staff"]
    built = build_questionnaire(office)
    key_all(office, built.edition, RESPONDENTS)
    services.edition_step(actor=office, edition=built.edition, step="publish")
    draft = services.survey_create(
        actor=office, title="準備中の調査", description="", fiscal_year=2026
    )
    services.question_create(
        actor=office,
        edition=draft,
        code="Q1",
        text="関心",
        kind=Kind.SINGLE,
        options=["ある", "ない"],
    )
    respondent = services.respondent_start(edition=built.edition)
    keying = services.second_key(
        actor=world.users["center_staff"],
        edition=built.edition,
        paper_number="1",
        values={"Q1": [2]},
    )
    return {
        "survey_edition": built.edition,
        "survey_draft_edition": draft,
        "survey_draft": respondent,
        "survey_keying": keying,
        "survey_q1": built.q["Q1"],
        "survey_free_text": Answer.objects.get(
            respondent__edition=built.edition, question__code="Q8"
        ),
    }
