"""Evidence photos for the demo: small generated PNG scenes with the problem, place and time written on.

A real 督查员 photographs every problem, and the app shows that photo next to the deduction; the demo
needs something to show there without shipping real photos of real streets.  Each picture is a simple
street scene (sky, buildings, road, a marker where the problem is) coloured by the deduction item, with a
caption band as an inspection camera stamps it.  Pictures are drawn straight into a 20-colour palette at
320×200, so seven hundred of them take a few megabytes and a few seconds.

The caption is Chinese when a CJK font is installed (``fc-match 'Noto Sans CJK SC'``); otherwise it falls
back to an ASCII caption with Pillow's built-in font, since Latin-only fonts would draw boxes.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from datetime import datetime
from functools import cache
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

SIZE = (320, 200)
CAPTION_H = 44
ITEM_COLOURS: dict[str, tuple[int, int, int]] = {
    "市容秩序": (214, 96, 77),
    "环境卫生": (112, 146, 60),
    "园林绿化": (46, 139, 87),
    "市政设施": (70, 110, 170),
    "违法建设": (160, 90, 160),
    "整改": (40, 150, 120),
}
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_SHADES = ((206, 194, 178), (188, 176, 160), (170, 160, 148), (214, 206, 196), (160, 150, 140), (196, 180, 150))
_BASE = (
    (188, 214, 236),  # sky
    (120, 120, 126),  # road
    (240, 240, 240),  # white
    (24, 24, 28),  # black
    (230, 40, 40),  # red
    (255, 214, 90),  # yellow
    (98, 120, 150),  # window
)
SKY, ROAD, WHITE, BLACK, RED, YELLOW, WINDOW = range(len(_BASE))
BUILDINGS = len(_BASE)
ITEMS = BUILDINGS + len(_SHADES)


@cache
def _palette() -> list[int]:
    """Drawing straight into a small palette keeps the PNG small without a slow quantize step."""
    colours = [*_BASE, *_SHADES, *ITEM_COLOURS.values()]
    return [c for rgb in colours for c in rgb]


@cache
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs, or None: fontconfig may answer with a Latin fallback, so check."""
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "Noto Sans CJK SC:lang=zh", "--format=%{file}"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not found:
        return None
    try:
        font = ImageFont.truetype(found, 14)
    except OSError:
        return None
    # a font without the glyph draws the same box for every missing character
    return found if font.getmask("城").getbbox() != font.getmask("\uffff").getbbox() else None


@cache
def _font(size: int) -> tuple[Font, bool]:
    """(font, has Chinese glyphs)."""
    path = cjk_font_path()
    if path is not None:
        return ImageFont.truetype(path, size), True
    return ImageFont.load_default(), False


class Caption(NamedTuple):
    """A caption text twice: in Chinese, and in ASCII for a machine without a CJK font (ids and codes a reader
    of the demo can still match with the row)."""

    chinese: str
    ascii: str


def render(*, title: Caption, place: Caption, at: datetime, item: str, seed: int) -> bytes:
    """A PNG picture of the scene: ``title`` (the problem), ``place`` and ``at`` in the caption."""
    rng = random.Random(seed)
    w, h = SIZE
    scene_h = h - CAPTION_H
    ground = int(scene_h * 0.55)
    img = Image.new("P", SIZE, SKY)
    img.putpalette(_palette())
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, ground, w, scene_h), fill=ROAD)
    draw.line((0, scene_h * 0.78, w, scene_h * 0.78), fill=WHITE, width=2)
    x = -rng.randint(0, 30)
    while x < w:
        bw, bh = rng.randint(36, 70), rng.randint(40, ground - 4)
        draw.rectangle((x, ground - bh, x + bw, ground), fill=BUILDINGS + rng.randrange(len(_SHADES)))
        for wy in range(ground - bh + 6, ground - 8, 12):
            for wx in range(x + 5, x + bw - 8, 11):
                draw.rectangle((wx, wy, wx + 5, wy + 6), fill=WINDOW)
        x += bw + rng.randint(2, 10)
    marker = ITEMS + (list(ITEM_COLOURS).index(item) if item in ITEM_COLOURS else 0)
    cx, cy = rng.randint(60, w - 60), int(scene_h * rng.uniform(0.62, 0.85))
    draw.ellipse((cx - 22, cy - 12, cx + 22, cy + 12), fill=marker, outline=BLACK)
    draw.ellipse((cx - 34, cy - 24, cx + 34, cy + 24), outline=RED, width=3)  # the inspector's ring
    draw.rectangle((0, scene_h, w, h), fill=BLACK)
    font, chinese = _font(14)
    line1 = title.chinese if chinese else (title.ascii or "inspection photo")
    line2 = f"{place.chinese if chinese else place.ascii}  {at:%Y-%m-%d %H:%M}"
    draw.text((8, scene_h + 5), line1, fill=WHITE, font=font)
    draw.text((8, scene_h + 24), line2, fill=YELLOW, font=font)
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=6)
    return out.getvalue()
