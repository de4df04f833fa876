"""`make demo` shows a project whose agreement is being drafted: the demo's adopted
proposal went through the real services, and loading the demo again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from kyodo.projects.models import Project


@pytest.mark.django_db
def test_the_demo_has_a_project_with_an_agreement_in_progress() -> None:
    call_command("seed_demo", groups=2, stdout=StringIO())
    project = Project.objects.select_related("agreement", "section").get()
    assert project.section is not None and project.section.name == "こども支援課"
    assert project.segments.count() == 3
    assert project.agreement.status == "drafting_by_group"  # type: ignore[attr-defined]
    assert project.agreement.versions.count() == 3  # type: ignore[attr-defined]
    assert project.conditions.filter(settled_at__isnull=True).count() == 2
    assert project.group.memberships.filter(user__email="rep@kyodo.example").exists()
    from django.utils import timezone

    from kyodo.projects.reports import due_or_overdue

    today = timezone.localdate()
    overdue = [r for r in due_or_overdue(today=today) if r.overdue_on(today)]
    assert [r.kind for r in overdue] == ["interim"]
    call_command("seed_demo", groups=2, stdout=StringIO())
    assert Project.objects.count() == 1
