"""The lead image on the change form: a thumbnail of the current image, served through the
checked /media/ view, and the pixel limit met by a real 40-megapixel JPEG."""

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from briefings.images import refuse_decompression_bombs
from briefings.models import Briefing
from tests.briefings.test_admin_editing import form_data
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/briefings/briefing/add/"


@pytest.fixture(autouse=True)
def _as_the_site_opens_images():
    refuse_decompression_bombs()


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 200).save(buffer, "JPEG", quality=50)
    return buffer.getvalue()


def upload(client, name: str, data: bytes):
    form = form_data(topic=TopicFactory(), lead_image_alt="A ferry", lead_image_credit="Us")
    form["lead_image"] = SimpleUploadedFile(name, data, "image/jpeg")
    return client.post(ADD_URL, form)


def test_the_change_form_shows_a_thumbnail_staff_can_see_and_others_cannot(client, writer):
    client.force_login(writer)
    assert upload(client, "ferry.jpg", jpeg(640, 480)).status_code == 302
    briefing = Briefing.objects.get()

    html = client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    [src] = re.findall(r'<img src="([^"]+)" alt="The current lead image"', html)
    assert src == f"/media/{briefing.lead_image.name}"

    image = client.get(src)  # a draft's image, for the writer who may preview it
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (640, 480)

    client.force_login(UserFactory(role="Writers"))  # another writer's draft: not theirs
    assert client.get(src).status_code == 404
    client.logout()
    assert client.get(src).status_code == 404


def test_a_new_briefing_form_shows_no_thumbnail(client, writer):
    client.force_login(writer)
    TopicFactory()
    assert "The current lead image" not in client.get(ADD_URL).text


def test_a_40_megapixel_jpeg_is_refused_in_the_admin_with_its_size_and_the_limit(client, writer):
    photo = jpeg(8_000, 5_008)  # a real JPEG, 40,064,000 pixels, over the 40,000,000 limit
    client.force_login(writer)

    started = time.monotonic()
    response = upload(client, "camera.jpg", photo)

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert (
        "This image is 8,000 × 5,008 pixels (40,064,000 in all); the largest accepted has "
        "40,000,000 pixels in all." in response.text
    )
    assert not Briefing.objects.exists()


def test_the_limit_is_checked_before_the_jpeg_is_decoded(client, writer):
    """The same file cut off just after its scan begins: decoding it would fail with "could
    not be read", so the size message proves that only the header was read."""
    photo = jpeg(8_000, 5_008)
    cut = photo[: photo.index(b"\xff\xda") + 64]
    client.force_login(writer)

    response = upload(client, "cut.jpg", cut)

    assert "This image is 8,000 × 5,008 pixels" in response.text
    assert "could not be read" not in response.text
    assert not Briefing.objects.exists()
