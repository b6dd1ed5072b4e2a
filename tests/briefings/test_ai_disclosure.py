"""AI assistance is disclosed as the standards promise: which tool, what it did (from a short
list) and who checked it, said on the page in one plain sentence; an AI-made lead image says
"Image source: <model>" and carries its IPTC digital source type in the markup and the file."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from briefings import checklist, workflow
from briefings.images import SOURCE_TYPE_VOCABULARY
from briefings.models import Briefing, Revision
from briefings.snapshot import Snapshot
from tests.briefings.test_images import provenance_of
from tests.factories import UserFactory, briefing_in_state, change_form_data, complete_briefing

pytestmark = pytest.mark.django_db

AI_GENERATED = Briefing.ImageSourceType.AI_GENERATED


def _unmet(briefing) -> list[str]:
    return [str(check) for check in checklist.unmet(Snapshot.of(briefing))]


def _disclose(briefing, checker, tool="ChatGPT-4o", uses=("summary", "takeaways"), other=""):
    briefing.ai_assisted = True
    briefing.ai_tool, briefing.ai_uses, briefing.ai_use_other = tool, list(uses), other
    briefing.ai_checked_by = checker
    briefing.save()


def test_marked_ai_assistance_needs_the_tool_what_it_did_and_who_checked(writer):
    briefing = complete_briefing(writer, ai_assisted=True)

    assert _unmet(briefing) == [
        "AI assistance disclosed: say the tool or model, what the AI did and who checked it"
    ]
    _disclose(briefing, None, uses=["other"])
    assert _unmet(briefing) == [
        "AI assistance disclosed: say what the other use was and who checked it"
    ]


def test_publishing_is_refused_until_the_disclosure_is_complete(writer, editor):
    briefing = briefing_in_state("in_review", writer, editor, ai_assisted=True)
    with pytest.raises(workflow.ChecklistIncomplete, match="who checked it"):
        workflow.publish(editor, briefing)
    assert Briefing.objects.get(pk=briefing.pk).live_revision is None

    _disclose(briefing, editor)
    workflow.publish(editor, briefing)
    assert Briefing.objects.get(pk=briefing.pk).live_revision is not None


def test_the_page_states_the_disclosure_in_one_sentence(client, writer, editor):
    editor.display_name = "Alex Morgan"
    editor.save()
    briefing = briefing_in_state("in_review", writer, editor)
    _disclose(briefing, editor, uses=["summary", "other"], other="suggest three questions")
    workflow.publish(editor, briefing)

    html = client.get(briefing.get_absolute_url()).text

    sentence = (
        "We used ChatGPT-4o to summarise the source and suggest three questions. "
        "Alex Morgan checked its work against the sources."
    )
    assert sentence in html
    notes = html.split('id="notes-title"')[1].split("</section>")[0]
    assert sentence in notes and 'href="/standards/#ai"' in notes


def test_the_checker_is_frozen_with_the_revision_and_comes_back_on_restore(writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    _disclose(briefing, editor, tool="Model A")
    workflow.publish(editor, briefing)
    first = Briefing.objects.get(pk=briefing.pk).live_revision

    briefing.refresh_from_db()
    _disclose(briefing, writer, tool="Model B", uses=["translation"])
    assert Revision.objects.get(pk=first.pk).snapshot.ai.tool == "Model A"

    first.snapshot.write_to(briefing)
    briefing.refresh_from_db()
    assert (briefing.ai_tool, briefing.ai_uses, briefing.ai_checked_by) == (
        "Model A",
        ["summary", "takeaways"],
        editor,
    )


def test_a_snapshot_stored_before_structured_disclosures_loads_without_one():
    assert Snapshot.load({"schema": 2, "headline": "Old", "ai_assisted": True}).ai is None


def test_the_admin_form_saves_the_disclosure_and_refuses_unknown_uses(client, writer, editor):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    url = f"/admin/briefings/briefing/{briefing.pk}/change/"
    data = change_form_data(briefing, ai_assisted="on", ai_tool="DeepL")
    data |= {"ai_uses": ["translation"], "ai_checked_by": str(editor.pk)}

    response = client.post(url, data)

    assert response.status_code == 302, response.text
    briefing.refresh_from_db()
    assert (briefing.ai_tool, briefing.ai_uses, briefing.ai_checked_by) == (
        "DeepL",
        ["translation"],
        editor,
    )
    data = change_form_data(briefing) | {"ai_uses": ["writing-the-whole-thing"]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    briefing.refresh_from_db()
    assert briefing.ai_uses == ["translation"]


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_ai_made_lead_image_must_be_disclosed_as_image_generation(writer):
    briefing = complete_briefing(writer)
    briefing.lead_image.save("lead.png", ContentFile(_png()), save=False)
    briefing.lead_image_alt, briefing.lead_image_credit = "Waves", "ChatGPT-4o"
    briefing.lead_image_source_type = AI_GENERATED
    briefing.save()
    assert "AI-made lead image disclosed: mark AI assistance and tick" in _unmet(briefing)[0]

    _disclose(briefing, writer, uses=["image"])
    assert _unmet(briefing) == []


def test_an_ai_image_shows_its_source_the_seed_way_in_markup_and_in_the_file(
    client, writer, editor
):
    briefing = briefing_in_state("in_review", writer, editor)
    briefing.lead_image.save("lead.png", ContentFile(_png()), save=False)
    briefing.lead_image_alt, briefing.lead_image_credit = "Waves at dusk", "ChatGPT-4o"
    briefing.lead_image_source_type = AI_GENERATED
    briefing.save()
    _disclose(briefing, editor, uses=["image"])
    workflow.publish(editor, briefing)

    html = client.get(briefing.get_absolute_url()).text

    uri = SOURCE_TYPE_VOCABULARY + "trainedAlgorithmicMedia"
    assert 'Image source: <span itemprop="creditText">ChatGPT-4o</span>' in html
    assert f'<link itemprop="digitalSourceType" href="{uri}">' in html
    assert f'"digitalSourceType": "{uri}"' in html  # and in the JSON-LD
    image_url = html.split('<img src="')[1].split('"')[0]
    served = client.get(image_url)
    assert served.status_code == 200
    data = b"".join(served.streaming_content) if served.streaming else served.content
    assert provenance_of(data) == {"credit": "ChatGPT-4o", "source_type": uri}


def test_disclosure_checker_choices_are_staff_only(client, writer):
    UserFactory(display_name="Reader Account", is_staff=False)
    briefing = complete_briefing(writer)
    client.force_login(writer)
    html = client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    checker_select = html.split('name="ai_checked_by"')[1].split("</select>")[0]
    assert f">{writer}<" in checker_select
    assert "Reader Account" not in checker_select
