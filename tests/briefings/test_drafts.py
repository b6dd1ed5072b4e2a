"""Drafts keep what writers type: incomplete drafts save, nothing is cut short, and a refused
save says why at the top of the form."""

import pytest

from briefings import checklist, workflow
from briefings.inbox import start_briefing
from briefings.models import Briefing
from briefings.snapshot import Snapshot
from tests.factories import (
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    change_form_data,
    complete_briefing,
)

pytestmark = pytest.mark.django_db

LONG_HEADLINE = (
    "Port city ends its tidal barrier trial a month early after the gates jammed twice during "
    "spring tides, engineers say, while the council insists the main project is not in doubt"
)


@pytest.fixture
def writer():
    return UserFactory(role="Writers")


def change_url(briefing):
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def test_a_draft_started_from_an_item_saves_before_its_sections_are_written(client, writer):
    TopicFactory()
    briefing = start_briefing(SourceItemFactory(), writer)
    client.force_login(writer)
    data = change_form_data(briefing, dek="Rewritten in our own words.")
    assert [data[f"sections-{n}-body"] for n in range(3)] == ["", "", ""]

    response = client.post(change_url(briefing), data)

    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.dek == "Rewritten in our own words."
    assert briefing.sections.count() == 3


def test_a_draft_saves_without_a_dek(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    response = client.post(change_url(briefing), change_form_data(briefing, dek=""))
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.dek == ""
    unmet = {check.label for check in checklist.unmet(Snapshot.of(briefing))}
    assert "Dek present and short enough" in unmet


def test_empty_sections_are_flagged_by_the_checklist_not_the_form(writer):
    briefing = complete_briefing(writer)
    briefing.sections.create(position=2, heading="Why it matters", body="")
    [check] = [c for c in workflow.publication_checklist(briefing) if "section" in c.label]
    assert not check.ok
    assert "Why it matters" in check.detail


def test_a_refused_save_lists_its_reasons_at_the_top_with_links_to_the_fields(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = change_form_data(briefing, headline=LONG_HEADLINE, **{"takeaways-1-text": "x" * 300})

    response = client.post(change_url(briefing), data)

    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    assert 'href="#id_headline"' in summary
    assert "Headline" in summary
    assert 'href="#id_takeaways-1-text"' in summary
    assert "Takeaway 2" in summary
    briefing.refresh_from_db()
    assert briefing.headline  # nothing was saved


def test_a_headline_over_the_limit_is_refused_with_its_length_not_cut(client, writer):
    briefing = complete_briefing(writer)
    before = briefing.headline
    client.force_login(writer)

    response = client.post(change_url(briefing), change_form_data(briefing, headline=LONG_HEADLINE))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"it has {len(LONG_HEADLINE)}" in html
    briefing.refresh_from_db()
    assert briefing.headline == before


def test_limited_fields_show_their_limit_instead_of_cutting_what_is_typed(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    html = client.get(change_url(briefing)).content.decode()
    for field_id, limit in [("id_headline", 110), ("id_dek", 300), ("id_takeaways-0-text", 280)]:
        tag = html[html.rindex("<", 0, html.index(f'id="{field_id}"')) :]
        tag = tag[: tag.index(">")]
        assert "maxlength" not in tag, tag
        assert f'data-max-length="{limit}"' in tag, tag
    assert "admin-extra/counters.js" in html


def test_the_checklist_wants_a_byline(writer):
    briefing = complete_briefing(writer)
    briefing.authors.clear()
    unmet = checklist.unmet(Snapshot.of(briefing))
    assert [check.label for check in unmet] == ["Byline names at least one person"]


def test_a_briefing_without_a_byline_cannot_be_submitted_or_published(writer):
    editor = UserFactory(role="Editors")
    briefing = complete_briefing(writer)
    briefing.authors.clear()
    with pytest.raises(workflow.ChecklistIncomplete):
        workflow.submit_for_review(writer, briefing)
    assert Briefing.objects.get(pk=briefing.pk).status == Briefing.Status.DRAFT

    briefing.authors.add(writer)
    workflow.submit_for_review(writer, briefing)
    briefing.authors.clear()
    with pytest.raises(workflow.ChecklistIncomplete):
        workflow.publish(editor, briefing)
    assert Briefing.objects.get(pk=briefing.pk).live_revision is None


def test_the_live_checklist_sees_a_byline_removed_in_the_form(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = change_form_data(briefing, authors=[])
    html = client.post(f"/admin/briefings/briefing/{briefing.pk}/checklist/", data).text
    assert html.count('class="wf-missing"') == 1
    assert "Byline names at least one person" in html


def test_after_a_refused_save_the_checklist_describes_the_form_as_posted(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = change_form_data(briefing, headline="", **{"takeaways-1-text": "x" * 300})
    html = client.post(change_url(briefing), data).text
    checklist_html = html[
        html.index('class="wf-checklist"') : html.index("</ul>", html.index('class="wf-checklist"'))
    ]
    assert "Headline present and short enough <span" in checklist_html
    assert checklist_html.count('class="wf-missing"') == 1
