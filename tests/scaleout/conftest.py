"""One rehearsal cluster for the scale-out tests (two gunicorns, two task workers, one
PostgreSQL database, Redis), started once and stopped at the end. Without PostgreSQL or
Redis at 127.0.0.1 the tests skip and say which one is missing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kyodo.portal.management.commands.seed_demo import DEMO_PASSWORD, DEMO_TOTP_HEX
from tests.scaleout.cluster import Browser, Cluster, parse_page, say, unreachable


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    why = unreachable()
    if why:
        pytest.skip(f"scale-out rehearsal skipped: {why} (it needs both, on 127.0.0.1)")
    workdir: Path = tmp_path_factory.mktemp("scaleout")
    rehearsal = Cluster(workdir)
    try:
        rehearsal.prepare()
        rehearsal.start()
        yield rehearsal
    finally:
        say("stopping the app processes and workers, dropping the database")
        rehearsal.destroy()


@dataclass(frozen=True)
class Approval:
    name: str
    group_id: int
    through: int  # the port of the process that approved
    other: int  # the port of the process that was asked afterwards
    listed_before: tuple[bool, bool]  # in each process's directory, before
    listed_after: bool  # in the other process's directory, right after


def _listed(browser: Browser, port: int, name: str, group_id: int) -> bool:
    return f'href="/groups/{group_id}/"' in browser.get(port, "/groups/", q=name).text


@pytest.fixture(scope="session")
def approvals(cluster: Cluster) -> list[Approval]:
    """The office approves every waiting registration, alternately through app 1 and app 2;
    after each, an anonymous visitor searches the directory of the other process (whose
    cached page of that search predates the approval)."""
    waiting = cluster.sql(
        "SELECT a.id, g.id, g.name FROM registry_registrationapplication a "
        "JOIN registry_civicgroup g ON g.id = a.group_id "
        "WHERE a.status = 'submitted' ORDER BY a.id"
    )
    ports = cluster.ports
    anonymous = Browser()
    before = {
        group_id: (
            _listed(anonymous, ports[0], name, group_id),
            _listed(anonymous, ports[1], name, group_id),
        )
        for _a, group_id, name in waiting
    }
    office = Browser()
    office.log_in(ports[1], "office@kyodo.example", DEMO_PASSWORD, totp_hex=DEMO_TOTP_HEX)
    done = []
    for i, (application, group_id, name) in enumerate(waiting):
        through, other = ports[i % 2], ports[(i + 1) % 2]
        # From the list of waiting applications to the application, as the office clicks.
        queue = office.get(through, "/staff/registry/applications/")
        link = next(h for h in parse_page(queue.text).links if h.endswith(f"/{application}/"))
        page = office.get(through, link)
        form = next(f for f in parse_page(page.text).forms if f.offers("action", "approve"))
        answer = office.submit(through, page, form, form.pressing("action", "approve"))
        assert answer.status == 200, f"approving {name} answered {answer.status} ({answer.url})"
        listed = _listed(anonymous, other, name, group_id)
        say(f"approved {name} through :{through}; listed by :{other} at once: {listed}")
        done.append(Approval(name, group_id, through, other, before[group_id], listed))
    return done
