"""One confirmation step for irreversible actions (submit, withdraw, delete), without JavaScript.

The action's button posts as usual. Unless the POST carries `confirmed=yes`, the view
answers with a page that says what will happen and cannot be undone, holding the same
fields as hidden inputs and a button that sends them again with `confirmed=yes` (and a new
one-time token: the first POST changed nothing, so SubmitOnceMiddleware frees its token).

    if needs_confirmation(request):
        return confirmation(request, title=..., question=..., consequences=[...],
                            button=_("提出する"), cancel_url=...)
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kyodo.core.once import FIELD as ONCE_FIELD

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
_NOT_CARRIED = {"csrfmiddlewaretoken", ONCE_FIELD, CONFIRM_FIELD}


def needs_confirmation(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) != CONFIRM_VALUE


def confirmation(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    consequences: Sequence[str] = (),
    button: str,
    cancel_url: str,
) -> HttpResponse:
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "question": question,
        "consequences": consequences,
        "button": button,
        "cancel_url": cancel_url,
        "action": request.get_full_path(),
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
    }
    return render(request, "includes/confirm.html", context)
