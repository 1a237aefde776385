"""The brand images Home Assistant serves for IoT Lab, and their source (scripts/brand.py).

Names from Home Assistant's brands view (homeassistant/components/brands), sizes and
trimming from the brands rules: icons 256x256 and 512x512, logos at most (and here exactly)
256 and 512 px on their shortest side, no empty margin.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
import sys
from types import ModuleType

from homeassistant.components.brands.const import ALLOWED_IMAGES
from PIL import Image, ImageChops, ImageStat
import pytest

ROOT = Path(__file__).resolve().parents[2]
BRAND = ROOT / "custom_components" / "iot_lab" / "brand"


def _source() -> ModuleType:
    """scripts/brand.py as a module (registered, as its dataclasses need)."""
    name = "iot_lab_brand_source"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "brand.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_brand_folder_holds_only_served_images() -> None:
    names = {path.name for path in BRAND.iterdir()}
    assert {"icon.png", "icon@2x.png", "logo.png", "logo@2x.png"} <= names
    assert names <= ALLOWED_IMAGES


def _trimmed_rgba_png(image: Image.Image) -> None:
    assert (image.format, image.mode) == ("PNG", "RGBA")
    alpha = image.getchannel("A")
    assert alpha.getbbox() == (0, 0, *image.size), "a margin is left around the drawing"
    assert alpha.getpixel((0, 0)) == 0, "the corners are transparent"


@pytest.mark.parametrize(
    ("name", "size"), [("icon.png", (256, 256)), ("icon@2x.png", (512, 512))]
)
def test_icons_are_square_and_trimmed(name: str, size: tuple[int, int]) -> None:
    with Image.open(BRAND / name) as image:
        _trimmed_rgba_png(image)
        assert image.size == size
        assert image.getchannel("A").getpixel((size[0] // 2, size[1] // 2)) == 255


@pytest.mark.parametrize(
    ("name", "height"),
    [
        ("logo.png", 256),
        ("logo@2x.png", 512),
        ("dark_logo.png", 256),
        ("dark_logo@2x.png", 512),
    ],
)
def test_logos_are_landscape_and_trimmed(name: str, height: int) -> None:
    with Image.open(BRAND / name) as image:
        _trimmed_rgba_png(image)
        assert image.height == height
        assert image.width > 2 * height


def test_committed_images_are_the_sources_drawing() -> None:
    """A changed drawing must be rendered again (`scripts/brand.py`) and committed."""
    drawn = _source().images()
    assert drawn.keys() == {path.name for path in BRAND.iterdir()}
    for name, image in drawn.items():
        with Image.open(BRAND / name) as committed:
            assert committed.size == image.size, name
            difference = ImageChops.difference(committed.convert("RGBA"), image)
            # Within a shade: another Pillow may round a few edge pixels differently.
            assert max(ImageStat.Stat(difference).mean) < 1.0, name


def test_committed_svg_is_the_sources() -> None:
    """docs/brand/icon.svg comes from the same shapes as the PNGs (the browser test
    checks that Chromium draws it as the 512 px icon)."""
    source = _source()
    assert source.SVG.read_text() == source.svg()
