"""Background work of the surveys app (Django's task API through django_tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def rebuild_columns(edition_id: int) -> bool:
    """Rebuild an edition's answer columns after its answers changed, unless they are
    current already (several changes in a row queue several of these; the first does the
    work). Returns whether it built anything."""
    from kyodo.surveys import columns
    from kyodo.surveys.models import Edition

    if not Edition.objects.filter(pk=edition_id).exists() or columns.is_fresh(edition_id):
        return False
    columns.rebuild(edition_id)
    return True
