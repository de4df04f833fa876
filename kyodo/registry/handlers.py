"""What the registry's domain events set off: the notices of a registration application.

Subscribed to events the workflow emits (kyodo.registry.workflow); run inside the
transition's transaction, so a rolled-back move tells nobody (kyodo.core.events)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from kyodo.core.events import audience, mail_subject, notify, subscribe
from kyodo.core.models import OutboxEvent


@subscribe("registration.submit")
def tell_center_of_submission(event: OutboxEvent, application: Any) -> None:
    group = application.group
    notify(
        event=event,
        to=[audience("center")],
        subject=mail_subject(
            gettext_noop("【協働】団体登録の申請が届きました：%(name)s"), name=group.name
        ),
        template="registry/email/submitted.txt",
        context={
            "application": application,
            "group": group,
            "path": reverse("registry:staff_application", args=[application.pk]),
        },
    )


@subscribe("registration.return", "registration.approve")
def tell_group_of_decision(event: OutboxEvent, application: Any) -> None:
    group = application.group
    action = event.payload["action"]
    subject = (
        mail_subject(gettext_noop("【協働】団体登録の申請が差し戻されました"))
        if action == "return"
        else mail_subject(gettext_noop("【協働】団体登録が承認されました"))
    )
    notify(
        event=event,
        to=[audience("group", group)],
        subject=subject,
        template=f"registry/email/{action}.txt",
        context={
            "application": application,
            "group": group,
            "reason": event.payload.get("reason", ""),
            "path": reverse("registry:my_group", args=[group.pk]),
        },
    )
