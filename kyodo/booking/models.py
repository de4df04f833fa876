"""Facilities, rooms, their rules, bookings, recurring series, lotteries and freed slots.

Times are aware datetimes in UTC, shown in Asia/Tokyo; money is integer yen. A booking's
status changes only through kyodo.booking.workflow. Two active bookings of one room never
overlap: on PostgreSQL an exclusion constraint says so (NoOverlap below); on SQLite the one
write path (services.booking_create / booking_change) holds the database write lock while
it checks and writes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.registry.models import CivicGroup

# Statuses in which a booking holds its room (kept in step with workflow.ACTIVE).
ACTIVE_STATUSES = ("requested", "confirmed", "held")


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()  # only used inside the constraint's expression


class NoOverlap(ExclusionConstraint):
    """The exclusion constraint on PostgreSQL; nothing on other databases, whose write path
    takes the write lock instead (an EXCLUDE clause would be a syntax error there)."""

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, *args: Any, **kwargs: Any) -> None:
        # The service checks overlaps with a clear message; the database has the last word.
        return None


class Facility(models.Model):
    name = models.CharField(_("施設名"), max_length=100)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    opens_at = models.TimeField(_("開館時刻"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("閉館時刻"), default=dt.time(21, 30))
    # ISO weekdays (1 = Monday … 7 = Sunday) on which the facility is closed.
    closed_weekdays = models.JSONField(_("定休日（曜日）"), default=list, blank=True)
    closed_on_holidays = models.BooleanField(_("祝日は休館"), default=False)
    note = models.TextField(_("案内"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("施設")

    def __str__(self) -> str:
        return self.name


class Closure(models.Model):
    """A temporary closure of a whole facility, or of one room (工事、点検、選挙 …)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="closures")
    room = models.ForeignKey(
        "Room", on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    starts_on = models.DateField(_("休館開始日"))
    ends_on = models.DateField(_("休館終了日"))
    reason = models.CharField(_("理由"), max_length=200)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.facility} {self.starts_on}–{self.ends_on}"


class BookingMode(models.TextChoices):
    BLOCKS = "blocks", _("時間帯（午前・午後・夜間）")
    HOURLY = "hourly", _("1時間ごとのコマ")
    FREE = "free", _("自由な時間（最短・最長あり）")


class WhoMayBook(models.TextChoices):
    REGISTERED = "registered", _("登録団体")
    ANYONE = "anyone", _("どなたでも（ログインした人）")
    STAFF = "staff", _("職員のみ（窓口・電話で受付）")


class Payment(models.TextChoices):
    WINDOW = "window", _("窓口でお支払い")
    FREE = "free", _("無料")


class Room(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("部屋名"), max_length=100)
    capacity = models.PositiveIntegerField(_("定員（人）"))
    equipment = models.CharField(_("備え付けの設備"), max_length=300, blank=True)
    floor_plan_note = models.CharField(_("場所・間取り"), max_length=300, blank=True)
    accessibility = models.CharField(_("バリアフリー"), max_length=300, blank=True)
    mode = models.CharField(
        _("予約の単位"), max_length=10, choices=BookingMode.choices, default=BookingMode.BLOCKS
    )
    min_minutes = models.PositiveIntegerField(_("最短利用時間（分）"), default=60)
    max_minutes = models.PositiveIntegerField(_("最長利用時間（分）"), default=240)
    who_may_book = models.CharField(
        _("予約できる人"), max_length=12, choices=WhoMayBook.choices, default=WhoMayBook.REGISTERED
    )
    advance_days = models.PositiveIntegerField(_("何日先まで予約できるか"), default=60)
    # 0: no limit.
    max_active = models.PositiveIntegerField(_("1団体が同時に持てる予約数"), default=4)
    max_per_month = models.PositiveIntegerField(_("1団体の月あたりの予約数"), default=4)
    cancel_days = models.PositiveIntegerField(_("取消しの期限（利用日の何日前まで）"), default=3)
    needs_approval = models.BooleanField(_("職員の承認が必要"), default=False)
    fee_per_hour = models.PositiveIntegerField(_("使用料（1時間あたり・円）"), default=0)
    registered_discount = models.PositiveIntegerField(
        _("登録団体の減免（％）"), default=100, help_text=_("100 で全額免除、50 で半額です。")
    )
    payment = models.CharField(
        _("支払い"), max_length=10, choices=Payment.choices, default=Payment.FREE
    )
    is_active = models.BooleanField(_("受付中"), default=True)

    class Meta:
        ordering = ["facility_id", "pk"]
        verbose_name = _("部屋")

    def __str__(self) -> str:
        return f"{self.facility.name} {self.name}"


