"""Background work of the stats app (Django's task API through django_tasks)."""

from __future__ import annotations

from django_tasks import task

from kyodo.stats.models import NpoImport


@task(queue_name="imports")
def run_npo_import(import_id: int) -> int:
    from kyodo.stats.services import npo_import_run

    record = NpoImport.objects.select_related("started_by").get(pk=import_id)
    npo_import_run(record=record)
    return import_id
