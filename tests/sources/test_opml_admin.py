"""The admin's OPML import page: upload a file, preview what would be added, confirm."""

import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sources.admin import OPML_SALT
from sources.models import Feed, Outlet
from tests.factories import FeedFactory, OutletFactory, UserFactory

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:sources_feed_import_opml")
FEEDS = reverse("admin:sources_feed_changelist")


def opml_file(data: bytes | None = None, name="subscriptions.opml"):
    if data is None:
        data = (FIXTURES / "subscriptions.opml").read_bytes()
    return SimpleUploadedFile(name, data, "text/x-opml")


def preview_of(html: str) -> str:
    return re.search(r'name="preview" value="([^"]+)"', html).group(1)


@pytest.fixture
def writer(client):
    user = UserFactory(role="Writers")
    client.force_login(user)
    return user


def test_the_feed_list_links_to_the_import_page(client, writer):
    assert f'href="{IMPORT}">Import OPML</a>' in client.get(FEEDS).text


def test_preview_lists_new_existing_and_skipped_then_confirm_imports(client, writer):
    observer = OutletFactory(name="Ridgeway Observer", homepage="https://observer.example/")
    FeedFactory(outlet=observer, url="https://observer.example/feed.atom")

    response = client.post(IMPORT, {"file": opml_file()})

    assert response.status_code == 200
    html = response.text
    assert Feed.objects.count() == 1  # nothing imported yet
    assert Outlet.objects.count() == 1
    new_feeds = html[html.index('id="new-feeds"') : html.index('id="new-outlets"')]
    assert "https://courier.example/feed.xml" in new_feeds
    assert "Lakeside Courier <strong>(new outlet)</strong>" in new_feeds
    assert "https://almanac.example/index.rdf" in new_feeds
    existing = html[html.index('id="existing-feeds"') : html.index('id="skipped-feeds"')]
    assert "https://observer.example/feed.atom" in existing
    assert "ftp://files.example/feed.xml: not an http(s) address" in html
    assert 'value="Import 2 feeds"' in html

    response = client.post(IMPORT, {"preview": preview_of(html)}, follow=True)

    assert response.redirect_chain[-1][0] == FEEDS
    assert "Imported 2 feed(s) and 2 new outlet(s); 1 already known, 1 skipped." in response.text
    assert set(Feed.objects.values_list("url", flat=True)) == {
        "https://observer.example/feed.atom",
        "https://courier.example/feed.xml",
        "https://almanac.example/index.rdf",
    }
    assert set(Outlet.objects.values_list("name", flat=True)) == {
        "Ridgeway Observer",
        "Lakeside Courier",
        "Valley Almanac",
    }


def test_a_feed_added_between_preview_and_confirm_is_not_added_twice(client, writer):
    preview = preview_of(client.post(IMPORT, {"file": opml_file()}).text)
    FeedFactory(url="https://courier.example/feed.xml")

    response = client.post(IMPORT, {"preview": preview}, follow=True)

    assert "Imported 2 feed(s)" in response.text and "1 already known" in response.text
    assert Feed.objects.filter(url="https://courier.example/feed.xml").count() == 1


def test_a_tampered_or_someone_elses_preview_imports_nothing(client, writer):
    preview = preview_of(client.post(IMPORT, {"file": opml_file()}).text)

    response = client.post(IMPORT, {"preview": preview[:-2] + "xx"}, follow=True)
    assert "This preview has expired or is not yours" in response.text

    forged = signing.dumps(
        {"user": writer.pk + 1000, "entries": [["https://evil.example/", "", "Evil", ""]]},
        salt=OPML_SALT,
        compress=True,
    )
    response = client.post(IMPORT, {"preview": forged}, follow=True)
    assert "This preview has expired or is not yours" in response.text

    client.force_login(UserFactory(role="Editors"))
    response = client.post(IMPORT, {"preview": preview}, follow=True)
    assert "This preview has expired or is not yours" in response.text
    assert not Feed.objects.exists()


def test_a_file_that_is_not_opml_is_refused_with_why(client, writer):
    response = client.post(IMPORT, {"file": opml_file(b"<html><body>hi</body></html>")})
    assert response.status_code == 200
    assert "Nothing was imported." in response.text
    assert "Not an OPML file: no &lt;opml&gt; element with a &lt;body&gt;." in response.text

    response = client.post(IMPORT, {"file": opml_file(b"<opml><body></body></opml>")})
    assert "The file lists no feeds" in response.text

    response = client.post(IMPORT, {})
    assert "This field is required." in response.text
    assert not Feed.objects.exists()


def test_the_outline_and_size_limits_apply(client, writer, settings):
    settings.OPML_MAX_OUTLINES = 2
    response = client.post(IMPORT, {"file": opml_file()})
    assert "The file has more than 2 outlines (OPML_MAX_OUTLINES)" in response.text

    settings.OPML_MAX_BYTES = 100
    response = client.post(IMPORT, {"file": opml_file()})
    assert "the largest accepted is 100\xa0bytes (OPML_MAX_BYTES)" in response.text
    assert not Feed.objects.exists()


def test_only_staff_who_may_add_feeds_and_outlets_import(client):
    client.force_login(UserFactory(role="Standards editors"))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": opml_file()}).status_code == 403
    assert f'href="{IMPORT}"' not in client.get(FEEDS).text
    assert not Feed.objects.exists()
    client.logout()
    assert client.get(IMPORT).status_code == 302  # to the log-in page
