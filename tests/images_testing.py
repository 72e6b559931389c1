"""Photos for the evidence tests: real images made with Pillow (a phone's JPEG with its GPS position, PNG,
WebP), and the files an attacker would send instead (a bomb, a polyglot, text named .jpg)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
GPS = {1: "N", 2: (30.0, 15.0, 10.0), 3: "E", 4: (120.0, 5.0, 1.0)}
"""A position in Hangzhou, as a phone writes it: latitude N 30°15'10", longitude E 120°5'1"."""


def image(fmt: str = "PNG", size: tuple[int, int] = (40, 30), *, gps: bool = False, **options: object) -> bytes:
    """A small real picture in ``fmt``; ``gps``: with the EXIF a phone writes (maker, orientation, position)."""
    picture = Image.new("RGB", size, (200, 60, 40))
    picture.putpixel((0, 0), (0, 0, 255))
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif[0x0110] = "Phone 15"
        exif[GPS_IFD] = GPS
        options["exif"] = exif
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def multi_picture() -> bytes:
    """A multi-picture JPEG (MPO): a photo and a second, smaller picture after it, declared in its MP index —
    how phones store an Ultra HDR photo's gain map or a portrait's depth map."""
    photo, extra = Image.new("RGB", (40, 30), (200, 60, 40)), Image.new("RGB", (20, 15), (0, 0, 0))
    out = io.BytesIO()
    photo.save(out, "MPO", save_all=True, append_images=[extra])
    return out.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")
WEBP = image("WEBP")


def gps_of(data: bytes) -> dict[int, object]:
    """The GPS position in a picture's EXIF ({} when there is none)."""
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_size(total: int) -> bytes:
    """A valid PNG of exactly ``total`` bytes: a small picture padded by an ancillary chunk before IEND."""
    iend = _chunk(b"IEND", b"")
    body = PNG[: -len(iend)]
    padding = total - len(body) - len(iend) - 12
    return body + _chunk(b"pdDg", bytes(padding)) + iend


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A 1-bit PNG whose header claims ``width`` × ``height`` pixels with a few kilobytes of data: refused
    from its header before any pixel is decoded (decoded, a 100 000² picture would need 10 GB and more)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = zlib.compress(bytes(4096))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def real_png_bomb(side: int = 8000) -> bytes:
    """A true decompression bomb: ``side`` × ``side`` white 1-bit pixels (64 MP), a few kilobytes compressed."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


POLYGLOT_HTML = PNG + b"<html><script>alert(document.cookie)</script></html>"
"""A real PNG with a web page after its end: a browser sniffing it could run the script."""
POLYGLOT_ZIP = JPEG + b"PK\x03\x04" + bytes(26) + b"evil.exe"
"""A real JPEG with a ZIP archive after its end."""
TEXT_AS_JPEG = b"this is not a photo, only text named photo.jpg\n"


def scene(seed: int = 0, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A picture with structure (coloured ellipses on green), different for each ``seed``: what a photo's
    difference hash is computed on (a flat picture's hash says nothing)."""
    picture = Image.new("RGB", size, (90, 120, 60))
    draw = ImageDraw.Draw(picture)
    for i in range(12):
        x, y = (i * 53 + seed * 97) % size[0], (i * 31 + seed * 41) % size[1]
        draw.ellipse((x, y, x + 60, y + 40), fill=((i * 40) % 255, (i * 90 + seed * 30) % 255, (i * 20) % 255))
    return picture


def photo(picture: Image.Image, taken: str | None = None, *, gps: bool = False, quality: int = 90) -> bytes:
    """``picture`` as a phone's JPEG: EXIF ``DateTimeOriginal`` ``taken`` ("2024:05:20 09:30:00") and the
    GPS position :data:`GPS` when asked."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        exif[GPS_IFD] = GPS
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=quality)
    return out.getvalue()
