"""Menus and dashboard panels that the domain apps register, so that neither `base.html` nor
the dashboard names any domain app.

Each app calls `register_menu(...)` and `register_panel(...)` from its AppConfig.ready().
A menu entry is shown when its permission predicate allows the person (or to everybody, for
public entries); a panel is shown when its `context` function returns a dict (None hides it).
Panels belong to the dashboard unless they name another page (`page=`), whose view renders
`panels_for(subject, page)` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from kyodo.core.permissions import check


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    # The predicate that must allow the person; None: every signed-in person.
    permission: str | None = None
    # Shown to anonymous visitors too (the public menu).
    public: bool = False
    order: int = 100
    # URL names (besides url_name) under which this entry is the current page.
    current: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    # Returns the panel's context for this person (on another page: for the page's subject,
    # a project say), or None when the panel is not theirs.
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 100
    # The page the panel is part of: the dashboard, or another page that shows what other
    # apps add to it without naming them (the public project page: "projects.public").
    page: str = "dashboard"


_MENU: dict[str, MenuEntry] = {}
_PANELS: dict[str, DashboardPanel] = {}


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        _MENU[entry.url_name] = entry


def register_panel(*panels: DashboardPanel) -> None:
    for panel in panels:
        _PANELS[panel.key] = panel


def menu_entries() -> list[MenuEntry]:
    return sorted(_MENU.values(), key=lambda e: (e.order, e.url_name))


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url: str
    current: bool


def menu_for(user: Any, current_url_name: str | None) -> list[MenuItem]:
    signed_in = bool(getattr(user, "is_authenticated", False))
    items = []
    for entry in menu_entries():
        if not entry.public and not signed_in:
            continue
        if entry.permission and not check(entry.permission, user):
            continue
        here = current_url_name is not None and (
            current_url_name == entry.url_name or current_url_name in entry.current
        )
        items.append(MenuItem(entry.label, reverse(entry.url_name), here))
    return items


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


def panels_for(subject: Any, page: str = "dashboard") -> list[RenderedPanel]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.page != page:
            continue
        context = panel.context(subject)
        if context is not None:
            shown.append(RenderedPanel(panel.key, panel.template, context))
    return shown
