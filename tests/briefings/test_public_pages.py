import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings.models import Briefing, EditorsNote, Section
from briefings.workflow import add_correction, make_live
from tests.factories import (
    BriefingFactory,
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    add_children,
    standards,
)


def outlet_url(outlet) -> str:
    """The public page of an outlet (the sources app names no public URL of its own)."""
    return reverse("briefings:outlet", args=[outlet.slug])


pytestmark = pytest.mark.django_db


def published(**kwargs) -> Briefing:
    briefing = add_children(BriefingFactory(**kwargs))
    make_live(briefing)
    return briefing


def test_briefing_page_shows_every_part_of_the_anatomy_in_order(client):
    standards(method_summary="Our method in one paragraph.")
    item = SourceItemFactory(title="The original story", url="https://harbour.example/story")
    author = UserFactory(display_name="Jo Reporter")
    topic = TopicFactory(name="Climate", slug="climate")
    briefing = BriefingFactory(
        headline="Gate trial ends early",
        dek="Engineers stopped the test.",
        topic=topic,
        source_item=item,
        attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
        work_type=Briefing.WorkType.ANALYSIS,
    )
    briefing.authors.add(author)
    add_children(briefing)
    make_live(briefing)
    related = published(topic=topic, headline="A related story")

    html = client.get(briefing.get_absolute_url()).text
    body = html[html.index("<body") :]

    markers = [
        'aria-label="Breadcrumb"',
        "<h1>Gate trial ends early</h1>",
        '<p class="dek">Engineers stopped the test.</p>',
        "Jo Reporter",
        "Key takeaways",
        "<h2>Section 1</h2>",
        "Questions and answers",
        "Editor's note",
        "Source assisted",
        "How we report",
        "Related briefings",
    ]
    positions = [body.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert "This briefing began from a discovered source item from" in html
    assert f'href="{outlet_url(item.outlet)}"' in html
    assert 'href="https://harbour.example/story"' in html
    assert Briefing.METHOD_NOTES["source_assisted"] in html
    assert "Open the original source" in html
    assert 'href="/standards/"' in html
    assert "Analysis" in html
    assert related.get_absolute_url() in html


def test_lead_image_shows_alt_caption_and_ai_credit(client):
    from django.core.files.base import ContentFile

    from briefings.management.commands.seed_demo import demo_image

    briefing = add_children(BriefingFactory())
    briefing.lead_image.save("lead.png", ContentFile(demo_image().read()), save=False)
    briefing.lead_image_alt = "Waves under a barrier"
    briefing.lead_image_caption = "The barrier at dusk"
    briefing.lead_image_credit = "Image model X, prompted by the desk"
    briefing.lead_image_source_type = Briefing.ImageSourceType.AI_GENERATED
    briefing.save()
    make_live(briefing)

    html = client.get(briefing.get_absolute_url()).text

    assert 'alt="Waves under a barrier"' in html
    assert "The barrier at dusk" in html
    assert "AI-generated image. Credit: Image model X, prompted by the desk" in html


def test_draft_is_not_found_by_anonymous_readers(client):
    draft = add_children(BriefingFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.headline not in client.get("/").text


def test_scheduled_briefing_stays_hidden_until_its_time(client):
    briefing = add_children(BriefingFactory())
    make_live(briefing, when=timezone.now() + timedelta(hours=2))
    assert briefing.status == Briefing.Status.SCHEDULED
    assert client.get(briefing.get_absolute_url()).status_code == 404
    Briefing.objects.filter(pk=briefing.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(briefing.get_absolute_url()).status_code == 200


def test_edits_after_publication_do_not_reach_readers(client):
    briefing = published(headline="Live headline")
    Section.objects.filter(briefing=briefing, position=1).update(body="<p>Unreviewed edit</p>")
    Briefing.objects.filter(pk=briefing.pk).update(headline="Draft headline")

    html = client.get(briefing.get_absolute_url()).text

    assert "Live headline" in html
    assert "Draft headline" not in html
    assert "Unreviewed edit" not in html


def test_home_lists_published_briefings_newest_first_and_paginates(client):
    now = timezone.now()
    for n in range(14):
        briefing = add_children(BriefingFactory(headline=f"Story number {n:02}"), count=1)
        make_live(briefing, when=now - timedelta(hours=n + 1))

    first = client.get("/").text
    second = client.get("/?page=2").text

    headlines = re.findall(r"Story number (\d\d)", first)
    assert headlines == [f"{n:02}" for n in range(12)]
    assert re.findall(r"Story number (\d\d)", second) == ["12", "13"]
    assert client.get("/?page=9").status_code == 404


def test_topic_page_lists_only_its_topic(client):
    climate, cities = TopicFactory(slug="climate"), TopicFactory(slug="cities")
    published(topic=climate, headline="Warm winter")
    published(topic=cities, headline="New tram")

    html = client.get("/topics/climate/").text

    assert "Warm winter" in html
    assert "New tram" not in html
    assert client.get("/topics/nowhere/").status_code == 404


def test_standards_page_shows_current_version_and_history(client):
    standards(change_summary="First version.", effective_at=timezone.now() - timedelta(days=3))
    standards(
        body='<h2 id="corrections">Corrections</h2><p>Version two.</p>',
        change_summary="Clarified corrections.",
    )
    standards(body="<p>Not yet in force.</p>", effective_at=timezone.now() + timedelta(days=1))

    html = client.get("/standards/").text

    assert "Version two." in html
    assert "Not yet in force." not in html
    assert html.index("Clarified corrections.") < html.index("First version.")
    assert 'id="corrections"' in html


def test_every_page_links_the_standards_page_from_the_footer(client):
    standards()
    published()
    for url in ["/", "/standards/", "/sources/"]:
        assert 'href="/standards/"' in client.get(url).text


def test_notes_render_as_sanitized_html_and_headlines_are_escaped(client):
    briefing = BriefingFactory(headline="<script>alert(1)</script> headline")
    add_children(briefing)
    EditorsNote.objects.create(
        briefing=briefing, position=9, body='<p>Fine</p><img src=x onerror="alert(1)">'
    )
    make_live(briefing)

    html = client.get(briefing.get_absolute_url()).text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; headline" in html
    assert "onerror" not in html
    assert "<p>Fine</p>" in html


def test_a_correction_is_flagged_under_the_byline_linking_to_the_note(client):
    briefing = add_children(BriefingFactory())
    make_live(briefing)
    note = add_correction(UserFactory(role="Editors"), briefing, "correction", "<p>Fixed.</p>")
    html = client.get(briefing.get_absolute_url()).text
    byline = html[html.index('class="byline"') : html.index("</p>", html.index('class="byline"'))]
    assert f'<a class="record-flag" href="#note-{note.pk}">Corrected <time' in byline
    assert f'id="note-{note.pk}"' in html
    assert '<h2 id="record-title">Correction</h2>' in html
    assert "Correction</strong>" in html


def test_the_flag_and_heading_follow_what_the_record_holds(client):
    editor = UserFactory(role="Editors")
    briefing = add_children(BriefingFactory())
    make_live(briefing)
    add_correction(editor, briefing, "correction", "<p>Fixed.</p>")
    add_correction(editor, briefing, "update", "<p>New figures.</p>")
    html = client.get(briefing.get_absolute_url()).text
    assert 'class="record-flag"' in html and ">Updated <time" in html
    assert '<h2 id="record-title">Corrections and updates</h2>' in html


@pytest.mark.parametrize("children", [2, 20])
def test_briefing_page_query_count_does_not_grow_with_children(
    client, django_assert_num_queries, children
):
    standards()
    topic = TopicFactory(slug="steady")
    for _ in range(children):
        published(topic=topic)
    briefing = add_children(BriefingFactory(topic=topic), count=children)
    make_live(briefing)

    # briefing with its revision, topic and the standards it was published under, its public
    # record, related briefings, current standards summary, topic nav, and the transition log
    # with its users for the credits (issue 15: the one query added), and its published
    # follow-ups (the original it follows comes with the briefing's own query)
    with django_assert_num_queries(7):
        response = client.get(briefing.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="qa-pair"') == children


def test_listing_query_count_is_constant(client, django_assert_num_queries):
    for _ in range(12):
        published()
    # count for pagination, the page of briefings, topic nav
    with django_assert_num_queries(3):
        client.get("/")


def test_pages_are_cached_for_readers_and_cleared_by_publication(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    published(headline="First story")
    assert "First story" in client.get("/").text
    with django_assert_num_queries(0):
        client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        published(headline="Second story")
    assert "Second story" in client.get("/").text


def test_listings_show_only_published_fields_of_a_briefing(client):
    from sources.models import SourceItem

    first, second = SourceItemFactory(), SourceItemFactory()
    briefing = add_children(BriefingFactory(source_item=first, work_type="explainer"))
    make_live(briefing)
    Briefing.objects.filter(pk=briefing.pk).update(work_type="sponsored", source_item=second)
    SourceItem.objects.filter(pk=first.pk).update(url="https://elsewhere.example/changed")

    home = client.get("/").text
    first_outlet = client.get(outlet_url(first.outlet)).text
    second_outlet = client.get(outlet_url(second.outlet)).text
    sources = client.get("/sources/").text

    assert "Explainer" in home
    assert "Sponsored" not in home
    assert briefing.headline in first_outlet
    assert f'href="{first.url}"' in first_outlet
    assert "elsewhere.example" not in first_outlet
    assert briefing.headline not in second_outlet
    assert f"{first.outlet.name}</a> — 1 briefing" in sources
    assert f"{second.outlet.name}</a> — 0 briefings" in sources


@pytest.mark.parametrize("change", ["topic", "outlet", "standards"])
def test_changes_readers_see_clear_the_page_cache(
    client, django_capture_on_commit_callbacks, change
):
    from sources.models import Outlet

    standards()
    item = SourceItemFactory()
    briefing = published(source_item=item)
    url = {"topic": "/", "outlet": "/sources/", "standards": "/standards/"}[change]
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "topic":
            briefing.topic.name = "Renamed topic"
            briefing.topic.save()
        elif change == "outlet":
            outlet = Outlet.objects.get(pk=item.outlet_id)
            outlet.name = "Renamed outlet"
            outlet.save()
        else:
            standards(method_summary="A rewritten method.", change_summary="Rewritten.")
    expected = {"topic": "Renamed topic", "outlet": "Renamed outlet", "standards": "Rewritten."}
    assert expected[change] in client.get(url).text


def test_made_up_query_strings_are_served_fresh_not_cached(client, django_assert_num_queries):
    published()
    client.get("/?utm_source=x")
    with django_assert_num_queries(3):
        client.get("/?utm_source=x")
    client.get("/?page=1")
    with django_assert_num_queries(0):
        client.get("/?page=1")


@pytest.mark.parametrize(
    ("kind", "says", "never"),
    [
        ("original", "We reported this briefing ourselves", "another outlet reported first"),
        ("multi_source", "draws on the reporting of the outlets", "began from a discovered"),
    ],
)
def test_the_sourcing_boxes_say_what_is_true_for_each_kind(client, kind, says, never):
    """Original reporting and roundups do not claim to have begun from someone else's story."""
    briefing = add_children(BriefingFactory(attribution_kind=kind))
    make_live(briefing)
    html = client.get(briefing.get_absolute_url()).text
    assert says in html
    assert Briefing.METHOD_NOTES[kind] in html
    assert never not in html
