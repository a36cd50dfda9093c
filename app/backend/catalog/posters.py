"""Generated poster art: a colour gradient and the title in large type, rendered once and kept on disk.

Posters are made on first request rather than at seed time so a first start stays fast; the
colours derive from the title id, so a title keeps its look across restarts.
"""

from __future__ import annotations

import hashlib
import io
import os
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

POSTER_SIZE = (240, 360)


def poster_png(cache_dir: Path, title_id: str, name: str, year: int | None) -> bytes:
    """PNG bytes of the title's poster, from the disk cache when present (ids are pre-validated)."""
    path = cache_dir / f"{title_id}.png"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render_poster(title_id, name, year)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # atomic: a concurrent reader sees the old state or the whole file
    return data


def render_poster(title_id: str, name: str, year: int | None) -> bytes:
    digest = hashlib.sha256(title_id.encode()).digest()
    top, bottom = digest[0:3], digest[3:6]
    width, height = POSTER_SIZE
    image = Image.new("RGB", POSTER_SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        colour = tuple(int(a * (1 - t) * 0.8 + b * t * 0.35) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    title_font = ImageFont.load_default(size=26)
    small_font = ImageFont.load_default(size=16)
    lines = textwrap.wrap(name.upper(), width=14)[:5]
    y = height - 60 - 32 * len(lines)
    for line in lines:
        draw.text((16, y), line, font=title_font, fill=(250, 250, 245))
        y += 32
    if year:
        draw.text((16, height - 44), str(year), font=small_font, fill=(220, 220, 210))
    draw.text((16, 14), "MARQUEE", font=small_font, fill=(235, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
