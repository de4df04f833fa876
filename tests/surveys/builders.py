"""A small civic-participation questionnaire with eight hand-checked respondents, shared by
the aggregation tests (the expected tables are worked out by hand in each test)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kyodo.surveys import services
from kyodo.surveys.models import Edition, Kind, Question, Survey

INTEREST = ["関心がある", "少し関心がある", "あまり関心がない", "関心がない"]
INVOLVEMENT = ["現在参加している", "以前参加していた", "参加したことはない"]
KINDS = ["自治会・町内会", "PTA・子ども会", "NPO法人", "任意の市民活動団体"]
BARRIERS = ["時間がない", "情報がない", "きっかけがない"]
SEX = ["男性", "女性", "答えたくない"]

# Q3 is asked only of Q2 = 1 or 2 and takes up to 2 answers; r3 answered it without being
# asked (dropped), r1 marked three (the third does not count).
RESPONDENTS: list[dict[str, Any]] = [
    {"Q1": [1], "Q2": [1], "Q3": [1, 2, 3], "Q4": [1, 2], "Q5": [1], "Q7": "30"},
    {"Q1": [1], "Q2": [2], "Q3": [2], "Q4": [1], "Q5": [2], "Q7": "45"},
    {"Q1": [2], "Q2": [3], "Q3": [1], "Q4": [2, 3], "Q5": [2]},
    {"Q1": [3], "Q2": [3], "Q5": [1], "Q8": "地域の行事が減った"},
    {"Q2": [1], "Q4": [1, 3]},
    {"Q1": [4], "Q2": [3], "Q4": [1], "Q5": [2], "Q6": [1]},
    {"Q1": [1], "Q2": [3], "Q4": [3], "Q5": [1]},
    {"Q1": [2], "Q2": [2], "Q3": [3, 4], "Q4": [1, 2, 3], "Q5": [2]},
]


@dataclass
class Built:
    edition: Edition
    q: dict[str, Question]


def build_questionnaire(
    actor: Any, *, fiscal_year: int = 2025, survey: Survey | None = None
) -> Built:
    if survey is None:
        edition = services.survey_create(
            actor=actor, title="市民活動に関する意識調査", description="", fiscal_year=fiscal_year
        )
    else:
        edition = Edition.objects.create(survey=survey, fiscal_year=fiscal_year)
    q: dict[str, Question] = {}
    add = services.question_create
    q["Q1"] = add(
        actor=actor,
        edition=edition,
        code="Q1",
        text="市民活動への関心",
        kind=Kind.SINGLE,
        options=INTEREST,
    )
    q["Q2"] = add(
        actor=actor,
        edition=edition,
        code="Q2",
        text="参加の状況",
        kind=Kind.SINGLE,
        options=INVOLVEMENT,
    )
    q["Q3"] = add(
        actor=actor,
        edition=edition,
        code="Q3",
        text="参加している活動",
        kind=Kind.MULTIPLE,
        options=KINDS,
        max_choices=2,
        condition_question=q["Q2"],
        condition_numbers=[1, 2],
    )
    q["Q4"] = add(
        actor=actor,
        edition=edition,
        code="Q4",
        text="参加の妨げ",
        kind=Kind.MULTIPLE,
        options=BARRIERS,
    )
    q["Q5"] = add(
        actor=actor, edition=edition, code="Q5", text="性別", kind=Kind.SINGLE, options=SEX
    )
    q["Q6"] = add(
        actor=actor,
        edition=edition,
        code="Q6",
        text="関心がない理由",
        kind=Kind.SINGLE,
        options=["時間がない", "興味がない"],
        other=True,
        condition_question=q["Q1"],
        condition_numbers=[4],
    )
    q["Q7"] = add(actor=actor, edition=edition, code="Q7", text="年齢", kind=Kind.NUMBER)
    q["Q8"] = add(actor=actor, edition=edition, code="Q8", text="ご意見", kind=Kind.TEXT)
    services.edition_step(actor=actor, edition=edition, step="open")
    edition.refresh_from_db()
    return Built(edition, q)


def key_all(
    actor: Any, edition: Edition, respondents: list[dict[str, Any]], prefix: str = ""
) -> None:
    for i, values in enumerate(respondents, 1):
        services.paper_key(actor=actor, edition=edition, paper_number=f"{prefix}{i}", values=values)
