"""The activity log: every transition, preview link created and revoked, and standards
version, newest first, filtered by person and by briefing, a page at a time."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from briefings import workflow
from briefings.models import PreviewLink, Transition
from tests.factories import UserFactory, briefing_in_state, complete_briefing, standards

pytestmark = pytest.mark.django_db

URL = "/admin/briefings/briefing/activity/"


def rows(page: str) -> list[str]:
    body = page[page.index('id="activity-log"') :]
    return re.findall(r'<tr class="log-[\w_]+">(.*?)</tr>', body, re.S)


def log(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_every_kind_of_event_newest_first(client, writer, editor):
    briefing = complete_briefing(writer, headline="Tram lines")
    workflow.submit_for_review(writer, briefing, "Ready.")
    client.force_login(editor)
    client.post(f"/admin/briefings/briefing/{briefing.pk}/share/", {"days": "3"})
    link = PreviewLink.objects.get(briefing=briefing)
    client.post(f"/admin/briefings/briefing/{briefing.pk}/share/{link.pk}/revoke/")
    workflow.publish(editor, briefing)
    standards(created_by=editor, change_summary="A clearer corrections policy.")

    found = rows(log(client, editor))
    assert len(found) == 5
    assert "Added a standards version" in found[0]
    assert "A clearer corrections policy." in found[0]
    assert "Published" in found[1] and "In review → Published" in found[1]
    assert "Revoked a preview link" in found[2] and editor.public_name in found[2]
    assert "Created a preview link" in found[3] and "Valid until" in found[3]
    assert "Submitted for review" in found[4] and writer.public_name in found[4]
    assert "Ready." in found[4]
    assert f'href="/admin/briefings/briefing/{briefing.pk}/change/"' in found[4]


def test_filtered_by_person(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    found = rows(log(client, editor, f"?person={writer.pk}"))
    assert len(found) == 1 and "Submitted for review" in found[0]
    found = rows(log(client, editor, f"?person={editor.pk}"))
    assert len(found) == 1 and "Published" in found[0]
    assert briefing.headline in found[0]


def test_filtered_by_briefing(client, writer, editor):
    one = briefing_in_state("published", writer, editor, headline="First one")
    briefing_in_state("in_review", writer, editor, headline="Second one")
    standards()
    page = log(client, editor, f"?briefing={one.pk}")
    found = rows(page)
    assert len(found) == 2 and all("First one" in row for row in found)
    found = rows(log(client, editor, f"?briefing={one.pk}&person={editor.pk}"))
    assert len(found) == 1 and "Published" in found[0]


def test_a_filter_that_names_nothing_says_so(client, writer, editor):
    briefing_in_state("in_review", writer, editor)
    for query in ("?person=abc", "?person=999999", "?briefing=-3", "?briefing=999999"):
        page = log(client, editor, query)
        assert 'class="errornote"' in page
        assert len(rows(page)) == 1  # shown unfiltered


def test_a_writer_sees_only_the_activity_of_their_own_briefings(client, writer, editor):
    briefing_in_state("published", writer, editor, headline="Mine")
    other = briefing_in_state("published", UserFactory(role="Writers"), editor, headline="Theirs")
    page = log(client, writer)
    assert "Mine" in page and "Theirs" not in page
    page = log(client, writer, f"?briefing={other.pk}")
    assert "No such briefing" in page and "Theirs" not in page


def test_paginated(client, writer, editor, monkeypatch):
    monkeypatch.setattr("briefings.admin.desk.LOG_PAGE_SIZE", 2)
    briefing = briefing_in_state("in_review", writer, editor)
    workflow.request_changes(editor, briefing, "One.")
    workflow.submit_for_review(writer, briefing)
    times = timezone.now() - timedelta(hours=1)
    for n, transition in enumerate(Transition.objects.order_by("id")):
        Transition.objects.filter(pk=transition.pk).update(created_at=times + timedelta(minutes=n))
    first = log(client, editor)
    assert "Page 1 of 2 (3 events)" in first and len(rows(first)) == 2
    second = log(client, editor, "?page=2")
    assert len(rows(second)) == 1 and "Submitted for review" in rows(second)[0]
    assert len(rows(log(client, editor, "?page=abc"))) == 2  # not a page: the first
    assert len(rows(log(client, editor, "?page=99"))) == 1  # past the end: the last


def test_permissions(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    client.force_login(UserFactory(role="Standards editors"))  # no view_transition
    assert client.get(URL).status_code == 403


def test_the_log_reads_a_constant_number_of_queries(
    client, writer, editor, django_assert_max_num_queries
):
    for _ in range(6):
        briefing = briefing_in_state("withdrawn", writer, editor)
        PreviewLink.objects.create(
            briefing=briefing,
            created_by=editor,
            expires_at=timezone.now() + timedelta(days=1),
            revoked_at=timezone.now(),
            revoked_by=editor,
        )
        standards(created_by=editor)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
