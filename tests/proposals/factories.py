"""Factories for programmes and proposals, with traits per state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from kyodo.japan.calendar import fiscal_year
from kyodo.programmes.models import Call, CityTheme, Course, Programme, ThemeStatus
from kyodo.programmes.seed import seed_programme
from kyodo.proposals.models import BudgetLine, Proposal
from tests import factories


def kamakura() -> Programme:
    return seed_programme()


def course(key: str) -> Course:
    return Course.objects.get(programme=kamakura(), key=key)


class CallFactory(factory.django.DjangoModelFactory):
    """A published call of this fiscal year whose proposal window is open today."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.LazyFunction(kamakura)
    fiscal_year = factory.LazyFunction(lambda: fiscal_year(timezone.localdate()) + 1)
    title = factory.Sequence(lambda n: f"つながる鎌倉エール事業 募集{n}")
    briefing_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    consultation_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=10)
    )
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    presentation_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    decision_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    is_published = True

    @factory.post_generation
    def with_courses(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.courses.set(extracted or self.programme.courses.all())


class CityThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityTheme

    call = factory.SubFactory(CallFactory)
    course = factory.LazyFunction(lambda: course("collaboration"))
    section = factory.SubFactory(factories.SectionFactory)
    title = "子どもの居場所づくり"
    background = "放課後に過ごす場所のない子どもが増えている"
    outline = "地域の団体と市が協力して居場所を開く"
    expectations = "子どもの支援の経験"
    budget_ceiling = 400_000
    years = 3
    contact = "こども支援課 0467-00-0000"
    status = ThemeStatus.PUBLISHED
    created_by = factory.LazyFunction(lambda: factories.UserFactory())


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal; traits set the status directly, as a fixture of a past state."""

    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    course = factory.LazyFunction(lambda: course("collaboration"))
    group = factory.SubFactory(factories.CivicGroupFactory, registered=True)
    track = "group_proposed"
    title = factory.Sequence(lambda n: f"海辺の子ども食堂{n}")
    issue = "孤食"
    purpose = "居場所をつくる"
    years = 1
    created_by = factory.LazyFunction(lambda: factories.UserFactory())
    status = "draft"

    class Params:
        submitted = factory.Trait(
            status="submitted", submitted_at=factory.LazyFunction(timezone.now), version_number=1
        )
        ready = factory.Trait(
            status="ready_for_review",
            submitted_at=factory.LazyFunction(timezone.now),
            version_number=1,
        )


def balanced_budget(
    proposal: Proposal, *, city: int, own: int = 0, year: int = 1
) -> list[BudgetLine]:
    """Income (city + own) and one expense line of the same total."""
    lines = [
        BudgetLine(
            proposal=proposal,
            year_index=year,
            kind="income",
            source="city",
            category="市の負担金・補助金",
            amount=city,
        ),
        BudgetLine(
            proposal=proposal,
            year_index=year,
            kind="expense",
            category="消耗品費",
            unit_price=city + own,
            quantity=1,
            amount=city + own,
        ),
    ]
    if own:
        lines.append(
            BudgetLine(
                proposal=proposal,
                year_index=year,
                kind="income",
                source="own",
                category="自己資金",
                amount=own,
            )
        )
    return BudgetLine.objects.bulk_create(lines)
