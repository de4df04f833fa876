"""A change saved through one app process shows through the other at once: the cached
public pages are invalidated for every process through Redis, not left to time out."""

from __future__ import annotations

import pytest

from kyodo.portal.management.commands.seed_demo import DEMO_PASSWORD, DEMO_TOTP_HEX
from tests.scaleout.cluster import Browser, Cluster, parse_page, say
from tests.scaleout.conftest import Approval

pytestmark = pytest.mark.scaleout


def test_it_shows_a_group_edit_made_through_app_1_on_app_2s_cached_page(cluster: Cluster) -> None:
    app1, app2 = cluster.ports
    [(pk, purpose)] = cluster.sql(
        "SELECT g.id, g.purpose FROM registry_civicgroup g JOIN registry_groupmembership m ON m.group_id = g.id "
        "JOIN accounts_user u ON u.id = m.user_id WHERE u.email = %s",
        ("rep@kyodo.example",),
    )
    anonymous = Browser()
    page = f"/groups/{pk}/"
    assert anonymous.get(app2, page).status == 200  # app 2 renders and caches the page

    # The page really is cached: a write behind the services' back does not show ...
    cluster.sql(
        "UPDATE registry_civicgroup SET purpose = %s WHERE id = %s", (purpose + " 裏口", pk)
    )
    assert "裏口" not in anonymous.get(app2, page).text

    # ... but a save through the other process's services shows at once.
    rep = Browser()
    rep.log_in(app1, "rep@kyodo.example", DEMO_PASSWORD)
    edit = rep.get(app1, f"/my/groups/{pk}/edit/")
    form = next(f for f in parse_page(edit.text).forms if "purpose" in f.values())
    saved = rep.submit(app1, edit, form, form.with_values(purpose=purpose + " 二号機から見える"))
    assert (saved.status, saved.url) == (200, f"/my/groups/{pk}/")
    say("the representative saved the group through app 1")
    # A registered group's public items wait for the center: not public yet, on either app.
    assert "二号機から見える" not in anonymous.get(app2, page).text

    # The center accepts the change through app 1, from its dashboard ...
    center = Browser()
    center.log_in(app1, "center@kyodo.example", DEMO_PASSWORD, totp_hex=DEMO_TOTP_HEX)
    dashboard = center.get(app1, "/dashboard/")
    link = next(h for h in parse_page(dashboard.text).links if "/staff/registry/changes/" in h)
    review = center.get(app1, link)
    form = next(f for f in parse_page(review.text).forms if f.offers("action", "accept"))
    accepted = center.submit(app1, review, form, form.pressing("action", "accept"))
    assert accepted.status == 200, accepted.url
    say("the center accepted the change through app 1")

    # ... and app 2's cached page shows it at once.
    assert "二号機から見える" in anonymous.get(app2, page).text


def test_it_lists_a_group_approved_through_one_process_in_the_others_directory(
    approvals: list[Approval],
) -> None:
    assert len(approvals) >= 2, "the demo seeds applications that await review"
    assert {a.through for a in approvals} == {a.other for a in approvals}  # both ways round
    for approval in approvals:
        assert approval.listed_before == (False, False), approval
        assert approval.listed_after, (
            f"{approval.name}: the directory of :{approval.other} is stale"
        )
