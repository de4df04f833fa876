"""Forms of the stats app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.japan.forms import LooseIntegerField, YenField


class NpoUploadForm(forms.Form):
    file = forms.FileField(
        label=_("NPO法人ポータルサイトの一括ダウンロードファイル（ZIP）"),
        help_text=_("内閣府NPO法人ポータルサイトからダウンロードしたZIPをそのまま選びます。"),
    )


class CityYearForm(forms.Form):
    fiscal_year = LooseIntegerField(label=_("年度（西暦）"), min_value=1950, max_value=2100)
    population = LooseIntegerField(
        label=_("人口（人・年度末）"), required=False, min_value=0, max_value=50_000_000
    )
    households = LooseIntegerField(
        label=_("世帯数（年度末）"), required=False, min_value=0, max_value=50_000_000
    )
    general_budget = YenField(
        label=_("一般会計予算（円）"), required=False, min_value=0, max_value=10**15
    )
    civic_budget = YenField(
        label=_("市民活動・協働関係の予算（円）"), required=False, min_value=0, max_value=10**15
    )
