from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "CITY_NAME": settings.KYODO_CITY_NAME,
        "CENTER_NAME": settings.KYODO_CENTER_NAME,
    }
