"""The HTML report in a real browser: headless Chromium over the DevTools protocol.

Every page is rendered and visited by one browser in a process of its own while the other tests
run (see tests/browser.py); these tests, run last, read what it saved. For each
example in English and Chinese, a 10-profile batch and a hostile-text profile: no console or
log error, no request but the page itself, the expected headings, tables and charts in the
DOM, a screenshot that is not blank, and a PDF in which pdftotext finds every rule id with each
profile starting a page. Without Chromium or pdftotext these tests skip, except under CI=true,
where they fail (.ci/run installs both).
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest

from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset
from hemscore.render.formats.html import shown

from .browser import Page, Prefetch, Spec, chromium, dump_dom, pdf_pages
from .conftest import EXAMPLES, ROOT
from .test_html import ELEMENTS, HOSTILE_PROFILE, find_all, local, text_of

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "fixtures" / "pipeline"


def need(tool: str | None, name: str) -> str:
    if tool:
        return tool
    message = (
        f"{name} is not installed (.ci/run installs it: apt-get install chromium poppler-utils)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Case:
    html: Path
    lang: str
    assessments: list[Assessment]
    page: Page | None = None


def _batch(folder: Path) -> list[Path]:
    """Ten profiles of every kind: the six examples, the two pipeline fixtures, two renamed."""
    folder.mkdir()
    paths = []
    for p in [*sorted(EXAMPLES.glob("*.toml")), FIXTURES / "region.toml", FIXTURES / "firm.toml"]:
        paths.append(folder / p.name)
        shutil.copyfile(p, paths[-1])
    region = (FIXTURES / "region.toml").read_text(encoding="utf-8")
    for n in (2, 3):
        paths.append(folder / f"region{n}.toml")
        renamed = region.replace(
            'name = "Test Province, \\"North\\""', f'name = "Test Province {n}"'
        )
        assert renamed != region
        paths[-1].write_text(renamed, encoding="utf-8")
    return sorted(paths)


def browser_specs(folder: Path) -> list[Spec]:
    """The pages this module's tests read, for the prefetching process (tests/browser.py):
    each example in English and Chinese, a 10-profile batch, a hostile profile, a canary."""
    folder = folder / "assess"
    folder.mkdir()

    def spec(name: str, source: Path, lang: str) -> Spec:
        argv = ["assess", str(source), "-f", "html", "--lang", lang, "--quiet"]
        return Spec(name, str(folder / f"{name}.html"), argv)

    specs = [
        spec(f"{p.stem}.{lang}", p, lang)
        for p in sorted(EXAMPLES.glob("*.toml"))
        for lang in ("en", "zh")
    ]
    _batch(folder / "batch")
    specs.append(spec("batch10.en", folder / "batch", "en"))
    hostile = folder / "hostile.toml"
    hostile.write_text(HOSTILE_PROFILE, encoding="utf-8")
    specs.append(spec("hostile.en", hostile, "en"))
    # A page that does what a report must never do, to show the checks can fail.
    canary = folder / "canary.html"
    canary.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>canary</title></head><body>'
        '<img alt="" src="http://127.0.0.1:9/x.png"><script>noSuchFunction()</script></body></html>',
        encoding="utf-8",
    )
    specs.append(Spec("canary", str(canary), pdf=False))
    return specs


@pytest.fixture(scope="module")
def cases(prefetched: Prefetch) -> dict[str, Case]:
    need(chromium(), "chromium")
    need(shutil.which("pdftotext"), "pdftotext")
    folder = prefetched.folder / "pages" / "assess"
    ruleset = load_ruleset()

    def assessed(paths: list[Path]) -> list[Assessment]:
        return [assess(load_profile(str(p), ruleset.metrics), ruleset) for p in paths]

    inputs = {
        f"{p.stem}.{lang}": [p] for p in sorted(EXAMPLES.glob("*.toml")) for lang in ("en", "zh")
    }
    inputs["batch10.en"] = sorted((folder / "batch").glob("*.toml"))
    inputs["hostile.en"] = [folder / "hostile.toml"]
    found = {
        name: Case(folder / f"{name}.html", name.split(".")[1], assessed(paths))
        for name, paths in inputs.items()
    }
    found["canary"] = Case(folder / "canary.html", "en", [])
    for name, case in found.items():
        case.page = prefetched.page(name)
    return found


PAGES = [f"{p.stem}.{lang}" for p in sorted(EXAMPLES.glob("*.toml")) for lang in ("en", "zh")]
PAGES += ["batch10.en", "hostile.en"]


def page_of(cases: dict[str, Case], name: str) -> tuple[Case, Page]:
    case = cases[name]
    assert case.page is not None
    return case, case.page


def test_the_checks_catch_an_error_and_a_request(cases: dict[str, Case]) -> None:
    _, page = page_of(cases, "canary")
    assert any("noSuchFunction" in e for e in page.errors)
    assert "http://127.0.0.1:9/x.png" in page.requests


@pytest.mark.parametrize("name", PAGES)
def test_no_console_error_and_no_request(cases: dict[str, Case], name: str) -> None:
    case, page = page_of(cases, name)
    assert page.errors == []
    assert page.requests == [case.html.as_uri()]


@pytest.mark.parametrize("name", PAGES)
def test_the_dom_has_every_heading_table_and_chart(cases: dict[str, Case], name: str) -> None:
    case, page = page_of(cases, name)
    root = html5lib.parse(page.dom, namespaceHTMLElements=False)
    assert len(list(root.iter("h1"))) == 1
    sections = [s for s in root.iter("section") if s.get("class") == "profile"]
    assert len(sections) == len(case.assessments)
    for a, section in zip(case.assessments, sections):
        assert [text_of(h) for h in section.iter("h2")] == [shown(a.profile.name)]
        rules = [t for t in section.iter("table") if t.get("class") == "rules"]
        ids = [text_of(th) for t in rules for th in t.iter("th") if th.get("scope") == "row"]
        assert ids == [r.id for r in a.results]
        charts = find_all(section, "svg")
        assert charts and all(
            [local(k.tag) for k in svg][:2] == ["title", "desc"] for svg in charts
        )
        assert any(t.get("class") == "chart-data" for t in section.iter("table"))
    heat = [t for t in root.iter("table") if t.get("class") == "heat"]
    if len(case.assessments) > 1:
        assert len(heat[0].find("tbody")) == len(case.assessments)  # type: ignore[arg-type]
        assert len(list(next(root.iter("nav")).iter("li"))) == len(case.assessments)
    else:
        assert heat == []


def test_hostile_text_creates_no_element_in_chromium(cases: dict[str, Case]) -> None:
    case, page = page_of(cases, "hostile.en")
    binary = chromium()
    assert binary is not None
    for dom in (page.dom, dump_dom(binary, case.html.as_uri())):
        root = html5lib.parse(dom, namespaceHTMLElements=False)
        made = {local(el.tag) for el in root.iter()}
        assert made <= ELEMENTS, made - ELEMENTS
        assert not [
            (el.tag, k) for el in root.iter() for k in el.attrib if k.lower().startswith("on")
        ]
        assert "<script>alert(1)</script>" in text_of(next(root.iter("h2")))


@pytest.mark.parametrize("name", PAGES)
def test_the_screenshot_is_not_blank(cases: dict[str, Case], name: str) -> None:
    from PIL import Image

    _, page = page_of(cases, name)
    image = Image.open(io.BytesIO(page.png)).convert("RGB")
    assert image.size == (1280, 1600)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    # dark text on a light page: both ends of the range are there in quantity
    grey = image.convert("L")
    histogram = grey.histogram()
    assert sum(histogram[:80]) > 2000 and sum(histogram[220:]) > 0.5 * sum(histogram)


@pytest.mark.parametrize("name", PAGES)
def test_the_pdf_has_every_rule_and_each_profile_starts_a_page(
    cases: dict[str, Case], name: str
) -> None:
    case, page = page_of(cases, name)
    pages = pdf_pages(page.pdf)
    text = "\f".join(pages)
    for a in case.assessments:
        for r in a.results:
            assert r.id in text, r.id
    if name == "hostile.en":
        return
    starts = []
    for k, body in enumerate(pages):
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        head = lines[:4] if k == 0 else lines[:1]  # page 1 opens with the report's title
        for i, a in enumerate(case.assessments):
            if any(line.startswith(a.profile.name[:30]) for line in head):
                starts.append((i, k))
    assert [i for i, _ in starts] == list(range(len(case.assessments))), starts
    assert [k for _, k in starts] == sorted({k for _, k in starts})
