"""WSGI entry point for gunicorn or any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.settings")
application = get_wsgi_application()

# What is loaded now lives as long as the process: keep the garbage collector off it
# (see kyodo.core.heap for why and for the figures).
from kyodo.core.heap import settle  # noqa: E402  (needs the settings above)

settle()
