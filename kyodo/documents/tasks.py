"""Background tasks of the documents app (django_tasks; immediate in tests)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="documents")
def build_bundle(bundle_id: int) -> None:
    from kyodo.documents.models import BuiltBundle
    from kyodo.documents.services import bundle_build

    bundle = BuiltBundle.objects.get(pk=bundle_id)
    bundle_build(bundle=bundle)
