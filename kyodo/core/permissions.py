"""The one place where "may this person do this?" is decided.

Each app's `permissions.py` registers predicates by name with `@predicate("app.action")`.
A predicate takes the user and an optional object and returns a Decision: allowed or not,
and, when not, a reason in words the user can act on. Views call `authorize`, templates use
`{% allowed "app.action" obj as d %}`, and the API uses `check`: the same predicate for all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason: str | Promise) -> Decision:
    return Decision(False, reason)


Predicate = Callable[[Any, Any], Decision]
_PREDICATES: dict[str, Predicate] = {}
# The decorated function keeps its own signature (e.g. an optional obj) for direct calls.
_PredicateT = TypeVar("_PredicateT", bound=Predicate)


def predicate(name: str) -> Callable[[_PredicateT], _PredicateT]:
    def register(func: _PredicateT) -> _PredicateT:
        if name in _PREDICATES and _PREDICATES[name] is not func:
            raise ValueError(f"permission predicate {name!r} is registered twice")
        _PREDICATES[name] = func
        return func

    return register


class Deferred:
    """A predicate named by its dotted path, imported at its first call. A workflow table
    says who may start each move with its app's predicates, and that permissions module
    reads the table's states: the table cannot import it at load time."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._func: Predicate | None = None

    def target(self) -> Predicate:
        if self._func is None:
            module, _, name = self.path.rpartition(".")
            self._func = getattr(import_module(module), name)
        return self._func

    def __call__(self, user: Any, obj: Any = None) -> Decision:
        return self.target()(user, obj)

    def __repr__(self) -> str:
        return f"deferred({self.path!r})"


def deferred(path: str) -> Deferred:
    return Deferred(path)


# A predicate or guard with its description (typed as what it was).
_DescribedT = TypeVar("_DescribedT", bound=Callable[..., Any])


def describe(text: str | Promise) -> Callable[[_DescribedT], _DescribedT]:
    """Say, for the staff's page of a workflow, who a permission predicate lets make a move
    or what a guard asks of it, in words for city staff (a translatable Japanese text):
    `@describe(_("協働担当課"))`. The docstring stays the developers' documentation."""

    def attach(func: _DescribedT) -> _DescribedT:
        func.description = text  # type: ignore[attr-defined]
        return func

    return attach


def described(func: Callable[..., Any]) -> str:
    """What `describe` attached to a predicate or guard (seeing through a `deferred` one to
    its target), in the current language; "" when it has none, never its docstring: the
    staff's page of a workflow shows it as who may make each move, and on what condition."""
    target = func.target() if isinstance(func, Deferred) else func
    return str(getattr(target, "description", ""))


def registered() -> dict[str, Predicate]:
    return dict(_PREDICATES)


def check(name: str, user: Any, obj: Any = None) -> Decision:
    try:
        func = _PREDICATES[name]
    except KeyError as exc:
        raise LookupError(f"no permission predicate named {name!r}") from exc
    return func(user, obj)


class NotAllowed(PermissionDenied):
    """PermissionDenied that carries the Decision, so the 403 page can show its reason."""

    def __init__(self, decision: Decision):
        super().__init__(str(decision.reason))
        self.decision = decision


def authorize(user: Any, name: str, obj: Any = None) -> Decision:
    decision = check(name, user, obj)
    if not decision:
        raise NotAllowed(decision)
    return decision
