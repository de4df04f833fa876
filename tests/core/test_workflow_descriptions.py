"""The staff's page of each workflow says who may make each move and on what conditions, in
words for city staff and in both languages: every permission predicate and every guard of
every workflow table carries a translatable description (core.permissions.describe), which
`described` reads (through a deferred predicate), never the function's docstring."""

from __future__ import annotations

import importlib.util
from importlib import import_module
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape

from kyodo.accounts.models import Role
from kyodo.core import workflow as engine
from kyodo.core.permissions import ALLOW, Decision, Deferred, deferred, describe, described
from tests.conftest import login


def _workflow_modules() -> list[ModuleType]:
    """Every app's table of workflows, imported here: the list must not depend on which
    modules the tests collected before this one happened to import."""
    found = []
    for app in apps.get_app_configs():
        name = f"{app.name}.workflow"
        mine = app.name.startswith("kyodo.") and app.name != "kyodo.core"  # core: the engine
        if mine and importlib.util.find_spec(name) is not None:
            found.append(import_module(name))
    return found


MODULES = _workflow_modules()
FLOWS = engine.workflows()


def _who_and_conditions() -> list[Any]:
    params = []
    for flow in FLOWS:
        for t in flow.transitions.values():
            params.append(pytest.param(t.permission, id=f"{flow.key}.{t.action}.who"))
            for n, guard in enumerate(t.guards, start=1):
                params.append(pytest.param(guard, id=f"{flow.key}.{t.action}.condition{n}"))
    return params


def test_it_reads_every_apps_workflow_table() -> None:
    assert len(MODULES) >= 2
    for module in MODULES:
        tables = [v for v in vars(module).values() if isinstance(v, engine.Workflow)]
        assert tables, f"{module.__name__} defines no workflow"
        assert all(flow in FLOWS for flow in tables)


@pytest.mark.parametrize("func", _who_and_conditions())
def test_each_permission_and_guard_says_what_it_checks_in_japanese_and_english(func: Any) -> None:
    target = func.target() if isinstance(func, Deferred) else func
    assert isinstance(getattr(target, "description", None), Promise), "a gettext_lazy text"
    with translation.override("ja"):
        japanese = described(func)
    with translation.override("en"):
        english = described(func)
    assert japanese and not japanese.isascii(), "Japanese is the source language"
    assert english and english != japanese, "the English catalog translates it"
    doc = (target.__doc__ or "").strip()
    docstrings = {doc, doc.splitlines()[0]} if doc else set()
    assert japanese not in docstrings and english not in docstrings


def test_described_reads_the_description_through_a_deferral_and_never_the_docstring() -> None:
    def documented(user: Any, obj: Any = None) -> Decision:
        """Developers' words: what this predicate checks and why."""
        return ALLOW

    assert described(documented) == ""
    assert describe(Role.OFFICE.label)(documented) is documented
    with translation.override("ja"):
        assert described(documented) == "協働担当課"
    with translation.override("en"):
        assert described(documented) == "Collaboration Office"

    from kyodo.projects.permissions import can_conclude

    later = deferred("kyodo.projects.permissions.can_conclude")
    with translation.override("ja"):
        assert described(later) == described(can_conclude) == "協働担当課または事業の担当課"


# One pinned text per language, besides every transition's own texts read from its table.
PAGE_TEXTS = {
    "ja": {
        "header": "できる人",
        ("agreement", "conclude"): (
            "協働担当課または事業の担当課",
            "団体と担当課の両方がこの内容を確認し、採択の条件への対応がすべて記録され、"
            "記名押印した協定書の写しが添付されていること",
        ),
        ("funding", "decide"): ("協働担当課", "交付決定額と交付決定日が入力されていること"),
    },
    "en": {
        "header": "Who may do it",
        ("agreement", "conclude"): (
            "The Collaboration Office or the department in charge of the project",
            "Both the group and the department have confirmed this text, the response to every "
            "condition of the adoption is recorded, and the signed and sealed copy of the "
            "agreement is attached",
        ),
        ("funding", "decide"): (
            "Collaboration Office",
            "The decided amount and the date of the decision are given",
        ),
    },
}


def _row(html: str, label: str) -> str:
    start = f'<th scope="row">{escape(label)}'
    rows = [
        row
        for row in html.split("<tr>")
        if f"{start}</th>" in row or f"{start}<br>" in row  # with the move's own description
    ]
    assert len(rows) == 1, label
    return rows[0]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["agreement", "funding", "booking"])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_workflow_page_says_who_may_make_each_move_and_on_what_conditions(
    office_staff: Any, key: str, language: str
) -> None:
    client = Client()
    login(client, office_staff)
    if language == "en":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("portal:workflow_detail", args=[key]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    texts = PAGE_TEXTS[language]
    assert f'<th scope="col">{texts["header"]}</th>' in html
    assert "<caption>" in html

    flow = engine.get(key)
    other = "en" if language == "ja" else "ja"
    for t in flow.transitions.values():
        with translation.override(language):
            row = _row(html, str(t.label))
            who, conditions = described(t.permission), [described(g) for g in t.guards]
        with translation.override(other):
            who_other = described(t.permission)
        assert f"<td>{escape(who)}</td>" in row
        assert escape(who_other) not in row
        for condition in conditions:
            assert escape(condition) in row
        if not conditions:
            assert "<td>—</td>" in row
        if t.description:
            with translation.override(language):
                assert f'<span class="muted">{escape(str(t.description))}</span></th>' in row
        pinned = texts.get((key, t.action))
        if pinned is not None:
            assert f"<td>{escape(pinned[0])}</td>" in row
            assert escape(pinned[1]) in row
