from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site's front: home page, each person's dashboard and the in-app inbox. Domain apps
    register their menu entries and dashboard panels into it (kyodo.core.navigation)."""

    name = "kyodo.portal"
    label = "portal"
    verbose_name = "ポータル"
