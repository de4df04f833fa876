"""The public group directory (issue 2): list, deep page, kana search, field filter, detail."""

from __future__ import annotations

from urllib.parse import urlencode

from bench.generate import generate_groups
from bench.suites import ColdScenario, Scenario, Suite, empty_cache

DEEP_PAGE = 500


def _deep_page(scale: int) -> str:
    from django.conf import settings

    # Page 500 at 50,000 groups; the last page where there are fewer pages than that.
    registered = scale * 95 // 100
    pages = max(1, -(-registered // settings.KYODO_PAGE_SIZE))
    return f"/groups/?page={min(DEEP_PAGE, pages)}"


def _field_filter(scale: int) -> str:
    from kyodo.registry.models import ActivityField

    # 13 = 子どもの健全育成, the most common field in the demo data.
    return "/groups/?" + urlencode({"field": ActivityField.objects.get(number=13).pk})


def _detail(scale: int) -> str:
    from django.utils import timezone

    from kyodo.registry.models import CivicGroup

    registered = CivicGroup.objects.registered_on(timezone.localdate()).order_by("sort_key", "id")
    group = registered[registered.count() // 2]
    return f"/groups/{group.pk}/"


SUITE = Suite(
    name="registry",
    generate=generate_groups,
    scenarios=[
        Scenario("directory", "団体一覧 1ページ目", lambda scale: "/groups/"),
        Scenario("directory_deep", "団体一覧 深いページ", _deep_page),
        Scenario(
            "directory_search",
            "半角カナ検索 ｶﾏｸﾗ",
            lambda scale: "/groups/?" + urlencode({"q": "ｶﾏｸﾗ"}),
        ),
        Scenario("directory_field", "活動分野で絞込み", _field_filter),
        Scenario("group_detail", "団体紹介ページ", _detail),
        # The same pages with every cache emptied first: what a signed-in person, or the
        # first visitor after a change, waits for (anonymous readers get cached pages).
        ColdScenario(
            "directory_cold", "団体一覧 キャッシュなし", lambda scale: "/groups/", empty_cache
        ),
        ColdScenario("directory_deep_cold", "深いページ キャッシュなし", _deep_page, empty_cache),
        ColdScenario(
            "directory_search_cold",
            "半角カナ検索 キャッシュなし",
            lambda scale: "/groups/?" + urlencode({"q": "ｶﾏｸﾗ"}),
            empty_cache,
        ),
        ColdScenario(
            "directory_field_cold", "分野絞込み キャッシュなし", _field_filter, empty_cache
        ),
        ColdScenario("group_detail_cold", "団体紹介 キャッシュなし", _detail, empty_cache),
    ],
)
