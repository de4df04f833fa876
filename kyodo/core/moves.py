"""A person's move on a workflow, from a page: the one shape of every such button and view.

The page offers the moves a person may make now (`Workflow.actions_for`) as a panel:
a button for each move that needs nothing more, and a small form for each move that asks
for something: the reason field (差し戻し, 再提出のお願い …), or the fields of the move's
own form (`forms`: e.g. the date a payment was made). `move_panel` builds it and
`includes/move_panel.html` draws it.

The view that takes the POST

    transition = person_transition(workflow.REPORT, action)     # 404 unless a person's move
    authorize(request.user, "projects.report_transition", (report, action))
    form = posted_form(request, transition)                      # None: nothing asked
    if form is not None and not form.is_valid():                 # the page again, message
        return render(..., context(..., posted=form))            # at the field, text kept
    make_move(request, transition, form, lambda reason: reports.report_transition(...))
    return redirect(...)

`make_move` says what happened: the label of the move done, or why it was refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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


def move_prefix(action: str, scope: str = "") -> str:
    """The form prefix of a move's form: unique on a page that shows several records'
    panels (`scope`, e.g. the record's key)."""
    return f"{scope}-{action}" if scope else action


@dataclass(frozen=True)
class MoveButton:
    transition: Transition
    url: str
    form: forms.Form | None = None  # for a move that asks for a reason or other fields


@dataclass(frozen=True)
class MovePanel:
    buttons: tuple[MoveButton, ...]
    with_form: tuple[MoveButton, ...]

    def __bool__(self) -> bool:
        return bool(self.buttons or self.with_form)


# A move's own form by action: a form class, or a callable making one (e.g. a partial that
# gives the form the record it checks against).
FormClasses = Mapping[str, Callable[..., forms.Form]]


def form_class_of(
    transition: Transition, forms_by_action: FormClasses, reason_class: type[forms.Form]
) -> Callable[..., forms.Form] | None:
    """The form a move asks for: its own (by action), else the reason form if it needs a
    reason, else none (a plain button)."""
    own = forms_by_action.get(transition.action)
    if own is not None:
        return own
    return reason_class if transition.needs_reason else None


def move_panel(
    actions: Iterable[Transition],
    *,
    url: Callable[[str], str],
    scope: str = "",
    posted: forms.Form | None = None,
    form_class: type[forms.Form] = ReasonForm,
    forms: FormClasses | None = None,
) -> MovePanel:
    """The panel of `actions` (a person's moves, in the workflow's order); `url(action)` is
    where each posts. `posted` is a form that came back invalid: it takes the place of the
    empty one with the same prefix, with its messages and the text as typed."""
    buttons: list[MoveButton] = []
    with_form: list[MoveButton] = []
    for t in actions:
        cls = form_class_of(t, forms or {}, form_class)
        if cls is None:
            buttons.append(MoveButton(t, url(t.action)))
            continue
        form = move_form(move_prefix(t.action, scope), posted, cls)
        with_form.append(MoveButton(t, url(t.action), form))
    return MovePanel(tuple(buttons), tuple(with_form))


def move_form(
    prefix: str,
    posted: forms.Form | None = None,
    form_class: Callable[..., forms.Form] = ReasonForm,
) -> forms.Form:
    """An empty form of the move, or `posted` (come back invalid) when it has this prefix."""
    return posted if posted is not None and posted.prefix == prefix else form_class(prefix=prefix)


def person_transition(workflow: Workflow[Any], action: str) -> Transition:
    """The move `action` of `workflow` if a person may start it from a page; 404 otherwise
    (an address nobody's page links to)."""
    transition = workflow.transitions.get(action)
    if transition is None or not transition.by_person:
        raise Http404
    return transition


def posted_form(
    request: HttpRequest,
    transition: Transition,
    *,
    scope: str = "",
    form_class: type[forms.Form] = ReasonForm,
    forms: FormClasses | None = None,
) -> forms.Form | None:
    """The move's form bound to the POST, for a move that asks for a reason or has a form
    of its own (else None), as `move_panel` offered it."""
    cls = form_class_of(transition, forms or {}, form_class)
    if cls is None:
        return None
    return cls(request.POST, prefix=move_prefix(transition.action, scope))


def make_move(
    request: HttpRequest,
    transition: Transition,
    form: forms.Form | None,
    move: Callable[[str], object],
) -> bool:
    """Run `move(reason)` (the app's service; a form's other fields are the caller's to
    read) and tell the person what happened: the move done, or the refusal with each
    blocking check it names. `form` is valid or None."""
    reason = form.cleaned_data.get("reason", "") if form is not None else ""
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
