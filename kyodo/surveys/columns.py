"""An edition's answers as columns: what the survey tables count.

Six million answer rows (200,000 respondents × 30 questions) take seconds to GROUP BY in
either database; the same answers as one packed array per question are counted in
milliseconds. So an edition keeps its answers twice: the rows (the record of what was
typed, by whom and when, which drill-down, second keying and exports read) and, derived
from them, one column per question (AnswerColumn):

- the edition's submitted respondents are numbered 0 … n−1 in the order of their ids;
- `answered`: one bit per respondent, set when the question has an answer row at
  position 1 (the people who answered; 無回答 = base − answered);
- `counted` (choice questions): one bit per respondent and option, set when the option was
  marked within the first k (position ≤ k, the first-k rule), in the order of `options`;
- `cents` (number questions): the number × 100 as an integer, exact for the field's two
  decimal places, with `numbered` marking who gave one.

Kept exact, never stale: every write of an edition's answers (and of its questionnaire)
calls `answers_changed` inside its own transaction, which bumps Edition.answers_version.
The store records the version it was built from and is read only while that is still the
edition's version; otherwise it is rebuilt from the rows on the spot (and, after each
change, by a background task so that readers seldom wait). A build reads the version
first and the rows after it: a write that commits in between leaves the new store marked
with the older version, so stale at once, never wrong.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from kyodo.surveys.models import AnswerColumn, AnswerStore, Edition, Kind, Question

NO_LIMIT = 32767


def limit_of(question: Question) -> int:
    """k of an "up to k" question (the first-k rule); no limit for every other question."""
    return (
        question.max_choices
        if question.kind == Kind.MULTIPLE and question.max_choices
        else NO_LIMIT
    )


def answers_changed(edition_id: int) -> None:
    """Call in the transaction that writes an edition's answers or questionnaire: the
    columns built before it are stale from the moment it commits."""
    Edition.objects.filter(pk=edition_id).update(answers_version=F("answers_version") + 1)
    from kyodo.surveys.tasks import rebuild_columns

    transaction.on_commit(lambda: rebuild_columns.enqueue(edition_id))


def count(bits: np.ndarray) -> int:
    """Respondents marked in a packed column (np.packbits: eight respondents a byte)."""
    return int(np.bitwise_count(bits).sum())


@dataclass
class Columns:
    """The columns of some questions of one edition, at one version, packed eight
    respondents to a byte (np.packbits along the respondents; the bits past n are 0):
    counting is a population count of whole bytes, a cross-tabulation an AND of columns."""

    version: int
    respondents: int
    answered: dict[int, np.ndarray] = field(default_factory=dict)  # uint8 (bytes,)
    options: dict[int, tuple[int, ...]] = field(default_factory=dict)  # option ids
    counted: dict[int, np.ndarray] = field(default_factory=dict)  # uint8 (bytes, options)
    numbered: dict[int, np.ndarray] = field(default_factory=dict)  # uint8 (bytes,)
    cents: dict[int, np.ndarray] = field(default_factory=dict)  # int64 (n,)

    def question_ids(self) -> set[int]:
        return set(self.answered)

    def everyone(self) -> np.ndarray:
        return np.packbits(np.ones(self.respondents, dtype=bool))

    def per_option(
        self, question_id: int, among: np.ndarray | None = None
    ) -> dict[int | None, int]:
        """Option id → respondents who marked it (within the first k), among the packed
        column `among` (everyone by default)."""
        matrix = self.counted.get(question_id)
        if matrix is None:
            return {}
        if among is not None:
            matrix = matrix & among[:, None]
        sums = np.bitwise_count(matrix).sum(axis=0, dtype=np.int64)
        return {o: int(c) for o, c in zip(self.options[question_id], sums, strict=True)}

    def asked(self, question: Question) -> np.ndarray | None:
        """Who a follow-up question was put to (its sub-group, packed); None for everyone."""
        if not question.condition_question_id:
            return None
        parent = self.counted.get(question.condition_question_id)
        wanted = {o.pk for o in question.condition_options.all()}
        picks = (
            [i for i, o in enumerate(self.options[question.condition_question_id]) if o in wanted]
            if parent is not None
            else []
        )
        if parent is None or not picks:
            return np.zeros((self.respondents + 7) // 8, dtype=np.uint8)
        return np.bitwise_or.reduce(parent[:, picks], axis=1)

    def number_summary(self, question_id: int) -> tuple[int, Decimal, Decimal, Decimal] | None:
        """(answered, total, minimum, maximum) of a number question; None when nobody gave
        one."""
        bits = self.numbered.get(question_id)
        if bits is None or not count(bits):
            return None
        mask = np.unpackbits(bits, count=self.respondents).view(bool)
        values = self.cents[question_id][mask]
        return (
            int(mask.sum()),
            Decimal(int(values.sum())).scaleb(-2),
            Decimal(int(values.min())).scaleb(-2),
            Decimal(int(values.max())).scaleb(-2),
        )


# --- building from the answer rows ---------------------------------------------------------


def _concat(expression: str) -> str:
    """An aggregate that joins integers with commas: one string per group instead of a
    Python tuple per row is what makes reading millions of rows take a second."""
    if connection.vendor == "postgresql":
        return f"string_agg(CAST({expression} AS text), ',')"
    return f"group_concat({expression})"


def _ints(text: str | None) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")  # parses in C: 7× split()


class _Numbering:
    """Respondent id → its number 0 … n−1 (the order of the ids). Ids of one edition are
    mostly consecutive, so a table over their range answers in one indexing step; spread
    too thinly, a binary search does."""

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = ids
        self.low = int(ids[0]) if len(ids) else 0
        span = int(ids[-1]) - self.low + 1 if len(ids) else 0
        self.table: np.ndarray | None = None
        if 0 < span <= 16 * len(ids) + 1024:
            self.table = np.full(span, -1, dtype=np.int64)
            self.table[ids - self.low] = np.arange(len(ids))

    def locate(self, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The numbers of the `found` ids that are the edition's submitted respondents, and
        which of `found` those are (answers of anyone else do not count)."""
        if not len(self.ids):
            return np.zeros(0, dtype=np.int64), np.zeros(len(found), dtype=bool)
        if self.table is not None:
            offset = found - self.low
            inside = (offset >= 0) & (offset < len(self.table))
            at = np.full(len(found), -1, dtype=np.int64)
            at[inside] = self.table[offset[inside]]
            keep = at >= 0
            return at[keep], keep
        at = np.minimum(np.searchsorted(self.ids, found), len(self.ids) - 1)
        keep = self.ids[at] == found
        return at[keep], keep


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def build(edition_id: int, version: int, questions: Sequence[Question]) -> Columns:
    """The columns of `questions` from the answer rows (three queries). Within one group
    the two aggregates of the numbers query read the same rows in the same order, so their
    lists line up."""
    (ids_text,) = _fetch(
        f"SELECT {_concat('id')} FROM surveys_respondent "  # noqa: S608
        "WHERE edition_id = %s AND submitted_at IS NOT NULL",
        [edition_id],
    )[0]
    ids = np.sort(_ints(ids_text))
    n = len(ids)
    numbering = _Numbering(ids)
    result = Columns(version, n)
    by_id = {q.pk: q for q in questions}
    answered: dict[int, np.ndarray] = {}
    counted: dict[int, np.ndarray] = {}
    column_of: dict[int, dict[int, int]] = {}
    for q in questions:
        answered[q.pk] = np.zeros(n, dtype=bool)
        if q.is_choice:
            options = tuple(o.pk for o in q.options.all())
            result.options[q.pk] = options
            counted[q.pk] = np.zeros((n, len(options)), dtype=bool)
            column_of[q.pk] = {o: i for i, o in enumerate(options)}
    if by_id:
        marks = ", ".join(["%s"] * len(by_id))
        for question_id, option_id, position, respondents in _fetch(
            f"SELECT question_id, option_id, position, {_concat('respondent_id')} "  # noqa: S608
            f"FROM surveys_answer WHERE question_id IN ({marks}) "
            "GROUP BY question_id, option_id, position",
            list(by_id),
        ):
            at, _keep = numbering.locate(_ints(respondents))
            if position == 1:
                answered[question_id][at] = True
            column = column_of.get(question_id, {}).get(option_id) if option_id else None
            if column is not None and position <= limit_of(by_id[question_id]):
                counted[question_id][at, column] = True
    numbers = [q.pk for q in questions if q.kind == Kind.NUMBER]
    if numbers:
        marks = ", ".join(["%s"] * len(numbers))
        for question_id, respondents, cents in _fetch(
            f"SELECT question_id, {_concat('respondent_id')}, "  # noqa: S608
            f"{_concat('CAST(ROUND(number * 100) AS BIGINT)')} FROM surveys_answer "
            f"WHERE question_id IN ({marks}) AND number IS NOT NULL GROUP BY question_id",
            numbers,
        ):
            at, keep = numbering.locate(_ints(respondents))
            numbered = np.zeros(n, dtype=bool)
            numbered[at] = True
            result.numbered[question_id] = np.packbits(numbered)
            result.cents[question_id] = np.zeros(n, dtype=np.int64)
            result.cents[question_id][at] = _ints(cents)[keep]
    for question_id, bits in answered.items():
        result.answered[question_id] = np.packbits(bits)
    for question_id, matrix in counted.items():
        result.counted[question_id] = np.packbits(matrix, axis=0)
    return result


