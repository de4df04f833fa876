"""Staff must complete their second factor before they see anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

ALWAYS_OPEN = ("/static/", "/i18n/", "/accounts/otp/", "/accounts/logout/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_city_staff
            # django-otp's OTPMiddleware, which runs before this one, gives request.user
            # is_verified() at run time; no model declares it.
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(ALWAYS_OPEN)
        ):
            return HttpResponseRedirect(reverse("accounts:otp_verify") + f"?next={request.path}")
        return self.get_response(request)
