"""A reader in a real browser: the home page's lead and cards, the search box in the header,
results with marked snippets, a topic filter and the next page, and the topic navigation's
current page; nothing trips the Content-Security-Policy."""

import pytest
from django.core.files.base import ContentFile

from briefings.management.commands.seed_demo import demo_image
from briefings.models import Briefing, Section
from briefings.workflow import make_live
from tests.e2e.test_security_browser import WatchedPerson
from tests.factories import BriefingFactory, TopicFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def published(headline, body, topic, image_alt=""):
    briefing = BriefingFactory(headline=headline, topic=topic, dek=f"{headline}: what happened.")
    Section.objects.create(briefing=briefing, position=1, heading="What happened", body=body)
    if image_alt:
        briefing.lead_image.save("lead.png", ContentFile(demo_image().read()), save=False)
        briefing.lead_image_alt = image_alt
        briefing.lead_image_credit = "Desk photographer"
        briefing.lead_image_source_type = Briefing.ImageSourceType.PHOTOGRAPH
        briefing.save()
    make_live(briefing)
    return briefing


def test_a_reader_finds_briefings_from_the_home_page(
    browser, live_server, artifacts, _browser_settings
):
    coasts = TopicFactory(name="Coasts", slug="coasts")
    cities = TopicFactory(name="Cities", slug="cities")
    for n in range(22):
        published(f"Ferry timetable change {n}", "<p>The ferry runs later.</p>", cities)
    published(
        "Tide gates tested",
        "<p>Engineers closed the <strong>tide gates</strong> at the ferry terminal.</p>",
        coasts,
        image_alt="A quay at night",
    )
    published(
        "Sea wall raised before winter",
        "<p>The council raised the sea wall by half a metre; the ferry <em>&lt;pier&gt;</em> "
        "stays open.</p>",
        coasts,
        image_alt="Waves under a barrier",
    )
    reader = WatchedPerson(browser, live_server.url, artifacts, "reader")

    reader.open("/")
    lead = reader.page.locator(".lead-story")
    assert "Sea wall raised before winter" in lead.inner_text()
    image = reader.page.locator(".lead-story-image")
    assert image.get_attribute("alt") == "Waves under a barrier"
    assert image.evaluate("img => img.complete && img.naturalWidth") == 1200
    assert reader.page.locator(".card-image").first.get_attribute("loading") == "lazy"
    reader.shot("home")

    # The header's search box: a labelled field, Enter submits.
    reader.page.get_by_label("Search briefings").fill("ferry")
    reader.page.get_by_label("Search briefings").press("Enter")
    reader.page.wait_for_url("**/search/?q=ferry")
    reader.check()
    assert "24 briefings match “ferry”" in reader.text()
    assert reader.page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    assert reader.page.locator("mark").first.inner_text().lower() == "ferry"
    reader.shot("results")

    # Narrow to a topic: only the two coastal briefings, with their snippets.
    form = reader.page.get_by_role("search", name="Search and filter")
    form.get_by_label("Topic").select_option("coasts")
    form.get_by_role("button", name="Search").click()
    reader.page.wait_for_load_state()
    reader.check()
    titles = reader.page.locator(".search-result .card-title").all_inner_texts()
    assert sorted(titles) == ["Sea wall raised before winter", "Tide gates tested"]
    assert "<pier>" in reader.text()  # text that looks like markup is shown as text
    reader.shot("results-coasts")

    # All topics again, phrase and exclusion syntax, and the next page keeps the query.
    reader.open("/search/?q=ferry+-timetable")
    assert reader.page.locator(".search-result").count() == 2
    reader.open("/search/?q=ferry")
    reader.page.get_by_role("link", name="Next →").click()
    reader.page.wait_for_load_state()
    reader.check()
    assert "Page 2 of 2" in reader.text()
    assert reader.page.locator(".search-result").count() == 4
    assert reader.page.get_by_label("Search for").input_value() == "ferry"

    # A blank search is a friendly page.
    reader.open("/search/?q=+")
    assert "Type a few words to search" in reader.text()

    # The topic navigation says which topic is being read.
    reader.open("/")
    reader.page.get_by_role("navigation", name="Topics").get_by_role("link", name="Coasts").click()
    reader.page.wait_for_load_state()
    reader.check()
    current = reader.page.locator('.topic-nav a[aria-current="page"]')
    assert current.all_inner_texts() == ["Coasts"]
    assert current.evaluate("a => getComputedStyle(a).fontWeight") == "700"
    reader.shot("topic")
