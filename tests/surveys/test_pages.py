"""The survey pages end to end through the test client: build, answer, key, results."""

from __future__ import annotations

import io
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kyodo.core.once import FIELD
from kyodo.surveys.models import Answer, Channel, Edition, Respondent
from tests.surveys.builders import Built


def _token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    match = re.search(rf'name="{FIELD}" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_it_builds_a_questionnaire_through_the_builder_pages(
    office_staff: Any, as_user: Any
) -> None:
    client = as_user(office_staff)
    url = reverse("surveys:survey_new")
    response = client.post(
        url, {"title": "市民意識調査", "fiscal_year": "２０２５", FIELD: _token(client, url)}
    )
    edition = Edition.objects.get(survey__title="市民意識調査")
    assert response["Location"] == reverse("surveys:edition", args=[edition.pk])
    assert edition.fiscal_year == 2025
    url = reverse("surveys:question_new", args=[edition.pk])
    client.post(
        url,
        {
            "code": "Q1",
            "text": "関心",
            "kind": "single",
            "options": "ある\nない",
            FIELD: _token(client, url),
        },
    )
    bad = client.post(
        url,
        {
            "code": "Q1",
            "text": "重複",
            "kind": "single",
            "options": "a",
            FIELD: _token(client, url),
        },
    )
    assert bad.status_code == 200
    assert "この設問コードはこの調査票ですでに使われています" in bad.content.decode()
    empty = client.post(
        url, {"code": "Q2", "text": "種類", "kind": "multiple", FIELD: _token(client, url)}
    )
    assert "選択肢を1行に1つずつ入力してください" in empty.content.decode()
    assert [o.label for o in edition.questions.get(code="Q1").options.all()] == ["ある", "ない"]


def test_it_takes_an_anonymous_web_answer_with_save_and_resume(civic: Built) -> None:
    client = Client()
    start = reverse("surveys:answer_start", args=[civic.edition.pk])
    response = client.post(start, {FIELD: _token(client, start)})
    respondent = Respondent.objects.get(channel=Channel.WEB)
    page = reverse("surveys:answer", args=[respondent.resume_token])
    assert response["Location"] == page
    saved = client.post(page, {"q_Q1": "2", "q_Q8": "途中まで", "action": "save"})
    assert saved["Location"] == page
    # a new browser (another device) resumes from the link
    resumed = Client().get(page).content.decode()
    assert re.search(r'<input type="radio" name="q_Q1" value="2"[^>]*checked', resumed)
    assert "途中まで" in resumed
    too_many = client.post(
        page, {"q_Q1": "1", "q_Q2": "1", "q_Q3": ["1", "2", "3"], "action": "submit"}
    )
    assert "2つまで選んでください" in too_many.content.decode()
    done = client.post(
        page, {"q_Q1": "1", "q_Q2": "1", "q_Q3": ["1", "2"], "q_Q7": "４２", "action": "submit"}
    )
    assert done["Location"] == reverse("surveys:answer_done", args=[respondent.resume_token])
    assert Answer.objects.filter(respondent=respondent).count() == 5
    assert Client().get(page)["Location"].endswith("/done/")  # answered once, then closed


def test_it_keys_paper_answers_and_refuses_bad_input_beside_the_field(
    civic: Built, office_staff: Any, as_user: Any
) -> None:
    client = as_user(office_staff)
    url = reverse("surveys:keying", args=[civic.edition.pk])
    ok = client.post(
        url,
        {
            "paper_number": "101",
            "q_Q1": "１",
            "q_Q4": "1、3",
            "q_Q7": "６５",
            FIELD: _token(client, url),
        },
    )
    assert ok["Location"] == url
    keyed = Respondent.objects.get(paper_number="101")
    assert keyed.keyed_by == office_staff and keyed.keyed_at is not None
    bad = client.post(
        url, {"paper_number": "102", "q_Q1": "7", "q_Q5": "1 2", FIELD: _token(client, url)}
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    assert 'id="id_q_Q1_error"' in html and "選択肢の番号は1〜4です" in html
    assert "この設問はひとつだけ選びます" in html
    assert 'value="102"' in html  # nothing typed is lost
    again = client.post(url, {"paper_number": "101", FIELD: _token(client, url)})
    assert "調査票番号 101 はすでに入力されています" in again.content.decode()


def test_it_lists_second_keying_mismatches_and_resolves_them(
    civic: Built, center_staff: Any, as_user: Any
) -> None:
    client = as_user(center_staff)
    url = reverse("surveys:keying_second", args=[civic.edition.pk])
    # paper 1 was keyed as Q1=1, Q2=1, Q3=[1,2,3], Q4=[1,2], Q5=1, Q7=30
    client.post(
        url,
        {
            "paper_number": "1",
            "q_Q1": "2",
            "q_Q2": "1",
            "q_Q3": "1 2 3",
            "q_Q4": "1 2",
            "q_Q5": "1",
            "q_Q7": "30",
            FIELD: _token(client, url),
        },
    )
    page = client.get(reverse("surveys:mismatches", args=[civic.edition.pk])).content.decode()
    assert "調査票番号 1" in page
    keying = Respondent.objects.get(paper_number="1").second_keying
    assert keying.mismatches == [{"code": "Q1", "first": "1", "second": "2"}]
    client.post(reverse("surveys:mismatch_resolve", args=[keying.pk, "second"]))
    assert Answer.objects.get(respondent__paper_number="1", question__code="Q1").option.number == 2


def test_it_shows_tables_charts_a_cross_tab_and_exports_excel(
    civic: Built, office_staff: Any, as_user: Any
) -> None:
    client = as_user(office_staff)
    edition = civic.edition
    url = reverse("surveys:results", args=[edition.pk])
    html = client.get(url, {"column": civic.q["Q1"].pk, "by": civic.q["Q5"].pk}).content.decode()
    assert html.count('role="img"') == 6  # the six choice questions
    assert "<title id=" in html and "<desc id=" in html
    assert "関心がある 37.5%" in html
    assert "66.7" in html and "性別が無回答（または非該当）の 1人" in html
    export = client.get(
        reverse("surveys:export", args=[edition.pk, "xlsx"]),
        {"column": civic.q["Q1"].pk, "by": civic.q["Q5"].pk},
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("Q1", "市民活動への関心", 8, "関心がある", 3, "37.5")
    assert any(r[1] == "男性" and r[2] == 3 and r[3] == "66.7" for r in rows)


def test_it_keeps_results_and_respondents_from_the_public_until_published(
    civic: Built, office_staff: Any, resident: Any, as_user: Any
) -> None:
    edition = civic.edition
    public = reverse("surveys:public_results", args=[edition.pk])
    assert as_user(resident).get(public).status_code == 403
    staff = as_user(office_staff)
    staff.post(reverse("surveys:edition_step", args=[edition.pk, "publish"]))
    text = Answer.objects.get(question__code="Q8")
    html = Client().get(public).content.decode()
    assert "関心がある" in html and "地域の行事が減った" not in html
    assert "/respondents/" not in html  # no drill-down in public
    staff.post(reverse("surveys:free_text_publish", args=[text.pk]), {"publish": "1"})
    assert "地域の行事が減った" in Client().get(public).content.decode()
    cell = as_user(resident).get(reverse("surveys:cell", args=[civic.q["Q1"].pk]))
    assert cell.status_code == 403
