"""Lead images: what an upload may cost, which decoders see it, and what the stored file keeps.

Every image here is a real file, made with Pillow or written byte by byte (a PNG header can
promise more pixels than its few kilobytes hold, which is the point of an image bomb).
"""

import io
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import EpsImagePlugin, Image, PngImagePlugin

from briefings.images import clean_upload, embed_provenance, refuse_decompression_bombs
from briefings.models import Briefing
from tests.briefings.test_admin_editing import form_data
from tests.factories import BriefingFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

ADD_URL = "/admin/briefings/briefing/add/"
UNSUPPORTED = "Upload a JPEG, PNG or WebP image."
SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
IPTC_EXT = "{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}"

# What a phone or a careless export leaves in a file: a name, home coordinates, a number.
PRIVATE = "Jane Doe, 12 Harbour Road, 51.5072 N 0.1276 W, +44 20 7946 0958"
PRIVATE_PIECES = [b"Jane Doe", b"Harbour Road", b"7946 0958", b"51.5072"]
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _as_the_site_opens_images():
    """The site makes Pillow's bomb warning an error when it loads; pytest resets the warning
    filters set while Django was set up, so set it again (pytest restores them afterwards)."""
    refuse_decompression_bombs()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def upload_as_lead_image(admin_client, name: str, data: bytes, content_type="image/png"):
    form = form_data(topic=TopicFactory())
    form["lead_image"] = SimpleUploadedFile(name, data, content_type)
    return admin_client.post(ADD_URL, form)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + payload))
    return struct.pack(">I", len(payload)) + kind + payload + crc


def black_and_white_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A one-bit PNG of ``width`` × ``height`` white pixels, written row by row so that a
    huge one costs the test almost nothing; with ``rows``, the data stops after that many."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels + compressor.flush())
        + png_chunk(b"IEND", b"")
    )


# Image bombs: a pixel limit checked before decoding.


def test_the_13000_pixel_square_png_from_the_issue_is_refused_at_once():
    bomb = black_and_white_png(13_000, 13_000)
    assert len(bomb) < 50_000  # 169 million pixels in a few kilobytes
    started = time.monotonic()
    with pytest.raises(ValidationError) as refusal:
        clean_upload(SimpleUploadedFile("bomb.png", bomb, "image/png"))
    assert time.monotonic() - started < 1
    assert refusal.value.messages == [
        "This image has more than 89,478,485 pixels; the largest accepted has 40,000,000."
    ]


def test_an_image_over_the_pixel_limit_is_refused_before_a_pixel_is_decoded():
    # The header promises 7,000 × 7,000 pixels; the data stops after one row, so decoding
    # it would fail with "truncated" instead of this refusal.
    upload = SimpleUploadedFile("big.png", black_and_white_png(7_000, 7_000, rows=1))
    with pytest.raises(ValidationError) as refusal:
        clean_upload(upload)
    assert refusal.value.messages == [
        "This image is 7,000 × 7,000 pixels (49,000,000 in all); the largest accepted has "
        "40,000,000 pixels in all."
    ]


def riff_chunk(fourcc: bytes, payload: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) % 2)


