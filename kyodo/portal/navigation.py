"""The portal's own menu entries: home first, the dashboard for everyone signed in."""

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import MenuEntry, register_menu

register_menu(
    MenuEntry(_("ホーム"), "portal:home", public=True, order=0),
    MenuEntry(_("マイページ"), "portal:dashboard", order=50),
)
