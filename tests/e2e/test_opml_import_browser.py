"""A writer imports feeds from an OPML file in the admin: upload, preview, confirm."""

import pytest

from sources.models import Feed, Outlet
from tests.e2e.test_workflow_browser import Person
from tests.factories import FeedFactory, OutletFactory, UserFactory
from tests.sources.conftest import FIXTURES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_upload_preview_and_confirm_an_opml_import(
    browser, live_server, artifacts, _browser_settings
):
    observer = OutletFactory(name="Ridgeway Observer", homepage="https://observer.example/")
    FeedFactory(outlet=observer, url="https://observer.example/feed.atom")
    UserFactory(username="sam", role="Writers")
    Person.steps = 0
    writer = Person(browser, live_server.url, artifacts, "writer")
    writer.log_in("sam")

    writer.open("/admin/sources/feed/")
    writer.page.get_by_role("link", name="Import OPML").click()
    writer.page.wait_for_load_state()
    writer.shot("upload-form")

    writer.page.set_input_files("#id_file", str(FIXTURES / "subscriptions.opml"))
    writer.click("Preview")
    text = writer.text()
    assert "Preview of subscriptions.opml" in text
    assert "https://courier.example/feed.xml" in writer.page.inner_text("#new-feeds + table")
    assert "https://observer.example/feed.atom" in text
    assert "ftp://files.example/feed.xml: not an http(s) address" in text
    assert Feed.objects.count() == 1  # nothing yet
    writer.shot("preview")

    writer.page.get_by_role("button", name="Import 2 feeds").click()
    writer.page.wait_for_url("**/admin/sources/feed/")
    assert "Imported 2 feed(s) and 2 new outlet(s); 1 already known, 1 skipped." in writer.text()
    writer.shot("imported")
    assert Feed.objects.count() == 3
    assert Outlet.objects.filter(name="Lakeside Courier").exists()
    writer.context.close()
