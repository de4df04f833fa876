"""Bad input never breaks a page: far-past dates, 20-digit numbers and ids, letters where an
id belongs, negative amounts and tampered form counts each get a message or a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from kyodo.japan.forms import JapaneseDateField, LooseIntegerField, YenField
from tests.conftest import login


@pytest.mark.parametrize(
    "typed", ["-1", "－１", "12345678901234567890", "１２３４５６７８９０１２３４５６７８９０"]
)
def test_it_refuses_negative_and_huge_counts_at_the_field(typed: str) -> None:
    field = LooseIntegerField()
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    assert "ValidationError" in type(refused.value).__name__


@pytest.mark.parametrize(
    ("typed", "yen"), [("３千円", 3_000), ("3千", 3_000), ("1万5千円", 15_000), ("50万", 500_000)]
)
def test_it_reads_amounts_written_with_man_and_sen(typed: str, yen: int) -> None:
    assert YenField().clean(typed) == yen


def test_it_refuses_a_twenty_digit_amount_with_a_message() -> None:
    field = YenField()
    with pytest.raises(Exception) as refused:
        field.clean("99999999999999999999円")
    assert "以下" in " ".join(refused.value.messages)  # Django's Japanese "…以下" bound


def test_it_refuses_a_date_far_in_the_past_with_a_message() -> None:
    field = JapaneseDateField()
    with pytest.raises(Exception) as refused:
        field.clean("1800-01-01")
    assert "より前の日付は入力できません" in " ".join(refused.value.messages)
    assert field.clean("明治2年1月1日") == dt.date(1869, 1, 1)


def test_it_shows_any_stored_date_without_failing() -> None:
    text = Template("{% load japan %}{{ d|wareki }} {{ y|nendo }}").render(
        Context({"d": dt.date(1800, 1, 1), "y": 1800})
    )
    assert text == "1800-01-01 1800年度"


@pytest.mark.django_db
def test_it_answers_a_twenty_digit_id_in_a_url_with_404(client: Client) -> None:
    assert client.get(reverse("registry:group_detail", args=[10**20])).status_code == 404
    assert client.get(reverse("proposals:detail", args=[10**19])).status_code == 404


@pytest.mark.django_db
def test_it_answers_a_theme_that_is_no_id_with_404(representative_a: Any, group_a: Any) -> None:
    client = login(Client(), representative_a)
    url = reverse("proposals:new", args=[group_a.pk])
    for bad in ("abc", "1e5", "１２", "99999999999999999999"):
        assert client.get(url, {"theme": bad}).status_code == 404
        assert client.get(url, {"call": bad}).status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_tampered_budget_form_count_at_once(representative_a: Any, draft: Any) -> None:
    client = login(Client(), representative_a)
    lines_before = draft.budget_lines.count()
    for claimed in (str(10**20), "1000", "51"):
        response = client.post(
            reverse("proposals:budget", args=[draft.pk]),
            {"y1-expense-TOTAL_FORMS": claimed, "y1-expense-INITIAL_FORMS": "0"},
        )
        assert response.status_code == 200
        # No row is built for a count past the maximum (the time a worker is held is that of
        # an ordinary page), and the person is told the limit.
        expense = response.context["tables"].tables[0].expense
        assert expense.forms == []
        errors = " ".join(expense.non_form_errors())
        assert "50" in errors
    assert draft.budget_lines.count() == lines_before  # nothing saved, nothing lost


@pytest.mark.django_db
def test_it_keeps_the_kind_chosen_when_the_file_is_missing(
    representative_a: Any, draft: Any
) -> None:
    client = login(Client(), representative_a)
    response = client.post(
        reverse("proposals:attachment_upload", args=[draft.pk]), {"file-kind": "rules"}
    )
    # The page again (not a redirect that would lose the choice), the message at the field.
    assert response.status_code == 200
    form = response.context["attachment_form"]
    assert form["kind"].value() == "rules"
    assert form.errors["file"]
    html = response.content.decode()
    assert 'id="id_file-file_error"' in html
    assert '<option value="rules" selected>' in html


@pytest.mark.django_db
def test_it_asks_for_the_return_reason_at_its_field_without_leaving_the_page(
    representative_a: Any, office_staff: Any, draft: Any
) -> None:
    draft.status = "submitted"  # as if submitted (the fixture of a past state)
    draft.save(update_fields=["status"])
    client = login(Client(), office_staff)
    response = client.post(
        reverse("proposals:action", args=[draft.pk, "return"]), {"return-reason": "  "}
    )
    assert response.status_code == 200
    assert response.context["reason_form"].errors["reason"]
    assert 'id="id_return-reason_error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"
