"""Passport photos for grounds passes: an uploaded JPEG or PNG, checked as an image, turned
upright, cropped to the passport ratio (35 × 45 mm) around its centre and re-encoded as a plain
JPEG. Re-encoding keeps the picture and nothing else: no hidden payload, no location metadata."""

from __future__ import annotations

import io
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from meetings.documents.storage import Upload
from meetings.errors import DomainError

RATIO = 35 / 45  # width / height of a passport photo
SIZE = (420, 540)  # stored size: sharp enough to print at 35 × 45 mm
SMALLEST = (140, 180)  # below this a face cannot be recognised at the gate
MAX_PIXELS = 40_000_000  # beyond this it is a decompression bomb, not a photo
UNREADABLE = Image.DecompressionBombWarning


def passport_photo(upload: Upload, *, field: str) -> Upload:
    """The photo of ``upload``, cropped and re-encoded; DomainError beside ``field`` when it is
    not a usable photo."""
    if upload.content_type not in ("image/jpeg", "image/png"):
        raise DomainError(_("A photo is a JPEG or PNG image."), field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(upload.data))
            if opened.width * opened.height > MAX_PIXELS:
                raise DomainError(_("The photo is far larger than needed."), field=field)
            opened.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
    ):
        raise DomainError(_("The photo could not be read as an image."), field=field) from None
    image = ImageOps.exif_transpose(opened).convert("RGB")
    if image.width < SMALLEST[0] or image.height < SMALLEST[1]:
        raise DomainError(
            _(
                "The photo is too small to recognise a face: at least %(w)d × %(h)d pixels.",
                w=SMALLEST[0],
                h=SMALLEST[1],
            ),
            field=field,
        )
    cropped = ImageOps.fit(image, SIZE, method=Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    output = io.BytesIO()
    cropped.save(output, format="JPEG", quality=88, optimize=True)
    return Upload(
        data=output.getvalue(),
        original_name="photo.jpg",
        content_type="image/jpeg",
        extension=".jpg",
    )
