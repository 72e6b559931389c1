"""An uploaded photo is decoded before it is stored: bounded bytes and pixels, one real image and nothing
after it; the copy others are shown has the same pixels and no EXIF."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from images_testing import (
    GPS,
    JPEG,
    PNG,
    POLYGLOT_HTML,
    POLYGLOT_ZIP,
    TEXT_AS_JPEG,
    WEBP,
    gps_of,
    image,
    multi_picture,
    png_bomb,
    png_of_size,
    real_png_bomb,
)
from kaoping.io.images import MAX_BYTES, MAX_PIXELS, ImageKind, ImageProblem, ImageRefused, check_image


def refused(data: bytes) -> ImageRefused:
    with pytest.raises(ImageRefused) as raised:
        check_image(data)
    return raised.value


@pytest.mark.parametrize(("data", "kind"), [(PNG, ImageKind.PNG), (JPEG, ImageKind.JPEG), (WEBP, ImageKind.WEBP)])
def test_real_images_are_accepted_with_their_type(data: bytes, kind: ImageKind) -> None:
    checked = check_image(data)
    assert (checked.kind, checked.width, checked.height, checked.original) == (kind, 40, 30, data)
    assert Image.open(io.BytesIO(checked.shared)).format == kind.pillow_format


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_shared_copy_has_no_gps_position_the_original_keeps_it(fmt: str) -> None:
    photo = image(fmt, gps=True)
    assert gps_of(photo) == GPS
    checked = check_image(photo)
    assert checked.original == photo  # the office's copy: byte for byte as uploaded
    shared = Image.open(io.BytesIO(checked.shared))
    assert dict(shared.getexif()) == {} and gps_of(checked.shared) == {}
    assert not {"exif", "xmp", "comment"} & set(shared.info)
    assert shared.size == (40, 30) and shared.convert("RGB").getpixel((20, 15))[0] > 150  # same picture


def test_the_shared_copy_is_turned_upright_as_the_camera_meant() -> None:
    picture = Image.new("RGB", (40, 30), (10, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, comment=b"taken by inspector 7")
    shared = Image.open(io.BytesIO(check_image(out.getvalue()).shared))
    assert shared.size == (30, 40) and "comment" not in shared.info


def test_a_decompression_bomb_is_refused_from_its_header_in_chinese() -> None:
    started = time.perf_counter()
    error = refused(png_bomb(100_000, 100_000))
    assert error.problem is ImageProblem.TOO_MANY_PIXELS and "像素过多" in error.message
    assert time.perf_counter() - started < 1  # nothing was decoded
    error = refused(real_png_bomb(8000))  # 64 MP of real, decodable pixels in a few kilobytes
    assert error.problem is ImageProblem.TOO_MANY_PIXELS and "8000 × 8000" in error.message
    assert MAX_PIXELS < 8000 * 8000


@pytest.mark.parametrize("data", [POLYGLOT_HTML, POLYGLOT_ZIP, WEBP + b"<html>"], ids=["png+html", "jpeg+zip", "webp"])
def test_a_polyglot_is_refused(data: bytes) -> None:
    error = refused(data)
    assert error.problem is ImageProblem.TRAILING_DATA and "其他数据" in error.message


def test_text_named_jpg_and_broken_images_are_refused() -> None:
    assert refused(TEXT_AS_JPEG).problem is ImageProblem.NOT_AN_IMAGE
    assert refused(b"\x89PNG\r\n\x1a\n" + bytes(64)).problem is ImageProblem.UNREADABLE  # the signature alone
    assert refused(JPEG[: len(JPEG) // 2]).problem is ImageProblem.UNREADABLE  # cut short
    assert refused(PNG.replace(b"IDAT", b"IDAX")).problem is ImageProblem.UNREADABLE


def test_size_is_bounded_before_decoding() -> None:
    assert check_image(png_of_size(MAX_BYTES)).width == 40  # exactly 5 MB is fine
    assert refused(png_of_size(MAX_BYTES + 1)).problem is ImageProblem.TOO_LARGE


def test_a_multi_picture_jpeg_ends_after_the_pictures_it_declares() -> None:
    """Phones append a gain map or depth map as a second JPEG, declared in the first one's MP index: a photo,
    not a polyglot.  The copy others see holds the photo alone; data after the last picture is refused."""
    photo = multi_picture()
    checked = check_image(photo)
    assert checked.original == photo and (checked.width, checked.height) == (40, 30)
    assert Image.open(io.BytesIO(checked.shared)).format == "JPEG"
    assert refused(photo + b"<html></html>").problem is ImageProblem.TRAILING_DATA
    assert refused(JPEG + JPEG).problem is ImageProblem.TRAILING_DATA  # a second picture nothing declares


def test_a_progressive_jpeg_is_walked_to_its_end() -> None:
    assert check_image(image("JPEG", (320, 200), progressive=True, quality=80)).kind is ImageKind.JPEG
