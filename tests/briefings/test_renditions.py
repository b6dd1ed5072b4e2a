"""Renditions of a published lead image: made once at publication in AVIF, WebP and JPEG at
several widths, each with the credit and IPTC source type and nothing else; the page offers
them with srcset and sizes; whoever may see the image may see its renditions."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from briefings import renditions, workflow
from briefings.images import clean_upload
from tests.briefings.test_images import provenance_of
from tests.factories import briefing_in_state

pytestmark = pytest.mark.django_db


def _png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "darkred").save(buffer, "PNG")
    return buffer.getvalue()


def _with_image(briefing, width, height):
    upload = SimpleUploadedFile("photo.png", _png(width, height))
    briefing.lead_image = clean_upload(upload, "Ana Photographer", "digitalCapture")
    briefing.lead_image_alt, briefing.lead_image_credit = "A harbour", "Ana Photographer"
    briefing.lead_image_source_type = "digitalCapture"
    briefing.save()
    return briefing


def test_publication_makes_every_width_in_every_format_with_provenance(writer, editor):
    briefing = _with_image(briefing_in_state("in_review", writer, editor), 2000, 1200)
    workflow.publish(editor, briefing)

    original = briefing.lead_image.name
    for width in (480, 960, 1600):
        for ext, kind in (("avif", "AVIF"), ("webp", "WEBP"), ("jpg", "JPEG")):
            with default_storage.open(renditions.name_of(original, width, ext)) as file:
                data = file.read()
            image = Image.open(io.BytesIO(data))
            assert (image.format, image.size) == (kind, (width, round(1200 * width / 2000)))
            assert "exif" not in image.info
            xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
            assert xmp, (width, ext)
            if ext != "avif":  # the test's XMP reader knows JPEG and WebP containers
                assert provenance_of(data)["credit"] == "Ana Photographer"


def test_a_small_image_is_never_enlarged(writer, editor):
    briefing = _with_image(briefing_in_state("in_review", writer, editor), 300, 200)
    workflow.publish(editor, briefing)
    assert renditions.widths_for(300) == [300]
    assert default_storage.exists(renditions.name_of(briefing.lead_image.name, 300, "webp"))
    assert not default_storage.exists(renditions.name_of(briefing.lead_image.name, 480, "webp"))


def test_the_page_offers_the_renditions_with_srcset_and_sizes(client, writer, editor):
    briefing = _with_image(briefing_in_state("in_review", writer, editor), 1000, 500)
    workflow.publish(editor, briefing)

    html = client.get(briefing.get_absolute_url()).text
    picture = html.split("<picture>")[1].split("</picture>")[0]
    name = briefing.lead_image.name
    assert f'<source type="image/avif" srcset="/media/{name}.480.avif 480w, ' in picture
    assert f'/media/{name}.960.webp 960w, /media/{name}.1000.webp 1000w"' in picture
    assert f'srcset="/media/{name}.480.jpg 480w, /media/{name}.960.jpg 960w' in picture
    assert 'width="1000" height="500"' in picture and 'sizes="' in picture

    served = client.get(f"/media/{name}.960.avif")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/avif"
    assert "public" in served["Cache-Control"]


def test_a_drafts_renditions_are_not_public(client, writer, editor):
    briefing = _with_image(briefing_in_state("published", writer, editor), 600, 400)
    name = briefing.lead_image.name
    renditions.make(name, "Ana Photographer", "digitalCapture")  # as if made, never published
    assert client.get(f"/media/{name}.480.webp").status_code == 404
    assert client.get(f"/media/{name}.480.webp/../x").status_code == 404


def test_republishing_the_same_image_does_not_make_its_renditions_again(writer, editor):
    briefing = _with_image(briefing_in_state("in_review", writer, editor), 600, 400)
    workflow.publish(editor, briefing)
    name = renditions.name_of(briefing.lead_image.name, 480, "webp")
    default_storage.delete(name)  # were it made again, it would be back

    briefing.refresh_from_db()
    briefing.dek = "A new dek."
    briefing.save()
    workflow.save_working_copy(writer, briefing)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    assert not default_storage.exists(name)

    briefing.refresh_from_db()
    briefing.lead_image_credit = "Ana Photographer / Harbour Agency"  # provenance changed
    briefing.save()
    workflow.save_working_copy(writer, briefing)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    assert default_storage.exists(name)
