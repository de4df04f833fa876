"""The browser harness itself: a page with a known accessibility fault or a console error fails."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

BROKEN = """<!DOCTYPE html><html lang="ja"><head><title>壊れたページ</title></head>
<body><main><h1>見出し</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text"></main></body></html>"""


def test_it_lists_every_axe_violation_with_its_nodes(
    page: Page, assert_accessible: Callable[[Page, str], None]
) -> None:
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "broken")
    message = str(failure.value)
    assert "image-alt" in message and '["img"]' in message
    assert "label" in message and '["input"]' in message


def test_it_fails_on_a_console_error(
    page: Page, assert_accessible: Callable[[Page, str], None], server: str
) -> None:
    page.goto("/groups/")
    page.evaluate("() => console.error('壊れた')")
    with pytest.raises(AssertionError, match="console error .*壊れた"):
        assert_accessible(page, "directory-with-console-error")
