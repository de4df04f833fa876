"""The answer columns the tables count (kyodo.surveys.columns) are never stale: every way
answers are written bumps the edition's answers version in the same transaction, a store
of an older version is rebuilt when read, and the background task rebuilds it after the
change commits. The columns give the same tables as the rows they are built from."""

from __future__ import annotations

from typing import Any

from kyodo.surveys import columns, selectors, services
from kyodo.surveys.models import AnswerStore, Edition
from tests.surveys.builders import Built


def _q1(edition: Edition) -> list[int]:
    table = next(t for t in selectors.edition_results(edition).tables if t.question.code == "Q1")
    return [r.cell.count for r in table.all_rows]


def _version(edition: Edition) -> int:
    return Edition.objects.values_list("answers_version", flat=True).get(pk=edition.pk)


def test_it_reads_the_same_tables_from_the_stored_columns_as_from_the_rows(civic: Built) -> None:
    built = selectors.edition_results(civic.edition)  # no store yet: built from the rows
    assert columns.is_fresh(civic.edition.pk)
    stored = selectors.edition_results(civic.edition)  # from the store
    for a, b in zip(built.tables, stored.tables, strict=True):
        assert [(r.label, r.cell) for r in a.all_rows] == [(r.label, r.cell) for r in b.all_rows]
        assert a.base == b.base and a.number == b.number


def test_it_never_serves_a_table_of_older_answers(civic: Built, office_staff: Any) -> None:
    edition = civic.edition
    assert _q1(edition) == [3, 2, 1, 1, 1]  # the store is now current
    services.paper_key(actor=office_staff, edition=edition, paper_number="9", values={"Q1": [4]})
    assert not columns.is_fresh(edition.pk)
    assert _q1(edition) == [3, 2, 1, 2, 1]

    services.answers_import(
        actor=office_staff,
        edition=edition,
        rows=[("10", {"Q1": [2]}), ("11", {"Q1": [2]})],
        filename="paper.csv",
    )
    assert _q1(edition) == [3, 4, 1, 2, 1]

    services.second_key(actor=office_staff, edition=edition, paper_number="9", values={"Q1": [1]})
    keying = selectors.open_mismatches(edition).get()
    services.mismatch_resolve(actor=office_staff, keying=keying, keep="second")
    assert _q1(edition) == [4, 4, 1, 1, 1]

    respondent = services.respondent_start(edition=edition)
    services.respondent_submit(respondent=respondent, values={"Q2": [3]})
    assert _q1(edition) == [4, 4, 1, 1, 2]  # one more 無回答 of Q1


def test_it_bumps_the_answers_version_with_every_write_of_answers(
    civic: Built, office_staff: Any
) -> None:
    edition = civic.edition
    steps = [
        lambda: services.paper_key(
            actor=office_staff, edition=edition, paper_number="20", values={"Q1": [1]}
        ),
        lambda: services.answers_import(
            actor=office_staff, edition=edition, rows=[("21", {"Q1": [1]})], filename="a.csv"
        ),
        lambda: services.respondent_submit(
            respondent=services.respondent_start(edition=edition), values={"Q1": [2]}
        ),
    ]
    for step in steps:
        before = _version(edition)
        step()
        assert _version(edition) == before + 1
    services.second_key(actor=office_staff, edition=edition, paper_number="20", values={"Q1": [3]})
    before = _version(edition)
    keying = selectors.open_mismatches(edition).get()
    services.mismatch_resolve(actor=office_staff, keying=keying, keep="second")
    assert _version(edition) == before + 1


def test_it_rebuilds_the_columns_in_the_background_after_a_change(
    civic: Built, office_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    edition = civic.edition
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_key(
            actor=office_staff, edition=edition, paper_number="30", values={"Q1": [1]}
        )
    store = AnswerStore.objects.get(edition=edition)
    assert (store.version, store.respondents) == (_version(edition), 9)
    assert columns.is_fresh(edition.pk)


def test_it_keeps_a_newer_store_when_an_older_build_finishes_last(civic: Built) -> None:
    edition = civic.edition
    old = columns.build(edition.pk, _version(edition), columns._all_questions(edition.pk))
    Edition.objects.filter(pk=edition.pk).update(answers_version=_version(edition) + 1)
    columns.rebuild(edition.pk)
    columns.save(edition.pk, old)  # e.g. a reader that started before the change
    assert AnswerStore.objects.get(edition=edition).version == _version(edition)
    assert columns.is_fresh(edition.pk)
