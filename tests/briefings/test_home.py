"""The home page's hierarchy (a lead briefing, then cards) and the topic navigation's state."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from briefings.management.commands.seed_demo import demo_image
from briefings.models import Briefing
from briefings.views import PAGE_SIZE
from briefings.workflow import make_live
from tests.factories import BriefingFactory, TopicFactory, add_children

pytestmark = pytest.mark.django_db


def published(days_ago=0, image_alt=None, **kwargs) -> Briefing:
    briefing = add_children(BriefingFactory(**kwargs), count=1)
    if image_alt is not None:
        briefing.lead_image.save("lead.png", ContentFile(demo_image().read()), save=False)
        briefing.lead_image_alt = image_alt
        briefing.lead_image_credit = "Desk photographer"
        briefing.lead_image_source_type = Briefing.ImageSourceType.PHOTOGRAPH
        briefing.save()
    make_live(briefing)
    Briefing.objects.filter(pk=briefing.pk).update(
        published_at=timezone.now() - timedelta(days=days_ago, minutes=1)
    )
    return briefing


def main_of(response) -> str:
    html = response.text
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_the_latest_briefing_leads_with_its_image_and_the_rest_are_cards(client):
    older = published(days_ago=2, headline="Older briefing", image_alt="A quay at night")
    plain = published(days_ago=1, headline="Briefing without an image")
    latest = published(headline="The latest briefing", image_alt="Waves under a barrier")

    main = main_of(client.get("/"))

    lead = main[main.index('<article class="lead-story">') : main.index("</article>")]
    assert "The latest briefing" in lead
    assert re.search(r'<img class="lead-story-image" src="[^"]+" alt="Waves under a barrier"', lead)
    assert 'loading="lazy"' not in lead  # the lead is above the fold
    image_url = latest.live_revision.lead_image_url
    assert f'src="{image_url}"' in lead
    assert client.get(image_url).status_code == 200

    cards = main[main.index("More briefings") :]
    assert cards.index("Briefing without an image") < cards.index("Older briefing")
    assert cards.count('<article class="card') == 2
    # A thumbnail beside a headline that says the same is decorative, and loads lazily.
    thumbnail = f'<img class="card-image" src="{older.live_revision.lead_image_url}" alt="" '
    assert thumbnail + 'loading="lazy">' in cards
    plain_card = cards[cards.index(plain.get_absolute_url()) - 400 : cards.index(plain.headline)]
    assert "<img" not in plain_card.split("<article")[-1]
    # Headings: a hidden page title, the lead, a label, then the cards one level down.
    assert '<h1 class="page-title visually-hidden">Latest briefings</h1>' in main
    assert re.findall(r"<h(\d)", main) == ["1", "2", "2", "3", "3"]


def test_the_lead_without_an_image_has_no_image(client):
    published(headline="Only briefing")
    main = main_of(client.get("/"))
    assert '<article class="lead-story">' in main and "<img" not in main
    assert "More briefings" not in main


def test_later_pages_have_no_lead(client):
    for n in range(PAGE_SIZE + 2):
        published(days_ago=n, headline=f"Briefing {n}")

    first = main_of(client.get("/"))
    second = main_of(client.get("/?page=2"))

    assert first.count('<article class="lead-story">') == 1
    assert first.count('<article class="card') == PAGE_SIZE - 1
    assert '<article class="lead-story">' not in second
    assert second.count('<article class="card') == 2


def test_an_empty_site_says_so(client):
    assert "No briefings have been published yet." in client.get("/").text


def test_the_home_page_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for n in range(PAGE_SIZE + 3):
        published(days_ago=n, image_alt="An image" if n % 2 else None)
    published(headline="Lead", image_alt="The lead image")
    # Topics for the navigation, the count, the page, and the lead's image (alt text).
    with django_assert_max_num_queries(4):
        response = client.get("/")
    # The cards under the lead are the briefings 0 to 10 days old: the odd ones have images.
    assert response.text.count('loading="lazy"') == len(range(1, PAGE_SIZE - 1, 2))


def test_unpublished_briefings_never_lead(client, writer, editor):
    from tests.factories import briefing_in_state

    visible = published(days_ago=3, headline="Visible")
    briefing_in_state("scheduled", writer, editor, headline="Scheduled")
    briefing_in_state("draft", writer, editor, headline="Draft")
    lead = main_of(client.get("/")).split("</article>")[0]
    assert visible.headline in lead


def test_the_topic_navigation_marks_the_topic_being_read(client):
    climate = TopicFactory(name="Climate", slug="climate")
    TopicFactory(name="Health", slug="health")
    published(topic=climate)

    def nav(path):
        html = client.get(path).text
        return html[html.index('<nav aria-label="Topics">') : html.index("</nav>")]

    on_topic = nav("/topics/climate/")
    assert '<a href="/topics/climate/" aria-current="page">Climate</a>' in on_topic
    assert '<a href="/topics/health/">Health</a>' in on_topic
    assert on_topic.count("aria-current") == 1
    assert '<a href="/topics/climate/" aria-current="page">' in nav("/topics/climate/?page=1")
    assert "aria-current" not in nav("/")
    assert "aria-current" not in nav("/search/?q=climate")
