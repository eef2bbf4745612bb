"""Shop photos are re-encoded before they are stored.

What a browser uploads is never kept as sent: the image is decoded with Pillow and written
again in the format Pillow detected (JPEG, PNG or WebP only), so camera metadata (EXIF with
GPS position, XMP, comments), colour profiles and anything appended to the file are dropped,
and the stored name is random with the extension of that format, whatever the upload was called.
"""

from __future__ import annotations

import secrets
from io import BytesIO

from django.core.files.base import ContentFile

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Larger than any shop photo needs; bigger images are refused before decoding.
MAX_PIXELS = 40_000_000


class PhotoError(ValueError):
    """The upload is not a JPEG, PNG or WebP image we can read."""


def photo_reencode(upload) -> ContentFile:
    """A fresh JPEG/PNG/WebP file of ``upload``'s pixels under a random name."""
    # Imported here: Pillow is heavy and only the photo upload needs it.
    from PIL import Image, ImageOps, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as source:
            detected = (source.format or "").upper()
            if detected not in EXTENSIONS:
                raise PhotoError(detected)
            if source.width * source.height > MAX_PIXELS:
                raise PhotoError("too many pixels")
            source.load()
            image = ImageOps.exif_transpose(source)  # keep the orientation the EXIF described
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise PhotoError(str(exc)) from exc
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if detected == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}  # no ICC profile, EXIF, XMP, text chunks or comments carried over
    buffer = BytesIO()
    if detected == "JPEG":
        image.save(buffer, format="JPEG", quality=88, optimize=True)
    elif detected == "PNG":
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="WEBP", quality=88)
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(16)}.{EXTENSIONS[detected]}")
