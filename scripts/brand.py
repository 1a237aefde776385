"""Draw IoT Lab's brand images into custom_components/iot_lab/brand/ (the source of them).

Home Assistant (2026.3 and later) serves a custom integration's own `brand/` folder under
`/api/brands/integration/<domain>/`. The icon is a lab board on a teal tile with a signal
above it; the logo adds the name. Drawn at four times the size, then scaled down, so the
edges are smooth. Run: `.venv/bin/python scripts/brand.py` (tests/unit/test_brand.py checks
the committed files against a fresh drawing).
"""

from __future__ import annotations

from pathlib import Path
import sys

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "custom_components" / "iot_lab" / "brand"
FONT = ROOT / "esphome" / "fonts" / "DejaVuSans.ttf"
TEAL = (15, 118, 110, 255)
WHITE = (255, 255, 255, 255)
INK = (17, 24, 39, 255)
LIGHT_INK = (229, 231, 235, 255)
AMBER = (251, 191, 36, 255)
SCALE = 4


def icon(size: int) -> Image.Image:
    """The tile: a board with its LED, pins and a signal above it."""
    unit = size * SCALE / 512
    image = Image.new("RGBA", (size * SCALE,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * unit, y0 * unit, x1 * unit, y1 * unit]

    draw.rounded_rectangle(box(16, 16, 496, 496), radius=104 * unit, fill=TEAL)
    for arc in (44, 92, 140):  # the signal, centred on the board's top edge
        draw.arc(
            box(256 - arc, 250 - arc, 256 + arc, 250 + arc),
            start=220,
            end=320,
            fill=WHITE,
            width=round(22 * unit),
        )
    for y in (300, 340, 380):  # pins on both sides of the board
        draw.rectangle(box(118, y - 9, 150, y + 9), fill=WHITE)
        draw.rectangle(box(362, y - 9, 394, y + 9), fill=WHITE)
    draw.rounded_rectangle(box(146, 262, 366, 424), radius=22 * unit, fill=WHITE)
    draw.rounded_rectangle(box(178, 296, 270, 390), radius=10 * unit, fill=TEAL)
    draw.ellipse(box(300, 316, 344, 360), fill=AMBER)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def logo(height: int, ink: tuple[int, int, int, int]) -> Image.Image:
    """The icon and the name beside it, on a transparent background."""
    big = height * SCALE
    font = ImageFont.truetype(str(FONT), round(big * 0.56))
    text = "IoT Lab"
    left, top, right, bottom = font.getbbox(text)
    gap = round(big * 0.18)
    image = Image.new("RGBA", (big + gap + right + gap // 2, big), (0, 0, 0, 0))
    image.paste(icon(height).resize((big, big), Image.Resampling.LANCZOS), (0, 0))
    draw = ImageDraw.Draw(image)
    draw.text(
        (big + gap - left, (big - (bottom - top)) // 2 - top), text, font=font, fill=ink
    )
    width = round(image.width / SCALE)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def images() -> dict[str, Image.Image]:
    """Every file of the brand folder, by name."""
    return {
        "icon.png": icon(256),
        "icon@2x.png": icon(512),
        "logo.png": logo(128, INK),
        "logo@2x.png": logo(256, INK),
        "dark_logo.png": logo(128, LIGHT_INK),
        "dark_logo@2x.png": logo(256, LIGHT_INK),
    }


def main() -> int:
    """Write the images; print what was written."""
    BRAND.mkdir(exist_ok=True)
    for name, image in images().items():
        image.save(BRAND / name, optimize=True)
        print(f"{BRAND.relative_to(ROOT) / name}: {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
