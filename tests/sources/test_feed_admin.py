import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sources.models import Feed, SourceItem
from sources.polling import claim
from tests.factories import FeedFactory, UserFactory

from .conftest import run_queued_tasks

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sources_feed_changelist")


def change_url(feed: Feed) -> str:
    return reverse("admin:sources_feed_change", args=[feed.pk])


def poll_url(feed: Feed) -> str:
    return reverse("admin:sources_feed_poll", args=[feed.pk])


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(role="Editors"))
    return client


def test_feed_list_shows_health_at_a_glance(editor_client):
    now = timezone.now()
    FeedFactory(
        title="Healthy feed",
        last_success_at=now,
        last_polled_at=now,
        last_entry_count=20,
        last_new_count=4,
    )
    FeedFactory(
        title="Failing feed",
        consecutive_failures=3,
        failing_since=now - timedelta(hours=5),
        last_error="The server answered HTTP 500 Internal Server Error",
    )
    FeedFactory(title="Fresh feed")
    FeedFactory(title="Switched-off feed", is_active=False)
    html = editor_client.get(CHANGELIST).text
    assert "✔ OK</span>, 4 new of 20 items last time" in html
    assert "✖ Failing since" in html
    assert "(5\xa0hours ago, 3 attempts)" in html
    assert 'title="The server answered HTTP 500 Internal Server Error"' in html
    assert "Never polled" in html
    assert "Inactive" in html


def test_feed_list_filters_by_health(editor_client):
    FeedFactory(title="Healthy feed", last_success_at=timezone.now())
    FeedFactory(title="Failing feed", consecutive_failures=1, failing_since=timezone.now())
    html = editor_client.get(CHANGELIST, {"health": "failing"}).text
    assert "Failing feed" in html
    assert "Healthy feed" not in html


def test_feed_page_shows_the_last_error_in_full_and_a_poll_now_button(editor_client):
    error = "Malformed XML: <unknown>:12:4: not well-formed\n(2 item(s) recovered)"
    feed = FeedFactory(consecutive_failures=1, failing_since=timezone.now(), last_error=error)
    html = editor_client.get(change_url(feed)).text
    assert "Malformed XML: &lt;unknown&gt;:12:4: not well-formed\n(2 item(s) recovered)" in html
    assert f'action="{poll_url(feed)}"' in html
    assert "Poll now" in html


def test_poll_now_button_queues_the_poll_and_the_feed_page_shows_its_result(
    editor_client, feed_server
):
    feed = FeedFactory(url=feed_server.url("/feeds/rss2.xml"))
    response = editor_client.post(poll_url(feed), follow=True)
    assert response.redirect_chain == [(change_url(feed), 302)]
    assert "Queued a poll of" in response.text
    assert "the feed&#x27;s page shows the result when it lands" in response.text
    assert feed_server.requests == []  # not polled while the editor waits

    run_queued_tasks()
    html = editor_client.get(change_url(feed)).text
    assert "✔ OK</span>, 3 new of 3 items last time" in html
    assert SourceItem.objects.filter(feed=feed).count() == 3


def test_poll_now_answers_at_once_however_slow_the_feed(editor_client, feed_server, settings):
    settings.FEEDS_READ_TIMEOUT = settings.FEEDS_TOTAL_TIMEOUT = 5
    feed = FeedFactory(url=feed_server.url("/special/slow"))  # answers after 3 s
    started = time.monotonic()
    response = editor_client.post(poll_url(feed), follow=True)
    assert time.monotonic() - started < 1
    assert "Queued a poll of" in response.text


def test_poll_now_on_a_feed_being_polled_says_so_and_queues_nothing(editor_client):
    feed = FeedFactory()
    assert claim(feed.pk, timezone.now(), due_only=False)
    response = editor_client.post(poll_url(feed), follow=True)
    assert "is being polled right now" in response.text
    assert DBTaskResult.objects.count() == 0


def test_poll_now_twice_queues_one_poll(editor_client):
    feed = FeedFactory()
    editor_client.post(poll_url(feed))
    response = editor_client.post(poll_url(feed), follow=True)
    assert "A poll of" in response.text and "is queued already" in response.text
    assert DBTaskResult.objects.count() == 1


def test_poll_now_needs_a_post(editor_client):
    assert editor_client.get(poll_url(FeedFactory())).status_code == 405