def pack(columns: Columns, question_id: int) -> bytes:
    arrays: dict[str, np.ndarray] = {"answered": columns.answered[question_id]}
    if question_id in columns.counted:
        arrays["options"] = np.array(columns.options[question_id], dtype=np.int64)
        arrays["counted"] = columns.counted[question_id]
    if question_id in columns.numbered:
        arrays["numbered"] = columns.numbered[question_id]
        arrays["cents"] = columns.cents[question_id]
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def unpack(columns: Columns, question_id: int, data: bytes | memoryview) -> None:
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
        columns.answered[question_id] = arrays["answered"]
        if "counted" in arrays:
            columns.options[question_id] = tuple(int(o) for o in arrays["options"])
            columns.counted[question_id] = arrays["counted"]
        if "numbered" in arrays:
            columns.numbered[question_id] = arrays["numbered"]
            columns.cents[question_id] = arrays["cents"]


def save(edition_id: int, columns: Columns) -> None:
    """Replace the edition's stored columns, unless a newer build got there first."""
    with transaction.atomic():
        # The same five queries whether or not the edition had a store before.
        now = timezone.now()
        AnswerStore.objects.bulk_create(
            [
                AnswerStore(
                    edition_id=edition_id,
                    version=columns.version,
                    respondents=columns.respondents,
                    built_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        store = AnswerStore.objects.select_for_update().get(edition_id=edition_id)
        if store.version > columns.version:
            return
        AnswerColumn.objects.filter(store=store).delete()
        store.version, store.respondents, store.built_at = (
            columns.version,
            columns.respondents,
            now,
        )
        store.save(update_fields=["version", "respondents", "built_at"])
        AnswerColumn.objects.bulk_create(
            [
                AnswerColumn(store=store, question_id=q, data=pack(columns, q))
                for q in sorted(columns.question_ids())
            ]
        )


def _all_questions(edition_id: int) -> list[Question]:
    return list(
        Question.objects.filter(edition_id=edition_id).prefetch_related("options").order_by("pk")
    )


def rebuild(edition_id: int) -> Columns:
    """Build every column of the edition from its answer rows and store them."""
    version = Edition.objects.values_list("answers_version", flat=True).get(pk=edition_id)
    columns = build(edition_id, version, _all_questions(edition_id))
    save(edition_id, columns)
    return columns


def is_fresh(edition_id: int) -> bool:
    return Edition.objects.filter(
        pk=edition_id, answer_store__version=F("answers_version")
    ).exists()


def load(edition_id: int, question_ids: Iterable[int]) -> Columns:
    """The columns of these questions at the edition's current answers version: from the
    store when it is current (two queries), else rebuilt from the rows and stored."""
    wanted = set(question_ids)
    version, stored, respondents = (
        Edition.objects.filter(pk=edition_id)
        .values_list("answers_version", "answer_store__version", "answer_store__respondents")
        .get()
    )
    if stored == version:
        rows = AnswerColumn.objects.filter(
            store__edition_id=edition_id, question_id__in=wanted
        ).values_list("question_id", "data")
        columns = Columns(version, respondents)
        for question_id, data in rows:
            unpack(columns, question_id, data)
        if wanted <= columns.question_ids():
            return columns
    columns = build(edition_id, version, _all_questions(edition_id))
    try:
        with transaction.atomic():  # a reader stores what it built, if it can
            save(edition_id, columns)
    except DatabaseError:
        pass  # e.g. SQLite busy with another writer: the next reader or the task stores it
    return columns
