"""The admin log-in page: where it sends people afterwards."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize(
    "unsafe_next",
    ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", "/\\evil.example/"],
)
def test_an_unsafe_next_falls_back_to_the_admin_index(client, unsafe_next):
    UserFactory(username="sam", role="Writers")
    response = client.post(
        f"/admin/login/?next={unsafe_next}",
        {"username": "sam", "password": PASSWORD, "next": unsafe_next},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_a_next_on_this_site_is_kept(client):
    UserFactory(username="sam", role="Writers")
    response = client.post(
        "/admin/login/?next=/admin/briefings/briefing/",
        {"username": "sam", "password": PASSWORD, "next": "/admin/briefings/briefing/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/briefings/briefing/"
