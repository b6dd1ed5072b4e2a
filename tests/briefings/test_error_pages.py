"""Error pages in the site's layout, with DEBUG off as in production: 404 and 403 with the
navigation, 500 and the CSRF failure as static pages that need no database."""

import pytest
from django.test import Client
from django.urls import path

from newsroom.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view), *site_urls]
handler500 = "newsroom.errors.server_error"


def _in_layout(html: str) -> None:
    assert '<main id="main"' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "/static/css/site.css" in html or "css/site." in html


def test_404_is_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _in_layout(response.text)
    assert "There is no page at this address" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_500_is_a_static_page_that_needs_no_database(settings, django_assert_num_queries):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/broken/")
    assert response.status_code == 500
    _in_layout(response.text)
    assert "Something went wrong on our side" in response.text
    assert settings.SITE_NAME in response.text


def test_403_for_the_admin_is_in_the_layout(client, writer, editor):
    from tests.factories import briefing_in_state

    briefing = briefing_in_state("published", writer, editor)
    client.force_login(writer)
    response = client.post(f"/admin/briefings/briefing/{briefing.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    _in_layout(response.text)
    assert "This page is not open to you" in response.text


def test_a_csrf_failure_explains_itself_in_the_layout(writer, editor):
    from tests.factories import briefing_in_state

    briefing = briefing_in_state("published", writer, editor)
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{briefing.get_absolute_url()}report/", {"problem": "x"})
    assert response.status_code == 403
    _in_layout(response.text)
    assert "This form could not be sent" in response.text


def test_favicon_and_touch_icon_are_served_at_the_root(client):
    for name, kind in (("favicon.ico", "image/"), ("apple-touch-icon.png", "image/png")):
        response = client.get(f"/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith(kind)
