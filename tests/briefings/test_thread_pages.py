"""Story threads on the public pages: "This follows …" and the list of follow-ups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings import workflow
from briefings.models import Briefing
from tests.factories import (
    briefing_in_state,
    follow_up_of,
    standards,
)

pytestmark = pytest.mark.django_db


def test_both_pages_show_the_thread(client, writer, editor):
    original = briefing_in_state("published", writer, editor, headline="Dam plan announced")
    older = follow_up_of(original, writer, editor, headline="Dam plan delayed")
    newer = follow_up_of(original, writer, editor, headline="Dam plan scrapped")
    Briefing.objects.filter(pk=older.pk).update(published_at=older.published_at.replace(year=2025))

    html = client.get(newer.get_absolute_url()).text
    assert (
        f'<p class="follows">This follows <a href="{original.get_absolute_url()}">'
        "Dam plan announced</a></p>" in html
    )

    html = client.get(original.get_absolute_url()).text
    section = html[html.index('id="follow-ups"') :]
    assert section.index("Dam plan scrapped") < section.index("Dam plan delayed")
    assert f'href="{newer.get_absolute_url()}"' in section
    assert "2025</time>" in section  # each with its date
    assert 'class="follows"' not in html


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_unpublished_or_withdrawn_follow_ups_are_never_listed(client, writer, editor, state):
    original = briefing_in_state("published", writer, editor)
    follow_up_of(original, writer, editor, state=state, headline="Hidden follow-up")
    html = client.get(original.get_absolute_url()).text
    assert "Hidden follow-up" not in html and 'id="follow-ups"' not in html


def test_a_draft_pointing_at_a_briefing_does_not_list_it_before_publication(client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    briefing = follow_up_of(original, writer, editor, headline="Published without the link")
    other = briefing_in_state("published", writer, editor)
    briefing.follows = other  # in the working copy only: readers see the live revision
    briefing.save()
    assert "Published without the link" in client.get(original.get_absolute_url()).text
    assert 'id="follow-ups"' not in client.get(other.get_absolute_url()).text


def test_a_withdrawn_original_is_never_linked(client, writer, editor):
    original = briefing_in_state("published", writer, editor, headline="Retracted story")
    follow_up = follow_up_of(original, writer, editor)
    workflow.withdraw(editor, original, "The source retracted its report.")
    html = client.get(follow_up.get_absolute_url()).text
    assert 'class="follows"' not in html and "Retracted story" not in html


def test_the_preview_links_only_a_published_original(client, writer, editor):
    original = briefing_in_state("published", writer, editor, headline="Live original")
    hidden = briefing_in_state("scheduled", writer, editor, headline="Scheduled original")
    draft = follow_up_of(original, writer, editor, state="draft")
    client.force_login(writer)
    assert "This follows" in client.get(f"/preview/{draft.pk}/").text
    Briefing.objects.filter(pk=draft.pk).update(follows=hidden)
    html = client.get(f"/preview/{draft.pk}/").text
    assert "This follows" not in html and "Scheduled original" not in html


@pytest.mark.parametrize("follow_ups", [1, 6])
def test_the_thread_costs_one_query_however_long(client, writer, editor, follow_ups):
    standards()
    original = briefing_in_state("published", writer, editor)
    for _ in range(follow_ups):
        last = follow_up_of(original, writer, editor)
    # The page's six queries (tests/briefings/test_public_pages.py), the follow-ups among
    # them; the original a page follows comes with the briefing's own query.
    with CaptureQueriesContext(connection) as queries:
        html = client.get(original.get_absolute_url()).text
    assert len(queries) == 6
    assert html.count("<li><a href=") >= follow_ups
    with CaptureQueriesContext(connection) as queries:
        assert "This follows" in client.get(last.get_absolute_url()).text
    assert len(queries) == 6


def test_json_ld_names_the_original_a_follow_up_is_based_on(
    client, settings, writer, editor, django_capture_on_commit_callbacks
):
    from tests.briefings.test_machine_readable import json_ld
    from tests.factories import SourceItemFactory

    settings.SITE_URL = "https://news.example.org"
    original = briefing_in_state("published", writer, editor, headline="Dam plan announced")
    follow_up = follow_up_of(original, writer, editor)
    based_on = json_ld(client.get(follow_up.get_absolute_url()).text)["isBasedOn"]
    assert based_on == {
        "@type": "NewsArticle",
        "url": "https://news.example.org" + original.get_absolute_url(),
        "headline": "Dam plan announced",
    }
    # beside the source item it began from, when it names one
    item = SourceItemFactory(url="https://outlet.example/dam")
    sourced = follow_up_of(
        original, writer, editor, source_item=item, attribution_kind="source_assisted"
    )
    based_on = json_ld(client.get(sourced.get_absolute_url()).text)["isBasedOn"]
    assert [entry["url"] for entry in based_on] == [
        "https://outlet.example/dam",
        "https://news.example.org" + original.get_absolute_url(),
    ]
    with django_capture_on_commit_callbacks(execute=True):  # clears the cached pages
        workflow.withdraw(editor, original, "Retracted.")
    assert "isBasedOn" not in json_ld(client.get(follow_up.get_absolute_url()).text)
