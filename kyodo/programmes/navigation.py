"""The programmes' menu entries (see kyodo.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import MenuEntry, register_menu

register_menu(
    MenuEntry(_("協働事業の募集"), "programmes:calls", public=True, order=20),
    MenuEntry(
        _("募集の設定"), "programmes:staff_overview", permission="programmes.configure", order=90
    ),
    MenuEntry(
        _("市提案テーマ"),
        "programmes:theme_list",
        permission="programmes.draft_theme",
        order=85,
        current=("programmes:theme_new", "programmes:theme_edit"),
    ),
)
