"""The brand images Home Assistant serves for IoT Lab, and their source (scripts/brand.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from PIL import Image, ImageChops, ImageStat
import pytest

ROOT = Path(__file__).resolve().parents[2]
BRAND = ROOT / "custom_components" / "iot_lab" / "brand"
# The names Home Assistant's brands view serves (homeassistant.components.brands).
SERVED = {
    "icon.png",
    "logo.png",
    "icon@2x.png",
    "logo@2x.png",
    "dark_icon.png",
    "dark_logo.png",
    "dark_icon@2x.png",
    "dark_logo@2x.png",
}


def _source() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "brand", ROOT / "scripts" / "brand.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_brand_folder_holds_only_served_images() -> None:
    names = {path.name for path in BRAND.iterdir()}
    assert {"icon.png", "icon@2x.png", "logo.png"} <= names
    assert names <= SERVED


@pytest.mark.parametrize(
    ("name", "size"),
    [("icon.png", (256, 256)), ("icon@2x.png", (512, 512))],
)
def test_icons_are_square_with_transparent_corners(
    name: str, size: tuple[int, int]
) -> None:
    with Image.open(BRAND / name) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", size)
        alpha = image.getchannel("A")
        assert alpha.getpixel((0, 0)) == 0
        assert alpha.getpixel((size[0] // 2, size[1] // 2)) == 255


@pytest.mark.parametrize(
    ("name", "height"),
    [
        ("logo.png", 128),
        ("logo@2x.png", 256),
        ("dark_logo.png", 128),
        ("dark_logo@2x.png", 256),
    ],
)
def test_logos_are_landscape(name: str, height: int) -> None:
    with Image.open(BRAND / name) as image:
        assert (image.format, image.mode, image.height) == ("PNG", "RGBA", height)
        assert image.width > 2 * height


def test_committed_images_are_the_sources_drawing() -> None:
    """A changed drawing must be rendered again (`scripts/brand.py`) and committed."""
    for name, drawn in _source().images().items():
        with Image.open(BRAND / name) as committed:
            assert committed.size == drawn.size, name
            difference = ImageChops.difference(committed.convert("RGBA"), drawn)
            # Within a shade: another Pillow may round a few edge pixels differently.
            assert max(ImageStat.Stat(difference).mean) < 1.0, name
