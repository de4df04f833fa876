"""The office sets a committee's criteria, scale and its words, conversion and pass rule on
a page, until the first score sheet is saved; members see what the points mean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kyodo.core.permissions import check
from kyodo.programmes.models import Call
from kyodo.review import services
from kyodo.review.forms import parse_scale_labels
from kyodo.review.models import Committee, CriteriaSet
from kyodo.review.seed import KAMAKURA_CRITERIA_NAME
from tests.conftest import login
from tests.proposals import factories as pf
from tests.review.conftest import answers, make_scene

SETTINGS = {
    "name": "協働コースの審査基準",
    "scale_min": "1",
    "scale_max": "５",
    "scale_labels": "1=不十分\n３＝普通\n5：十分",
    "normalisation": "range",
    "normalise_to": "100",
    "pass_rule": "mean_total",
    "pass_line": "６５",
    "rounds": "2",
}


def test_a_fresh_install_gets_the_citys_default_criteria_when_none_is_chosen(office_staff):
    assert not CriteriaSet.objects.exists()
    call = pf.CallFactory()
    committee = services.committee_create(actor=office_staff, call=call)
    assert committee.criteria_set.name == KAMAKURA_CRITERIA_NAME
    assert committee.criteria_set.scale_words()[0] == (1, "不十分")


def test_it_sets_the_scale_words_conversion_and_pass_line_on_the_page(office_staff):
    scene = make_scene(office_staff, proposals=1, members=2)
    client = login(Client(), office_staff)
    page = client.get(reverse("review:committee", args=[scene.call.pk])).content.decode()
    assert reverse("review:criteria", args=[scene.call.pk]) in page  # reached by clicking
    response = client.post(
        reverse("review:criteria_act", args=[scene.call.pk, "settings"]), SETTINGS
    )
    assert response.status_code == 302
    cs = Committee.objects.get(pk=scene.committee.pk).criteria_set
    assert cs.scale_labels == {"1": "不十分", "3": "普通", "5": "十分"}
    assert cs.pass_line == Decimal(65) and cs.name == "協働コースの審査基準"
    assert set(cs.criteria.values_list("scale_max", flat=True)) == {5}
    # A member sees what 1 and 5 mean on the score sheet.
    member = scene.members[0]
    (p1,) = scene.proposals
    services.declaration_make(actor=member, proposal=p1, has_conflict=False)
    sheet = login(Client(), member).get(reverse("review:score", args=[p1.pk, 1])).content.decode()
    assert "1（不十分）" in sheet and "5（十分）" in sheet


def test_it_refuses_a_pass_line_above_the_converted_maximum_at_the_field(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    client = login(Client(), office_staff)
    url = reverse("review:criteria_act", args=[scene.call.pk, "settings"])
    response = client.post(url, SETTINGS | {"pass_line": "100.01"})
    assert response.status_code == 400
    assert "pass_line" in response.context["settings_form"].errors
    assert response.context["settings_form"]["scale_labels"].value() == SETTINGS["scale_labels"]
    assert client.post(url, SETTINGS | {"pass_line": "100"}).status_code == 302


def test_it_refuses_words_for_a_point_outside_the_scale(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    with pytest.raises(services.ReviewRefused) as refused:
        services.criteria_settings_update(
            actor=office_staff,
            committee=scene.committee,
            data={
                "name": "x",
                "scale_min": 1,
                "scale_max": 5,
                "scale_labels": {"6": "とても十分"},
                "normalisation": "range",
                "normalise_to": 100,
                "pass_rule": "mean_total",
                "pass_line": Decimal(60),
                "rounds": 2,
            },
        )
    assert "scale_labels" in refused.value.errors
    assert parse_scale_labels("０=なし\n 5 = 十分 ") == {"0": "なし", "5": "十分"}


def test_it_edits_criteria_adds_one_and_removes_one(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    a, b, c = scene.criteria
    client = login(Client(), office_staff)
    data = {
        "criteria-TOTAL_FORMS": "4",
        "criteria-INITIAL_FORMS": "3",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    rows = [
        (a.pk, "公益性（広く市民の利益）", "3", "1", ""),
        (b.pk, b.name, "1", "2", "on"),
        (c.pk, c.name, "1", "3", ""),
        ("", "先駆性", "０.５", "4", ""),
    ]
    for n, (pk, name, weight, order, delete) in enumerate(rows):
        data |= {
            f"criteria-{n}-id": pk,
            f"criteria-{n}-name": name,
            f"criteria-{n}-question": "",
            f"criteria-{n}-weight": weight,
            f"criteria-{n}-order": order,
        }
        if delete:
            data[f"criteria-{n}-DELETE"] = "on"
    response = client.post(reverse("review:criteria_act", args=[scene.call.pk, "criteria"]), data)
    assert response.status_code == 302
    cs = Committee.objects.get(pk=scene.committee.pk).criteria_set
    assert [(x.name, x.weight) for x in cs.criteria.all()] == [
        ("公益性（広く市民の利益）", Decimal(3)),
        (c.name, Decimal(1)),
        ("先駆性", Decimal("0.5")),
    ]


def test_editing_a_shared_set_copies_it_first(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    other = services.committee_create(
        actor=office_staff, call=pf.CallFactory(), criteria_set=scene.committee.criteria_set
    )
    services.criteria_settings_update(
        actor=office_staff,
        committee=scene.committee,
        data={
            "name": "この委員会だけの基準",
            "scale_min": 0,
            "scale_max": 5,
            "scale_labels": {},
            "normalisation": "fraction_of_max",
            "normalise_to": 100,
            "pass_rule": "none",
            "pass_line": None,
            "rounds": 1,
        },
    )
    other.refresh_from_db()
    scene.committee.refresh_from_db()
    assert other.criteria_set.rounds == 2 and other.criteria_set.criteria.first().scale_min == 1
    assert scene.committee.criteria_set.rounds == 1
    assert scene.committee.criteria_set.criteria.first().scale_min == 0


def test_it_locks_the_criteria_once_a_first_sheet_is_saved_even_as_a_draft(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    (p1,) = scene.proposals
    assert check("review.configure_criteria", office_staff, scene.committee)
    services.declaration_make(actor=scene.members[0], proposal=p1, has_conflict=False)
    assert check("review.configure_criteria", office_staff, scene.committee)  # not yet
    services.sheet_save(
        actor=scene.members[0], proposal=p1, round_number=1, answers=answers(scene, 3, 3, None)
    )
    decision = check("review.configure_criteria", office_staff, scene.committee)
    assert not decision and "採点が始まっている" in str(decision.reason)
    with pytest.raises(PermissionDenied):
        services.criteria_choose(actor=office_staff, committee=scene.committee, source=None)
    client = login(Client(), office_staff)
    page = client.get(reverse("review:criteria", args=[scene.call.pk])).content.decode()
    assert "採点が始まっているため" in page and 'name="scale_labels"' not in page
    response = client.post(
        reverse("review:criteria_act", args=[scene.call.pk, "settings"]), SETTINGS
    )
    assert response.status_code in (400, 403)
    assert Call.objects.filter(pk=scene.call.pk).exists()
    assert scene.committee.criteria_set.name != SETTINGS["name"]


def test_saving_a_shared_set_under_its_own_name_keeps_the_copys_name(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    shared = scene.committee.criteria_set
    services.committee_create(actor=office_staff, call=pf.CallFactory(), criteria_set=shared)
    client = login(Client(), office_staff)
    response = client.post(
        reverse("review:criteria_act", args=[scene.call.pk, "settings"]),
        SETTINGS | {"name": shared.name},
    )
    assert response.status_code == 302
    scene.committee.refresh_from_db()
    assert scene.committee.criteria_set.pk != shared.pk
    assert scene.committee.criteria_set.pass_line == 65