def webp_with_a_huge_canvas(width: int, height: int) -> bytes:
    """An animated WebP of one 1 × 1 frame on a ``width`` × ``height`` canvas: under a hundred
    bytes, which the decoder turns into a canvas of four bytes a pixel."""
    frame = io.BytesIO()
    Image.new("RGBA", (1, 1), "red").save(frame, "WEBP", lossless=True)
    vp8l = frame.getvalue()[12:]
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = (
        b"WEBP"
        + riff_chunk(b"VP8X", b"\x12\x00\x00\x00" + size)  # alpha, animation
        + riff_chunk(b"ANIM", b"\x00" * 6)
        + riff_chunk(b"ANMF", b"\x00" * 12 + b"\x64\x00\x00\x00" + vp8l)
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_a_tiny_webp_with_a_huge_canvas_is_refused():
    bomb = webp_with_a_huge_canvas(7_000, 7_000)
    assert len(bomb) < 100
    with pytest.raises(ValidationError, match="This image is 7,000 × 7,000 pixels"):
        clean_upload(SimpleUploadedFile("tiny.webp", bomb, "image/webp"))


def test_the_admin_names_the_size_and_the_limit(admin_client):
    response = upload_as_lead_image(admin_client, "big.png", black_and_white_png(7_000, 7_000))
    assert response.status_code == 200
    assert "This image is 7,000 × 7,000 pixels" in response.text
    assert "the largest accepted has 40,000,000 pixels" in response.text
    assert not Briefing.objects.exists()


def test_the_admin_refuses_the_13000_pixel_square_png_quickly(admin_client):
    started = time.monotonic()
    response = upload_as_lead_image(admin_client, "bomb.png", black_and_white_png(13_000, 13_000))
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "the largest accepted has 40,000,000" in response.text  # ours, not "not valid"
    assert not Briefing.objects.exists()


def test_the_pixel_limit_is_a_setting(settings):
    assert settings.MAX_IMAGE_PIXELS == 40_000_000
    settings.MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError, match=r"11 × 10 pixels \(110 in all\).*has 100 pixels"):
        clean_upload(SimpleUploadedFile("small.png", black_and_white_png(11, 10)))
    assert clean_upload(SimpleUploadedFile("small.png", black_and_white_png(10, 10)))


def test_pillow_refuses_an_image_over_its_own_limit_anywhere_on_the_site(tmp_path):
    """Not only in the upload form: in any process of the site, Pillow's warning is an error."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(black_and_white_png(13_000, 13_000))
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from PIL import Image; Image.open({str(bomb)!r})",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PIL.Image.DecompressionBombWarning: Image size (169000000 pixels)" in result.stderr


# Decoders: only JPEG, PNG and WebP ever see an upload.

EPS = b"""%!PS-Adobe-3.0 EPSF-3.0
%%BoundingBox: 0 0 10 10
%%EndComments
newpath 0 0 moveto 10 10 lineto stroke
showpage
%%EOF
"""


def test_an_eps_upload_never_runs_ghostscript(admin_client, tmp_path, monkeypatch):
    ran = tmp_path / "ghostscript-ran"
    fake_gs = tmp_path / "bin" / "gs"
    fake_gs.parent.mkdir()
    fake_gs.write_text(f"#!/bin/sh\ntouch {ran}\nexit 1\n")
    fake_gs.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_gs.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)  # Pillow looks for gs again

    response = upload_as_lead_image(admin_client, "chart.eps", EPS, "application/postscript")

    assert not ran.exists()
    assert response.status_code == 200
    assert UNSUPPORTED in response.text
    assert not Briefing.objects.exists()


def gif(size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).save(buffer, "GIF")
    return buffer.getvalue()


def test_a_gif_is_refused_without_being_decoded(admin_client):
    # Cut short, a GIF that is decoded fails as "truncated"; one that is not just is refused.
    data = gif()
    response = upload_as_lead_image(admin_client, "animation.gif", data[: len(data) // 2])
    assert UNSUPPORTED in response.text
    assert "could not be read" not in response.text
    assert not Briefing.objects.exists()


@pytest.mark.parametrize("kind", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_formats_pillow_reads_are_refused_with_a_clear_message(kind):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "#3a6ea5").save(buffer, kind)
    with pytest.raises(ValidationError) as refusal:
        clean_upload(SimpleUploadedFile(f"image.{kind.lower()}", buffer.getvalue()))
    assert refusal.value.messages == [UNSUPPORTED]


def test_a_jpeg_with_a_second_picture_is_stored_as_a_plain_jpeg():
    """Phones write a depth map or a preview as a second picture (Pillow calls it MPO)."""
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (32, 24), "red"), Image.new("RGB", (8, 6), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    cleaned = clean_upload(SimpleUploadedFile("phone.jpg", buffer.getvalue(), "image/jpeg"))
    stored = Image.open(io.BytesIO(cleaned.read()))
    assert (stored.format, stored.size, getattr(stored, "n_frames", 1)) == ("JPEG", (32, 24), 1)


# Metadata: none survives, except the provenance we write back.


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x0110] = "Camera model SN-12345"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 30.0, 25.9)
    gps[3], gps[4] = "W", (0.0, 7.0, 39.4)
    return exif


def foreign_xmp() -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about="" '
        f'dc:creator="{PRIVATE}"/></rdf:RDF></x:xmpmeta>'
    ).encode()


def iptc_segment() -> bytes:
    """A Photoshop APP13 segment with an IPTC by-line and contact, as agencies' files have."""
    records = b"".join(
        b"\x1c\x02" + bytes([tag]) + struct.pack(">H", len(value)) + value
        for tag, value in [(80, b"Jane Doe"), (118, b"+44 20 7946 0958")]
    )
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records
    payload = b"Photoshop 3.0\x00" + resource + b"\x00" * (len(records) % 2)
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def picture(mode: str) -> Image.Image:
    """Two colours, with a gradient of transparency when ``mode`` has alpha."""
    image = Image.new("RGB", (64, 48), "#3a6ea5")
    image.paste("#f0c020", (16, 12, 48, 36))
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").resize((64, 48)))
    elif mode == "P":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=2)
        image.info["transparency"] = 0
    return image


