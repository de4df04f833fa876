"""Every page's title says what the page is, then the site, separated."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _title(client: Client, path: str) -> str:
    html = client.get(path).content.decode()
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return " ".join(match[1].split())


def test_it_puts_the_page_name_before_the_site_name(client: Client) -> None:
    assert _title(client, "/groups/") == "市民活動団体をさがす | 協働 — 鎌倉市"
    assert _title(client, "/accounts/login/") == "ログイン | 協働 — 鎌倉市"


def test_it_gives_the_home_page_the_site_name_alone(client: Client) -> None:
    assert _title(client, "/") == "協働 — 鎌倉市 市民活動・協働のポータル"
