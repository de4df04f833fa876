import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_serves_the_japanese_home_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()
    assert "団体をさがす" in response.content.decode()
