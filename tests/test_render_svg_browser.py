"""The SVG Graphviz draws opens in a real browser (headless Chromium) and shows the diagram."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest

from tests.test_render_graphviz import load_example

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed"),
]


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB pixel rows of an 8-bit, non-interlaced RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks[kind] = chunks.get(kind, b"") + data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, interlace) == (8, 0), "unexpected PNG layout"
    assert colour in (2, 6), "unexpected PNG colour type"
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * step
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        _unfilter(kind, line, previous, step)
        rows.append(bytes(b for i, b in enumerate(line) if i % step < 3) if step == 4 else bytes(line))
        previous = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> None:
    if kind == 0:
        return
    if kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        return
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = previous[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        else:
            corner = previous[i - step] if i >= step else 0
            guess = left + up - corner
            pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
            best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + best) & 0xFF


def colours(rows: list[bytes]) -> Counter[bytes]:
    return Counter(row[i : i + 3] for row in rows for i in range(0, len(row), 3))


def near(found: Counter[bytes], hex_colour: str, tolerance: int = 3) -> int:
    """How many pixels are within ``tolerance`` of ``hex_colour`` on every channel."""
    wanted = bytes.fromhex(hex_colour.lstrip("#"))
    return sum(
        n for c, n in found.items() if all(abs(a - b) <= tolerance for a, b in zip(c, wanted, strict=True))
    )


def test_svg_renders_in_headless_chromium(tmp_path: Path) -> None:
    from wmdsl.views.render import render_svg

    svg = tmp_path / "software-delivery.svg"
    svg.write_text(render_svg(load_example("software-delivery")), encoding="utf-8")
    shot = tmp_path / "shot.png"
    assert BROWSER is not None
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,900",
            svg.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    width, height, rows = decode_png(shot.read_bytes())
    assert (width, height) == (1200, 900)
    found = colours(rows)
    assert len(found) > 50, "the screenshot is (nearly) one colour"
    _background, count = found.most_common(1)[0]
    assert count < 0.97 * width * height, "the screenshot is almost blank"
    # The diagram itself is there: lane fills, intake fill and a stage outline.
    assert near(found, "#e6f1f7") > 1000  # first lane
    assert near(found, "#fcf5e6") > 1000  # second lane
    assert near(found, "#cce3f0") > 100  # intakes (in the first lane's tone)
    assert near(found, "#4b5563", tolerance=20) > 50  # edges
