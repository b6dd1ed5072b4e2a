"""Concurrent requests on the same briefing or item, as a threaded server receives them: one
wins, the others are refused with a message, and none of them is a 500 (SQLite and
PostgreSQL alike)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from briefings.models import Briefing
from tests.factories import (
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    change_form_data,
    complete_briefing,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at_once(user, requests):
    """Send ``requests`` (each a function of a logged-in client) from as many threads, all
    released together; return what each answered, or the exception it raised."""
    barrier = threading.Barrier(len(requests))

    def send(request):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            return request(client)
        except Exception as error:  # a 500, as the test client reports it
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def test_saves_of_the_same_version_at_once_keep_one_and_refuse_the_rest():
    writer = UserFactory(role="Writers")
    briefing = complete_briefing(writer)
    url = f"/admin/briefings/briefing/{briefing.pk}/change/"
    forms = [change_form_data(briefing, dek=f"Dek from tab {n}.") for n in range(4)]

    answers = at_once(writer, [lambda client, d=data: client.post(url, d) for data in forms])

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 302]
    for refused in (a for a in answers if a.status_code == 200):
        assert "Someone else saved this briefing after you opened it" in refused.text
    briefing.refresh_from_db()
    assert briefing.version == int(forms[0]["version"]) + 1
    assert briefing.dek in {data["dek"] for data in forms}


def test_starting_two_briefings_from_one_item_at_once_starts_one():
    TopicFactory()
    writer = UserFactory(role="Writers")
    item = SourceItemFactory()
    url = f"/admin/sources/sourceitem/{item.pk}/start-briefing/"

    answers = at_once(writer, [lambda client: client.post(url)] * 2)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert [a.status_code for a in answers] == [302, 302]
    assert Briefing.objects.filter(source_item=item).count() == 1
