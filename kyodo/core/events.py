"""Domain events, their notifications, and delivery in the background (a transactional outbox).

- `emit(name, obj=…, actor=…, payload=…)` writes an OutboxEvent row in the caller's
  transaction and runs the handlers subscribed to that name (`@subscribe("proposal.submit")`),
  also inside the transaction: a rolled-back change leaves no event and tells nobody.
- Handlers (and services) call `notify(...)`: the recipients are resolved by role through
  the audiences the domain apps register (`audience("group", group)`, `audience("office")`
  …: one place per role, kyodo.core.events.AUDIENCES), and one Delivery row is written per
  person and channel: an in-app notice for each person with an account, a mail per address.
- After commit a task (Django's task API, django-tasks) sends the pending mail. A mail
  server that refuses leaves the change saved and the request answered: the delivery is
  retried with backoff and finally marked failed, where the office sees it and can resend.
  A worker claims a delivery with a conditional UPDATE, so no mail goes out twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django_tasks import default_task_backend, task

from kyodo.core.models import Delivery, DeliveryChannel, DeliveryStatus, OutboxEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait before the n-th retry: 1, 4, 16, 64 minutes.
BACKOFF = [dt.timedelta(minutes=4**n) for n in range(MAX_ATTEMPTS)]
# A delivery claimed this long ago by a worker that never finished goes back to the queue.
STALE_CLAIM = dt.timedelta(minutes=15)


# --- audiences: who "the office", "the group", "the department" are ---------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    user: Any = None  # the person's account, for the in-app inbox; None: an address only


Resolver = Callable[..., Iterable[Recipient]]
AUDIENCES: dict[str, Resolver] = {}


def register_audience(kind: str, resolver: Resolver) -> None:
    """A domain app says once who an audience is (e.g. registry: "group" → its
    representatives and the group's own address)."""
    AUDIENCES[kind] = resolver


@dataclass(frozen=True)
class Audience:
    kind: str
    args: tuple[Any, ...] = ()

    def resolve(self) -> list[Recipient]:
        return list(AUDIENCES[self.kind](*self.args))


def audience(kind: str, *args: Any) -> Audience:
    if kind not in AUDIENCES:
        raise LookupError(f"no audience {kind!r} is registered")
    return Audience(kind, args)


def people(*users: Any) -> Audience:
    return Audience("people", tuple(u for u in users if u is not None))


def address(email: str) -> Audience:
    return Audience("address", (email,))


register_audience("people", lambda *users: [Recipient(u.email, u) for u in users if u.email])
register_audience("address", lambda email: [Recipient(email)] if email else [])


def resolve(to: Iterable[Audience | str]) -> list[Recipient]:
    """Every recipient once, by address (a person reached twice gets one message)."""
    seen: dict[str, Recipient] = {}
    for item in to:
        found = item.resolve() if isinstance(item, Audience) else [Recipient(item)]
        for r in found:
            key = (r.email or "").strip().lower()
            if not key:
                continue
            if key not in seen or (seen[key].user is None and r.user is not None):
                seen[key] = r
    return sorted(seen.values(), key=lambda r: r.email.lower())


# --- events ---------------------------------------------------------------------------------

Handler = Callable[[OutboxEvent, Any], None]
_HANDLERS: dict[str, list[Handler]] = defaultdict(list)


def subscribe(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            if handler not in _HANDLERS[name]:
                _HANDLERS[name].append(handler)
        return handler

    return register


def emit(
    name: str,
    *,
    obj: models.Model | None = None,
    actor: Any = None,
    payload: dict[str, Any] | None = None,
) -> OutboxEvent:
    from kyodo.audit.services import jsonable

    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    event = OutboxEvent.objects.create(
        name=name,
        target_type=obj._meta.label_lower if obj is not None else "",
        target_id=str(obj.pk) if obj is not None else "",
        target_label=str(obj)[:300] if obj is not None else "",
        actor=actor if is_person else None,
        payload=jsonable(payload or {}),
    )
    for handler in _HANDLERS.get(name, []):
        handler(event, obj)
    return event


# --- notifications --------------------------------------------------------------------------


def _subject(message: str, params: dict[str, Any]) -> str:
    text = gettext(message)
    return text % {k: str(v) for k, v in params.items()} if params else text


def mail_subject(message: str, **params: Any) -> Promise:
    """A subject line translated when the mail is written, in the city's language, not in
    the UI language of whoever caused it. Mark the message with gettext_noop so that
    makemessages still extracts it."""
    translated_later: Promise = lazy(_subject, str)(message, params)  # type: ignore[assignment]  # the stubs type lazy()'s result as its return type
    return translated_later


def notify(
    *,
    to: Iterable[Audience | str],
    subject: str | Promise,
    template: str,
    context: dict[str, Any] | None = None,
    event: OutboxEvent | None = None,
    name: str = "notice",
    obj: models.Model | None = None,
    inbox: bool = True,
) -> list[Delivery]:
    """Write the deliveries of one message: a mail per address and, for each person with
    an account, a notice in their inbox. Sent after commit; nothing when rolled back."""
    recipients = resolve(to)
    if not recipients:
        return []
    context = {"SITE_URL": settings.SITE_URL, **(context or {})}
    # Mail goes out in the city's language whatever the sender's UI language is.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        subject_text = " ".join(str(subject).split())[:300]
    if event is None:
        event = emit(name, obj=obj)
    path = str(context.get("path", ""))[:500]
    now = timezone.now()
    rows = [
        Delivery(
            event=event,
            channel=DeliveryChannel.MAIL,
            user=r.user,
            address=r.email,
            subject=subject_text,
            body=body,
            url=path,
            next_attempt_at=now,
        )
        for r in recipients
    ]
    if inbox:
        rows += [
            Delivery(
                event=event,
                channel=DeliveryChannel.INBOX,
                user=r.user,
                subject=subject_text,
                body=body,
                url=path,
                status=DeliveryStatus.SENT,
                sent_at=now,
            )
            for r in recipients
            if r.user is not None
        ]
    created = Delivery.objects.bulk_create(rows)
    transaction.on_commit(lambda: schedule(event.pk))
    return created


# --- delivery in the background -------------------------------------------------------------


def schedule(event_id: int, *, run_after: dt.datetime | None = None) -> None:
    """Queue the sending of an event's pending mail. A queue that cannot take it now leaves
    the rows pending: `manage.py outbox_deliver` (and the next retry) picks them up."""
    try:
        if run_after is not None and default_task_backend.supports_defer:
            deliver_event.using(run_after=run_after).enqueue(event_id)
        elif run_after is None:
            deliver_event.enqueue(event_id)
    except Exception:  # the queue being down must not fail the request that changed data
        log.exception("could not queue the delivery of event %s", event_id)


@task(queue_name="mail")
def deliver_event(event_id: int) -> int:
    """Send the event's due mail; returns how many went out."""
    return deliver_due(Delivery.objects.filter(event_id=event_id))


def deliver_due(deliveries: models.QuerySet[Delivery] | None = None) -> int:
    now = timezone.now()
    base = deliveries if deliveries is not None else Delivery.objects.all()
    # A claim left by a worker that died goes back to the queue.
    base.filter(
        channel=DeliveryChannel.MAIL,
        status=DeliveryStatus.SENDING,
        claimed_at__lt=now - STALE_CLAIM,
    ).update(status=DeliveryStatus.PENDING)
    due = list(
        base.filter(
            channel=DeliveryChannel.MAIL,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in due:
        sent += _deliver_one(pk)
    return sent


def message_id(delivery_pk: int) -> str:
    """One Message-ID per delivery, the same on every attempt: a mail server or a reader
    that receives a retried delivery twice can tell it is one message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<kyodo.delivery.{delivery_pk}@{domain}>"


def _deliver_one(pk: int) -> int:
    now = timezone.now()
    # The claim: only the worker whose UPDATE changed the row sends it.
    claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=models.F("attempts") + 1
    )
    if not claimed:
        return 0
    delivery = Delivery.objects.get(pk=pk)
    try:
        EmailMessage(
            delivery.subject,
            delivery.body,
            settings.DEFAULT_FROM_EMAIL,
            [delivery.address],
            headers={"Message-ID": message_id(delivery.pk)},
        ).send(fail_silently=False)
    except Exception as exc:  # any refusal of the mail server: retry later, never lose it
        failed = delivery.attempts >= MAX_ATTEMPTS
        next_at = None if failed else now + BACKOFF[delivery.attempts - 1]
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
            next_attempt_at=next_at,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        if next_at is not None:
            schedule(delivery.event_id, run_after=next_at)
        log.warning(
            "mail %s to %s failed (attempt %s): %s", pk, delivery.address, delivery.attempts, exc
        )
        return 0
    Delivery.objects.filter(pk=pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return 1


def resend(*, actor: Any, delivery: Delivery) -> Delivery:
    """The office sends a failed mail again (audited)."""
    from kyodo.audit.services import audit_record

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        audit_record(actor=actor, action="mail.resend", target=delivery, summary=delivery.address)
        transaction.on_commit(lambda: schedule(delivery.event_id))
    delivery.refresh_from_db()
    return delivery
