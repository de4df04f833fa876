from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from django.utils.functional import SimpleLazyObject

    from kyodo.core.navigation import menu_for

    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return {
        # Lazy: a page that does not render the menu (a download, a fragment) costs nothing.
        "menu_items": SimpleLazyObject(lambda: menu_for(user, match.view_name if match else None)),
        "CITY_NAME": settings.KYODO_CITY_NAME,
        "CENTER_NAME": settings.KYODO_CENTER_NAME,
    }
