"""The committee's tallies: what counts of each proposal's marks, added up and stored as the
marks are written, so that the results page reads a few thousand small rows instead of
adding up every score (issue 9: the first request after a score changes).

`tallies_refresh` recomputes the tallies of the given proposals from their sheets, in the
transaction of the write that changed them: every service that saves or submits a sheet,
or declares, revokes or flags a conflict, calls it. It locks the proposals first, so two
members submitting at once cannot each store a sum without the other's sheet.

What is stored leaves out only declared conflicts; membership of the proposing group is
left out when the results are read (review.selectors.counted_tallies), because the
registry changes memberships without the committee knowing. `tallies_rebuild` recomputes
a whole call (a migration, the benchmark, data written without the services).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from kyodo.proposals.models import Proposal
from kyodo.review.conflicts import sql_conflict
from kyodo.review.models import RoundTally, Score, ScoreSheet


def _declared(prefix: str) -> Exists:
    declared, _in_group = sql_conflict(prefix)
    return declared


def _compute(proposal_ids: list[int]) -> list[RoundTally]:
    sheets = ScoreSheet.objects.filter(
        proposal_id__in=proposal_ids,
        submitted_at__isnull=False,
        member__committee__call_id=F("proposal__call_id"),
    )
    rounds: dict[tuple[int, int], RoundTally] = {}
    for proposal_id, rnd, n in (
        sheets.values_list("proposal_id", "round").annotate(n=Count("pk")).order_by()
    ):
        rounds[(proposal_id, rnd)] = RoundTally(
            proposal_id=proposal_id, round=rnd, submitted=n, sums={}
        )
    for proposal_id, rnd, n in (
        sheets.filter(~_declared(""), Exists(Score.objects.filter(sheet_id=OuterRef("pk"))))
        .values_list("proposal_id", "round")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rounds[(proposal_id, rnd)].counted = n
    answered = Q(not_applicable=False, value__isnull=False)
    sums = (
        Score.objects.filter(
            ~_declared("sheet__"),
            sheet__proposal_id__in=proposal_ids,
            sheet__submitted_at__isnull=False,
            sheet__member__committee__call_id=F("sheet__proposal__call_id"),
        )
        .values_list("sheet__proposal_id", "sheet__round", "criterion_id")
        .annotate(total=Sum("value", filter=answered), n=Count("value", filter=answered))
        .order_by()
    )
    for proposal_id, rnd, criterion_id, total, n in sums:
        if n:
            rounds[(proposal_id, rnd)].sums[str(criterion_id)] = [int(total), n]
    return list(rounds.values())


def tallies_refresh(*, proposals: Iterable[int | Proposal]) -> None:
    """Recompute the stored tallies of these proposals. Call inside the write's transaction."""
    ids = sorted({p.pk if isinstance(p, Proposal) else p for p in proposals})
    if not ids:
        return
    list(Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    RoundTally.objects.filter(proposal_id__in=ids).delete()
    RoundTally.objects.bulk_create(_compute(ids), batch_size=1000)


def tallies_rebuild(*, call_id: int | None = None) -> None:
    """Recompute the tallies of a call's proposals (every call's when None)."""
    proposals = (
        Proposal.objects.all() if call_id is None else Proposal.objects.filter(call_id=call_id)
    )
    ids = list(proposals.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            tallies_refresh(proposals=ids[start : start + 500])
