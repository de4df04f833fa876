"""The stats' objects in the gates' world: one queued NPO import ("npo_import") and one
year of the city's figures. Registered in tests/gates/test_authorization_matrix.py."""

from __future__ import annotations

from typing import Any

from kyodo.stats import services
from tests.stats.npo_files import row, zip_of


def stats_world(world: Any) -> dict[str, Any]:
    office = world.users["office_staff"]
    data = zip_of(
        [row(法人名称="特定非営利活動法人ゲート", 所轄庁="鎌倉市", 法人番号="9234567890123")]
    )
    record = services.npo_import_start(actor=office, data=data, filename="npo.zip")
    services.city_year_save(actor=office, fiscal_year=2024, data={"population": 170000})
    return {"npo_import": record}
