"""Lead images as we store them: checked, named at random, stripped of metadata, provenance kept.

Only the JPEG, PNG and WebP decoders ever see an upload (never Pillow's others: Ghostscript
for EPS, GIF, TIFF...), and an image's dimensions are checked before a pixel is decoded: a
657 KB PNG can hold 13,000 × 13,000 pixels, which took 1.4 GB and 7 s to decode.

Re-encoding keeps the pixels upright and the colour profile and drops the rest: EXIF (GPS
position, camera serial numbers, owner names), XMP, IPTC, comments and text chunks. What the
page tells readers about the image, its credit line and IPTC digital source type, is written
back as a small XMP packet, so copies and renditions keep their provenance.
"""

import html
import io
import os
import re
import shutil
import uuid
import warnings
import zlib
from pathlib import Path, PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image, ImageOps

FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
UNSUPPORTED = "Upload a JPEG, PNG or WebP image."

SOURCE_TYPE_VOCABULARY = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def refuse_decompression_bombs() -> None:
    """Make Pillow's decompression-bomb warning an error in this process, wherever an image is
    opened: over its own limit (89,478,485 pixels) Pillow only warns, then decodes."""
    warnings.simplefilter("error", Image.DecompressionBombWarning)


refuse_decompression_bombs()


def lead_image_path(instance, filename: str) -> str:
    """A random name, so that an unpublished image's address cannot be guessed."""
    extension = PurePath(filename).suffix.lower()[:6]
    return f"lead-images/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def clean_upload(upload, credit: str = "", source_type: str = "") -> SimpleUploadedFile:
    """The uploaded image re-encoded without metadata, or a ValidationError saying why not.

    ``credit`` and ``source_type`` (an IPTC digital source type code, such as
    ``trainedAlgorithmicMedia``), when given, are written into the file (see
    ``embed_provenance``).
    """
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This image is {filesizeformat(upload.size)}; the largest accepted is "
            f"{filesizeformat(settings.MAX_UPLOAD_BYTES)}."
        )
    upload.seek(0)
    try:
        image = Image.open(upload, formats=list(FORMATS))
    except Image.UnidentifiedImageError as error:
        raise ValidationError(UNSUPPORTED) from error
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ValidationError(
            f"This image has more than {Image.MAX_IMAGE_PIXELS:,} pixels; the largest "
            f"accepted has {settings.MAX_IMAGE_PIXELS:,}."
        ) from error
    except (OSError, ValueError) as error:
        raise ValidationError(f"This image could not be read: {error}") from error
    _check_pixels(*image.size)
    # Pillow calls a JPEG with further pictures (a phone's depth map, say) MPO; we keep the first.
    kind = "JPEG" if image.format == "MPO" else image.format
    if kind not in FORMATS:
        raise ValidationError(UNSUPPORTED)
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError) as error:
        raise ValidationError(f"This image could not be read: {error}") from error
    extension, content_type = FORMATS[kind]
    options = {
        "icc_profile": image.info.get("icc_profile"),
        "transparency": image.info.get("transparency") if kind == "PNG" else None,
    }
    image.info = {}  # Pillow writes some of it back (a JPEG's comment, for one)
    if kind == "JPEG":
        image = image.convert("RGB") if image.mode not in {"RGB", "L"} else image
        options |= {"quality": 90, "optimize": True}
    buffer = io.BytesIO()
    image.save(buffer, kind, **{k: v for k, v in options.items() if v is not None})
    data = _with_provenance(buffer.getvalue(), credit, source_type)
    stem = PurePath(upload.name).stem[:80] or "lead-image"
    cleaned = SimpleUploadedFile(f"{stem}.{extension}", data, content_type)
    cleaned.newsroom_cleaned = True  # the model layer does not clean it a second time
    return cleaned


def clean_new_lead_image(briefing) -> None:
    """Clean an upload assigned to ``briefing.lead_image`` and not yet stored, whichever way
    it came (the admin's form cleans first, to show its errors; a script or shell may not)."""
    field_file = briefing.lead_image
    if not field_file or field_file._committed:
        return
    upload = field_file.file
    if getattr(upload, "newsroom_cleaned", False):
        return
    briefing.lead_image = clean_upload(
        upload, briefing.lead_image_credit, briefing.lead_image_source_type
    )


def image_size(upload) -> tuple[int, int]:
    """The width and height of a cleaned image not yet stored (read from its header)."""
    upload.seek(0)
    with Image.open(upload, formats=list(FORMATS)) as image:
        size = image.size
    upload.seek(0)
    return size


