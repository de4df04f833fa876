"""The one workflow engine: every workflow in Kyodo is a table of states and transitions on it.

A `Workflow` names its model, its states (with a label for staff, one for the owner — the
group — and one for the public) and its transitions. A `Transition` says which states it
leaves, where it goes, who may start it (a permission predicate, as a callable), which
guards must pass (callables returning a Decision: allowed, or a reason), whether a reason
must be given, whether a person may start it from a page or only another service may, its
effects (callables that change the locked row and say which fields they changed) and the
domain event it emits.

`Workflow.transition(...)` is the one place where a status is assigned: it locks the row,
checks state, permission and guards, runs the effects, saves with `update_fields`, writes the
audit event and records the domain event in the outbox (kyodo.core.events), all in one
transaction. `Workflow.check(...)` answers "may this person do this now?" with the same
rules, for pages and buttons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyodo.core.errors import DomainError
from kyodo.core.permissions import ALLOW, Decision, NotAllowed, deny

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class State:
    key: str
    staff_label: str | Promise
    # What the owner (the group) reads; defaults to the staff label.
    owner_label: str | Promise | None = None
    # What the public may read where the record is public; defaults to the owner label.
    public_label: str | Promise | None = None
    final: bool = False
    editable_by_owner: bool = False

    @property
    def group_label(self) -> str | Promise:
        return self.owner_label if self.owner_label is not None else self.staff_label

    @property
    def public(self) -> str | Promise:
        return self.public_label if self.public_label is not None else self.group_label


@dataclass
class Move(Generic[M]):
    """One transition being carried out: what effects and guards see and change."""

    workflow: Workflow[Any]
    transition: Transition
    obj: M
    actor: Any
    reason: str
    now: dt.datetime
    params: dict[str, Any]
    before: str
    fields: list[str] = field(default_factory=list)
    # Extra data for the audit event and the domain event.
    changes: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)

    def set(self, **values: Any) -> None:
        """Assign fields of the locked row and remember them for update_fields."""
        for name, value in values.items():
            setattr(self.obj, name, value)
            if name not in self.fields:
                self.fields.append(name)


Guard = Callable[[Any, Any, dict[str, Any]], Decision]  # (actor, obj, params) -> Decision
Effect = Callable[[Move[Any]], None]
Permission = Callable[[Any, Any], Decision]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    permission: Permission
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False
    # False: only another service starts it (e.g. the committee's decision writes its record
    # and then moves the proposal); a person never starts it from a button.
    by_person: bool = True
    # Run in order inside the transaction, before the row is saved.
    effects: tuple[Effect, ...] = ()
    # Run after the row is saved (they may create rows pointing at it).
    after: tuple[Effect, ...] = ()
    # The domain event written to the outbox; None: the driving service emits its own.
    event: str | None = None
    description: str | Promise = ""


class TransitionRefused(DomainError):
    """The move is not possible now; the message says why in words the person can act on."""

    def __init__(self, message: str | Promise, *, field: str | None = None, **extra: Any):
        super().__init__(message, field=field, **extra)
        self.report = extra.get("report")


@dataclass
class Workflow(Generic[M]):
    key: str
    label: str | Promise
    model_label: str  # "app_label.ModelName"
    states: dict[str, State]
    transitions: dict[str, Transition]
    initial: str
    # The noun the refusal messages use (「申請」「提案」「テーマ」).
    noun: str | Promise = _("記録")
    audit_prefix: str = ""
    # Related objects loaded with the lock (FOR UPDATE OF the row itself only).
    lock_related: tuple[str, ...] = ()
    # Fields always saved with a transition (e.g. "updated_at").
    touch: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for t in self.transitions.values():
            unknown = (set(t.sources) | {t.target}) - set(self.states)
            if unknown:
                raise ValueError(f"{self.key}.{t.action}: unknown states {sorted(unknown)}")
        register(self)

    # --- reading the table ----------------------------------------------------------------

    @property
    def model(self) -> type[M]:
        return apps.get_model(self.model_label)  # type: ignore[return-value]

    def state_of(self, obj: Any) -> State:
        return self.states[obj.status]

    def allowed_actions(self, status: str, *, by_person: bool | None = None) -> list[Transition]:
        return [
            t
            for t in self.transitions.values()
            if status in t.sources and (by_person is None or t.by_person == by_person)
        ]

    def reachable_states(self, start: str | None = None) -> set[str]:
        start = start or self.initial
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            for t in self.allowed_actions(current):
                if t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        return seen

    def status_choices(self) -> list[tuple[str, str | Promise]]:
        return [(s.key, s.staff_label) for s in self.states.values()]

    # --- deciding -------------------------------------------------------------------------

    def check(
        self,
        actor: Any,
        obj: Any,
        action: str,
        *,
        params: dict[str, Any] | None = None,
        by_service: bool = False,
    ) -> Decision:
        """May `actor` take `action` on `obj` now? State, who, and every guard."""
        decision = self._may(actor, obj, action, by_service=by_service)
        if not decision:
            return decision
        for guard in self.transitions[action].guards:
            decision = guard(actor, obj, params or {})
            if not decision:
                return decision
        return ALLOW

    def _may(self, actor: Any, obj: Any, action: str, *, by_service: bool) -> Decision:
        """The move exists, leaves this state, may be started this way and by this person."""
        transition = self.transitions.get(action)
        if transition is None:
            return deny(_("この操作はありません。"))
        if not transition.by_person and not by_service:
            return deny(_("この操作は画面からは行えません。"))
        status = obj.status
        if status not in transition.sources:
            return deny(
                _("「%(state)s」の%(noun)sには、この操作はできません。")
                % {"state": self.states[status].staff_label, "noun": self.noun}
            )
        return transition.permission(actor, obj)

    def actions_for(self, actor: Any, obj: Any) -> list[Transition]:
        """The moves a person may start on `obj` from a page (for its buttons)."""
        return [
            t for t in self.allowed_actions(obj.status, by_person=True) if t.permission(actor, obj)
        ]

    # --- the one transition service -------------------------------------------------------

    def transition(
        self,
        *,
        actor: Any,
        obj: M,
        action: str,
        reason: str = "",
        by_service: bool = False,
        **params: Any,
    ) -> M:
        from kyodo.audit.services import audit_record
        from kyodo.core.events import emit

        with transaction.atomic():
            manager = self.model._default_manager
            query = manager.select_for_update(of=("self",))
            if self.lock_related:
                query = query.select_related(*self.lock_related)
            locked: Any = query.get(pk=obj.pk)  # a model with a status field
            # Wrong state or not this person's move: refused like any page they may not use.
            decision = self._may(actor, locked, action, by_service=by_service)
            if not decision:
                raise NotAllowed(decision)
            transition = self.transitions[action]
            for guard in transition.guards:
                decision = guard(actor, locked, params)
                if not decision:
                    raise TransitionRefused(decision.reason)
            reason = (reason or "").strip()
            if transition.needs_reason and not reason:
                raise TransitionRefused(_("理由を入力してください。"), field="reason")
            before = locked.status
            move: Move[M] = Move(
                workflow=self,
                transition=transition,
                obj=locked,
                actor=actor,
                reason=reason,
                now=timezone.now(),
                params=params,
                before=before,
            )
            for effect in transition.effects:
                effect(move)
            # The one assignment of a status in Kyodo (tests/unit/test_status_assignments.py).
            locked.status = transition.target
            move.fields.append("status")
            for name in self.touch:
                if name not in move.fields:
                    move.fields.append(name)
            locked.save(update_fields=move.fields)
            for effect in transition.after:
                effect(move)
            audit_record(
                actor=actor,
                action=f"{self.audit_prefix or self.key}.{action}",
                target=locked,
                summary=reason,
                changes={"status": [before, transition.target], **move.changes},
            )
            if transition.event:
                emit(
                    transition.event,
                    obj=locked,
                    actor=actor,
                    payload={
                        "action": action,
                        "before": before,
                        "after": transition.target,
                        "reason": reason,
                        **move.payload,
                    },
                )
        # The caller's copy follows the saved row.
        for name in move.fields:
            setattr(obj, name, getattr(locked, name))
        return locked


# --- the registry of workflows ----------------------------------------------------------------

_WORKFLOWS: dict[str, Workflow[Any]] = {}
_BY_MODEL: dict[str, Workflow[Any]] = {}  # by the model's lower-case label


def register(workflow: Workflow[Any]) -> None:
    existing = _WORKFLOWS.get(workflow.key)
    if existing is not None and existing is not workflow:
        raise ValueError(f"workflow {workflow.key!r} is defined twice")
    _WORKFLOWS[workflow.key] = workflow
    _BY_MODEL[workflow.model_label.lower()] = workflow


def workflow_of(model: type[models.Model]) -> Workflow[Any]:
    """The workflow whose states the model's rows go through (from its app's workflow.py)."""
    label = model._meta.label_lower
    if label not in _BY_MODEL:
        import_module(f"{model._meta.app_config.name}.workflow")
    return _BY_MODEL[label]


class FollowsWorkflow:
    """A model whose `status` is a state of its workflow: `record.state` is that State, for
    pages and messages (its labels for staff, the group and the public, and its flags)."""

    status: str

    @property
    def state(self) -> State:
        return workflow_of(type(self)).states[self.status]  # type: ignore[arg-type]


def workflows() -> list[Workflow[Any]]:
    return sorted(_WORKFLOWS.values(), key=lambda w: w.key)


def get(key: str) -> Workflow[Any]:
    return _WORKFLOWS[key]


def states_where(workflow: Workflow[Any], predicate: Callable[[State], bool]) -> frozenset[str]:
    return frozenset(s.key for s in workflow.states.values() if predicate(s))


def table(rows: Iterable[Transition]) -> dict[str, Transition]:
    """Transitions keyed by action, refusing a duplicate action."""
    out: dict[str, Transition] = {}
    for t in rows:
        if t.action in out:
            raise ValueError(f"transition {t.action!r} is defined twice")
        out[t.action] = t
    return out


def states(rows: Sequence[State]) -> dict[str, State]:
    return {s.key: s for s in rows}
