"""Request types for views that act as a logged-in person.

Django types `request.user` as `User | AnonymousUser`, while services take `actor: User`.
A view behind @login_required annotates its request as AuthenticatedHttpRequest, which says
what the decorator guarantees. A view that lets anonymous visitors reach authorize() (so they
are sent to the log-in page with the reason) takes the person with acting_user() once that
check has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import NotAllowed, deny

if TYPE_CHECKING:
    from kyodo.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a @login_required view receives: its user has logged in.

    Only an annotation: Django still passes a plain HttpRequest (or WSGIRequest)."""

    user: User


def acting_user(request: HttpRequest) -> User:
    """The logged-in person of a request. An anonymous visitor is refused the same way
    authorize() refuses one (the middleware sends them to the log-in page)."""
    user = request.user
    if not user.is_authenticated:
        raise NotAllowed(deny(_("ログインが必要です。")))
    return user


def id_from(value: str | None) -> int | None:
    """An object id from a query parameter: None when absent; a 404 when it is no id at all
    (letters, a 20-digit number), never an error from the database."""
    from django.http import Http404

    from kyodo.core.middleware import LARGEST_ID

    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > LARGEST_ID:
        raise Http404
    return int(text)


# Fiscal years an address or a query may name: anything else is no page.
FISCAL_YEARS = range(2000, 2200)


def fiscal_year_from(value: str | int | None) -> int | None:
    """A fiscal year from an address or a query parameter, as `id_from` reads an id: None
    when absent; a 404 when it is no fiscal year (letters, a 20-digit number, year 1800)."""
    from django.http import Http404

    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) not in FISCAL_YEARS:
        raise Http404
    return int(text)
