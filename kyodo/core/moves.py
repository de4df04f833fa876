"""A person's move on a workflow, from a page: the one shape of every such button and view.

The page offers the moves a person may make now (`Workflow.actions_for`) as a panel:
a button for each move that needs nothing more, and a small form with the reason field
for each move that asks for one (差し戻し, 再提出のお願い …). `move_panel` builds it and
`includes/move_panel.html` draws it.

The view that takes the POST

    transition = person_transition(workflow.REPORT, action)     # 404 unless a person's move
    authorize(request.user, "projects.report_transition", (report, action))
    form = posted_reason(request, transition)                    # None: no reason asked
    if form is not None and not form.is_valid():                 # the page again, message
        return render(..., context(..., posted=form))            # at the field, text kept
    make_move(request, transition, form, lambda reason: reports.report_transition(...))
    return redirect(...)

`make_move` says what happened: the label of the move done, or why it was refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.core.errors import DomainError
from kyodo.core.workflow import Transition, Workflow
from kyodo.japan.forms import CleanCharField


class ReasonForm(forms.Form):
    """The reason a move asks for. It is kept on the record and shown to the other side,
    whom a subclass may name in its `label`."""

    label: Any = gettext_lazy("理由（相手方に表示されます）")

    reason = CleanCharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = self.label


def reason_prefix(action: str, scope: str = "") -> str:
    """The form prefix of a move's reason: unique on a page that shows several records'
    panels (`scope`, e.g. the record's key)."""
    return f"{scope}-{action}" if scope else action


@dataclass(frozen=True)
class MoveButton:
    transition: Transition
    url: str
    form: forms.Form | None = None  # the reason form, for a move that asks for one


@dataclass(frozen=True)
class MovePanel:
    buttons: tuple[MoveButton, ...]
    with_reason: tuple[MoveButton, ...]

    def __bool__(self) -> bool:
        return bool(self.buttons or self.with_reason)


def move_panel(
    actions: Iterable[Transition],
    *,
    url: Callable[[str], str],
    scope: str = "",
    posted: forms.Form | None = None,
    form_class: type[forms.Form] = ReasonForm,
) -> MovePanel:
    """The panel of `actions` (a person's moves, in the workflow's order); `url(action)` is
    where each posts. `posted` is a reason form that came back invalid: it takes the place
    of the empty one with the same prefix, with its message and the text as typed."""
    buttons: list[MoveButton] = []
    with_reason: list[MoveButton] = []
    for t in actions:
        if not t.needs_reason:
            buttons.append(MoveButton(t, url(t.action)))
            continue
        form = reason_form(reason_prefix(t.action, scope), posted, form_class)
        with_reason.append(MoveButton(t, url(t.action), form))
    return MovePanel(tuple(buttons), tuple(with_reason))


def reason_form(
    prefix: str, posted: forms.Form | None = None, form_class: type[forms.Form] = ReasonForm
) -> forms.Form:
    """An empty reason form, or `posted` (come back invalid) when it has this prefix."""
    return posted if posted is not None and posted.prefix == prefix else form_class(prefix=prefix)


def person_transition(workflow: Workflow[Any], action: str) -> Transition:
    """The move `action` of `workflow` if a person may start it from a page; 404 otherwise
    (an address nobody's page links to)."""
    transition = workflow.transitions.get(action)
    if transition is None or not transition.by_person:
        raise Http404
    return transition


def posted_reason(
    request: HttpRequest,
    transition: Transition,
    *,
    scope: str = "",
    form_class: type[forms.Form] = ReasonForm,
) -> forms.Form | None:
    """The reason form bound to the POST, for a move that asks for one (else None)."""
    if not transition.needs_reason:
        return None
    return form_class(request.POST, prefix=reason_prefix(transition.action, scope))


def make_move(
    request: HttpRequest,
    transition: Transition,
    form: forms.Form | None,
    move: Callable[[str], object],
) -> bool:
    """Run `move(reason)` (the app's service) and tell the person what happened: the move
    done, or the refusal with each blocking check it names. `form` is valid or None."""
    reason = form.cleaned_data["reason"] if form is not None else ""
    try:
        move(reason)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        report = exc.extra.get("report")
        for failure in getattr(report, "blocking", ()):
            messages.error(request, str(failure.reason))
        return False
    messages.success(request, _("「%(label)s」を行いました。") % {"label": transition.label})
    return True