def image_with_private_metadata(kind: str, mode: str = "RGB") -> bytes:
    image = picture(mode)
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.save(
            buffer,
            "JPEG",
            comment=PRIVATE.encode(),
            exif=exif_with_gps(),
            xmp=foreign_xmp(),
            extra=iptc_segment(),
        )
    elif kind == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Jane Doe")
        text.add_text("Comment", PRIVATE, zip=True)
        text.add_itxt("XML:com.adobe.xmp", foreign_xmp().decode())
        image.save(buffer, "PNG", pnginfo=text, exif=exif_with_gps())
    else:
        image.save(buffer, "WEBP", exif=exif_with_gps(), xmp=foreign_xmp(), lossless=True)
    data = buffer.getvalue()
    assert all(piece in data or kind == "PNG" for piece in PRIVATE_PIECES)  # really there
    return data


def provenance_of(data: bytes) -> dict[str, str]:
    """The provenance an image's XMP states, read back as any XMP reader would."""
    xmp = Image.open(io.BytesIO(data)).info.get("xmp")
    if not xmp:
        return {}
    xmp = xmp.encode() if isinstance(xmp, str) else xmp
    description = ElementTree.fromstring(xmp).find(".//{*}Description")
    found = {
        "credit": description.get(f"{PHOTOSHOP}Credit"),
        "source_type": description.get(f"{IPTC_EXT}DigitalSourceType"),
    }
    return {key: value for key, value in found.items() if value is not None}


def assert_nothing_private(data: bytes) -> None:
    for piece in PRIVATE_PIECES + [b"SN-12345"]:
        assert piece not in data
    assert b"Exif\x00\x00" not in data
    assert b"Photoshop 3.0" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_a_jpeg_uploaded_in_the_admin_is_stored_without_comment_gps_or_iptc(admin_client):
    original = image_with_private_metadata("JPEG")
    response = upload_as_lead_image(admin_client, "holiday.jpg", original, "image/jpeg")
    assert response.status_code == 302, response.text
    with Briefing.objects.get().lead_image.open("rb") as stored:
        data = stored.read()
    assert_nothing_private(data)
    assert b"\xff\xfe" not in data.split(b"\xff\xda")[0]  # no comment segment before the scan


CASES = [("JPEG", "RGB", "jpg"), ("PNG", "RGBA", "png"), ("PNG", "P", "png")]
CASES += [("WEBP", "RGB", "webp"), ("WEBP", "RGBA", "webp")]


@pytest.mark.parametrize(("kind", "mode", "extension"), CASES)
def test_a_stored_lead_image_keeps_its_provenance_and_nothing_else(kind, mode, extension):
    upload = SimpleUploadedFile(f"photo.{extension}", image_with_private_metadata(kind, mode))
    cleaned = clean_upload(
        upload,
        credit='Image model X, prompted by "the desk"',
        source_type="trainedAlgorithmicMedia",
    )
    briefing = BriefingFactory()
    briefing.lead_image.save(cleaned.name, cleaned)

    with briefing.lead_image.open("rb") as stored:
        data = stored.read()
    assert_nothing_private(data)
    assert b"trainedAlgorithmicMedia" in data
    assert provenance_of(data) == {
        "credit": 'Image model X, prompted by "the desk"',
        "source_type": SOURCE_TYPES + "trainedAlgorithmicMedia",
    }
    image = Image.open(io.BytesIO(data))
    image.load()
    assert (image.format, image.size) == (kind, (64, 48))


