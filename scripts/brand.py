"""Draw IoT Lab's brand images: the source of custom_components/iot_lab/brand/ and its SVG.

Home Assistant (2026.3 and later) serves a custom integration's own `brand/` folder under
`/api/brands/integration/<domain>/`. The icon is a lab board on a teal tile with a signal
above it; the logo adds the name. One list of shapes (`ICON`, on a 512-unit square) gives
both the PNGs, drawn with Pillow at four times their size and scaled down so the edges are
smooth, and docs/brand/icon.svg, the same icon as a vector for other sizes. Sizes follow
Home Assistant's brands rules: icons 256 and 512 px, logos 256 and 512 px high (the largest
allowed), every image trimmed to its drawing, transparent around it.
Run: `.venv/bin/python scripts/brand.py` (tests/unit/test_brand.py checks the committed
files against a fresh drawing).
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from pathlib import Path
import sys

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "custom_components" / "iot_lab" / "brand"
SVG = ROOT / "docs" / "brand" / "icon.svg"
FONT = ROOT / "esphome" / "fonts" / "DejaVuSans.ttf"
TEAL = "#0f766e"
WHITE = "#ffffff"
AMBER = "#fbbf24"
INK = "#111827"
LIGHT_INK = "#e5e7eb"
UNITS = 512
SCALE = 4


@dataclass(frozen=True)
class Box:
    """A filled rectangle, its corners rounded by `radius` (an ellipse when `oval`)."""

    x0: float
    y0: float
    x1: float
    y1: float
    fill: str
    radius: float = 0
    oval: bool = False


@dataclass(frozen=True)
class Arc:
    """A band `width` thick inside the circle of `radius`, from `start` to `end` degrees.

    Angles go clockwise from three o'clock, as in Pillow and in SVG (y grows downwards).
    """

    cx: float
    cy: float
    radius: float
    start: float
    end: float
    width: float
    fill: str


ICON: tuple[Box | Arc, ...] = (
    Box(0, 0, UNITS, UNITS, TEAL, radius=112),  # the tile fills the image: trimmed
    *(Arc(256, 250, r, 220, 320, 22, WHITE) for r in (44, 92, 140)),  # the signal
    *(  # pins on both sides of the board
        Box(x, y - 9, x + 32, y + 9, WHITE) for y in (300, 340, 380) for x in (118, 362)
    ),
    Box(146, 262, 366, 424, WHITE, radius=22),  # the board
    Box(178, 296, 270, 390, TEAL, radius=10),  # its chip
    Box(300, 316, 344, 360, AMBER, oval=True),  # its LED
)


def _bounds(shape: Box | Arc) -> tuple[float, float, float, float]:
    if isinstance(shape, Arc):
        r = shape.radius
        return (shape.cx - r, shape.cy - r, shape.cx + r, shape.cy + r)
    return (shape.x0, shape.y0, shape.x1, shape.y1)


def _drawn(size: int) -> Image.Image:
    """The icon drawn `size` pixels square, before any smoothing."""
    unit = size / UNITS
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for shape in ICON:
        box = [value * unit for value in _bounds(shape)]
        if isinstance(shape, Arc):
            width = round(shape.width * unit)
            draw.arc(box, shape.start, shape.end, fill=shape.fill, width=width)
        elif shape.oval:
            draw.ellipse(box, fill=shape.fill)
        else:
            draw.rounded_rectangle(box, radius=shape.radius * unit, fill=shape.fill)
    return image


def icon(size: int) -> Image.Image:
    """The icon, `size` pixels square: drawn four times as big, then scaled down."""
    return _drawn(size * SCALE).resize((size, size), Image.Resampling.LANCZOS)


def _svg_shape(shape: Box | Arc) -> str:
    if isinstance(shape, Arc):
        r = shape.radius - shape.width / 2  # SVG strokes straddle the path
        start, end = (
            f"{shape.cx + r * math.cos(math.radians(a)):.2f} "
            f"{shape.cy + r * math.sin(math.radians(a)):.2f}"
            for a in (shape.start, shape.end)
        )
        return (
            f'<path d="M {start} A {r:g} {r:g} 0 0 1 {end}" fill="none" '
            f'stroke="{shape.fill}" stroke-width="{shape.width:g}"/>'
        )
    w, h = shape.x1 - shape.x0, shape.y1 - shape.y0
    if shape.oval:
        return (
            f'<ellipse cx="{shape.x0 + w / 2:g}" cy="{shape.y0 + h / 2:g}" '
            f'rx="{w / 2:g}" ry="{h / 2:g}" fill="{shape.fill}"/>'
        )
    return (
        f'<rect x="{shape.x0:g}" y="{shape.y0:g}" width="{w:g}" height="{h:g}" '
        f'rx="{shape.radius:g}" fill="{shape.fill}"/>'
    )


def svg() -> str:
    """The icon as SVG text."""
    body = "\n".join(f"  {_svg_shape(shape)}" for shape in ICON)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {UNITS} {UNITS}" '
        f'width="{UNITS}" height="{UNITS}">\n'
        f"  <title>IoT Lab</title>\n{body}\n</svg>\n"
    )


def logo(height: int, ink: str) -> Image.Image:
    """The icon and the name beside it, trimmed, on a transparent background."""
    big = height * SCALE
    font = ImageFont.truetype(str(FONT), round(big * 0.56))
    text = "IoT Lab"
    left, top, right, bottom = (round(edge) for edge in font.getbbox(text))
    gap = round(big * 0.18)
    image = Image.new("RGBA", (big + gap + right - left, big), (0, 0, 0, 0))
    image.paste(_drawn(big), (0, 0))
    draw = ImageDraw.Draw(image)
    draw.text((big + gap - left, (big - bottom - top) // 2), text, font=font, fill=ink)
    small = image.resize((round(image.width / SCALE), height), Image.Resampling.LANCZOS)
    return small.crop(small.getchannel("A").getbbox())


def images() -> dict[str, Image.Image]:
    """Every file of the brand folder, by name."""
    return {
        "icon.png": icon(256),
        "icon@2x.png": icon(512),
        "logo.png": logo(256, INK),
        "logo@2x.png": logo(512, INK),
        "dark_logo.png": logo(256, LIGHT_INK),
        "dark_logo@2x.png": logo(512, LIGHT_INK),
    }


def main() -> int:
    """Write the images and the SVG; print what was written."""
    BRAND.mkdir(exist_ok=True)
    for name, image in images().items():
        image.save(BRAND / name, optimize=True)
        print(f"{BRAND.relative_to(ROOT) / name}: {image.width}x{image.height}")
    SVG.parent.mkdir(parents=True, exist_ok=True)
    SVG.write_text(svg())
    print(f"{SVG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
