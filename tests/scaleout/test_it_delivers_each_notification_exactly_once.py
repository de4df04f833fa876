"""Two task workers share the outbox: every mail delivery is written to the mail files
exactly once, and none is left pending."""

from __future__ import annotations

import time
from collections import Counter
from email.header import decode_header, make_header

import pytest

from kyodo.core.events import message_id
from kyodo.core.models import DeliveryChannel, DeliveryStatus
from tests.scaleout.cluster import Cluster, say
from tests.scaleout.conftest import Approval

pytestmark = pytest.mark.scaleout

APPROVED = "【協働】団体登録が承認されました"


def _text(header: str | None) -> str:
    return " ".join(str(make_header(decode_header(header or ""))).split())


def test_it_sends_every_mail_once_with_two_workers(
    cluster: Cluster, approvals: list[Approval]
) -> None:
    # Everything the workers sent: the approvals' mail, and what loading the demo queued.
    deadline = time.monotonic() + 30
    while True:
        cluster.check_alive()
        [(open_,)] = cluster.sql(
            "SELECT count(*) FROM core_delivery WHERE channel = %s AND status IN (%s, %s)",
            (DeliveryChannel.MAIL, DeliveryStatus.PENDING, DeliveryStatus.SENDING),
        )
        if open_ == 0:
            break
        assert time.monotonic() < deadline, f"{open_} mails still pending after 30 s"
        time.sleep(0.2)
    time.sleep(1)  # a second sending of anything would land by now

    sent = cluster.sql(
        "SELECT id, address, subject FROM core_delivery WHERE channel = %s AND status = %s",
        (DeliveryChannel.MAIL, DeliveryStatus.SENT),
    )
    [(failed,)] = cluster.sql(
        "SELECT count(*) FROM core_delivery WHERE channel = %s AND status = %s",
        (DeliveryChannel.MAIL, DeliveryStatus.FAILED),
    )
    mails = cluster.mails()
    written = Counter((_text(m["To"]), _text(m["Subject"])) for m in mails)
    expected = Counter((address, " ".join(subject.split())) for _pk, address, subject in sent)
    say(f"{sum(expected.values())} mails sent, {sum(written.values())} written, {failed} failed")

    assert failed == 0
    assert sum(expected.values()) > 0
    assert written == expected
    # Each delivery is one message (its Message-ID), written once: two same mails to one
    # address (two claims of one project, say) are two deliveries, not one sent twice.
    by_id = Counter(m["Message-ID"] for m in mails)
    assert by_id == Counter(message_id(pk) for pk, _address, _subject in sent)
    assert all(n == 1 for n in by_id.values()), [k for k, n in by_id.items() if n > 1]
    approved_mail = Counter(key[1] for key in written)[APPROVED]
    assert approved_mail >= len(approvals) > 0, "each approval is mailed to its group"
