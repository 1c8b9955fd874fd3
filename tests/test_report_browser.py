"""The HTML performance statement in a real browser: headless Chromium (tests/browser.py)
renders the shipped example's statement, offline, from a fresh profile.

The screenshots are kept for people to look at, at a known place in the checkout:
``build/screenshots/report-desktop.png`` (1280 × 2400) and
``build/screenshots/report-phone.png`` (390 × 2400); ``build/`` is not committed.
Without Chromium these tests skip and say so (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import re
from pathlib import Path

import browser
import pytest
from PIL import Image

from engine.report.statement import statement_html
from engine.run import Outcome

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = browser.find()
    if found is None:
        pytest.skip(browser.MISSING)
    return found


@pytest.fixture(scope="module")
def page(shipped_run: Outcome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("statement") / "report.html"
    path.write_text(statement_html(shipped_run.record, suppress_below=10), encoding="utf-8")
    return path


def test_rendered_dom_has_the_missed_standard_and_its_chart(chromium: str,
                                                             page: Path) -> None:
    dom = browser.dump_dom(chromium, page)
    match = re.search(r'<article class="standard" id="std-cmp-01".*?</article>', dom, re.S)
    assert match, "CMP-01's article is not in the rendered page"
    article = match.group(0)
    assert "Why this standard was not met." in article
    assert "In 2025-06, the result was 94.8% over 155 cases" in article
    svg = re.search(r"<svg [^>]*role=\"img\"[^>]*>.*?</svg>", article, re.S)
    assert svg and "<title" in svg.group(0) and "<desc" in svg.group(0)
    assert "<script" not in dom


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 390)])
def test_screenshot_is_not_blank(chromium: str, page: Path, name: str, width: int) -> None:
    out = browser.screenshot(chromium, page, SCREENSHOTS / f"report-{name}.png", width, 2400)
    with Image.open(out) as image:
        assert image.size == (width, 2400)
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20) or []
        # Text, tables and badges: many anti-aliased shades, and a fair share of ink.
        assert len(colours) > 200, f"only {len(colours)} colours: a blank page?"
        white = max((count for count, rgb in colours
                     if isinstance(rgb, tuple) and min(rgb) >= 250), default=0)
        inked = 1 - white / (pixels.width * pixels.height)
        assert inked > 0.05, f"{inked:.1%} of the page is not white"
        # The masthead's rule in the institution's colour: the stylesheet applied.
        top = [pixels.getpixel((x, 2)) for x in range(pixels.width)]
        assert (0x1D, 0x3A, 0x5F) in top


def test_prints_to_pdf(chromium: str, page: Path, tmp_path: Path) -> None:
    pdf = browser.print_pdf(chromium, page, tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 5, f"{pages} pages"  # nine standards, one or two to a page
    assert len(pdf) > 50_000