def test_poll_now_action_queues_the_selected_feeds_and_their_pages_show_the_results(
    editor_client, feed_server
):
    good = FeedFactory(url=feed_server.url("/feeds/rss2.xml"))
    failing = FeedFactory(url=feed_server.url("/status/500"))
    response = editor_client.post(
        CHANGELIST,
        {"action": "poll_now", "_selected_action": [good.pk, failing.pk]},
        follow=True,
    )
    assert response.text.count("Queued a poll of") == 2
    assert feed_server.requests == []

    run_queued_tasks()
    assert "3 new of 3 items last time" in editor_client.get(change_url(good)).text
    html = editor_client.get(change_url(failing)).text
    assert "The server answered HTTP 500 Internal Server Error" in html


def test_export_action_downloads_opml(editor_client):
    feed = FeedFactory(url="https://outlet.example/feed.xml")
    response = editor_client.post(
        CHANGELIST, {"action": "export_as_opml", "_selected_action": [feed.pk]}
    )
    assert response["Content-Type"].startswith("text/x-opml")
    assert b'xmlUrl="https://outlet.example/feed.xml"' in response.content


def test_feed_url_must_be_http_or_https(editor_client):
    feed = FeedFactory()
    response = editor_client.post(
        reverse("admin:sources_feed_add"),
        {"outlet": feed.outlet.pk, "url": "ftp://outlet.example/feed.xml", "poll_interval": 30},
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert Feed.objects.count() == 1


def test_feed_added_on_its_own_page_is_due_at_once(editor_client):
    outlet = FeedFactory().outlet
    response = editor_client.post(
        reverse("admin:sources_feed_add"),
        {"outlet": outlet.pk, "url": "https://outlet.example/new.xml", "poll_interval": 15},
    )
    assert response.status_code == 302
    feed = Feed.objects.get(url="https://outlet.example/new.xml")
    assert (feed.outlet, feed.poll_interval, feed.is_active) == (outlet, 15, False)
    assert feed.next_poll_at is None


def test_changing_a_feed_url_forgets_the_old_validators_and_polls_soon(editor_client):
    feed = FeedFactory(
        etag='"abc"',
        last_modified="Tue, 10 Jun 2025 08:00:00 GMT",
        content_hash="f" * 64,
        next_poll_at=timezone.now() + timedelta(hours=6),
    )
    data = {"outlet": feed.outlet.pk, "url": "https://moved.example/feed.xml", "poll_interval": 30}
    editor_client.post(change_url(feed), {**data, "is_active": "on"})
    feed.refresh_from_db()
    assert (feed.url, feed.etag, feed.last_modified, feed.content_hash) == (
        "https://moved.example/feed.xml",
        "",
        "",
        "",
    )
    assert feed.next_poll_at is None


def test_switching_a_feed_back_on_polls_it_on_the_next_run(editor_client):
    feed = FeedFactory(is_active=False, next_poll_at=timezone.now() + timedelta(hours=6))
    data = {"outlet": feed.outlet.pk, "url": feed.url, "poll_interval": 30, "is_active": "on"}
    editor_client.post(change_url(feed), data)
    feed.refresh_from_db()
    assert feed.is_active
    assert feed.next_poll_at is None


def test_outlet_page_lists_its_feeds_with_their_health(editor_client):
    feed = FeedFactory(url="https://outlet.example/feed.xml", last_success_at=timezone.now())
    html = editor_client.get(reverse("admin:sources_outlet_change", args=[feed.outlet.pk])).text
    assert 'value="https://outlet.example/feed.xml"' in html
    assert f'<a href="{change_url(feed)}">OK</a>' in html


@pytest.mark.parametrize(
    ("role", "sees_list", "adds", "changes", "polls"),
    [
        ("Editors", 200, 200, 302, 302),
        ("Writers", 200, 200, 403, 302),
        ("Standards editors", 403, 403, 403, 403),
    ],
)
def test_feed_permissions_by_role(client, feed_server, role, sees_list, adds, changes, polls):
    client.force_login(UserFactory(role=role))
    feed = FeedFactory(url=feed_server.url("/feeds/atom.xml"))
    assert client.get(CHANGELIST).status_code == sees_list
    assert client.get(reverse("admin:sources_feed_add")).status_code == adds
    data = {"outlet": feed.outlet.pk, "url": feed.url, "poll_interval": 45, "is_active": "on"}
    assert client.post(change_url(feed), data).status_code == changes
    assert client.post(poll_url(feed)).status_code == polls
    DBTaskResult.objects.all().delete()
    action = client.post(CHANGELIST, {"action": "poll_now", "_selected_action": [feed.pk]})
    assert DBTaskResult.objects.count() == (1 if polls == 302 else 0)
    assert action.status_code in {200, 302, 403}
