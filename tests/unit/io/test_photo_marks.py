"""A photo's marks (kaoping.io.photo_marks): the camera's time and place read from EXIF, and a difference
hash that stays (nearly) the same when the picture is re-encoded or resized and differs for another one."""

from __future__ import annotations

import hashlib
from datetime import datetime

from images_testing import PNG, photo, scene
from kaoping.io.photo_marks import hamming, informative, photo_marks


def test_exif_time_and_position_are_read_from_the_original() -> None:
    data = photo(scene(0), "2024:04:18 10:00:00", gps=True)
    marks = photo_marks(data)
    assert marks.sha256 == hashlib.sha256(data).hexdigest()
    assert marks.taken_at == datetime(2024, 4, 18, 10, 0)
    # N 30°15'10" = 30 + 15/60 + 10/3600; E 120°5'1" = 120 + 5/60 + 1/3600
    assert round(marks.latitude or 0, 6) == round(30 + 15 / 60 + 10 / 3600, 6)
    assert round(marks.longitude or 0, 6) == round(120 + 5 / 60 + 1 / 3600, 6)


def test_a_photo_without_exif_has_no_time_or_place() -> None:
    marks = photo_marks(photo(scene(0)))
    assert (marks.taken_at, marks.latitude, marks.longitude) == (None, None, None)


def test_the_same_picture_re_encoded_and_resized_keeps_its_hash_another_does_not() -> None:
    first = photo_marks(photo(scene(0), quality=90)).dhash
    copy = photo_marks(photo(scene(0).resize((250, 190)), quality=60)).dhash
    other = photo_marks(photo(scene(1))).dhash
    assert len(first) == 16 and informative(first)
    assert hamming(first, copy) <= 2
    assert hamming(first, other) >= 20


def test_hamming_counts_differing_bits_and_a_flat_picture_is_not_informative() -> None:
    assert hamming("0000000000000000", "000000000000000f") == 4
    assert hamming("ffffffffffffffff", "0000000000000000") == 64
    assert not informative(photo_marks(PNG).dhash)  # one colour (one odd pixel): nothing to match by
