"""The typed snapshot: what a revision stores and every reader of a briefing reads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from briefings import workflow
from briefings.models import Revision
from briefings.snapshot import SCHEMA_VERSION, Snapshot
from tests.factories import (
    BriefingFactory,
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    add_children,
    briefing_in_state,
)

pytestmark = pytest.mark.django_db


def test_a_snapshot_survives_storage_unchanged():
    item = SourceItemFactory()
    briefing = add_children(BriefingFactory(source_item=item, ai_assisted=True), count=2)
    briefing.authors.add(UserFactory(display_name="Jo Reporter"))
    revision = Revision.freeze(briefing)
    stored = Revision.objects.get(pk=revision.pk)
    assert stored.data["schema"] == SCHEMA_VERSION
    assert stored.snapshot == Snapshot.of(briefing)
    assert stored.snapshot.byline_names == ["Jo Reporter"]
    assert stored.snapshot.source.outlet_name == item.outlet.name


def test_a_revision_stored_before_schema_2_reads_as_today():
    """Revisions frozen by the first releases keep their data: it is upgraded on read, and the
    corrections they carried (now the public record) are left out of the content."""
    topic = TopicFactory()
    briefing = BriefingFactory(topic=topic)
    v1 = {
        "briefing": {
            "headline": "Gate trial ends",
            "slug": briefing.slug,
            "dek": "Engineers stopped it.",
            "topic_id": topic.pk,
            "work_type": "news",
            "lead_image": "lead-images/2026/11/abc.png",
            "lead_image_alt": "Gates",
            "lead_image_caption": "",
            "lead_image_credit": "Drawn by us",
            "lead_image_source_type": "digitalCreation",
            "attribution_kind": "source_assisted",
            "source_item_id": None,
            "ai_assisted": False,
        },
        "byline": [{"id": 7, "name": "Sam Writer"}],
        "source": {
            "url": "https://outlet.example/a",
            "title": "Original",
            "outlet": {"id": 3, "name": "Harbor Ledger", "slug": "harbor-ledger"},
        },
        "takeaways": [{"position": 1, "text": "One"}],
        "sections": [{"position": 1, "heading": "What happened", "body": "<p>It ended.</p>"}],
        "qa_blocks": [{"position": 1, "question": "Why?", "answer": "<p>Jams.</p>"}],
        "notes": [
            {"position": 1, "kind": "note", "body": "<p>Edited by Alex.</p>", "created_at": None},
            {
                "position": 2,
                "kind": "correction",
                "body": "<p>Two gates.</p>",
                "created_at": "2026-11-30T10:00:00.123Z",
            },
        ],
        "citations": [
            {"position": 1, "title": "Records", "url": "https://r.example/", "publisher": ""}
        ],
    }
    revision = Revision.objects.create(
        briefing=briefing, number=1, headline="Gate trial ends", topic=topic, data=v1
    )
    page = Revision.objects.get(pk=revision.pk).snapshot
    assert (page.headline, page.work_type, page.topic_id) == ("Gate trial ends", "news", topic.pk)
    assert page.image.name == "lead-images/2026/11/abc.png" and page.image.alt == "Gates"
    assert page.source.outlet_slug == "harbor-ledger"
    assert [q.question for q in page.questions] == ["Why?"]
    assert [(n.kind, n.body) for n in page.notes] == [("note", "<p>Edited by Alex.</p>")]
    assert page.byline_names == ["Sam Writer"]


def test_publishing_reads_the_working_copy_once_for_the_checklist_and_the_revision(
    writer, editor, django_assert_max_num_queries
):
    briefing = briefing_in_state("in_review", writer, editor)
    # lock, checklist's snapshot (briefing parts, byline, source), the standards in force,
    # revision and its byline (the users that exist, the rows), log, status, the search entry,
    # the month's row for the sitemap index (made if missing, locked, recounted, written), the
    # credits (the log read and written on the revision)...
    with django_assert_max_num_queries(30) as queries:
        workflow.publish(editor, briefing)
    reads_of_takeaways = [
        q for q in queries.captured_queries if 'FROM "briefings_takeaway"' in q["sql"]
    ]
    assert len(reads_of_takeaways) == 1


def jpeg_with_a_comment() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#36c").save(buffer, "JPEG", comment=b"Jo, 12 Home Road, 555-0100")
    return buffer.getvalue()


def test_an_image_saved_without_the_admin_is_cleaned_too(settings, tmp_path):
    """The model layer cleans a new upload, whoever saves it (a script, the shell)."""
    upload = SimpleUploadedFile("phone.jpg", jpeg_with_a_comment(), "image/jpeg")
    briefing = BriefingFactory(lead_image=upload, lead_image_credit="Jo")
    stored = briefing.lead_image.read()
    assert b"Home Road" not in stored
    assert briefing.lead_image.name.endswith(".jpg")


def test_publication_writes_the_credit_and_source_type_into_the_image(writer, editor):
    upload = SimpleUploadedFile("chart.jpg", jpeg_with_a_comment(), "image/jpeg")
    briefing = briefing_in_state(
        "in_review",
        writer,
        editor,
        lead_image=upload,
        lead_image_alt="A chart",
        lead_image_credit="Drawn at first by us",
        lead_image_source_type="dataDrivenMedia",
    )
    type(briefing).objects.filter(pk=briefing.pk).update(lead_image_credit="Data desk")
    briefing.refresh_from_db()
    workflow.publish(editor, briefing)
    stored = briefing.lead_image.open("rb").read()
    assert b"dataDrivenMedia" in stored
    assert b"Data desk" in stored and b"Drawn at first" not in stored