def keep_provenance(name: str, credit: str, source_type: str) -> None:
    """Write the credit and source type readers are shown into the stored image file, so every
    copy served carries them (publication calls this; a later credit fix is written too)."""
    from django.core.files.storage import default_storage

    if not name or not default_storage.exists(name):
        return
    with default_storage.open(name, "r+b") as file:
        embed_provenance(file, credit, source_type)


def _check_pixels(width: int, height: int) -> None:
    limit = settings.MAX_IMAGE_PIXELS
    if width * height > limit:
        raise ValidationError(
            f"This image is {width:,} × {height:,} pixels ({width * height:,} in all); the "
            f"largest accepted has {limit:,} pixels in all."
        )


def embed_provenance(
    path_or_file: str | os.PathLike | BinaryIO, credit: str, source_type: str
) -> None:
    """Write ``credit`` and ``source_type`` into a stored JPEG, PNG or WebP lead image, in
    place of any metadata it carries, without re-encoding its pixels.

    ``path_or_file`` is a path, or a binary file open for reading and writing, for instance
    ``with briefing.lead_image.open("r+b") as file: embed_provenance(file, ...)``. Empty
    ``credit`` and ``source_type`` leave the image with no metadata at all. Raises
    ValueError for a file that is not one of the three formats.
    """
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        data = _with_provenance(path.read_bytes(), credit, source_type)
        # Write beside it and rename: whoever serves the file never sees half of it.
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_bytes(data)
        shutil.copymode(path, temporary)
        temporary.replace(path)
        return
    path_or_file.seek(0)
    data = _with_provenance(path_or_file.read(), credit, source_type)
    path_or_file.seek(0)
    path_or_file.write(data)
    path_or_file.truncate()


def provenance_xmp(credit: str, source_type: str) -> bytes:
    """An XMP packet with the IPTC credit line and digital source type, and nothing else."""
    attributes = ""
    if credit:
        attributes += f' photoshop:Credit="{_xml_attribute(credit)}"'
    if source_type:
        attributes += f' Iptc4xmpExt:DigitalSourceType="{_source_type_uri(source_type)}"'
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        f"{attributes}/>"
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="r"?>'
    ).encode()


def _xml_attribute(text: str) -> str:
    # Control characters other than tab and line breaks are not allowed in XML at all.
    return html.escape(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text), quote=True)


def _source_type_uri(source_type: str) -> str:
    code = source_type.removeprefix(SOURCE_TYPE_VOCABULARY)
    if not re.fullmatch(r"[A-Za-z]+", code):
        raise ValueError(f"Not an IPTC digital source type: {source_type!r}")
    return SOURCE_TYPE_VOCABULARY + code


def _with_provenance(data: bytes, credit: str, source_type: str) -> bytes:
    """``data``, an image file, with every metadata block replaced by the provenance XMP."""
    xmp = provenance_xmp(credit, source_type) if credit or source_type else b""
    try:
        if data.startswith(b"\xff\xd8"):
            return _jpeg_with_xmp(data, xmp)
        if data.startswith(PNG_SIGNATURE):
            return _png_with_xmp(data, xmp)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_with_xmp(data, xmp)
    except (IndexError, ValueError) as error:
        raise ValueError(f"This image file is damaged: {error}") from error
    raise ValueError("Not a JPEG, PNG or WebP file.")


# JPEG: segments up to the first scan; APPn and COM carry metadata, the rest is the image.

XMP_JPEG_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
JPEG_APP_SEGMENTS_KEPT = {
    0xE0: b"JFIF\x00",  # the JFIF header (without a thumbnail, see below)
    0xE2: b"ICC_PROFILE\x00",  # the colour profile
    0xEE: b"Adobe",  # how CMYK and YCCK images are stored
}


def _jpeg_with_xmp(data: bytes, xmp: bytes) -> bytes:
    kept = []
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("a JPEG segment does not start with a marker")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the compressed image follows
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        if marker == 0xD9:
            raise ValueError("a JPEG ends before its image")
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position : position + 2 + length]
        if marker == 0xE0 and segment[4:9] == b"JFIF\x00":
            segment = segment[:2] + (16).to_bytes(2, "big") + segment[4:16] + b"\x00\x00"
        if _jpeg_segment_is_kept(marker, segment[4:]):
            kept.append(segment)
        position += 2 + length
    leading_jfif = 1 if kept and kept[0][1] == 0xE0 else 0
    xmp_segment = b""
    if xmp:
        payload = XMP_JPEG_HEADER + xmp
        if len(payload) > 65533:
            raise ValueError("the provenance is too long for a JPEG segment")
        xmp_segment = b"\xff\xe1" + (2 + len(payload)).to_bytes(2, "big") + payload
    return (
        b"\xff\xd8"
        + b"".join(kept[:leading_jfif])
        + xmp_segment
        + b"".join(kept[leading_jfif:])
        + data[position:]
    )


