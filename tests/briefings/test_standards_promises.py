"""Every promise the demo's standards page makes is true of the product.

The standards page is where the publication tells readers how it works; each anchored section
is a promise. This walks them: every `<h2 id>` of the demo's standards (and the sections the
template adds) has a check here, or is named below as editorial practice that no software can
check. A new section without either fails ``test_every_anchored_section_is_walked``.
"""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.template.loader import get_template
from django.utils import timezone

from briefings import demo, workflow
from briefings.models import Briefing, ErrorReport, PublicNote
from briefings.roles import ROLES
from tests.factories import (
    SourceItemFactory,
    briefing_in_state,
    complete_briefing,
    standards,
)

pytestmark = pytest.mark.django_db

# Promises about what people do, which the product can neither make true nor check.
EDITORIAL_PRACTICE = {
    "unnamed-sources": "when a source may go unnamed is a judgement the editors make",
    "ownership": "who owns and funds the publication is a statement of fact about it",
}

CHECKS = {}


def promise(section):
    def register(check):
        CHECKS[section] = check
        return check

    return register


def _anchors() -> set[str]:
    template = get_template("briefings/standards.html").template.source
    return set(re.findall(r'<h2 id="([^"]+)"', demo.STANDARDS_BODY)) | set(
        re.findall(r'<section [^>]*id="([^"]+)"', template)
    )


def test_every_anchored_section_is_walked():
    assert _anchors() == set(CHECKS) | set(EDITORIAL_PRACTICE)


@pytest.mark.parametrize("section", sorted(CHECKS))
def test_the_standards_keep_their_promise(section, client, writer, editor):
    standards(body=demo.STANDARDS_BODY, method_summary=demo.STANDARDS_SUMMARY)
    CHECKS[section](client, writer, editor)


def _published(writer, editor, **kwargs) -> Briefing:
    return briefing_in_state("published", writer, editor, **kwargs)


def _page(client, briefing) -> str:
    response = client.get(briefing.get_absolute_url())
    assert response.status_code == 200
    return response.text


@promise("method")
def names_the_kind_of_sourcing_and_who_approved(client, writer, editor):
    """Source named and linked; roundups and own reporting say so; credits; an editor
    approves every publication."""
    item = SourceItemFactory(title="Gate trial halted", url="https://harbor.example/gate")
    began = _published(writer, editor, attribution_kind="source_assisted", source_item=item)
    html = _page(client, began)
    assert "This briefing began from a discovered source item from <a href=" in html
    assert f'<a class="original-item" href="{item.url}" rel="noopener">Open the original' in html
    assert Briefing.METHOD_NOTES["source_assisted"] in html
    assert "Approved by " + editor.public_name in html
    for kind in ("original", "multi_source"):
        html = _page(client, _published(writer, editor, attribution_kind=kind))
        assert Briefing.METHOD_NOTES[kind] in html

    draft = briefing_in_state("in_review", writer, editor)
    with pytest.raises(PermissionDenied):
        workflow.publish(writer, draft)


@promise("verification")
def lists_every_further_source_with_a_link(client, writer, editor):
    briefing = complete_briefing(writer)
    briefing.citations.create(position=1, title="Council minutes", url="https://records.example/m")
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    html = _page(client, briefing)
    assert '<a href="https://records.example/m" rel="noopener">Council minutes</a>' in html


@promise("ethics")
def labels_sponsored_briefings_at_the_top(client, writer, editor):
    html = _page(client, _published(writer, editor, work_type="sponsored"))
    top = html.split("<h1>")[0]
    assert '<span class="work-type">Sponsored</span>' in top


@promise("ai")
def discloses_tool_use_and_checker_and_labels_ai_images(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor, ai_assisted=True)
    with pytest.raises(workflow.ChecklistIncomplete, match="AI assistance disclosed"):
        workflow.publish(editor, briefing)
    briefing.ai_tool, briefing.ai_uses, briefing.ai_checked_by = "Model X", ["summary"], editor
    briefing.save()
    workflow.publish(editor, briefing)
    html = _page(client, briefing)
    assert f"We used Model X to summarise the source. {editor.public_name} checked" in html
    # AI images: tests/briefings/test_ai_disclosure.py follows the label into the file.
    image_template = get_template("briefings/briefing_detail.html").template.source
    assert 'Image source: <span itemprop="creditText">' in image_template


@promise("corrections")
def dates_flags_and_logs_every_note_and_keeps_every_version(client, writer, editor):
    briefing = _published(writer, editor)
    workflow.save_working_copy(writer, briefing)  # a typing fix: no note
    workflow.publish(editor, briefing)
    assert not PublicNote.objects.filter(briefing=briefing).exists()

    note = workflow.add_correction(editor, briefing, "correction", "<p>The fare was £3.</p>")
    html = _page(client, briefing)
    byline = html.split('class="byline"')[1].split("</p>")[0]
    assert f'href="#note-{note.pk}">Corrected <time' in byline
    assert "The fare was £3." in client.get("/corrections/").text
    history = client.get(f"{briefing.get_absolute_url()}history/").text
    assert 'id="version-1"' in history and 'id="version-2"' in history
    assert client.get(f"{briefing.get_absolute_url()}history/1/2/").status_code == 200


@promise("withdrawals")
def withdrawn_pages_say_when_and_why_and_the_log_lists_them(client, writer, editor):
    briefing = _published(writer, editor, headline="Tram line delayed")
    workflow.withdraw(editor, briefing, "The source retracted its report.")
    response = client.get(briefing.get_absolute_url())
    assert response.status_code == 410
    assert "The source retracted its report." in response.text
    assert f"{timezone.localdate():%-d %B %Y}" in response.text
    assert 'href="/standards/#withdrawals"' in response.text
    log = client.get("/corrections/").text
    assert "Tram line delayed" in log and "The source retracted its report." in log
    # Never deleted silently: no role may delete a briefing.
    assert not any("briefings.delete_briefing" in perms for perms in ROLES.values())


@promise("feedback")
def every_briefing_takes_reports_and_the_contact_address_is_shown(client, writer, editor, settings):
    settings.CONTACT_EMAIL = "editors@newsroom.example"
    briefing = _published(writer, editor)
    assert 'action="/briefings/' in _page(client, briefing)
    response = client.post(
        f"{briefing.get_absolute_url()}report/",
        {"passage": "Takeaway 1", "problem": "The date is wrong.", "email": ""},
    )
    assert response.status_code == 200
    assert ErrorReport.objects.get().status == ErrorReport.Status.NEW
    assert "mailto:editors@newsroom.example" in client.get("/standards/").text


@promise("history")
def every_version_of_the_standards_stays_readable(client, writer, editor):
    first = standards(effective_at=timezone.now() - timedelta(days=9), title="First standards")
    page = client.get("/standards/history/").text
    assert f'href="{first.get_absolute_url()}"' in page
    assert client.get(first.get_absolute_url()).status_code == 200


def test_the_demo_seeds_the_standards_this_file_walks(settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = client.get("/standards/").text
    assert [anchor for anchor in _anchors() if f'id="{anchor}"' not in html] == []
