"""Lead images as we store them: size-checked, named at random, without camera metadata.

Only the JPEG, PNG and WebP decoders ever see an upload (never Pillow's others: Ghostscript
for EPS, GIF, TIFF...), and an image's dimensions are checked before a pixel is decoded: a
657 KB PNG can hold 13,000 × 13,000 pixels, which took 1.4 GB and 7 s to decode.

Re-encoding drops EXIF (GPS position, camera serial numbers, owner names) while keeping
the pixels upright and the colour profile. Provenance lives in the briefing's own fields
(credit, IPTC source type), which readers and the page's markup see.
"""

import io
import uuid
import warnings
from pathlib import PurePath

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


def refuse_decompression_bombs() -> None:
    """Make Pillow's decompression-bomb warning an error in this process, wherever an image is
    opened: over its own limit (89,478,485 pixels) Pillow only warns, then decodes."""
    warnings.simplefilter("error", Image.DecompressionBombWarning)


refuse_decompression_bombs()


def lead_image_path(instance, filename: str) -> str:
    """A random name, so that an unpublished image's address cannot be guessed."""
    extension = PurePath(filename).suffix.lower()[:6]
    return f"lead-images/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def clean_upload(upload) -> SimpleUploadedFile:
    """The uploaded image re-encoded without metadata, or a ValidationError saying why not."""
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
    options = {"icc_profile": image.info.get("icc_profile")}
    if kind == "JPEG":
        image = image.convert("RGB") if image.mode not in {"RGB", "L"} else image
        options |= {"quality": 90, "optimize": True}
    buffer = io.BytesIO()
    image.save(buffer, kind, **{k: v for k, v in options.items() if v is not None})
    stem = PurePath(upload.name).stem[:80] or "lead-image"
    return SimpleUploadedFile(f"{stem}.{extension}", buffer.getvalue(), content_type)


def _check_pixels(width: int, height: int) -> None:
    limit = settings.MAX_IMAGE_PIXELS
    if width * height > limit:
        raise ValidationError(
            f"This image is {width:,} × {height:,} pixels ({width * height:,} in all); the "
            f"largest accepted has {limit:,} pixels in all."
        )
