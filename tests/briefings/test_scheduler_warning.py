"""The desk warns editors when nothing has checked for due scheduled briefings for five
minutes (no task worker, no cron job): scheduled briefings would not be published."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom import health


def desk_page(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_editors_are_warned_when_nothing_has_checked_in_for_five_minutes(client, editor):
    health.check_in(timezone.now() - timedelta(minutes=5, seconds=30))
    page = desk_page(client, editor)
    assert 'id="desk-scheduler"' in page
    assert "Scheduled briefings are not being published" in page
    assert "Nothing has checked for due briefings since" in page
    assert "<code>make worker</code>" in page and "<code>manage.py worker</code>" in page


@pytest.mark.django_db
def test_editors_are_warned_when_nothing_ever_checked_in(client, editor):
    page = desk_page(client, editor)
    assert "Nothing has ever checked for due briefings." in page


@pytest.mark.django_db
def test_no_warning_while_the_worker_checks_in(client, editor, writer):
    health.check_in(timezone.now() - timedelta(minutes=4))
    assert 'id="desk-scheduler"' not in desk_page(client, editor)
    health.check_in(timezone.now() - timedelta(hours=1))
    # Writers do not schedule; the warning is for the editors who do.
    assert 'id="desk-scheduler"' not in desk_page(client, writer)
