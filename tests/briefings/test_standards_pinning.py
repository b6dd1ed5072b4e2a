"""Every publication records the standards it went out under, and readers can read them."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from briefings import workflow
from briefings.models import Revision
from tests.factories import BriefingFactory, add_children, complete_briefing, standards

pytestmark = pytest.mark.django_db


def days_ago(n: float):
    return timezone.now() - timedelta(days=n)


def test_publication_records_the_standards_in_force(writer, editor):
    standards(change_summary="Old.", effective_at=days_ago(10))
    current = standards(change_summary="Current.", effective_at=days_ago(1))
    standards(change_summary="Not yet.", effective_at=timezone.now() + timedelta(days=5))
    briefing = complete_briefing(writer)
    workflow.submit_for_review(writer, briefing)

    workflow.publish(editor, briefing)

    briefing.refresh_from_db()
    assert briefing.live_revision.standards == current


def test_republication_pins_the_new_version_and_the_old_revision_keeps_its_own():
    first = standards(effective_at=days_ago(10))
    briefing = add_children(BriefingFactory())
    old = workflow.make_live(briefing)
    second = standards(change_summary="Tightened sourcing.")

    new = workflow.make_live(briefing)

    old.refresh_from_db()
    assert (old.standards, new.standards) == (first, second)


def test_scheduled_publication_pins_the_version_in_force_at_its_publish_time():
    standards(effective_at=days_ago(10))
    by_then = standards(effective_at=timezone.now() + timedelta(hours=1))
    briefing = add_children(BriefingFactory())

    revision = workflow.make_live(briefing, when=timezone.now() + timedelta(hours=2))

    assert revision.standards == by_then


def test_briefing_page_links_the_standards_it_was_published_under(client):
    pinned = standards(
        body="<p>The rules of the day.</p>", effective_at=timezone.now() - timedelta(days=3)
    )
    briefing = add_children(BriefingFactory())
    workflow.make_live(briefing)
    standards(body="<p>Newer rules.</p>", change_summary="Rewritten.")

    html = client.get(briefing.get_absolute_url()).text

    assert f'Published under our <a href="/standards/{pinned.pk}/">standards of' in html
    assert f"{pinned.effective_at:%-d %B %Y}</time></a>" in html
    version = client.get(f"/standards/{pinned.pk}/").text
    assert "The rules of the day." in version
    assert "Newer rules." not in version
    assert "It has since been replaced" in version


def test_briefing_published_before_any_standards_names_none(client):
    briefing = add_children(BriefingFactory())
    workflow.make_live(briefing)
    standards()

    html = client.get(briefing.get_absolute_url()).text

    assert "Published under our" not in html


def test_history_lists_every_version_in_force_with_date_summary_and_link(client):
    first = standards(change_summary="First version.", effective_at=days_ago(30))
    second = standards(change_summary="Clarified corrections.", effective_at=days_ago(2))
    future = standards(change_summary="Not yet in force.", effective_at=days_ago(-2))

    html = client.get("/standards/history/").text

    assert html.index("Clarified corrections.") < html.index("First version.")
    for version in (first, second):
        assert f'href="/standards/{version.pk}/"' in html
        assert f"{version.effective_at:%-d %B %Y}" in html
    assert "Not yet in force." not in html
    assert client.get(f"/standards/{future.pk}/").status_code == 404
    assert client.get("/standards/99999/").status_code == 404


def test_current_standards_page_still_shows_the_current_version(client):
    standards(body="<p>Old rules.</p>", effective_at=days_ago(5))
    current = standards(body="<p>Current rules.</p>", change_summary="Rewritten.")

    html = client.get("/standards/").text

    assert "Current rules." in html
    assert "Old rules." not in html
    assert f'href="/standards/{current.pk}/"' in html
    assert 'href="/standards/history/"' in html


def test_standards_pages_without_any_version_are_not_found(client):
    assert client.get("/standards/history/").status_code == 404


def test_migration_pins_live_revisions_to_the_version_in_force_when_frozen():
    old = standards(effective_at=days_ago(30))
    standards(effective_at=days_ago(-30))  # not in force when any revision was frozen
    briefing = add_children(BriefingFactory())
    live = workflow.make_live(briefing)
    working = Revision.freeze(briefing)  # a revision readers never saw
    Revision.objects.update(standards=None)
    migration = importlib.import_module(
        "briefings.migrations.0014_publications_pin_their_standards"
    )

    migration.pin_standards(apps, None)

    live.refresh_from_db()
    working.refresh_from_db()
    assert live.standards == old
    assert working.standards is None


def test_json_ld_names_the_standards_the_briefing_was_published_under(client, settings):
    import json
    import re

    settings.SITE_URL = "https://news.example.org"
    pinned = standards(effective_at=days_ago(3))
    briefing = add_children(BriefingFactory())
    workflow.make_live(briefing)

    html = client.get(briefing.get_absolute_url()).text

    text = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    data = json.loads(text)
    assert data["publishingPrinciples"] == f"https://news.example.org/standards/{pinned.pk}/"
    assert data["publisher"]["publishingPrinciples"] == "https://news.example.org/standards/"
