"""Uploaded images in production (DEBUG off): a published lead image is served to anyone, a
draft's only to those who may preview it, and nothing else under /media/ at all."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from briefings import workflow
from briefings.models import PreviewLink
from tests.factories import UserFactory, briefing_in_state

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "#c63").save(buffer, "PNG")
    return SimpleUploadedFile("lead.png", buffer.getvalue(), "image/png")


def with_image(state, writer, editor):
    return briefing_in_state(
        state,
        writer,
        editor,
        lead_image=png(),
        lead_image_alt="Gates",
        lead_image_credit="Our desk",
    )


def image_url(briefing) -> str:
    return "/media/" + briefing.lead_image.name


def test_a_published_image_is_served_to_anyone_and_may_be_cached(client, writer, editor, settings):
    assert not settings.DEBUG
    briefing = with_image("published", writer, editor)
    response = client.get(image_url(briefing))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Cache-Control"].startswith("public")
    page = client.get(briefing.get_absolute_url()).text
    assert f'src="{image_url(briefing)}"' in page


def test_a_drafts_image_is_only_for_those_who_may_preview_it(client, writer, editor):
    briefing = with_image("draft", writer, editor)
    assert client.get(image_url(briefing)).status_code == 404
    client.force_login(UserFactory(role="Writers"))  # another writer: may not see it
    assert client.get(image_url(briefing)).status_code == 404
    client.force_login(writer)
    response = client.get(image_url(briefing))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_share_link_opens_the_drafts_image_while_it_is_active(client, writer, editor):
    briefing = with_image("in_review", writer, editor)
    link = PreviewLink.objects.create(
        briefing=briefing, expires_at=timezone.now() + timezone.timedelta(days=1)
    )
    page = client.get(link.get_absolute_url()).text
    assert f'src="{image_url(briefing)}?share={link.token}"' in page
    assert client.get(image_url(briefing), {"share": link.token}).status_code == 200
    PreviewLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert client.get(image_url(briefing), {"share": link.token}).status_code == 404


def test_a_withdrawn_briefings_image_is_no_longer_served(client, writer, editor):
    briefing = with_image("published", writer, editor)
    workflow.withdraw(editor, briefing, "Retracted.")
    assert client.get(image_url(briefing)).status_code == 404


def test_a_new_image_waiting_for_review_stays_private_while_the_old_one_is_public(
    client, writer, editor
):
    briefing = with_image("published", writer, editor)
    old = image_url(briefing)
    briefing.lead_image = png()
    briefing.save()
    workflow.save_working_copy(writer, briefing)
    assert client.get(old).status_code == 200
    assert client.get(image_url(briefing)).status_code == 404


def test_nothing_else_under_media_is_served(client, settings, tmp_path):
    (settings.MEDIA_ROOT / "notes.txt").parent.mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "notes.txt").write_text("private")
    assert client.get("/media/notes.txt").status_code == 404
    assert client.get("/media/lead-images/../notes.txt").status_code == 404


def test_the_front_server_sends_the_bytes_when_configured(client, writer, editor, settings):
    settings.MEDIA_X_ACCEL_REDIRECT = "/protected-media/"
    briefing = with_image("published", writer, editor)
    response = client.get(image_url(briefing))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + briefing.lead_image.name
    assert response.content == b""
    assert reverse("briefings:media", args=[briefing.lead_image.name]) == image_url(briefing)
