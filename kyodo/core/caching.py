"""Whole-page caching of public pages for anonymous visitors.

The public directory, a group's page and the home page are what most people read, and
they read them without logging in. For them the rendered page is kept for a minute under a
key that holds the page's address, the language and the registry's generation (bumped
after every write that changes what the directory shows), so a change shows at once in
the process that made it and within a minute elsewhere (at once everywhere with Redis).

Nothing personal can leak: a request that carries a session or a messages cookie is never
served from or stored in the cache, and a response that sets any cookie (a form token,
say) is not stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

PAGE_TTL_SECONDS = 60
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
    )


def anonymous_page_cache(generation: Callable[[], Any]) -> Callable[..., Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
            key = (
                f"page:{generation()}:{translation.get_language()}:"
                f"{timezone.localdate().isoformat()}:{address}"
            )
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if (
                    response.status_code == 200
                    and not response.streaming
                    and not response.cookies
                    and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                ):
                    cache.set(key, (response.content, response["Content-Type"]), PAGE_TTL_SECONDS)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator
