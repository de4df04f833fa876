"""`{% document_links "proposal" proposal %}`: the PDF and Word links of a record's
document, shown only to people the document type's predicate allows."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from kyodo.core.permissions import check
from kyodo.documents import registry

register = template.Library()


@register.inclusion_tag("documents/_links.html", takes_context=True)
def document_links(context: Any, key: str, record: Any, pk: Any = None) -> dict[str, Any]:
    doc_type = registry.get(key)
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = bool(
        record is not None and check(doc_type.permission, user, doc_type.permission_object(record))
    )
    target = pk if pk is not None else getattr(record, "pk", None)
    return {
        "allowed": allowed,
        "label": doc_type.label,
        "pdf": reverse(f"documents:{key}", kwargs={"pk": target, "fmt": "pdf"}) if allowed else "",
        "docx": reverse(f"documents:{key}", kwargs={"pk": target, "fmt": "docx"})
        if allowed
        else "",
    }
