"""The payments app's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS, after the projects world.

The settlement of project_a's first year ("funding_a", a share course not yet fixed): the
group's lines (the city's income; 消耗品費 200,000 against its budget line of 220,000, within
the 20 %; 会議費, which the budget lacks and so needs an explanation), and a receipt with
its scan tied to the 会議費 line ("receipt_file_a")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from kyodo.payments.models import Receipt, ReceiptFile, SettlementLine


def payments_world(world: Any) -> dict[str, Any]:
    funding = world.extra["funding_a"]
    representative = world.users["representative_a"]
    lines = SettlementLine.objects.bulk_create(
        [
            SettlementLine(
                funding=funding,
                kind="income",
                source="city",
                category="市の負担金・補助金",
                amount=200_000,
            ),
            SettlementLine(
                funding=funding,
                kind="expense",
                category="消耗品費",
                description="ゲートの文具",
                unit_price=1_000,
                quantity=200,
                amount=200_000,
            ),
            SettlementLine(
                funding=funding,
                kind="expense",
                category="会議費",
                description="ゲートの会場",
                unit_price=5_000,
                quantity=1,
                amount=5_000,
            ),
        ]
    )
    receipt = Receipt.objects.create(
        funding=funding,
        issued_on=dt.date(2026, 6, 1),
        amount=5_000,
        description="ゲートの会場使用料",
        line=lines[2],
    )
    record = ReceiptFile(
        receipt=receipt,
        original_name="領収書.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=representative,
    )
    record.file.save("receipt.pdf", ContentFile(PDF), save=False)
    record.save()
    return {"receipt_file_a": record}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
