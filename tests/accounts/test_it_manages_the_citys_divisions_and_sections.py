"""The city's 部 and 課 are kept on a staff page by the administrator and the office: list,
add, rename, order, retire; reachable from the staff menu; every change audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.accounts.forms import RoleGrantForm
from kyodo.accounts.models import Division, Section
from kyodo.audit.models import AuditEvent
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_office_adds_renames_orders_and_retires(client, office_staff):
    login(client, office_staff)
    client.post(reverse("accounts:division_new"), {"name": "市民生活部", "order": "２"})
    division = Division.objects.get(name="市民生活部")
    assert division.order == 2  # full-width digits, as in every number field
    client.post(
        reverse("accounts:section_new"),
        {"division": division.pk, "name": "地域のつながり課", "order": "1"},
    )
    section = Section.objects.get(name="地域のつながり課")

    client.post(
        reverse("accounts:section_edit", args=[section.pk]),
        {"division": division.pk, "name": "地域共生課", "order": "5", "retired": "on"},
    )
    section.refresh_from_db()
    assert (section.name, section.order, section.retired) == ("地域共生課", 5, True)
    assert section not in Section.objects.current()
    assert section not in RoleGrantForm().fields["section"].queryset  # not offered anew

    page = client.get(reverse("accounts:organisation")).content.decode()
    assert "市民生活部" in page and "地域共生課" in page and "廃止" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"division.create", "section.create", "section.update"} <= actions


def test_a_duplicate_name_is_refused_at_the_field(client, administrator):
    login(client, administrator)
    section = factories.SectionFactory(name="こども支援課")
    page = client.post(
        reverse("accounts:section_new"),
        {"division": section.division_id, "name": "こども支援課", "order": "0"},
    )
    assert page.status_code == 200 and page.context["form"].errors["name"]
    page = client.post(
        reverse("accounts:division_new"), {"name": section.division.name, "order": "0"}
    )
    assert page.context["form"].errors["name"]


def test_only_the_administrator_and_the_office_may(client, center_staff, department_staff):
    for person in (center_staff, department_staff):
        assert login(client, person).get(reverse("accounts:organisation")).status_code == 403


def test_the_staff_menu_leads_there(client, office_staff):
    page = login(client, office_staff).get(reverse("portal:dashboard")).content.decode()
    assert reverse("accounts:organisation") in page
