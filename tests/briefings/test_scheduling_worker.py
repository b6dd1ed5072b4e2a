"""Scheduled publication with nothing but the task worker running: the real ``manage.py
worker`` process, against the test database, publishes a scheduled briefing at its time
(status, page, home page, feed, page cache), and its repeating check publishes one whose own
task was lost."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from briefings import workflow
from briefings.models import Briefing, StandardsVersion
from briefings.tasks import publish_scheduled, schedule_checks
from newsroom import health
from newsroom.models import SchedulerCheckIn
from tests.factories import briefing_in_state, standards
from tests.processes import ROOT, database_url, wait_for

ON_TIME = timedelta(seconds=60)


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A page cache this process and the worker both see (files), as Redis is in production."""
    location = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(location),
        }
    }
    return location


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path


@pytest.fixture
def worker(shared_cache, tmp_path):
    """``manage.py worker`` as a separate process, with its defaults; stopped afterwards."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CACHE_URL": f"filecache://{shared_cache}",
        "EMAIL_URL": "dummymail://",  # the authors' notices go nowhere
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # Started: its first check runs at once and checks in.
        wait_for(lambda: process.poll() is not None or SchedulerCheckIn.objects.exists(), 30, log)
        assert process.poll() is None, log.read_text()
        yield Worker(process, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def readers_see(client, briefing) -> bool:
    """Published on the record, and on its page, the home page and the feed (anonymously,
    through the page cache)."""
    briefing.refresh_from_db()
    return (
        briefing.status == Briefing.Status.PUBLISHED
        and client.get(briefing.get_absolute_url()).status_code == 200
        and briefing.headline in client.get("/").content.decode()
        and briefing.headline in client.get("/feed/").content.decode()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_alone_publishes_scheduled_briefings_on_time(client, writer, editor, worker):
    on_time = briefing_in_state("in_review", writer, editor, headline="Harbour bridge reopens")
    lost = briefing_in_state("in_review", writer, editor, headline="Ferry timetable changes")
    for briefing in (on_time, lost):
        assert briefing.headline not in client.get("/").content.decode()  # cached without it
        assert briefing.headline not in client.get("/feed/").content.decode()

    when = timezone.now() + timedelta(seconds=5)
    workflow.schedule(editor, on_time, when)
    # The second one's own task is lost (say, queued by a worker that crashed): only the
    # worker's repeating check can publish it.
    workflow.schedule(editor, lost, when + timedelta(seconds=3))
    DBTaskResult.objects.filter(run_after=when + timedelta(seconds=3)).delete()

    for briefing, due in ((on_time, when), (lost, when + timedelta(seconds=3))):
        limit = (due + ON_TIME - timezone.now()).total_seconds()
        wait_for(lambda b=briefing: readers_see(client, b), limit, worker.log)
        assert timezone.now() - due < ON_TIME
    assert worker.process.poll() is None  # still running: nothing else did the work
    assert health.scheduler()["ok"]


@pytest.mark.django_db
def test_the_repeating_check_publishes_checks_in_queues_the_next_and_tidies_up(writer, editor):
    due = briefing_in_state("scheduled", writer, editor)
    Briefing.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(seconds=5))
    DBTaskResult.objects.all().delete()  # the task scheduling queued: this is the check's work
    old = publish_scheduled.enqueue(repeat_every=20)
    DBTaskResult.objects.filter(pk=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(hours=2)
    )

    assert publish_scheduled.call(repeat_every=20) == 1

    due.refresh_from_db()
    assert due.status == Briefing.Status.PUBLISHED
    assert health.scheduler()["age_seconds"] < 5
    (queued,) = DBTaskResult.objects.all()  # the old finished run is gone, the next is waiting
    assert queued.status == "READY"
    assert queued.args_kwargs["kwargs"] == {"repeat_every": 20}
    assert timedelta(seconds=15) < queued.run_after - timezone.now() <= timedelta(seconds=20)


@pytest.mark.django_db
def test_one_repeating_check_however_often_it_is_started():
    assert schedule_checks(20) is True
    assert schedule_checks(20) is False
    publish_scheduled.enqueue()  # the one-off a scheduling queues is not the repeating one
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__has_key="repeat_every").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_starting_the_worker_runs_a_check_at_once(writer, editor):
    due = briefing_in_state("scheduled", writer, editor)
    Briefing.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(minutes=9))
    DBTaskResult.objects.all().delete()  # as if the worker had been down when it was due

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())

    due.refresh_from_db()
    assert due.status == Briefing.Status.PUBLISHED
    assert health.scheduler()["ok"]
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the next check


@pytest.mark.django_db
def test_the_worker_refuses_a_check_interval_it_cannot_keep():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and 60"):
        call_command("worker", "--batch", "--check-every", "120")


@pytest.mark.django_db
def test_the_cron_command_checks_in_too():
    assert not health.scheduler()["ok"]
    call_command("publish_scheduled", stdout=StringIO())
    assert health.scheduler()["ok"]


@pytest.mark.django_db
def test_standards_saved_ahead_of_their_time_reach_readers_at_the_first_check_after_it(client):
    """Saving the new version cleared the pages while the old one was still in force; the
    pages written after that keep the old one until a check sees the new one take effect."""
    standards(body="<p>The rules before.</p>", effective_at=timezone.now() - timedelta(days=1))
    publish_scheduled.call()
    coming = timezone.now() + timedelta(seconds=1)
    standards(body="<p>The rules after.</p>", change_summary="Second.", effective_at=coming)
    assert "The rules before." in client.get("/standards/").text  # in force, and now cached
    time.sleep(max(0, (coming - timezone.now()).total_seconds()) + 0.05)
    assert "The rules before." in client.get("/standards/").text  # as cached before its time

    publish_scheduled.call()

    assert "The rules after." in client.get("/standards/").text
    # A check with nothing taking effect keeps the cached pages (it runs every 20 seconds).
    StandardsVersion.objects.filter(effective_at=coming).update(body="<p>Edited quietly.</p>")
    call_command("publish_scheduled", stdout=StringIO())
    assert "The rules after." in client.get("/standards/").text
