"""The office manages the committee member kinds on a page reached from the committee list:
rename, reorder, add, English names shown in English."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from kyodo.review.models import MemberKind
from kyodo.review.seed import seed_review
from tests.conftest import login


def _post(kinds, extra_name="", **changes):
    data = {
        "form-TOTAL_FORMS": str(len(kinds) + 1),
        "form-INITIAL_FORMS": str(len(kinds)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "50",
    }
    for n, k in enumerate(kinds):
        data |= {
            f"form-{n}-id": str(k.pk),
            f"form-{n}-name": k.name,
            f"form-{n}-name_en": k.name_en,
            f"form-{n}-order": str(k.order),
            f"form-{n}-usual_count": str(k.usual_count),
        }
    data |= {f"form-{len(kinds)}-name": extra_name, f"form-{len(kinds)}-order": "9"}
    data.update(changes)
    return data


def test_the_office_renames_reorders_and_adds_kinds(office_staff):
    seed_review()
    kinds = list(MemberKind.objects.all())
    client = login(Client(), office_staff)
    index = client.get(reverse("review:staff_index")).content.decode()
    assert reverse("review:member_kinds") in index  # reached by clicking
    data = _post(
        kinds,
        extra_name="公募市民",
        **{"form-0-name": "大学教員", "form-0-name_en": "University teacher", "form-0-order": "５"},
    )
    response = client.post(reverse("review:member_kinds"), data)
    assert response.status_code == 302
    first = MemberKind.objects.get(pk=kinds[0].pk)
    assert (first.name, first.name_en, first.order) == ("大学教員", "University teacher", 5)
    assert MemberKind.objects.filter(name="公募市民", order=9).exists()
    assert list(MemberKind.objects.values_list("name", flat=True))[-1] == "公募市民"
    with translation.override("en"):
        assert first.label == "University teacher"
    with translation.override("ja"):
        assert first.label == "大学教員"


def test_it_refuses_two_kinds_of_the_same_name_at_the_field(office_staff):
    seed_review()
    kinds = list(MemberKind.objects.all())
    client = login(Client(), office_staff)
    response = client.post(reverse("review:member_kinds"), _post(kinds, extra_name=kinds[1].name))
    assert response.status_code == 400
    assert any(f.errors.get("name") for f in response.context["formset"].forms)
    assert MemberKind.objects.count() == len(kinds)


def test_two_kinds_may_swap_names(office_staff):
    seed_review()
    a, b, *rest = MemberKind.objects.all()
    client = login(Client(), office_staff)
    data = _post([a, b, *rest], **{"form-0-name": b.name, "form-1-name": a.name})
    assert client.post(reverse("review:member_kinds"), data).status_code == 302
    assert MemberKind.objects.get(pk=a.pk).name == b.name