def test_without_a_credit_or_source_type_a_stored_image_has_no_xmp():
    cleaned = clean_upload(SimpleUploadedFile("p.jpg", image_with_private_metadata("JPEG")))
    data = cleaned.read()
    assert_nothing_private(data)
    assert b"http://ns.adobe.com/xap/1.0/" not in data


@pytest.mark.parametrize(("kind", "mode", "extension"), CASES)
def test_embed_provenance_replaces_it_in_a_stored_file_without_reencoding(
    kind, mode, extension, tmp_path
):
    upload = SimpleUploadedFile(f"photo.{extension}", image_with_private_metadata(kind, mode))
    path = tmp_path / f"stored.{extension}"
    path.write_bytes(clean_upload(upload, "Old credit", "digitalCapture").read())
    with Image.open(path) as image:
        pixels = image.convert("RGBA").tobytes()

    embed_provenance(path, "Harbour Agency & Co <pictures>", "compositeWithTrainedAlgorithmicMedia")

    data = path.read_bytes()
    assert provenance_of(data) == {
        "credit": "Harbour Agency & Co <pictures>",
        "source_type": SOURCE_TYPES + "compositeWithTrainedAlgorithmicMedia",
    }
    assert b"Old credit" not in data
    assert b"digitalCapture" not in data
    with Image.open(path) as image:
        assert image.convert("RGBA").tobytes() == pixels  # the same pixels, not re-encoded


def test_embed_provenance_gives_a_simple_lossless_webp_the_header_its_alpha_needs(tmp_path):
    path = tmp_path / "simple.webp"
    picture("RGBA").save(path, "WEBP", lossless=True)
    assert path.read_bytes()[12:16] == b"VP8L"  # no VP8X header yet
    with Image.open(path) as image:
        pixels = image.tobytes()

    embed_provenance(path, "Desk", "digitalCreation")

    data = path.read_bytes()
    assert data[12:16] == b"VP8X"
    assert provenance_of(data) == {
        "credit": "Desk",
        "source_type": SOURCE_TYPES + "digitalCreation",
    }
    with Image.open(path) as image:
        assert (image.mode, image.tobytes()) == ("RGBA", pixels)


def test_embed_provenance_on_a_briefing_lead_image_opened_for_writing():
    briefing = BriefingFactory()
    cleaned = clean_upload(SimpleUploadedFile("p.png", image_with_private_metadata("PNG")))
    briefing.lead_image.save(cleaned.name, cleaned)

    with briefing.lead_image.open("r+b") as file:
        embed_provenance(file, "Newsroom graphics desk", "dataDrivenMedia")

    with briefing.lead_image.open("rb") as file:
        data = file.read()
    assert provenance_of(data) == {
        "credit": "Newsroom graphics desk",
        "source_type": SOURCE_TYPES + "dataDrivenMedia",
    }


def test_embed_provenance_strips_the_comment_from_a_jpeg_stored_before(tmp_path):
    """Images stored before metadata was stripped still carry their JPEG comment."""
    path = tmp_path / "old.jpg"
    path.write_bytes(image_with_private_metadata("JPEG"))
    embed_provenance(path, "Jo Reporter", "digitalCapture")
    data = path.read_bytes()
    assert_nothing_private(data)
    assert provenance_of(data) == {
        "credit": "Jo Reporter",
        "source_type": SOURCE_TYPES + "digitalCapture",
    }


def test_embed_provenance_refuses_what_is_not_a_lead_image(tmp_path):
    path = tmp_path / "chart.gif"
    path.write_bytes(gif())
    with pytest.raises(ValueError, match="Not a JPEG, PNG or WebP file"):
        embed_provenance(path, "Desk", "dataDrivenMedia")
    with pytest.raises(ValueError, match="Not an IPTC digital source type"):
        embed_provenance(io.BytesIO(black_and_white_png(4, 4)), "", "<x>")
