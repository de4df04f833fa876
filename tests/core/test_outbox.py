"""The outbox (kyodo.core.events): a change and its notices are written together; mail goes
out after commit in the background, survives a mail server that refuses, is retried with
backoff, ends as failed where the office can resend it, and is never sent twice."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.core import events
from kyodo.core.models import Delivery, DeliveryChannel, DeliveryStatus, OutboxEvent
from kyodo.registry.models import RegistrationApplication
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("connection refused by the test")


REFUSING = f"{__name__}.RefusingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def draft_application(group_a: Any) -> RegistrationApplication:
    return factories.RegistrationApplicationFactory(group=group_a, status="draft")


def _submit(client: Client, application: RegistrationApplication) -> Any:
    return client.post(
        reverse("registry:application_action", args=[application.pk, "submit"]),
        {"confirmed": "yes"},
    )


def test_it_saves_the_change_and_answers_normally_when_the_mail_server_refuses(
    settings: Any,
    representative_a: Any,
    center_staff: Any,
    draft_application: RegistrationApplication,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_BACKEND = REFUSING
    client = login(Client(), representative_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, draft_application)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:my_group", args=[draft_application.group_id])
    draft_application.refresh_from_db()
    assert draft_application.status == "submitted"
    [pending] = Delivery.objects.filter(channel=DeliveryChannel.MAIL)
    assert pending.address == center_staff.email
    assert pending.status == DeliveryStatus.PENDING
    assert pending.attempts == 1 and "refused" in pending.last_error
    assert pending.next_attempt_at > timezone.now()
    # The center's in-app notice is there at once, whatever the mail server does.
    assert Delivery.objects.filter(channel=DeliveryChannel.INBOX, user=center_staff).exists()

    # A later worker run, once the retry is due, delivers it once.
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    assert events.deliver_due() == 0  # not due yet: the backoff holds
    with time_machine.travel(pending.next_attempt_at + dt.timedelta(seconds=1)):
        assert events.deliver_due() == 1
        assert events.deliver_due() == 0
    assert [m.to for m in mail.outbox] == [[center_staff.email]]
    # The message carries the delivery's own Message-ID, the same on every attempt.
    assert mail.outbox[0].extra_headers["Message-ID"] == events.message_id(pending.pk)
    assert events.message_id(pending.pk).startswith(f"<kyodo.delivery.{pending.pk}@")
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.SENT and pending.sent_at is not None


def test_it_marks_a_mail_failed_after_the_last_attempt_and_the_office_resends_it(
    settings: Any, office_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = REFUSING
    with django_capture_on_commit_callbacks(execute=True):
        events.notify(
            to=["someone@example.jp"],
            subject="件名",
            template="registry/email/invitation.txt",
            context={"invitation": None, "path": "/"},
        )
    delivery = Delivery.objects.get(channel=DeliveryChannel.MAIL)
    moment = timezone.now()
    for _attempt in range(events.MAX_ATTEMPTS - 1):
        moment = moment + events.BACKOFF[-1] + dt.timedelta(minutes=1)
        with time_machine.travel(moment):
            events.deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == events.MAX_ATTEMPTS
    assert delivery.next_attempt_at is None

    client = login(Client(), office_staff)
    page = client.get(reverse("portal:mail_list")).content.decode()
    assert "someone@example.jp" in page and "送り直す" in page
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:mail_resend", args=[delivery.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["someone@example.jp"]]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_it_never_sends_a_mail_another_worker_has_claimed() -> None:
    event = OutboxEvent.objects.create(name="test")
    delivery = Delivery.objects.create(
        event=event,
        channel=DeliveryChannel.MAIL,
        address="a@example.jp",
        subject="s",
        next_attempt_at=timezone.now(),
    )
    # Another worker's conditional UPDATE got there first.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    assert events.deliver_due() == 0
    assert mail.outbox == []
    # A claim abandoned by a worker that died goes back to the queue, and is sent once.
    with time_machine.travel(timezone.now() + events.STALE_CLAIM + dt.timedelta(minutes=1)):
        assert events.deliver_due() == 1
        assert events.deliver_due() == 0
    assert len(mail.outbox) == 1


def test_it_tells_nobody_of_a_change_that_was_rolled_back(
    representative_a: Any, draft_application: RegistrationApplication
) -> None:
    from django.db import transaction

    from kyodo.registry import services

    with pytest.raises(RuntimeError), transaction.atomic():
        services.application_transition(
            application=draft_application, action="submit", actor=representative_a
        )
        raise RuntimeError("something later in the request failed")
    assert not OutboxEvent.objects.exists()
    assert not Delivery.objects.exists()


def test_it_shows_each_person_their_notices_on_the_dashboard_and_in_the_inbox(
    representative_a: Any,
    center_staff: Any,
    draft_application: RegistrationApplication,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rep = login(Client(), representative_a)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(rep, draft_application)
    staff = login(Client(), center_staff)
    dashboard = staff.get(reverse("portal:dashboard")).content.decode()
    assert "新しいお知らせ" in dashboard and "団体登録の申請が届きました" in dashboard
    [notice] = Delivery.objects.filter(channel=DeliveryChannel.INBOX, user=center_staff)
    opened = staff.post(reverse("portal:notice_open", args=[notice.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("registry:staff_application", args=[draft_application.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "新しいお知らせ" not in staff.get(reverse("portal:dashboard")).content.decode()
    # Nobody else may open it.
    assert rep.post(reverse("portal:notice_open", args=[notice.pk])).status_code == 403
