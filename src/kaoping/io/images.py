"""Checking an uploaded photo (整改材料、取证照片) before it is stored, and the copy others are shown.

A photo comes from a phone or a camera, but the bytes come from whoever uploads them, so they are proved
to be an image by decoding them, never trusted by their name, declared type or first bytes alone:

* the size is bounded before reading (:data:`MAX_BYTES`, the caller reads at most one byte more);
* the first bytes must be a PNG, JPEG or WebP signature, and Pillow may only open that one format;
* the pixel count is read from the header and bounded (:data:`MAX_PIXELS`) *before* the pixels are
  decoded — a 100 000 × 100 000 PNG compresses to a few hundred kilobytes and would need 30 GB decoded;
* the whole image is decoded (a truncated or corrupt file is refused);
* nothing may follow the image's own end (PNG's IEND chunk, JPEG's EOI marker — or the last picture a
  multi-picture JPEG declares —, WebP's RIFF length): a polyglot — a PNG with a web page or a ZIP archive
  appended — is refused, not stored.

What is stored is the original bytes (the 考评办 may need the camera's time and place to check a photo) and
a copy decoded and encoded again (:attr:`CheckedImage.shared`): the same pixels, turned upright as the camera
meant, with no EXIF (GPS position, device, time), XMP or comments — what every other role is shown.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
"""A phone photo is 2–5 MB; anything larger is refused unread."""
MAX_PIXELS = 40_000_000
"""About 7 700 × 5 200: above every phone's default photo (12–24 MP, 50 MP only in a special mode), far below
what would take the server's memory (a 40 MP RGBA image is 160 MB while it is encoded again)."""
JPEG_QUALITY = 90


class ImageKind(StrEnum):
    """The image types accepted, as their content type."""

    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"

    @property
    def pillow_format(self) -> str:
        return {ImageKind.PNG: "PNG", ImageKind.JPEG: "JPEG", ImageKind.WEBP: "WEBP"}[self]


class ImageProblem(StrEnum):
    """Why a file is refused: too large, not an image at all, too many pixels, broken, or more than an image."""

    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    TOO_MANY_PIXELS = "too_many_pixels"
    UNREADABLE = "unreadable"
    TRAILING_DATA = "trailing_data"


class ImageRefused(ValueError):
    """The file is not a photo that may be stored; ``message`` says why in Chinese (English after it)."""

    def __init__(self, problem: ImageProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


@dataclass(frozen=True)
class CheckedImage:
    """A decoded upload: its type and size, the bytes as uploaded, and the cleaned copy others are shown."""

    kind: ImageKind
    width: int
    height: int
    original: bytes
    shared: bytes


def image_kind(head: bytes) -> ImageKind | None:
    """The image type the first bytes show, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return ImageKind.JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ImageKind.WEBP
    return None


def check_image(data: bytes) -> CheckedImage:
    """``data`` proved to be one PNG, JPEG or WebP image and nothing else, with its cleaned copy.

    Raises :class:`ImageRefused`; never lets Pillow decode more than :data:`MAX_PIXELS` pixels.
    """
    if len(data) > MAX_BYTES:
        raise ImageRefused(ImageProblem.TOO_LARGE, f"图片超过 {MAX_BYTES // (1024 * 1024)} MB（larger than 5 MB）")
    kind = image_kind(data[:16])
    if kind is None:
        message = "文件不是 PNG、JPEG 或 WebP 图片（not a PNG, JPEG or WebP image）"
        raise ImageRefused(ImageProblem.NOT_AN_IMAGE, message)
    image = _decoded(data, kind)
    if _image_end(data, kind, _streams(image)) != len(data):
        message = (
            "图片结尾之后还有其他数据（如附加的网页或压缩包），不是单纯的图片，请上传相机或手机拍摄的原始照片"
            "（data follows the end of the image）"
        )
        raise ImageRefused(ImageProblem.TRAILING_DATA, message)
    return CheckedImage(kind, image.width, image.height, data, _cleaned(image, kind))


def _decoded(data: bytes, kind: ImageKind) -> Image.Image:
    """The image decoded, its pixel count checked from the header first.

    ``Image.open`` reads only the header; :data:`MAX_PIXELS` is checked before ``load`` decodes anything.
    Pillow's process-wide ``MAX_IMAGE_PIXELS`` is left alone (other threads and WeasyPrint share it).
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[kind.pillow_format])
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(width, height)
        image.load()
    except ImageRefused:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own bound (far above ours) struck first, in open()
        raise _too_many_pixels(0, 0) from exc
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        message = f"无法解码该{kind.pillow_format}图片，文件可能已损坏或不完整（cannot decode the image）"
        raise ImageRefused(ImageProblem.UNREADABLE, message) from exc
    return image


