"""The calendar of scheduled and published briefings: week and month pages in the site's time
zone, their boundaries, navigation, and who sees what."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from briefings.models import Briefing
from tests.factories import UserFactory, briefing_in_state

pytestmark = pytest.mark.django_db

URL = "/admin/briefings/briefing/calendar/"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _paris(settings):
    settings.TIME_ZONE = "Europe/Paris"


def published_at(briefing, when):
    Briefing.objects.filter(pk=briefing.pk).update(published_at=when)
    return briefing


def cells(page: str) -> dict[str, str]:
    """Each day's cell of the calendar, by its date."""
    return dict(re.findall(r'data-date="([\d-]+)">(.*?)</td>', page, re.S))


def calendar(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_week_runs_from_monday_midnight_in_the_sites_time_zone(client, writer, editor):
    # Monday 2 March 2026, 00:30 in Paris is still Sunday in UTC.
    monday = briefing_in_state("published", writer, editor, headline="Monday early")
    published_at(monday, datetime(2026, 3, 2, 0, 30, tzinfo=PARIS))
    sunday = briefing_in_state("published", writer, editor, headline="Sunday late")
    published_at(sunday, datetime(2026, 3, 8, 23, 50, tzinfo=PARIS))
    before = briefing_in_state("published", writer, editor, headline="The Sunday before")
    published_at(before, datetime(2026, 3, 1, 23, 50, tzinfo=PARIS))

    page = calendar(client, editor, "?date=2026-03-04")
    days = cells(page)
    assert list(days) == [f"2026-03-{day:02d}" for day in range(2, 9)]
    assert "Monday early" in days["2026-03-02"] and "00:30" in days["2026-03-02"]
    assert "Sunday late" in days["2026-03-08"]
    assert "The Sunday before" not in page
    assert "Week of 2 March 2026" in page
    assert f'href="/admin/briefings/briefing/{monday.pk}/change/"' in days["2026-03-02"]

    previous = calendar(client, editor, "?date=2026-02-25")
    assert "The Sunday before" in cells(previous)["2026-03-01"]


def test_the_month_view_shows_whole_weeks_and_its_last_evening(client, writer, editor):
    last_evening = briefing_in_state("published", writer, editor, headline="Last evening")
    published_at(last_evening, datetime(2026, 1, 31, 23, 30, tzinfo=PARIS))
    next_month = briefing_in_state("published", writer, editor, headline="February first")
    published_at(next_month, datetime(2026, 2, 1, 0, 15, tzinfo=PARIS))

    page = calendar(client, editor, "?view=month&date=2026-01-15")
    days = cells(page)
    # January 2026 begins on a Thursday and ends on a Saturday: Monday 29 December to
    # Sunday 1 February.
    assert next(iter(days)) == "2025-12-29" and list(days)[-1] == "2026-02-01"
    assert "Last evening" in days["2026-01-31"]
    assert "February first" in days["2026-02-01"]  # shown, in the next month's dimmed cell
    assert 'class="cal-other" data-date="2026-02-01"' in page
    assert "January 2026" in page


def test_previous_and_next_pages(client, editor):
    week = calendar(client, editor, "?date=2026-03-04")
    assert 'href="?view=week&amp;date=2026-02-25" rel="prev"' in week
    assert 'href="?view=week&amp;date=2026-03-11" rel="next"' in week
    month = calendar(client, editor, "?view=month&date=2026-01-31")
    assert 'href="?view=month&amp;date=2025-12-01" rel="prev"' in month
    assert 'href="?view=month&amp;date=2026-02-01" rel="next"' in month


def test_scheduled_and_published_are_told_apart_and_others_left_out(client, writer, editor):
    scheduled = briefing_in_state("scheduled", writer, editor, headline="Coming tomorrow")
    briefing_in_state("published", writer, editor, headline="Out today")
    withdrawn = briefing_in_state("withdrawn", writer, editor, headline="Taken down")
    published_at(withdrawn, timezone.now())
    briefing_in_state("in_review", writer, editor, headline="Still in review")
    published_at(scheduled, timezone.now() + timedelta(minutes=2))  # this week, still to come
    page = calendar(client, editor)
    assert re.search(r'class="cal-scheduled">.*?Coming tomorrow.*?scheduled', page, re.S)
    assert re.search(r'class="cal-published">.*?Out today.*?published', page, re.S)
    assert "Taken down" not in page and "Still in review" not in page


def test_a_writer_sees_only_their_own_briefings(client, writer, editor):
    briefing_in_state("published", writer, editor, headline="Mine")
    briefing_in_state("published", UserFactory(role="Writers"), editor, headline="Theirs")
    page = calendar(client, writer, "?view=month")
    assert "Mine" in page and "Theirs" not in page


def test_a_date_that_is_not_one_says_so_and_shows_today(client, editor):
    for bad in ("2026-02-30", "yesterday", "0001-01-01", "9999-12-31"):
        page = calendar(client, editor, f"?date={bad}")
        assert 'class="errornote"' in page
        assert timezone.localdate().strftime("%Y-%m-%d") in cells(page)


def test_the_week_view_is_the_default_and_unknown_views_fall_back_to_it(client, editor):
    page = calendar(client, editor, "?view=year")
    assert len(cells(page)) == 7


def test_permissions(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    client.force_login(UserFactory())  # staff without a role
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(role="Standards editors"))
    assert client.get(URL).status_code == 200


def test_the_calendar_reads_a_constant_number_of_queries(
    client, writer, editor, django_assert_max_num_queries
):
    for _ in range(5):
        briefing_in_state("published", writer, editor)
        briefing_in_state("scheduled", writer, editor)
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        page = client.get(URL + "?view=month")
    assert page.status_code == 200
