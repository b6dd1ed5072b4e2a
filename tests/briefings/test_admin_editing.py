"""Editing briefings in the admin: the form a writer fills in, and what it refuses."""

import io

import pytest

from briefings.models import HOUSE_SECTIONS, Briefing
from tests.factories import BriefingFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

INLINES = ["takeaways", "sections", "qa_blocks", "notes", "citations"]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def form_data(briefing=None, topic=None, **fields):
    """POST data for the briefing change form, with empty inline management forms."""
    data = {
        "headline": "Gate trial ends",
        "slug": "gate-trial-ends",
        "dek": "Engineers stopped the test early.",
        "topic": str(topic.pk if topic else briefing.topic_id),
        "work_type": "explainer",
        "attribution_kind": "original",
        "lead_image_source_type": "",
    }
    if briefing is not None:
        data.update(headline=briefing.headline, slug=briefing.slug, dek=briefing.dek)
        data["version"] = str(briefing.version)
    for prefix in INLINES:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(fields)
    return data


def test_new_briefing_form_offers_the_house_sections(admin_client):
    html = admin_client.get("/admin/briefings/briefing/add/").text
    for heading in HOUSE_SECTIONS:
        assert f'value="{heading}"' in html


def test_admin_saves_a_briefing_with_ordered_children_and_clean_html(admin_client):
    topic = TopicFactory()
    data = form_data(
        topic=topic,
        **{
            "takeaways-TOTAL_FORMS": "2",
            "takeaways-0-position": "2",
            "takeaways-0-text": "Second",
            "takeaways-1-position": "1",
            "takeaways-1-text": "First",
            "sections-TOTAL_FORMS": "1",
            "sections-0-position": "1",
            "sections-0-heading": "What happened",
            "sections-0-body": '<p onmouseover="x()">Text</p><script>bad()</script>',
        },
    )
    response = admin_client.post("/admin/briefings/briefing/add/", data)
    assert response.status_code == 302, response.text

    briefing = Briefing.objects.get(slug="gate-trial-ends")
    assert list(briefing.takeaways.values_list("position", "text")) == [
        (1, "First"),
        (2, "Second"),
    ]
    assert briefing.sections.get().body == "<p>Text</p>bad()"


def test_reordering_children_in_the_admin_swaps_their_positions(admin_client):
    briefing = BriefingFactory()
    rows = [briefing.takeaways.create(position=n, text=f"Point {n}") for n in (1, 2, 3)]
    data = form_data(briefing, **{"takeaways-TOTAL_FORMS": "3", "takeaways-INITIAL_FORMS": "3"})
    for index, (row, new_position) in enumerate(zip(rows, [3, 2, 1], strict=True)):
        data |= {
            f"takeaways-{index}-id": str(row.pk),
            f"takeaways-{index}-briefing": str(briefing.pk),
            f"takeaways-{index}-position": str(new_position),
            f"takeaways-{index}-text": row.text,
        }

    response = admin_client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data)

    assert response.status_code == 302, response.text
    assert list(briefing.takeaways.values_list("text", flat=True)) == [
        "Point 3",
        "Point 2",
        "Point 1",
    ]


def test_duplicate_slug_is_refused_with_a_message(admin_client):
    existing = BriefingFactory(slug="taken")
    response = admin_client.post(
        "/admin/briefings/briefing/add/", form_data(topic=existing.topic, slug="taken")
    )
    assert response.status_code == 200
    assert "Briefing with this Slug already exists." in response.text
    assert Briefing.objects.count() == 1


def test_overlong_headline_and_missing_slug_are_refused(admin_client):
    """A draft may lack a dek (the checklist asks for it), not its headline or address."""
    response = admin_client.post(
        "/admin/briefings/briefing/add/",
        form_data(topic=TopicFactory(), headline="x" * 111, dek="", slug=""),
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 110 characters (it has 111)." in response.text
    assert "This field is required." in response.text
    assert not Briefing.objects.exists()


def test_lead_image_that_is_not_an_image_is_refused(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(topic=TopicFactory())
    data["lead_image"] = SimpleUploadedFile("photo.png", b"not really a png", "image/png")
    response = admin_client.post("/admin/briefings/briefing/add/", data)
    assert response.status_code == 200
    assert "Upload a JPEG, PNG or WebP image." in response.text
    assert not Briefing.objects.exists()


def jpeg_with_camera_metadata() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (64, 48), "#3a6ea5")
    exif = image.getexif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0110] = "Camera model SN-12345"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_lead_image_is_stored_under_a_random_name_without_camera_metadata(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    original = jpeg_with_camera_metadata()
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really carries EXIF
    data = form_data(topic=TopicFactory())
    data["lead_image"] = SimpleUploadedFile("my-holiday-at-home.jpg", original, "image/jpeg")
    response = admin_client.post("/admin/briefings/briefing/add/", data)
    assert response.status_code == 302, response.text

    stored = Briefing.objects.get().lead_image
    assert "my-holiday-at-home" not in stored.name
    assert stored.name.endswith(".jpg")
    with stored.open("rb") as file:
        image = Image.open(file)
        assert image.size == (64, 48)
        assert not image.getexif()


def test_lead_image_over_the_size_limit_is_refused(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 100
    data = form_data(topic=TopicFactory())
    data["lead_image"] = SimpleUploadedFile("big.jpg", jpeg_with_camera_metadata(), "image/jpeg")
    response = admin_client.post("/admin/briefings/briefing/add/", data)
    assert response.status_code == 200
    assert "the largest accepted is 100\xa0bytes" in response.text
    assert not Briefing.objects.exists()


def test_byline_offers_active_staff_by_their_public_names(admin_client):
    UserFactory(display_name="Visible Reporter")
    UserFactory(display_name="Gone Reporter", is_active=False)
    UserFactory(display_name="Not Staff", is_staff=False)
    html = admin_client.get("/admin/briefings/briefing/add/").text
    assert "Visible Reporter" in html
    assert "Gone Reporter" not in html
    assert "Not Staff" not in html