class Equipment(models.Model):
    """Lendable equipment (プロジェクター、印刷機 …), booked with a room."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("備品名"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    fee = models.PositiveIntegerField(_("貸出料（円）"), default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WEB = "web", _("ウェブ")
    WINDOW = "window", _("窓口")
    PHONE = "phone", _("電話")
    LOTTERY = "lottery", _("抽選")


class Series(models.Model):
    """A recurring booking: its pattern, kept so that calendars can show it as one event."""

    class Pattern(models.TextChoices):
        WEEKLY = "weekly", _("毎週")
        BIWEEKLY = "biweekly", _("隔週")
        MONTHLY_NTH = "monthly_nth", _("毎月 第n曜日")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="series")
    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, null=True, blank=True)
    pattern = models.CharField(max_length=12, choices=Pattern.choices)
    first_start = models.DateTimeField()
    first_end = models.DateTimeField()
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.room} {self.get_pattern_display()}"


class Booking(models.Model):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    group = models.ForeignKey(
        CivicGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who uses the room when staff booked for someone without an account (窓口・電話).
    holder_name = models.CharField(_("利用者名"), max_length=100, blank=True)
    holder_phone = models.CharField(_("連絡先電話番号"), max_length=30, blank=True)
    starts_at = models.DateTimeField(_("開始"))
    ends_at = models.DateTimeField(_("終了"))
    status = models.CharField(_("状態"), max_length=12, default="requested")
    channel = models.CharField(_("受付"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("利用目的"), max_length=200)
    attendees = models.PositiveIntegerField(_("利用人数"))
    equipment = models.ManyToManyField(Equipment, blank=True, related_name="bookings")
    fee = models.PositiveIntegerField(_("使用料（円）"), default=0)
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    number = models.CharField(_("利用承認番号"), max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["group", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            NoOverlap(
                name="booking_no_overlap",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.room} {local:%Y-%m-%d %H:%M}"

    @property
    def holder(self) -> str:
        return self.group.name if self.group_id and self.group else self.holder_name

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def get_status_label(self) -> Any:
        from kyodo.booking.workflow import WORKFLOW

        return WORKFLOW.states[self.status].group_label


class FreedSlot(models.Model):
    """A time that became free again (a cancellation, a released lottery win)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="freed_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    freed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-freed_at"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.room} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Watch(models.Model):
    """A group asked to hear when a room frees up on a day."""

    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="room_watches")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="watches")
    day = models.DateField(_("日付"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "room", "day"], name="booking_watch_once")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.room} {self.day}"


class GroupFeed(models.Model):
    """The secret link of a group's private calendar feed."""

    group = models.OneToOneField(CivicGroup, on_delete=models.CASCADE, related_name="booking_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    def __str__(self) -> str:
        return str(self.group)


class LotteryRound(models.Model):
    """抽選: entries until `entries_close_at`, the draw, winners confirm until
    `confirm_by`; then what is left is booked first-come (2次予約)."""

    title = models.CharField(_("名称"), max_length=200)
    rooms = models.ManyToManyField(Room, related_name="lottery_rounds")
    first_day = models.DateField(_("対象期間の初日"))
    last_day = models.DateField(_("対象期間の最終日"))
    entries_open_at = models.DateTimeField(_("申込開始"))
    entries_close_at = models.DateTimeField(_("申込締切"))
    confirm_by = models.DateTimeField(_("当選確定の期限"))
    per_group_cap = models.PositiveIntegerField(_("1団体の申込上限"), default=2)
    seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    draw_log = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-entries_open_at"]

    def __str__(self) -> str:
        return self.title


class LotteryEntry(models.Model):
    round = models.ForeignKey(LotteryRound, on_delete=models.CASCADE, related_name="entries")
    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="lottery_entries")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="lottery_entries")
    starts_at = models.DateTimeField(_("開始"))
    ends_at = models.DateTimeField(_("終了"))
    purpose = models.CharField(_("利用目的"), max_length=200)
    attendees = models.PositiveIntegerField(_("利用人数"))
    # Asked for with the entry; a winner's booking lends what is still in stock at the draw.
    equipment = models.ManyToManyField(Equipment, blank=True, related_name="lottery_entries")
    # 1: registered groups, drawn first; 2: everyone else.
    tier = models.PositiveSmallIntegerField(default=2)
    status = models.CharField(max_length=12, default="entered")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="lottery_entry"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "group", "room", "starts_at"], name="booking_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.group} {self.room}"

    def get_status_label(self) -> Any:
        from kyodo.booking.workflow import ENTRY_WORKFLOW

        return ENTRY_WORKFLOW.states[self.status].group_label
