"""What a stored photo says about itself, read from the original before its EXIF is stripped (照片核验).

The frauds found in practice were staged photos: one picture uploaded for two units, or a photo taken a
month before the problem it claims to show.  Three marks let the office catch them
(:mod:`kaoping.app.evidence_integrity` compares them):

* the SHA-256 of the bytes as uploaded — the photo's content address; the same file twice is the same hash;
* a difference hash (dHash) of the picture — 64 bits saying whether each pixel of a 9 × 8 grey thumbnail is
  brighter than its right neighbour.  A photo resized, re-encoded or lightly cropped keeps almost all its
  bits, so a Hamming distance of a few bits means "the same picture", where the SHA-256 would differ;
* the camera's time (EXIF ``DateTimeOriginal``) and position (the GPS block), when the file carries them.
  A phone writes them; a screenshot or an edited copy often has none (then nothing is compared).

Only the decoded image is read here (:func:`kaoping.io.images.check_image` has bounded and proved it).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132
HASH_SIZE = 8
"""A dHash of 8 × 8 = 64 bits, written as 16 hex digits."""
MIN_BITS = 8
"""A dHash with fewer set (or unset) bits than this is not :func:`informative`."""


@dataclass(frozen=True)
class PhotoMarks:
    """The content address, the picture's dHash, and the camera's time and place when the file has them."""

    sha256: str
    dhash: str
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None


def photo_marks(data: bytes) -> PhotoMarks:
    """The marks of a photo already proved to be one image (:func:`kaoping.io.images.check_image`)."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        upright = ImageOps.exif_transpose(image) or image
        mark = dhash(upright)
    taken = _taken_at(exif)
    lat, lon = _position(exif)
    return PhotoMarks(hashlib.sha256(data).hexdigest(), mark, taken, lat, lon)


def dhash(image: Image.Image) -> str:
    """The 64-bit difference hash of ``image`` as 16 hex digits (turned upright first by the caller)."""
    small = image.convert("L").resize((HASH_SIZE + 1, HASH_SIZE), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # one byte a pixel in mode "L", row after row
    bits = 0
    for row in range(HASH_SIZE):
        for col in range(HASH_SIZE):
            left = pixels[row * (HASH_SIZE + 1) + col]
            right = pixels[row * (HASH_SIZE + 1) + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def hamming(a: str, b: str) -> int:
    """How many of the 64 bits two dHashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def informative(mark: str) -> bool:
    """Whether a dHash says enough to match pictures by: a flat or smooth picture (a blank wall, a test
    image of one colour) has nearly all bits equal, and would "match" every other flat picture."""
    return MIN_BITS <= int(mark, 16).bit_count() <= HASH_SIZE * HASH_SIZE - MIN_BITS


def _taken_at(exif: Image.Exif) -> datetime | None:
    """``DateTimeOriginal`` (the shutter), else the file's ``DateTime``; None when absent or malformed."""
    text = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _position(exif: Image.Exif) -> tuple[float | None, float | None]:
    """Decimal degrees from the GPS block (south and west negative); (None, None) when absent or malformed."""
    gps = exif.get_ifd(GPS_IFD)
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _degrees(dms: tuple[float, float, float], ref: object, negative: str) -> float:
    value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    return -value if str(ref).strip("\x00 ").upper() == negative else value
