"""The booking part of `manage.py seed_demo`: the center's two sites (本館 and 分室), their
rooms and lendable equipment, through the real services (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kyodo.accounts.models import User
from kyodo.booking import services
from kyodo.booking.models import Equipment, Facility, Room

SITES: list[dict[str, Any]] = [
    {
        "facility": {
            "name": "鎌倉市市民活動センター 鎌倉事務所",
            "address": "鎌倉市御成町",
            "opens_at": dt.time(9, 0),
            "closes_at": dt.time(21, 30),
            "closed_weekdays": [],
            "closed_on_holidays": False,
            "note": "第2・第4月曜日は点検のため、臨時休館を登録しています。",
        },
        "rooms": [
            {
                "name": "会議室A",
                "capacity": 30,
                "equipment": "ホワイトボード、マイク",
                "mode": "blocks",
                "floor_plan_note": "2階、エレベーター前",
                "accessibility": "車いす可・多目的トイレ同階",
            },
            {
                "name": "会議室B",
                "capacity": 12,
                "equipment": "ホワイトボード",
                "mode": "hourly",
                "floor_plan_note": "2階奥",
                "accessibility": "車いす可",
            },
            {
                "name": "作業室",
                "capacity": 8,
                "equipment": "大型作業台",
                "mode": "free",
                "floor_plan_note": "1階",
                "accessibility": "段差なし",
                "who_may_book": "anyone",
            },
        ],
        "equipment": [("プロジェクター", 2, 0), ("印刷機", 1, 500)],
    },
    {
        "facility": {
            "name": "鎌倉市市民活動センター 大船事務所",
            "address": "鎌倉市大船",
            "opens_at": dt.time(9, 0),
            "closes_at": dt.time(21, 30),
            "closed_weekdays": [1],
            "closed_on_holidays": True,
            "note": "月曜日と祝日は休館です。",
        },
        "rooms": [
            {
                "name": "会議室",
                "capacity": 24,
                "equipment": "ホワイトボード",
                "mode": "blocks",
                "floor_plan_note": "3階",
                "accessibility": "車いす可",
                "fee_per_hour": 300,
                "payment": "window",
                "registered_discount": 50,
            },
            {
                "name": "和室",
                "capacity": 10,
                "equipment": "座卓",
                "mode": "blocks",
                "floor_plan_note": "3階",
                "accessibility": "段差あり（介助します）",
                "needs_approval": True,
            },
        ],
        "equipment": [("プロジェクター", 1, 0)],
    },
]


def seed_booking_demo(*, center: User) -> None:
    for site in SITES:
        facility = Facility.objects.filter(name=site["facility"]["name"]).first()
        if facility is None:
            facility = services.facility_save(
                actor=center, facility=Facility(), data=site["facility"]
            )
        for spec in site["rooms"]:
            if not Room.objects.filter(facility=facility, name=spec["name"]).exists():
                services.room_save(actor=center, room=Room(facility=facility), data=spec)
        for name, quantity, fee in site["equipment"]:
            if not Equipment.objects.filter(facility=facility, name=name).exists():
                services.equipment_create(
                    actor=center, facility=facility, name=name, quantity=quantity, fee=fee
                )
