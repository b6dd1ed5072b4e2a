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

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import EpsImagePlugin, Image

from briefings.images import clean_upload, refuse_decompression_bombs
from briefings.models import Briefing
from tests.briefings.test_admin_editing import form_data
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

ADD_URL = "/admin/briefings/briefing/add/"
UNSUPPORTED = "Upload a JPEG, PNG or WebP image."


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
    assert "errorlist" in response.text
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
