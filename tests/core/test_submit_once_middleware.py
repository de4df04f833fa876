"""SubmitOnceMiddleware (kyodo.core.once): what a repeated POST gets, without any view opting in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from kyodo.core.models import FormSubmission
from kyodo.core.once import FIELD, SubmitOnceMiddleware, once_per_submit

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self, answer: HttpResponse) -> None:
        self.calls, self.answer = 0, answer

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.calls += 1
        return self.answer


def send(view: Any, data: dict[str, str], **headers: str) -> HttpResponse:
    """One POST through the middleware, as Django's handler runs it."""
    request = RequestFactory().post("/somewhere/", data, headers=headers)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]

    def handler(req: HttpRequest) -> HttpResponse:
        return middleware.process_view(req, view, (), {}) or view(req)

    middleware = SubmitOnceMiddleware(handler)
    return middleware(request)


def test_it_runs_the_view_once_and_sends_the_repeat_where_the_first_went() -> None:
    view = Counter(HttpResponseRedirect("/done/7/"))
    first = send(view, {FIELD: "t1"})
    again = send(view, {FIELD: "t1"})
    assert view.calls == 1
    assert first["Location"] == again["Location"] == "/done/7/"


def test_it_runs_every_post_without_a_token() -> None:
    view = Counter(HttpResponseRedirect("/done/"))
    send(view, {"name": "script"})
    send(view, {"name": "script"})
    assert view.calls == 2
    assert not FormSubmission.objects.exists()


def test_it_releases_the_token_when_the_form_comes_back() -> None:
    view = Counter(HttpResponse("the form, with a message beside a field", status=200))
    send(view, {FIELD: "t2"})
    send(view, {FIELD: "t2"})
    assert view.calls == 2
    assert not FormSubmission.objects.filter(token="t2").exists()


def test_it_releases_the_token_when_a_signed_out_person_is_sent_to_log_in() -> None:
    view = Counter(HttpResponseRedirect("/accounts/login/?next=/somewhere/"))
    send(view, {FIELD: "t3"})
    assert not FormSubmission.objects.filter(token="t3").exists()


def test_it_sends_a_repeat_that_arrives_during_the_first_back_to_the_form_page() -> None:
    FormSubmission.objects.create(token="t4", path="/somewhere/")  # the first is still running
    view = Counter(HttpResponseRedirect("/done/"))
    again = send(view, {FIELD: "t4"}, referer="http://testserver/my/groups/3/")
    assert view.calls == 0
    assert again["Location"] == "http://testserver/my/groups/3/"


def test_it_never_sends_a_repeat_to_another_site() -> None:
    FormSubmission.objects.create(token="t5", path="/somewhere/")
    again = send(Counter(HttpResponse()), {FIELD: "t5"}, referer="https://evil.example/")
    assert again["Location"] == "/accounts/login/"  # signed out: the log-in page


def test_it_uses_the_fallback_a_view_names() -> None:
    FormSubmission.objects.create(token="t6", path="/somewhere/")
    view = once_per_submit(fallback="registry:my_groups")(Counter(HttpResponse()))
    again = send(view, {FIELD: "t6"}, referer="http://testserver/elsewhere/")
    assert again["Location"] == "/my/groups/"
