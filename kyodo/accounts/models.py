"""People, the city's organisation (部 and 課), and the roles people hold."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("市民")
    CENTER = "center_staff", _("市民活動センター職員")
    OFFICE = "office", _("協働担当課")
    DEPARTMENT = "department", _("担当課職員")
    COMMITTEE = "committee", _("委員")
    ADMIN = "admin", _("システム管理者")


# Roles that see other people's data: they must log in with a second factor.
STAFF_ROLES = frozenset({Role.CENTER, Role.OFFICE, Role.DEPARTMENT, Role.ADMIN})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified", True)
        user = self.create_user(email, password, **extra)
        RoleAssignment.objects.create(user=user, role=Role.ADMIN)
        return user


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("メールアドレス"), unique=True)
    full_name = models.CharField(_("氏名"), max_length=100)
    full_name_kana = models.CharField(_("氏名（ふりがな）"), max_length=100, blank=True)
    email_verified = models.BooleanField(_("メール確認済み"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    # Django's own UserManager works with usernames, which this model has none of; the stubs
    # type AbstractUser.objects as that manager, so any replacement is an "incompatible" one.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        return self.full_name or self.email

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_city_staff(self) -> bool:
        return bool(self.role_set & STAFF_ROLES)

    @cached_property
    def section_ids(self) -> frozenset[int]:
        """The sections this person works for as 担当課 (their department roles'): the one
        reading of "in my sections" for every app; empty for anyone else."""
        return frozenset(
            self.role_assignments.filter(role=Role.DEPARTMENT, section__isnull=False).values_list(
                "section_id", flat=True
            )
        )

    @property
    def sections_in_charge(self) -> list[int]:
        """section_ids as a list, in order, for `…section_id__in=` filters."""
        return sorted(self.section_ids)


class OrganisationQuerySet(models.QuerySet[Any]):
    def current(self) -> OrganisationQuerySet:
        """Not retired: what a list offers for new work (old records keep a retired one)."""
        return self.filter(retired=False)


class Division(models.Model):
    """A 部 of the city, e.g. 市民生活部."""

    name = models.CharField(_("部の名称"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    retired = models.BooleanField(_("廃止"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("部")
        verbose_name_plural = _("部")

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A 課 of the city, e.g. 地域のつながり課: the unit that owns themes and budget lines."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(_("課の名称"), max_length=100)
    email = models.EmailField(_("課のメールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    retired = models.BooleanField(_("廃止"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["division__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="section_unique_in_division")
        ]
        verbose_name = _("課")
        verbose_name_plural = _("課")

    def __str__(self) -> str:
        return f"{self.division.name} {self.name}"


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("所属課"),
    )
    granted_at = models.DateTimeField(_("付与日時"), auto_now_add=True)

    class Meta:
        # Two partial constraints because NULL sections never collide in a plain one.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(section__isnull=True),
                name="role_unique_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "section"],
                condition=models.Q(section__isnull=False),
                name="role_unique_per_user_section",
            ),
        ]
        verbose_name = _("役割の付与")
        verbose_name_plural = _("役割の付与")

    def __str__(self) -> str:
        label = self.get_role_display()
        return f"{label}（{self.section.name}）" if self.section is not None else str(label)
