"""The desk on the admin index: each block as a writer and as an editor sees it, built by
real workflow transitions, in a constant number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from briefings import desk, workflow
from briefings.models import Transition
from sources.models import SourceItem
from tests.factories import (
    FeedFactory,
    SourceItemFactory,
    UserFactory,
    briefing_in_state,
    complete_briefing,
)

pytestmark = pytest.mark.django_db


def change_url(briefing):
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def block(page: str, name: str) -> str:
    """The HTML of one block of the desk."""
    match = re.search(rf'<section class="desk-block" id="desk-{name}".*?</section>', page, re.S)
    assert match, f"no {name} block"
    return match.group(0)


def index(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


# The writer's desk.


def test_the_writers_desk_lists_their_drafts_only(client, writer, editor):
    mine = briefing_in_state("draft", writer, editor, headline="My own draft")
    someone_else = UserFactory(role="Writers")
    theirs = briefing_in_state("draft", someone_else, editor, headline="Another writer's draft")
    page = index(client, writer)
    drafts = block(page, "drafts")
    assert f'<a href="{change_url(mine)}">My own draft</a>' in drafts
    assert "Another writer" not in page and change_url(theirs) not in page


def test_the_writers_desk_shows_changes_requested_with_the_editors_reason(client, writer, editor):
    briefing = complete_briefing(writer, headline="Ferry fares")
    workflow.submit_for_review(writer, briefing)
    workflow.request_changes(editor, briefing, "Say which routes.")
    workflow.submit_for_review(writer, briefing)
    workflow.request_changes(editor, briefing, "Now name the operator.")
    changes = block(index(client, writer), "changes")
    assert f'<a href="{change_url(briefing)}">Ferry fares</a>' in changes
    assert "Now name the operator." in changes and "Say which routes." not in changes
    assert editor.public_name in changes


def test_the_writers_desk_shows_their_scheduled_and_recently_published(client, writer, editor):
    scheduled = briefing_in_state("scheduled", writer, editor, headline="Due tomorrow")
    published = briefing_in_state("published", writer, editor, headline="Out already")
    briefing_in_state("published", UserFactory(role="Writers"), editor, headline="Not mine")
    page = index(client, writer)
    assert change_url(scheduled) in block(page, "scheduled")
    assert change_url(published) in block(page, "published")
    assert "Not mine" not in page
    assert 'id="desk-queue"' not in page  # the review queue is the editors'


# The editor's desk.


def test_the_review_queue_shows_who_when_how_long_and_the_note(client, writer, editor):
    briefing = complete_briefing(writer, headline="Harbour budget")
    workflow.submit_for_review(writer, briefing, "Figures checked with the council.")
    Transition.objects.filter(briefing=briefing).update(
        created_at=timezone.now() - timedelta(hours=2, minutes=5)
    )
    queue = block(index(client, editor), "queue")
    assert f'<a href="{change_url(briefing)}">Harbour budget</a>' in queue
    assert writer.public_name in queue
    assert '<td class="desk-waiting">2\xa0hours, 5\xa0minutes</td>' in queue
    assert "Figures checked with the council." in queue


def test_the_review_queue_leaves_out_what_is_not_in_review(client, writer, editor):
    for state in ("draft", "changes_requested", "published"):
        briefing_in_state(state, writer, editor, headline=f"Now {state}")
    queue = block(index(client, editor), "queue")
    assert "Nothing is waiting for review." in queue


def test_scheduled_this_week_and_recently_published(client, writer, editor):
    soon = briefing_in_state("scheduled", writer, editor, headline="Later today")
    later = briefing_in_state("scheduled", writer, editor, headline="Next week")
    _, week_end = desk.week_bounds(timezone.localdate())
    type(soon).objects.filter(pk=soon.pk).update(published_at=timezone.now() + timedelta(minutes=1))
    type(later).objects.filter(pk=later.pk).update(published_at=week_end + timedelta(hours=1))
    published = briefing_in_state("published", writer, editor, headline="Went out")
    page = index(client, editor)
    scheduled = block(page, "scheduled")
    assert change_url(soon) in scheduled and change_url(later) not in scheduled
    assert change_url(published) in block(page, "published")


def test_failing_feeds_link_to_their_page(client, editor):
    failing = FeedFactory(title="Harbor wire", consecutive_failures=3, last_error="HTTP 503")
    FeedFactory(title="Healthy wire", last_success_at=timezone.now())
    FeedFactory(title="Switched off", is_active=False, consecutive_failures=9)
    feeds = block(index(client, editor), "feeds")
    assert f'href="/admin/sources/feed/{failing.pk}/change/"' in feeds
    assert "3 failed polls" in feeds and "HTTP 503" in feeds
    assert "Failing feeds (1)" in feeds
    assert "Healthy wire" not in feeds and "Switched off" not in feeds


def test_new_inbox_items_count_and_latest_few(client, editor):
    items = [SourceItemFactory(title=f"Story {n}") for n in range(7)]
    for n, item in enumerate(items):
        SourceItem.objects.filter(pk=item.pk).update(
            discovered_at=timezone.now() - timedelta(minutes=n)
        )
    SourceItemFactory(title="Already dismissed", status=SourceItem.Status.DISMISSED)
    inbox = block(index(client, editor), "inbox")
    assert "New in the inbox (7)" in inbox
    assert f'href="/admin/sources/sourceitem/{items[0].pk}/change/"' in inbox
    assert "Story 4" in inbox and "Story 5" not in inbox  # the latest five
    assert "Already dismissed" not in inbox
    assert 'href="/admin/sources/sourceitem/?status__exact=new"' in inbox


def test_the_desk_links_to_the_calendar_and_the_log_and_keeps_the_app_list(client, writer, editor):
    for user in (writer, editor):
        page = index(client, user)
        assert 'href="/admin/briefings/briefing/calendar/"' in page
        assert 'href="/admin/briefings/briefing/activity/"' in page
        assert "Everything in the admin" in page and 'class="app-list"' in page


def test_a_standards_editor_gets_the_app_list_without_a_desk(client):
    page = index(client, UserFactory(role="Standards editors"))
    assert 'class="desk-block"' not in page
    assert 'class="app-list"' in page


def test_someone_not_staff_is_sent_to_log_in(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


# A constant number of queries, however much is on the desk.


def _fill_desk(writer, editor, n):
    for _ in range(n):
        for state in ("draft", "in_review", "changes_requested", "scheduled", "published"):
            briefing_in_state(state, writer, editor)
        FeedFactory(consecutive_failures=2)
        SourceItemFactory()


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_the_desk_reads_a_constant_number_of_queries(
    client, writer, editor, role, django_assert_max_num_queries
):
    user = {"writer": writer, "editor": editor}[role]
    extra_author = UserFactory(role="Writers")
    _fill_desk(writer, editor, 1)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/").status_code == 200
    _fill_desk(writer, editor, 4)
    for briefing in desk.own_briefings(writer):
        briefing.authors.add(extra_author)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/admin/").content.decode()
    assert page.count('class="desk-block"') >= 4
