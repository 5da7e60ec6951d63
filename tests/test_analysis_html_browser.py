"""The analysis commands' HTML pages in a real browser: headless Chromium, as for the assessment.

One browser visits every page (compare, plan, diff, audit, sensitivity in English and Chinese,
and each on hostile text), in a process of its own while the other tests run (tests/browser.py): no console or log error, no request but the page itself, the
expected sections and charts in the DOM, a screenshot that is not blank, and a PDF whose text
holds every row label of every table. Skips without Chromium or pdftotext, except under CI=true.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest

from .analysis_pages import COMMANDS, LANGS
from .analysis_pages import browser_specs as analysis_specs
from .browser import Page, Prefetch, Spec, chromium, pdf_pages
from .test_html import ELEMENTS, find_all, local, text_of
from .test_html_browser import need

pytestmark = pytest.mark.browser
PAGES = [f"{n}.{lang}" for n in COMMANDS for lang in LANGS]

#: The sections each page has (ids of its <section> elements), in order.
SECTIONS = {
    "compare": ["ranking", "heat", "rules", "notes"],
    "plan": ["steps", "outcome", "blockers"],
    "diff": ["diagnostics", "rules", "summary"],
    "audit": ["corr", "consistency", "importance", "flags", "more"],
    "sensitivity": ["ranks", "scores", "notes"],
}


@dataclass
class Visit:
    html: Path
    page: Page


def browser_specs(folder: Path) -> list[Spec]:
    """The pages this module's tests read, for the prefetching process (tests/browser.py)."""
    return analysis_specs(folder)


@pytest.fixture(scope="module")
def visits(prefetched: Prefetch) -> dict[str, Visit]:
    need(chromium(), "chromium")
    need(shutil.which("pdftotext"), "pdftotext")
    folder = prefetched.folder / "pages" / "analysis"
    names = [*PAGES, *[f"hostile-{n}" for n in COMMANDS]]
    return {n: Visit(folder / f"{n}.html", prefetched.page(n)) for n in names}


def test_no_console_error_and_no_request(visits: dict[str, Visit]) -> None:
    for name, v in visits.items():
        assert v.page.errors == [], name
        assert v.page.requests == [v.html.as_uri()], name


@pytest.mark.parametrize("name", PAGES)
def test_the_dom_has_its_sections_and_the_pdf_every_row_label(
    visits: dict[str, Visit], name: str
) -> None:
    v = visits[name]
    root = html5lib.parse(v.page.dom, namespaceHTMLElements=False)
    assert len(list(root.iter("h1"))) == 1
    blocks = [s for s in root.iter("section") if s.get("class") == "block"]
    assert [s.get("id") for s in blocks] == SECTIONS[name.split(".")[0]]
    assert all(text_of(next(s.iter("h2"))).strip() for s in blocks)
    charts = find_all(root, "svg")
    assert charts and all([local(k.tag) for k in svg][:2] == ["title", "desc"] for svg in charts)
    labels = [text_of(th) for th in root.iter("th") if th.get("scope") == "row"]
    assert len(labels) >= 3
    # pdftotext joins a word broken at a hyphen at the end of a line: compare without either
    text = re.sub(r"[\s-]+", "", "".join(pdf_pages(v.page.pdf)))
    missing = [x for x in labels if re.sub(r"[\s-]+", "", x) not in text]
    assert missing == []


@pytest.mark.parametrize("name", PAGES)
def test_the_screenshot_is_not_blank(visits: dict[str, Visit], name: str) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(visits[name].page.png)).convert("RGB")
    assert image.size == (1280, 1600)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    histogram = image.convert("L").histogram()
    assert sum(histogram[:80]) > 2000 and sum(histogram[220:]) > 0.5 * sum(histogram)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_hostile_text_creates_no_element_in_chromium(
    visits: dict[str, Visit], command: str
) -> None:
    root = html5lib.parse(visits[f"hostile-{command}"].page.dom, namespaceHTMLElements=False)
    made = {local(el.tag) for el in root.iter()}
    assert made <= ELEMENTS, made - ELEMENTS
    assert not [(el.tag, k) for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    assert "<script>alert(1)</script>" in text_of(root)
