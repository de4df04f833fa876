"""The documents app's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS, after the review world.

"score_sheet_a": committee_member's submitted sheet on review_a; "bundle_office": a
finished committee pack the office asked for (only the office persona may have it)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from kyodo.documents.models import BuiltBundle, BundleKind, BundleStatus
from kyodo.review import services
from kyodo.review.models import ScoreSheet


def documents_world(world: Any) -> dict[str, Any]:
    member = world.users["committee_member"]
    review_a = world.extra["review_a"]
    criteria = review_a.call.committee.criteria_set.criteria.all()
    services.sheet_save(
        actor=member,
        proposal=review_a,
        round_number=1,
        answers={c.pk: services.Answer(c.scale_max) for c in criteria},
        submit=True,
    )
    bundle = BuiltBundle(
        kind=BundleKind.COMMITTEE_PACK,
        object_id=review_a.call.committee.pk,
        title="審査資料一式：ゲート",
        requested_by=world.users["office_staff"],
        status=BundleStatus.READY,
        filename="審査資料一式.pdf",
        finished_at=timezone.now(),
    )
    bundle.file.save("gate.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    bundle.save()
    return {
        "score_sheet_a": ScoreSheet.objects.get(proposal=review_a, member__user=member, round=1),
        "bundle_office": bundle,
    }