def _too_many_pixels(width: int, height: int) -> ImageRefused:
    size = f"（{width} × {height}）" if width and height else ""
    message = (
        f"图片像素过多{size}，最多 {MAX_PIXELS // 1_000_000:,} 百万像素，请缩小后再上传"
        f"（more than {MAX_PIXELS:,} pixels）"
    )
    return ImageRefused(ImageProblem.TOO_MANY_PIXELS, message)


def _cleaned(image: Image.Image, kind: ImageKind) -> bytes:
    """The same pixels encoded again, turned upright by the EXIF orientation, without EXIF, XMP, text chunks
    or comments (only the colour profile is kept: without it colours shift)."""
    upright = ImageOps.exif_transpose(image) or image
    clean = upright.copy()
    icc = image.info.get("icc_profile")
    clean.info = {}
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if kind is ImageKind.JPEG:
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        options |= {"quality": JPEG_QUALITY}
    elif kind is ImageKind.WEBP:
        options |= {"quality": JPEG_QUALITY}
    out = io.BytesIO()
    clean.save(out, format=kind.pillow_format, **options)
    return out.getvalue()


def _streams(image: Image.Image) -> int:
    """How many JPEG streams the file holds one after the other: more than one only in a multi-picture file
    (MPO, as phones write an Ultra HDR photo's gain map or a depth map after the picture), which declares them."""
    return int(getattr(image, "n_frames", 1)) if image.format == "MPO" else 1


def _image_end(data: bytes, kind: ImageKind, streams: int = 1) -> int:
    """Where the image's own structure says it ends (-1 when it never does)."""
    if kind is ImageKind.PNG:
        return _png_end(data)
    if kind is ImageKind.JPEG:
        end = 0
        for _ in range(streams):
            end = _jpeg_end(data, end) if data.startswith(b"\xff\xd8\xff", end) else -1
            if end < 0:
                break
        return end
    size = int.from_bytes(data[4:8], "little")
    return 8 + size + (size & 1)


def _png_end(data: bytes) -> int:
    """The offset after the IEND chunk: chunks are length, type, data, CRC."""
    at = 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        at += 12 + length
        if kind == b"IEND":
            return at
    return -1


_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
"""JPEG markers without a length: TEM and the restart markers RST0–RST7."""


def _jpeg_end(data: bytes, start: int = 0) -> int:
    """The offset after the EOI marker of the JPEG stream at ``start``, walking its segments and skipping
    each scan's entropy-coded data."""
    at = start + 2  # after SOI
    while at + 1 < len(data):
        if data[at] != 0xFF:
            return -1
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:
            return at + 2
        if marker in _STANDALONE:
            at += 2
            continue
        if at + 4 > len(data):
            return -1
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data until a marker that is not stuffing or RST
            at = _scan_end(data, at)
    return -1


def _scan_end(data: bytes, at: int) -> int:
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        if data[at + 1] == 0x00 or 0xD0 <= data[at + 1] <= 0xD7:
            at += 2
            continue
        return at
