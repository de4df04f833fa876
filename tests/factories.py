"""factory_boy factories with traits per state, shared by every test module."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo.accounts.models import Division, Role, RoleAssignment, Section, User
from kyodo.japan.calendar import fiscal_year, fiscal_year_end
from kyodo.registry.models import (
    DEFAULT_PUBLIC_ITEMS,
    ActivityField,
    ApplicationKind,
    Area,
    CivicGroup,
    GroupMembership,
    GroupRole,
    LegalForm,
    RegistrationApplication,
)

PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    full_name = factory.Sequence(lambda n: f"市民 太郎{n}")
    full_name_kana = "シミン タロウ"
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for role in extracted:
                RoleAssignment.objects.create(user=self, role=role)
        if create:
            self.save()


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("name",)

    name = "市民生活部"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("division", "name")

    division = factory.SubFactory(DivisionFactory)
    name = factory.Sequence(lambda n: f"第{n}課")


def staff_user(
    role: str, *, section: Section | None = None, totp: bool = True, **kwargs: object
) -> User:
    """A staff member, with a confirmed TOTP device unless asked otherwise."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(
        user=user, role=role, section=section if role == Role.DEPARTMENT else None
    )
    if totp:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def area(name: str = "鎌倉地域") -> Area:
    return Area.objects.get(name=name)


def fields(*numbers: int) -> list[ActivityField]:
    return list(ActivityField.objects.filter(number__in=numbers))


class CivicGroupFactory(factory.django.DjangoModelFactory):
    """A group; `registered=True` gives it a current registration, `lapsed=True` one that
    ended last 31 March."""

    class Meta:
        model = CivicGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"かまくら市民の会{n}")
    name_kana = factory.Sequence(lambda n: f"かまくらしみんのかい{n}")
    legal_form = LegalForm.VOLUNTARY
    representative_name = "鎌倉 花子"
    representative_kana = "カマクラ ハナコ"
    contact_name = "連絡 次郎"
    postal_code = "248-0005"
    address = "鎌倉市雪ノ下1-1-1"
    phone = "0467-00-0000"
    email = factory.Sequence(lambda n: f"group{n}@example.jp")
    founded_on = dt.date(2015, 4, 1)
    member_count = 12
    officer_count = 3
    citizen_member_count = 10
    purpose = "地域の子どもたちの居場所をつくる"
    activities = "毎週土曜日に食堂を開く"
    area = factory.LazyFunction(lambda: Area.objects.get(name="鎌倉地域"))
    activity_days = "毎週土曜日"
    public_items = factory.LazyFunction(lambda: list(DEFAULT_PUBLIC_ITEMS))

    class Params:
        registered = factory.Trait(
            registration_number=factory.Sequence(
                lambda n: f"{fiscal_year(timezone.localdate())}-{n + 1:04d}"
            ),
            first_registered_on=factory.LazyFunction(
                lambda: timezone.localdate() - dt.timedelta(days=30)
            ),
            registered_until=factory.LazyFunction(
                lambda: fiscal_year_end(fiscal_year(timezone.localdate()))
            ),
        )
        lapsed = factory.Trait(
            registration_number=factory.Sequence(
                lambda n: f"{fiscal_year(timezone.localdate()) - 1}-{n + 1:04d}"
            ),
            first_registered_on=factory.LazyFunction(
                lambda: timezone.localdate() - dt.timedelta(days=800)
            ),
            registered_until=factory.LazyFunction(
                lambda: fiscal_year_end(fiscal_year(timezone.localdate()) - 1)
            ),
        )

    @factory.post_generation
    def with_fields(self, create: bool, extracted: list[int] | None, **kwargs: object) -> None:
        if create:
            self.refresh_derived()
            self.save()
            self.fields.set(ActivityField.objects.filter(number__in=extracted or [13]))


def member(group: CivicGroup, role: str = GroupRole.MEMBER, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    RoleAssignment.objects.get_or_create(user=user, role=Role.RESIDENT)
    GroupMembership.objects.create(group=group, user=user, role=role)
    return user


class RegistrationApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationApplication

    group = factory.SubFactory(CivicGroupFactory)
    kind = ApplicationKind.NEW
    fiscal_year = factory.LazyFunction(lambda: fiscal_year(timezone.localdate()))
    status = "draft"

    class Params:
        submitted = factory.Trait(
            status="submitted", submitted_at=factory.LazyFunction(timezone.now)
        )
        returned = factory.Trait(
            status="returned",
            submitted_at=factory.LazyFunction(timezone.now),
            return_reason="会則を添付してください",
        )
