"""Gate: two people edit the same group; the second to save sees the conflict, both
versions are on the screen, and nothing the second person typed is lost."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.registry.models import CivicGroup
from tests.gates.conftest import World


def _form_data(response: Any) -> dict[str, Any]:
    """What the browser would send back: the form as rendered, every field filled."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    return data


def test_it_shows_the_second_saver_both_versions_and_keeps_their_input(world: World) -> None:
    url = reverse("registry:group_edit", args=[world.group_a.pk])
    rep = world.client_for("representative_a")
    staff = world.client_for("center_staff")
    rep_form = _form_data(rep.get(url))
    staff_form = _form_data(staff.get(url))
    assert rep_form["version"] == staff_form["version"]

    # a private item: a registered group's public items wait for the center
    rep_form["contact_name"] = "代表者が書いた新しい連絡担当者"
    assert rep.post(url, rep_form).status_code == 302

    staff_form["purpose"] = "センター職員が書いた目的（消えてはいけない）"
    conflict = staff.post(url, staff_form)
    assert conflict.status_code == 200
    page = conflict.content.decode()
    assert "別の人が保存した内容" in page
    assert "代表者が書いた新しい連絡担当者" in page  # the other version, shown
    assert "センター職員が書いた目的（消えてはいけない）" in page  # own input, kept
    group = CivicGroup.objects.get(pk=world.group_a.pk)
    assert group.contact_name == "代表者が書いた新しい連絡担当者"
    assert group.purpose != "センター職員が書いた目的（消えてはいけない）"

    # Saving again from the conflict page goes on top of the newer version.
    retry = _form_data(conflict)
    assert retry["purpose"] == "センター職員が書いた目的（消えてはいけない）"
    assert int(retry["version"]) == group.version
    assert staff.post(url, retry).status_code == 302
    group.refresh_from_db()
    assert group.purpose == "センター職員が書いた目的（消えてはいけない）"
