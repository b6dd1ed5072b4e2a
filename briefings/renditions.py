"""Renditions of a published lead image: several widths in AVIF and WebP, with a JPEG for
browsers that read neither. Made once, when a revision goes live (``workflow.make_live``),
never during a request; each carries the credit and the IPTC digital source type (XMP) and no
other metadata.

A rendition is stored beside its original as ``<original name>.<width>.<ext>``
(``lead-images/2026/12/ab12….png.960.webp``), so whoever may see the original may see its
renditions (``briefings/media.py``) and a page can name them from the snapshot alone.
"""

import io
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from .images import FORMATS, keep_provenance, provenance_xmp

WIDTHS = (480, 960, 1600)
KINDS = (("avif", "AVIF", "image/avif", 50), ("webp", "WEBP", "image/webp", 78))
KINDS += (("jpg", "JPEG", "image/jpeg", 82),)
SIZES = "(min-width: 44rem) 42rem, 100vw"  # the column the lead image fills
NAME = re.compile(r"^(?P<original>.+)\.(?P<width>\d+)\.(?P<ext>avif|webp|jpg)$")


def widths_for(width: int) -> list[int]:
    """The widths an image ``width`` pixels wide is rendered at: never wider than itself."""
    return sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])}) if width else []


def name_of(original: str, width: int, ext: str) -> str:
    return f"{original}.{width}.{ext}"


def original_of(name: str) -> str | None:
    """The original a rendition's name was made from (None when ``name`` is not one)."""
    match = NAME.match(name)
    return match["original"] if match else None


def make(original: str, credit: str, source_type: str) -> list[str]:
    """Write the renditions of the stored image ``original``; their names. Idempotent: a
    rendition already stored is written again (its credit may have changed)."""
    with default_storage.open(original, "rb") as file:
        image = Image.open(file, formats=list(FORMATS))
        image.load()
    image = ImageOps.exif_transpose(image)
    xmp = provenance_xmp(credit, source_type) if (credit or source_type) else b""
    written = []
    for width in widths_for(image.width):
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for ext, kind, _, quality in KINDS:
            frame = resized.convert("RGB") if kind == "JPEG" else resized
            buffer = io.BytesIO()
            options = {"quality": quality, **({"xmp": xmp} if xmp else {})}
            frame.save(buffer, kind, **options)
            name = name_of(original, width, ext)
            if default_storage.exists(name):
                default_storage.delete(name)
            written.append(default_storage.save(name, ContentFile(buffer.getvalue())))
    return written


def publish(image, previous=None) -> None:
    """Ready ``image`` (a snapshot's) for readers: its credit and source type written into the
    stored file, and its renditions made. Skipped when ``previous``, the image the live revision
    before went out with, is the same file with the same provenance: that was done then."""
    same = (
        previous is not None
        and previous.width
        and (
            (previous.name, previous.credit, previous.source_type)
            == (image.name, image.credit, image.source_type)
        )
    )
    if same or not default_storage.exists(image.name):
        return
    keep_provenance(image.name, image.credit, image.source_type)
    make(image.name, image.credit, image.source_type)


def srcsets(original: str, width: int) -> list[tuple[str, str]]:
    """(MIME type, srcset) for each kind, widest last; empty without a known width."""
    sets = []
    for ext, _, mime, _ in KINDS:
        urls = [f"{default_storage.url(name_of(original, w, ext))} {w}w" for w in widths_for(width)]
        if urls:
            sets.append((mime, ", ".join(urls)))
    return sets