def _jpeg_segment_is_kept(marker: int, payload: bytes) -> bool:
    if marker == 0xFE:  # comment
        return False
    if 0xE0 <= marker <= 0xEF:  # application segments: EXIF, XMP, IPTC, thumbnails...
        header = JPEG_APP_SEGMENTS_KEPT.get(marker)
        return header is not None and payload.startswith(header)
    return True


# PNG: chunks; only those that describe the image are kept.

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_CHUNKS_KEPT = {
    # critical
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    # transparency, colour and pixel size
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"cICP",
    b"mDCV",
    b"cLLI",
    b"sBIT",
    b"bKGD",
    b"pHYs",
    # animation (APNG)
    b"acTL",
    b"fcTL",
    b"fdAT",
}


def _png_with_xmp(data: bytes, xmp: bytes) -> bytes:
    chunks = []
    xmp_written = not xmp
    position = len(PNG_SIGNATURE)
    while True:
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError("a PNG chunk runs past the end of the file")
        if kind == b"IDAT" and not xmp_written:
            # An iTXt chunk: keyword, no compression, no language, no translated keyword.
            chunks.append(_png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp))
            xmp_written = True
        if kind in PNG_CHUNKS_KEPT:
            chunks.append(data[position:end])
        if kind == b"IEND":
            return PNG_SIGNATURE + b"".join(chunks)
        position = end


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload).to_bytes(4, "big")
    return len(payload).to_bytes(4, "big") + kind + payload + crc


# WebP: a RIFF container; metadata in EXIF and XMP chunks, flagged in the VP8X header.

WEBP_CHUNKS_KEPT = {b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
VP8X_ICC, VP8X_ALPHA, VP8X_EXIF, VP8X_XMP, VP8X_ANIMATION = 0x20, 0x10, 0x08, 0x04, 0x02


def _webp_with_xmp(data: bytes, xmp: bytes) -> bytes:
    chunks = []
    header = None
    position = 12
    end_of_riff = 8 + int.from_bytes(data[4:8], "little")
    while position + 8 <= min(end_of_riff, len(data)):
        fourcc = data[position : position + 4]
        length = int.from_bytes(data[position + 4 : position + 8], "little")
        if position + 8 + length > len(data):
            raise ValueError("a WebP chunk runs past the end of the file")
        chunk = data[position : position + 8 + length + length % 2]
        if fourcc == b"VP8X":
            header = chunk[8:18]
        elif fourcc in WEBP_CHUNKS_KEPT:
            chunks.append(chunk)
        position += 8 + length + length % 2
    if header is None:
        if not xmp:
            return _riff(chunks)
        header = _vp8x_for_simple_webp(chunks[0])
    flags = header[0] & (VP8X_ICC | VP8X_ALPHA | VP8X_ANIMATION)
    if not any(chunk[:4] == b"ICCP" for chunk in chunks):
        flags &= ~VP8X_ICC
    if xmp:
        flags |= VP8X_XMP
        chunks.append(_webp_chunk(b"XMP ", xmp))
    return _riff([_webp_chunk(b"VP8X", bytes([flags]) + header[1:10]), *chunks])


def _vp8x_for_simple_webp(chunk: bytes) -> bytes:
    """The VP8X header a simple (one VP8 or VP8L chunk) WebP needs to carry metadata."""
    fourcc, payload = chunk[:4], chunk[8:]
    if fourcc == b"VP8 " and payload[3:6] == b"\x9d\x01\x2a":
        width = int.from_bytes(payload[6:8], "little") & 0x3FFF
        height = int.from_bytes(payload[8:10], "little") & 0x3FFF
        alpha = False
    elif fourcc == b"VP8L" and payload[0] == 0x2F:
        bits = int.from_bytes(payload[1:5], "little")
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        alpha = bool(bits >> 28 & 1)
    else:
        raise ValueError("a WebP file without a VP8X header starts with neither VP8 nor VP8L")
    flags = VP8X_ALPHA if alpha else 0
    return (
        bytes([flags, 0, 0, 0])
        + (width - 1).to_bytes(3, "little")
        + (height - 1).to_bytes(3, "little")
    )


def _webp_chunk(fourcc: bytes, payload: bytes) -> bytes:
    padding = b"\x00" if len(payload) % 2 else b""
    return fourcc + len(payload).to_bytes(4, "little") + payload + padding


def _riff(chunks: list[bytes]) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body
