"""Image previews made at upload with Pillow: a large one (at most 1600 px a side) for
viewing and a thumbnail (at most 300 px) for lists, both JPEG without the original's
metadata (a photo's location stays in the original only).

Opening the image also proves that a file whose signature says "image" decodes as
one; a file that does not, or that would decode to more than MAX_PIXELS (a
decompression bomb), is refused.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageOps

from spendsense.services.errors import Invalid

LARGE = 1600
THUMB = 300
MAX_PIXELS = 50_000_000
QUALITY = 85

UNREADABLE = "The image could not be read; it may be damaged."
TOO_MANY_PIXELS = f"The image is too large: at most {MAX_PIXELS // 1_000_000} megapixels."


@dataclass(frozen=True)
class Previews:
    """The bytes of each preview; an image already small enough is its own preview
    (the same bytes, so the store keeps one file)."""

    large: bytes
    thumb: bytes


def previews(data, kind):
    """Previews of an image the browser shows (sniffing.FileType.previewable), else None."""
    if not kind.previewable:
        return None
    image, size = _open(data, kind.pillow_format)
    # A photo turned by its EXIF orientation is previewed upright; as its own preview
    # it would rely on the viewer turning it.
    turned = image.getexif().get(ExifTags.Base.Orientation, 1) != 1
    upright = ImageOps.exif_transpose(image) if turned else image
    large = data if _fits(size, LARGE) and not turned else _jpeg(upright, LARGE)
    thumb = data if _fits(size, THUMB) and not turned else _jpeg(upright, THUMB)
    return Previews(large=large, thumb=thumb)


def _open(data, expected_format):
    """The decoded image (maybe decoded at a reduced scale) and its full size."""
    with warnings.catch_warnings():
        # Pillow warns (then fails) past its own pixel limit; both are a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format != expected_format:
                raise Invalid.field("file_data", UNREADABLE)
            size = image.size
            if size[0] * size[1] > MAX_PIXELS:
                raise Invalid.field("file_data", TOO_MANY_PIXELS)
            image.draft("RGB", (LARGE, LARGE))  # JPEG decodes at a reduced scale: less memory
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise Invalid.field("file_data", TOO_MANY_PIXELS) from None
        except (OSError, ValueError, SyntaxError, EOFError):
            raise Invalid.field("file_data", UNREADABLE) from None
    return image, size


def _fits(size, side):
    return size[0] <= side and size[1] <= side


def _jpeg(image, side):
    preview = image.copy()
    preview.thumbnail((side, side), Image.Resampling.LANCZOS)
    if preview.mode in ("RGBA", "LA", "P", "PA"):
        rgba = preview.convert("RGBA")
        preview = Image.new("RGB", rgba.size, "white")
        preview.paste(rgba, mask=rgba.getchannel("A"))
    elif preview.mode != "RGB":
        preview = preview.convert("RGB")
    out = io.BytesIO()
    preview.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
