"""Load the Kamakura demo: the city's sections, one log-in per role, and 72 groups.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo.accounts.models import Division, Role, RoleAssignment, Section, User
from kyodo.japan.calendar import fiscal_year, fiscal_year_end
from kyodo.registry.demo import demo_groups
from kyodo.registry.models import (
    ActivityField,
    Area,
    CivicGroup,
    GroupMembership,
    GroupRole,
    RegistrationApplication,
)

DEMO_PASSWORD = "kyodo-demo-2026"  # noqa: S105 (printed for the demo; never used in production)
# One fixed TOTP key for every demo staff account, so a tester can add it to an
# authenticator app once; `manage.py demo_totp` prints the current code too.
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"

SECTIONS = {
    "市民生活部": ["地域のつながり課", "市民相談課"],
    "こどもみらい部": ["こども支援課", "青少年課"],
    "環境部": ["環境保全課"],
    "防災安全部": ["総合防災課"],
    "健康福祉部": ["高齢者いきいき課", "障害福祉課"],
    "文化観光部": ["観光課", "文化課"],
}
# (e-mail, name, [(role, section name or None)])
PEOPLE: list[tuple[str, str, list[tuple[Role, str | None]]]] = [
    ("admin@kyodo.example", "システム 管理者", [(Role.ADMIN, None)]),
    ("office@kyodo.example", "地域のつながり課 担当", [(Role.OFFICE, None)]),
    ("center@kyodo.example", "市民活動センター 職員", [(Role.CENTER, None)]),
    ("dept@kyodo.example", "こども支援課 職員", [(Role.DEPARTMENT, "こども支援課")]),
    ("committee@kyodo.example", "選考委員 学識", [(Role.COMMITTEE, None)]),
    ("rep@kyodo.example", "団体代表 花子", [(Role.RESIDENT, None)]),
    ("member@kyodo.example", "団体会員 一郎", [(Role.RESIDENT, None)]),
    ("resident@kyodo.example", "市民 太郎", [(Role.RESIDENT, None)]),
]
GROUP_COUNT = 72


class Command(BaseCommand):
    help = "Load Kamakura demo data and print the demo log-ins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--groups", type=int, default=GROUP_COUNT)

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo goes through the real services, which e-mail people after commit; keep
        # those letters out of the terminal so the log-ins below stay readable.
        quiet_mail = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        )
        with quiet_mail, transaction.atomic():
            self._sections()
            people = self._people()
            created = self._groups(options["groups"], people)
            self._proposals(people)
            from kyodo.booking.demo import seed_booking_demo

            seed_booking_demo(center=people["center@kyodo.example"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} groups added)."))
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for email, name, roles in PEOPLE:
            labels = "、".join(str(Role(r).label) for r, _s in roles)
            self.stdout.write(f"  {email:<26} {name}（{labels}）")
        from kyodo.review.demo import MEMBERS as COMMITTEE_MEMBERS

        for email, name, kind in COMMITTEE_MEMBERS:  # the rest of the selection committee
            self.stdout.write(f"  {email:<26} {name}（{Role(Role.COMMITTEE).label}・{kind}）")
        from kyodo.evaluation.demo import REPRESENTATIVE

        email, name = REPRESENTATIVE
        self.stdout.write(f"  {email:<26} {name}（{Role(Role.RESIDENT).label}）")
        self.stdout.write(
            "  rep@… is the representative of a registered group; member@… a member of it."
        )
        self.stdout.write(
            "  rep2@… represents another group, whose project's first year (last FY) is finished."
        )
        self.stdout.write(
            "Staff (admin/office/center/dept) also need a TOTP code: add this key to an"
        )
        self.stdout.write(
            f"authenticator app, or run `make totp` for the current code: {self._base32()}"
        )

    def _proposals(self, people: dict[str, User]) -> None:
        from kyodo.proposals.demo import seed_proposal_demo

        membership = GroupMembership.objects.filter(user=people["rep@kyodo.example"]).first()
        if membership is not None:
            seed_proposal_demo(
                office=people["office@kyodo.example"],
                rep=people["rep@kyodo.example"],
                center=people["center@kyodo.example"],
                group=membership.group,
            )
            from kyodo.review.demo import seed_review_demo

            seed_review_demo(
                office=people["office@kyodo.example"],
                chair=people["committee@kyodo.example"],
                rep=people["rep@kyodo.example"],
                group=membership.group,
                password=DEMO_PASSWORD,
            )
            from kyodo.projects.demo import seed_project_demo

            seed_project_demo(
                office=people["office@kyodo.example"],
                rep=people["rep@kyodo.example"],
                department=people["dept@kyodo.example"],
                group=membership.group,
            )
            from kyodo.evaluation.demo import seed_evaluation_demo

            seed_evaluation_demo(
                office=people["office@kyodo.example"],
                department=people["dept@kyodo.example"],
                besides=membership.group,
                password=DEMO_PASSWORD,
            )

    def _base32(self) -> str:
        import base64

        return base64.b32encode(bytes.fromhex(DEMO_TOTP_HEX)).decode()

    def _sections(self) -> None:
        for order, (division_name, sections) in enumerate(SECTIONS.items(), start=1):
            division, _ = Division.objects.get_or_create(
                name=division_name, defaults={"order": order}
            )
            for s_order, name in enumerate(sections, start=1):
                Section.objects.get_or_create(
                    division=division, name=name, defaults={"order": s_order}
                )

    def _people(self) -> dict[str, User]:
        people = {}
        for email, name, roles in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=name, email_verified=True
                )
            for role, section_name in roles:
                section = Section.objects.get(name=section_name) if section_name else None
                RoleAssignment.objects.get_or_create(user=user, role=role, section=section)
            if user.is_city_staff and not TOTPDevice.objects.filter(user=user).exists():
                TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_HEX, confirmed=True)
            people[email] = user
        return people

    def _groups(self, count: int, people: dict[str, User]) -> int:
        today = timezone.localdate()
        this_year = fiscal_year(today)
        areas = {a.name: a for a in Area.objects.all()}
        fields = {f.number: f for f in ActivityField.objects.all()}
        existing = set(CivicGroup.objects.values_list("name", flat=True))
        created = 0
        for index, demo in enumerate(demo_groups(count, today=today), start=1):
            if demo.name in existing:
                continue
            values = {k: v for k, v in vars(demo).items() if k not in ("fields", "area")}
            group = CivicGroup(**values, area=areas.get(demo.area))
            # Most groups are registered this year; a few lapsed last 31 March, a few
            # await the center's review, so every state can be seen in the demo.
            if index % 12 == 0:
                group.registration_number = f"{this_year - 1}-{index:04d}"
                group.first_registered_on = today - dt.timedelta(days=500)
                group.registered_until = fiscal_year_end(this_year - 1)
            elif index % 17 != 0:
                group.registration_number = f"{this_year}-{index:04d}"
                group.first_registered_on = today - dt.timedelta(days=200)
                group.registered_until = fiscal_year_end(this_year)
            group.refresh_derived()
            group.save()
            group.fields.set([fields[n] for n in demo.fields])
            if index % 17 == 0:
                RegistrationApplication.objects.create(
                    group=group,
                    kind="new",
                    fiscal_year=this_year,
                    status="submitted",
                    submitted_at=timezone.now(),
                    snapshot={},
                )
            if index == 1:
                GroupMembership.objects.get_or_create(
                    group=group,
                    user=people["rep@kyodo.example"],
                    defaults={"role": GroupRole.REPRESENTATIVE},
                )
                GroupMembership.objects.get_or_create(
                    group=group,
                    user=people["member@kyodo.example"],
                    defaults={"role": GroupRole.MEMBER},
                )
            created += 1
        return created
