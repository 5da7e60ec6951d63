"""The SVG report fetches nothing and looks the same in Chromium, rsvg-convert and cairosvg.

The rendering test needs rsvg-convert (Debian: librsvg2-bin) and cairosvg (the test extra; it
needs the cairo library); Chromium is used when it is installed. Each is skipped when missing.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, Run

SVG_NS = "{http://www.w3.org/2000/svg}"


def _svg(run_cli: Callable[..., Run], *args: object) -> str:
    r = run_cli("assess", EXAMPLES / "china-2022.toml", *args, "--format", "svg")
    assert r.code == 0, r.err
    return r.out


def test_svg_fetches_nothing(run_cli: Callable[..., Run]) -> None:
    svg = _svg(run_cli, "--detail")
    assert "@font-face" not in svg and "@import" not in svg and "url(http" not in svg
    # the only address is the SVG namespace, which is a name, not a request
    assert svg.count("http") == svg.count('xmlns="http://www.w3.org/2000/svg"') == 1


def test_no_text_run_relies_on_whitespace(run_cli: Callable[..., Run]) -> None:
    root = ET.fromstring(_svg(run_cli, "--detail"))
    texts = [t.text or "" for t in root.iter(f"{SVG_NS}text")]
    assert len(texts) > 100
    for text in texts:
        assert text.strip(" \u00a0") == text and text.strip(), repr(text)


def _png_rsvg(svg: Path, out: Path) -> Path:
    subprocess.run(["rsvg-convert", str(svg), "-o", str(out)], check=True, timeout=120)
    return out


def _png_cairo(svg: Path, out: Path) -> Path:
    import cairosvg

    cairosvg.svg2png(url=str(svg), write_to=str(out))
    return out


def _png_chromium(svg: Path, out: Path, size: tuple[int, int]) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None
    profile = out.parent / "chromium-profile"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={out}",
            f"--window-size={size[0]},{size[1]}",
            svg.as_uri(),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return out


def _difference(a: Path, b: Path) -> float:
    """Mean absolute difference of two pictures, grey, at a quarter of their size: 0 to 1."""
    from PIL import Image, ImageChops, ImageStat

    def load(p: Path) -> Image.Image:
        im = Image.open(p).convert("L")
        return im.resize((im.width // 4, im.height // 4), Image.Resampling.BOX)

    first, second = load(a), load(b)
    assert first.size == second.size
    return float(ImageStat.Stat(ImageChops.difference(first, second)).mean[0]) / 255


def test_svg_renders_alike_in_rsvg_cairosvg_and_chromium(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    if shutil.which("rsvg-convert") is None:
        pytest.skip("rsvg-convert is not installed (Debian: librsvg2-bin)")
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        pytest.skip("cairosvg or the cairo library is not installed")
    svg = tmp_path / "report.svg"
    svg.write_text(_svg(run_cli), encoding="utf-8")
    rsvg = _png_rsvg(svg, tmp_path / "rsvg.png")
    cairo = _png_cairo(svg, tmp_path / "cairo.png")
    # Measured: 0.006 once words are placed one by one in a local monospace font; 0.036 with
    # Rich's export (leading spaces dropped by rsvg, a proportional fallback font in cairosvg).
    assert _difference(rsvg, cairo) < 0.015
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        from PIL import Image

        size = Image.open(rsvg).size
        chrome = _png_chromium(svg, tmp_path / "chromium.png", size)
        assert _difference(rsvg, chrome) < 0.015
