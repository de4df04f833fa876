"""The registry of citizen groups (市民活動センター登録団体).

A group's profile is one row; each application to register or renew is a
RegistrationApplication whose status moves only through registry.workflow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.core.models import StoredUpload
from kyodo.core.workflow import FollowsWorkflow
from kyodo.japan.text import gojuon_key, romaji_key, search_key


class ActivityField(models.Model):
    """One of the 20 activity fields of the NPO Act (特定非営利活動促進法 別表)."""

    number = models.PositiveSmallIntegerField(_("号"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("略称"), max_length=40)

    class Meta:
        ordering = ["number"]
        verbose_name = _("活動分野")
        verbose_name_plural = _("活動分野")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The short name in the reader's language (kyodo.registry.vocabulary)."""
        from kyodo.registry.vocabulary import activity_field_label

        return activity_field_label(self.number, self.short_name)


class Area(models.Model):
    """A district of the city where a group is active (Kamakura: 鎌倉・腰越・深沢・大船・玉縄)."""

    name = models.CharField(_("地域名"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("活動地域")
        verbose_name_plural = _("活動地域")

    def __str__(self) -> str:
        return self.name


class LegalForm(models.TextChoices):
    NPO = "npo", _("NPO法人")
    CERTIFIED_NPO = "certified_npo", _("認定NPO法人")
    GENERAL_ASSOCIATION = "general_association", _("一般社団法人")
    GENERAL_FOUNDATION = "general_foundation", _("一般財団法人")
    PUBLIC_ASSOCIATION = "public_association", _("公益社団法人")
    PUBLIC_FOUNDATION = "public_foundation", _("公益財団法人")
    VOLUNTARY = "voluntary", _("任意団体")
    NEIGHBORHOOD = "neighborhood", _("自治会・町内会")
    OTHER = "other", _("その他")


# Items a group may choose to publish. Name, reading, legal form, fields, area and the
# registration number are always public: the directory is built from them.
PUBLISHABLE_ITEMS: list[tuple[str, Any]] = [
    ("representative_name", _("代表者名")),
    ("contact_name", _("連絡担当者名")),
    ("address", _("所在地（郵便番号・住所）")),
    ("phone", _("電話番号")),
    ("email", _("メールアドレス")),
    ("website", _("ウェブサイト・SNS")),
    ("corporate_number", _("法人番号")),
    ("founded_on", _("設立年月日")),
    ("counts", _("会員数・役員数")),
    ("purpose", _("目的")),
    ("activities", _("主な活動")),
    ("activity_days", _("活動日")),
]
# Contact details of people stay private unless the group ticks them.
DEFAULT_PUBLIC_ITEMS = [
    "website",
    "corporate_number",
    "founded_on",
    "counts",
    "purpose",
    "activities",
    "activity_days",
]
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "representative_name": ("representative_name", "representative_kana"),
    "contact_name": ("contact_name",),
    "address": ("postal_code", "address"),
    "phone": ("phone",),
    "email": ("email",),
    "website": ("website", "social_links"),
    "corporate_number": ("corporate_number",),
    "founded_on": ("founded_on",),
    "counts": ("member_count", "officer_count", "citizen_member_count"),
    "purpose": ("purpose",),
    "activities": ("activities",),
    "activity_days": ("activity_days",),
}


class CodePointOrderCharField(models.CharField):
    """A text column that sorts by code point on every database.

    五十音 order is built into the sort key's characters (kyodo.japan.text.gojuon_key), so
    the database must compare them as plain code points. SQLite does by default; a
    PostgreSQL database created with a ja_JP or en_US locale would not, so this column asks
    PostgreSQL for the "C" collation whatever the database's default is.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class CivicGroupQuerySet(models.QuerySet["CivicGroup"]):
    def registered_on(self, day: dt.date) -> CivicGroupQuerySet:
        return self.filter(registered_until__gte=day)


def group_search_text(name: str, name_kana: str) -> str:
    """What the directory's search looks in: the name and its reading only (nothing
    private), as search keys, and the reading in romaji (kamakura finds かまくら)."""
    return f"{search_key(name)}|{search_key(name_kana)}|{romaji_key(name_kana)}"


class CivicGroup(models.Model):
    name = models.CharField(_("団体名"), max_length=200)
    name_kana = models.CharField(_("団体名（ふりがな）"), max_length=200)
    legal_form = models.CharField(_("法人格"), max_length=30, choices=LegalForm.choices)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True)
    representative_name = models.CharField(_("代表者名"), max_length=100)
    representative_kana = models.CharField(_("代表者名（ふりがな）"), max_length=100, blank=True)
    contact_name = models.CharField(_("連絡担当者名"), max_length=100, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    social_links = models.TextField(_("SNSなどのリンク（1行に1つ）"), blank=True)
    founded_on = models.DateField(_("設立年月日"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("会員数"), default=0)
    officer_count = models.PositiveIntegerField(_("役員数"), default=0)
    citizen_member_count = models.PositiveIntegerField(_("市内在住・在勤・在学の会員数"), default=0)
    fields = models.ManyToManyField(
        ActivityField, related_name="groups", verbose_name=_("活動分野")
    )
    purpose = models.TextField(_("目的"), blank=True)
    activities = models.TextField(_("主な活動"), blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("主な活動地域")
    )
    activity_days = models.CharField(_("活動日"), max_length=200, blank=True)
    public_items = models.JSONField(_("公開する項目"), default=list, blank=True)

    registration_number = models.CharField(
        _("登録番号"), max_length=20, unique=True, null=True, blank=True
    )
    first_registered_on = models.DateField(_("初回登録日"), null=True, blank=True)
    registered_until = models.DateField(_("登録の有効期限"), null=True, blank=True, db_index=True)

    # Derived on every save by registry.services, never typed: the directory sorts and
    # searches on them without computing anything per row.
    sort_key = CodePointOrderCharField(max_length=400, db_index=True, editable=False, default="")
    # The name's and the reading's search keys and the reading in folded romaji, joined by |.
    search_text = models.CharField(max_length=1000, editable=False, default="")

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CivicGroupQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["registered_until", "sort_key"], name="registry_directory_idx"),
            # The directory pages in two steps (see selectors.IdsFirstPaginator): this index
            # holds everything the ids query reads, so page 500 walks index entries, not
            # 15,000 wide rows.
            models.Index(
                fields=["sort_key", "id", "registered_until"], name="registry_directory_order_idx"
            ),
            # Counting a field's groups (selectors._filtered): each group's registration is
            # read from this narrow index, not from its wide row.
            models.Index(fields=["id", "registered_until"], name="registry_group_registered_idx"),
        ]
        verbose_name = _("市民活動団体")
        verbose_name_plural = _("市民活動団体")

    def __str__(self) -> str:
        return self.name

    def refresh_derived(self) -> None:
        self.sort_key = gojuon_key(self.name_kana)
        self.search_text = group_search_text(self.name, self.name_kana)

    def is_registered(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.registered_until is not None and self.registered_until >= day

    def is_lapsed(self, day: dt.date | None = None) -> bool:
        return self.registered_until is not None and not self.is_registered(day)

    def is_public(self, item: str) -> bool:
        return item in self.public_items

    def public_values(self) -> dict[str, Any]:
        """The publishable fields the group made public; private ones are absent, not blank."""
        values: dict[str, Any] = {}
        for item, field_names in ITEM_FIELDS.items():
            if self.is_public(item):
                for name in field_names:
                    values[name] = getattr(self, name)
        return values


class GroupRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("代表者")
    MEMBER = "member", _("メンバー")


class GroupMembership(models.Model):
    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(
        _("団体での役割"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]
        verbose_name = _("団体のメンバー")
        verbose_name_plural = _("団体のメンバー")

    def __str__(self) -> str:
        return f"{self.group} / {self.user} ({self.get_role_display()})"


class MemberListRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("代表者")
    OFFICER = "officer", _("役員")
    MEMBER = "member", _("会員")


OFFICER_ROLES = (MemberListRole.REPRESENTATIVE, MemberListRole.OFFICER)


class GroupMemberEntry(models.Model):
    """One person on the group's own member list (会員名簿). Private: only the group's
    members and registry staff see it, never the public page. Once a group keeps a list,
    its member, officer and citizen counts are counted from it (registry.services)."""

    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="member_entries")
    name = models.CharField(_("氏名"), max_length=100)
    role = models.CharField(
        _("役職"), max_length=20, choices=MemberListRole.choices, default=MemberListRole.MEMBER
    )
    is_citizen = models.BooleanField(_("市内在住・在勤・在学"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("会員名簿の行")
        verbose_name_plural = _("会員名簿")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class GroupInvitation(models.Model):
    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("招待するメールアドレス"))
    role = models.CharField(
        _("団体での役割"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("団体への招待")
        verbose_name_plural = _("団体への招待")

    def __str__(self) -> str:
        return f"{self.group} → {self.email}"


class DocumentKind(models.TextChoices):
    RULES = "rules", _("会則・規約・定款")
    OFFICERS = "officers", _("役員名簿")
    REPORT = "report", _("活動報告書")
    OTHER = "other", _("その他")


class GroupDocument(StoredUpload):
    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("書類の種類"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("ファイル"), upload_to="registry/%Y/%m/")
    is_public = models.BooleanField(_("公開する"), default=False)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("団体の書類")
        verbose_name_plural = _("団体の書類")

    def __str__(self) -> str:
        return f"{self.group}: {self.get_kind_display()} ({self.original_name})"


# Always on the public page and in the directory, whatever the group ticks.
ALWAYS_PUBLIC_KEYS = ("name", "name_kana", "legal_form", "fields", "area")


def public_keys(*public_items_lists: list[str]) -> set[str]:
    """The profile keys the public sees when these items are published (before or after a
    change: an item made public, or private, is itself a change to the public page)."""
    keys = {*ALWAYS_PUBLIC_KEYS, "public_items"}
    for items in public_items_lists:
        for item in items:
            keys.update(ITEM_FIELDS.get(item, ()))
    return keys


class PendingPublicChange(models.Model):
    """Changes a registered group made to what the public sees, held for the center.

    The group's row keeps the approved values (so the public page, the directory and the
    open data keep the approved version) until the center accepts; then they are applied
    and this row goes. The audit log keeps the history."""

    group = models.OneToOneField(
        CivicGroup, on_delete=models.CASCADE, related_name="pending_public_change"
    )
    # Profile keys → the proposed values, as the edit form gives them (area as its pk,
    # fields as their numbers, dates in ISO form).
    proposed = models.JSONField(_("変更の内容"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("変更日時"))

    class Meta:
        verbose_name = _("公開内容の変更")
        verbose_name_plural = _("公開内容の変更")

    def __str__(self) -> str:
        return str(self.group)


class ApplicationKind(models.TextChoices):
    NEW = "new", _("新規登録")
    RENEWAL = "renewal", _("登録更新")


class RegistrationApplication(FollowsWorkflow, models.Model):
    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(_("申請の種類"), max_length=10, choices=ApplicationKind.choices)
    fiscal_year = models.PositiveIntegerField(_("登録年度"))
    status = models.CharField(_("状態"), max_length=20, default="draft", db_index=True)
    submitted_at = models.DateTimeField(_("申請日時"), null=True, blank=True)
    decided_at = models.DateTimeField(_("決定日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    snapshot = models.JSONField(_("申請時の内容"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("登録申請")
        verbose_name_plural = _("登録申請")

    def __str__(self) -> str:
        return f"{self.group} {self.get_kind_display()} {self.fiscal_year}"
