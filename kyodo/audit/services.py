"""Writing audit events. Every state change in Kyodo calls `audit_record`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from kyodo.audit.models import AuditEvent


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{'field': [old, new]} for the fields whose value changed."""
    return {
        key: [jsonable(before.get(key)), jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if jsonable(before.get(key)) != jsonable(after.get(key))
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=(f"{actor} <{actor.email}>" if is_person else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=str(target)[:300] if target is not None else "",
        summary=summary,
        changes=jsonable(changes or {}),
    )
