"""The HTML report without a browser: structure, escaping, language, colours and streaming.

The browser half (Chromium: console, network, DOM, screenshot, PDF) is tests/test_html_browser.py.
"""

from __future__ import annotations

import re
import shutil
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import html5lib
import pytest

from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import RuleSet, load_ruleset
from hemscore.render.formats import Joined, RenderOptions
from hemscore.render.formats import html as report

from .conftest import EXAMPLES, ROOT, RULES

HOSTILE_TEXT = (
    "<script>alert(1)</script> \\\"Q\\\" 'S' & <img src=x onerror=alert(2)> "
    "\\u0000NUL \\u001bESC \\u007fDEL \\u0085NEL\\nline2 </section><h1>x</h1>"
)

HOSTILE_PROFILE = f"""
[profile]
name = "{HOSTILE_TEXT}"
kind = "region"
year = 2022
country = "<b>XX</b>"
description = "<iframe src=//evil.example></iframe> ]]> <!-- c --> <![CDATA[ x ]]> {HOSTILE_TEXT}"

[cluster]
location_quotient = {{ value = 1.4, year = 2022, source = "<script>document.write(1)</script>", note = "<a href=javascript:alert(3)>n</a> {HOSTILE_TEXT}" }}

[technology]
rd_intensity_pct = {{ value = 2.1, source = "estimate: <svg onload=alert(4)>" }}

[technology.critical_input_origin_shares]
"<img src=y onerror=alert(5)>" = 60.0
other = 40.0

[exports.new_product_sales_series]
value = {{ 2017 = 120.0, 2018 = 131.5, 2019 = 124.0 }}
source = "</desc></svg><script>alert(6)</script>"

[waivers]
"PO-05" = "<style>body{{display:none}}</style> {HOSTILE_TEXT}"
"""

#: Every element the report makes. Anything else in a parsed report came from file text.
ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "a",
    "main", "section", "dl", "div", "dt", "dd", "span", "figure", "figcaption", "svg", "desc",
    "line", "text", "rect", "polyline", "circle", "table", "caption", "thead", "tbody", "tr",
    "th", "td", "ul", "ol", "li", "strong", "nav", "footer",
}  # fmt: skip


#: Pages already parsed, by their text: several tests read the same page (the trees are only
#: read, never changed).
_PARSED: dict[str, ET.Element] = {}


def parse_strict(page: str) -> ET.Element:
    """The page parsed by html5lib in strict mode: any parse error raises."""
    root = _PARSED.get(page)
    if root is None:
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        root = _PARSED[page] = parser.parse(page)
    return root


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def find_all(root: ET.Element, name: str) -> list[ET.Element]:
    """Every element named ``name``, HTML or SVG (html5lib puts SVG in its namespace)."""
    return [el for el in root.iter() if local(el.tag) == name]


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def assessed(path: Path, ruleset: RuleSet | None = None) -> Assessment:
    ruleset = ruleset or load_ruleset()
    return assess(load_profile(str(path), ruleset.metrics), ruleset)


@pytest.fixture(scope="module")
def examples() -> list[Assessment]:
    ruleset = load_ruleset()
    return [assessed(p, ruleset) for p in sorted(EXAMPLES.glob("*.toml"))]


def page_of(assessments: list[Assessment], lang: str = "en") -> str:
    return report.render(assessments, RenderOptions(lang=lang))


def hostile_rules(tmp_path: Path) -> Path:
    """The built-in rules with hostile text in the rule set's name, a diagnostic and two rules."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    bad = '<script>alert(7)</script> \\"x\\" <img src=z onerror=alert(8)>'
    ruleset = folder / "ruleset.toml"
    text = ruleset.read_text(encoding="utf-8")
    text = text.replace('name = "hemscore-core"', f'name = "core {bad}"')
    text = text.replace('en.title = "Core-technology dependence"', f'en.title = "Core {bad}"')
    ruleset.write_text(text, encoding="utf-8")
    tech = folder / "technology.toml"
    text = tech.read_text(encoding="utf-8")
    text = text.replace('en.title = "R&D intensity of the economy"', f'en.title = "R&D {bad}"', 1)
    text = text.replace('en.recommendation = "', f'en.recommendation = "{bad} ', 1)
    tech.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[tuple[Assessment, str]]:
    ruleset = load_ruleset([str(hostile_rules(tmp_path))])
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE_PROFILE, encoding="utf-8")
    a = assessed(path, ruleset)
    yield a, page_of([a, a])


# --- escaping --------------------------------------------------------------------------------


def test_esc_escapes_markup_and_shows_invalid_code_points_as_escapes() -> None:
    assert (
        report.esc("<a href=\"x\">'&'</a>")
        == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
    )
    assert (
        report.esc("a\x00b\x1bc\x7fd\x85e\ufffef\U0010ffffg\ud800h\u202ei")
        == "a\\x00b\\x1bc\\x7fd\\x85e\\ufffef\\U0010ffffg\\ud800h\\u202ei"
    )
    assert report.esc("tab\tnew\nline\r\nend") == "tab new line end"
    assert report.esc("中文 é ✓") == "中文 é ✓"


def test_hostile_text_makes_no_element_or_attribute(hostile: tuple[Assessment, str]) -> None:
    a, page = hostile
    assert "\x00" not in page and "\x1b" not in page and "\x85" not in page
    root = parse_strict(page)
    made = {local(el.tag) for el in root.iter()}
    assert made <= ELEMENTS, made - ELEMENTS
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name == "href":
                assert value.startswith("#"), value
        assert local(el.tag) != "style" or "display:none" not in (el.text or "")
    # The file text is there, as text: the profile's name is the heading, minus the controls.
    names = [text_of(h) for h in root.iter("h2") if re.fullmatch(r"p\d+-h", h.get("id", ""))]
    expected = report.shown(a.profile.name)
    assert "\\x1b" in expected and "\\x00" in expected  # the controls are visible
    assert names == [expected, expected]
    assert "<script>alert(7)</script>" in text_of(root)  # the rule text, shown as text
    assert "<svg onload=alert(4)>" in text_of(root)


# --- structure -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_example_parses_strictly(examples: list[Assessment], lang: str) -> None:
    for a in examples:
        parse_strict(page_of([a], lang))
    parse_strict(page_of(examples, lang))


def test_each_profile_has_its_header_chart_rules_and_all_recommendations(
    examples: list[Assessment],
) -> None:
    root = parse_strict(page_of(examples))
    sections = [s for s in root.iter("section") if "profile" in s.get("class", "").split()]
    assert len(sections) == len(examples)
    for a, section in zip(examples, sections):
        assert section.get("id") and section.get("aria-labelledby") == section.get("id") + "-h"
        h2 = [text_of(h) for h in section.iter("h2")]
        assert h2 == [a.profile.name]
        facts = {text_of(dt): text_of(dd) for dt, dd in _pairs(section)}
        assert facts["Grade"] == a.grade
        assert facts["Coverage"] == f"{a.coverage * 100:.0f}%"
        assert facts["Rule set"] == f"{a.ruleset.name} {a.ruleset.version}"
        assert facts["Overall"] == (
            "insufficient data" if a.score is None else f"{a.score:.0f} / 100"
        )
        # every rule, once, in the table of its diagnostic
        tables = [t for t in section.iter("table") if t.get("class") == "rules"]
        with_rules = [(i, d) for i, d in enumerate(a.diagnostics) if d.rules]
        assert len(tables) == len(with_rules)
        for table, (i, d) in zip(tables, with_rules):
            caption = text_of(table.find("caption"))  # type: ignore[arg-type]
            assert caption.startswith(a.ruleset.diagnostics[i].text("en", "title"))
            ids = [text_of(th) for th in table.iter("th") if th.get("scope") == "row"]
            assert ids == [r.id for r in d.rules]
            statuses = [
                text_of(td).strip() for td in table.iter("td") if "status" in td.get("class", "")
            ]
            icons = {
                "pass": "✓ pass",
                "fail": "✗ fail",
                "missing": "○ no data",
                "waived": "⊘ waived",
            }
            assert statuses == [icons[r.status] for r in d.rules]
        # all recommendations, not the first five
        recs = [t for t in section.iter("table") if t.get("class") == "recommendations"]
        if a.recommendations:
            rows = recs[0].find("tbody").findall("tr")  # type: ignore[union-attr]
            assert [text_of(r.findall("td")[0]).split()[0] for r in rows] == [
                rec.rule.id for rec in a.recommendations
            ]
            gains = [text_of(r.findall("td")[1]) for r in rows]
            assert gains == ["–" if x.gain is None else f"+{x.gain:.1f}" for x in a.recommendations]
    assert max(len(a.recommendations) for a in examples) > 5  # "all" is tested beyond the top 5


def _pairs(section: ET.Element) -> Iterator[tuple[ET.Element, ET.Element]]:
    for div in section.iter("div"):
        dt, dd = div.find("dt"), div.find("dd")
        if dt is not None and dd is not None:
            yield dt, dd


def test_every_chart_has_title_description_and_data_table(examples: list[Assessment]) -> None:
    root = parse_strict(page_of(examples))
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    charts = 0
    parents = {child: parent for parent in root.iter() for child in parent}
    for svg in find_all(root, "svg"):
        charts += 1
        kids = [local(k.tag) for k in svg]
        assert kids[:2] == ["title", "desc"], kids[:2]
        assert all(text_of(k).strip() for k in list(svg)[:2])
        assert svg.get("role") == "img"
        refs = (svg.get("aria-labelledby") or "").split()
        assert refs == [svg[0].get("id"), svg[1].get("id")] and set(refs) <= ids
        # the numbers: a table in the same figure or beside it
        holder = parents[svg]
        if local(holder.tag) == "figure" and holder.find("table") is None:
            holder = parents[holder]
        assert holder.find("table") is not None, holder.attrib
    sparklines = sum(1 for s in find_all(root, "svg") if s.get("class") == "sparkline")
    countries = sum(1 for a in examples if a.profile.kind == "country")  # placed among the panel
    assert charts == len(examples) + sparklines + countries and sparklines >= 3 and countries == 3


def test_the_chart_numbers_match_the_assessment(examples: list[Assessment]) -> None:
    a = examples[0]  # china-2022
    root = parse_strict(page_of([a]))
    table = next(t for t in root.iter("table") if t.get("class") == "chart-data")
    rows = [[text_of(c) for c in tr] for tr in table.find("tbody")]  # type: ignore[union-attr]
    assert rows == [
        [
            a.ruleset.diagnostics[i].text("en", "title"),
            f"{d.score:.0f}",
            f"{d.coverage * 100:.0f}%",
            "1",
        ]
        for i, d in enumerate(a.diagnostics)
    ]
    # bar length: score × 3.2 user units (320 for 100)
    bars = [r for r in find_all(root, "rect") if r.get("class", "").startswith("bar-")]
    assert [float(b.get("width", "")) for b in bars] == [
        round(d.score * 3.2, 1) for d in a.diagnostics
    ]  # type: ignore[operator]


def test_sparkline_by_hand() -> None:
    svg = report.sparkline({2019: 2.0, 2017: 1.0, 2018: 3.0}, "t", "d", "x")
    points = re.search(r'points="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    # x from 5 to 175 in two steps; y 5 (highest) to 35 (lowest)
    assert points == "5.0,35.0 90.0,5.0 175.0,20.0"
    assert 'class="spark-peak" cx="90.0" cy="5.0"' in svg


def test_several_profiles_get_a_navigation_list_and_heat_map(examples: list[Assessment]) -> None:
    root = parse_strict(page_of(examples))
    nav = next(root.iter("nav"))
    links = [(a.get("href"), text_of(a)) for a in nav.iter("a")]
    assert links == [(f"#p{i + 1}", a.profile.name) for i, a in enumerate(examples)]
    heat = next(t for t in root.iter("table") if t.get("class") == "heat")
    header = [text_of(th) for th in heat.find("thead").iter("th")]  # type: ignore[union-attr]
    assert header == ["Profile", "Overall", "Grade"] + [
        d.text("en", "title") for d in examples[0].ruleset.diagnostics
    ]
    for tr, a in zip(heat.find("tbody"), examples):  # type: ignore[arg-type]
        cells = [text_of(c) for c in tr]
        scores = ["–" if d.score is None else f"{d.score:.0f}" for d in a.diagnostics]
        overall = "–" if a.score is None else f"{a.score:.0f}"
        assert cells == [a.profile.name, overall, a.grade, *scores]
        shades = [c.get("class") for c in tr][3:]
        assert shades == [_band(a, d.score) for d in a.diagnostics]
    one = parse_strict(page_of(examples[:1]))
    assert not list(one.iter("nav")) and not [
        t for t in one.iter("table") if t.get("class") == "heat"
    ]


def _band(a: Assessment, score: float | None) -> str:
    if score is None:
        return "hn"
    return (
        "h4"
        if score >= 80
        else "h3"
        if score >= 65
        else "h2"
        if score >= 50
        else "h1"
        if score >= 35
        else "h0"
    )


# --- streaming -------------------------------------------------------------------------------


def test_streaming_gives_the_bytes_of_render_and_keeps_no_state(examples: list[Assessment]) -> None:
    options = RenderOptions(many=True)
    assert Joined(report).render(examples, options) == report.render(examples, options)
    assert report._RUNS == {}


def test_the_cli_writes_the_report(run_cli: Callable[..., object], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run_cli("assess", str(EXAMPLES), "--format", "html", "-o", str(out), "--quiet")
    assert result.code == 0  # type: ignore[attr-defined]
    page = out.read_text(encoding="utf-8")
    root = parse_strict(page)
    assert len([s for s in root.iter("section") if s.get("class") == "profile"]) == 6
    assert page.count('id="overview"') == 1 and page.index('id="overview"') > page.rindex(
        'class="profile"'
    )


# --- language, fonts, print ------------------------------------------------------------------


def test_chinese_report_has_no_english_words(examples: list[Assessment]) -> None:
    root = parse_strict(page_of(examples, "zh"))
    assert root.get("lang") == "zh-CN"
    names = {a.profile.name for a in examples}
    words = []
    for el in root.iter():
        tag = local(el.tag)
        if tag in ("h1", "h3", "dt", "caption", "figcaption") or (
            tag == "th" and el.get("scope") == "col"
        ):
            words.append(text_of(el))
        if tag == "td" and "status" in el.get("class", ""):
            words.append(text_of(el))
    found = {w for text in words for w in re.findall(r"[A-Za-z]{3,}", text)}
    allowed = {"hemscore"} | {w for n in names for w in re.findall(r"[A-Za-z]{3,}", n)}
    assert found <= allowed, found - allowed


def test_fonts_are_named_not_fetched_and_nothing_is_monospace() -> None:
    css = report.stylesheet()
    zh_stack = re.search(r"html:lang\(zh\) body \{\s*font-family:([^;]+);", css).group(1)  # type: ignore[union-attr]
    names = [n.strip().strip('"') for n in zh_stack.split(",")]
    assert names[:4] == [
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "PingFang SC",
        "Hiragino Sans GB",
    ]
    assert "Microsoft YaHei" in names and names[-1] == "sans-serif"
    for word in ("monospace", "url(", "@import", "@font-face", "http"):
        assert word not in css


def test_nothing_is_fetched_or_hidden(examples: list[Assessment]) -> None:
    page = page_of(examples)
    root = parse_strict(page)
    for el in root.iter():
        assert "src" not in el.attrib
        if "href" in el.attrib:
            assert el.get("href", "").startswith("#")
    assert "<details" not in page and "<script" not in page and "<pre" not in page
    csp = next(m for m in root.iter("meta") if m.get("http-equiv") == "Content-Security-Policy")
    assert csp.get("content", "").startswith("default-src 'none';")


def test_print_starts_each_profile_on_a_page_and_hides_no_content() -> None:
    css = report.stylesheet()
    printed = css[css.index("@media print") :]
    assert re.search(r"\.profile \{ break-before: page;", printed)
    assert re.search(r"\.overview \{ break-before: page;", printed)
    hidden = re.findall(r"([^{}]+)\{[^}]*display: none", printed)
    assert [h.strip() for h in hidden] == [".back, .skip"]  # links only


# --- colours ---------------------------------------------------------------------------------


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_by_hand() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just below 4.5


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"@media[^{]*\{", "", css)  # flatten: screen and print rules alike
    out = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for part in body.split(";"):
            if ":" in part:
                k, v = part.split(":", 1)
                decls[k.strip()] = v.strip()
        out.append((selector.strip(), decls))
    return out


def text_and_background_pairs(css: str) -> list[tuple[str, str, str]]:
    """Every text colour against every background it can stand on.

    A rule that sets both gives its own pair. A text colour set alone (it may sit on any
    background) is paired with every background set alone and with the page's; so are SVG text
    fills, which stand on the page.
    """
    rules = css_rules(css)
    colour = re.compile(r"#[0-9a-fA-F]{6}\b")

    def first(value: str | None) -> str | None:
        m = colour.search(value or "")
        return m.group(0).lower() if m else None

    own, texts, backgrounds = [], [], ["#ffffff"]
    for selector, d in rules:
        fg = first(d.get("color"))
        if fg is None and re.search(r"\btext\b", selector):
            fg = first(d.get("fill"))
        bg = first(d.get("background") or d.get("background-color"))
        if fg and bg:
            own.append((selector, fg, bg))
        elif fg:
            texts.append((selector, fg))
        elif bg:
            backgrounds.append(bg)
    pairs = list(own)
    pairs += [(sel, fg, bg) for sel, fg in texts for bg in sorted(set(backgrounds))]
    return pairs


def test_every_text_and_background_pair_has_contrast_4_5() -> None:
    pairs = text_and_background_pairs(report.stylesheet())
    assert len(pairs) > 25
    low = [(s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs if contrast(fg, bg) < 4.5]
    assert low == []


def test_the_contrast_check_catches_a_pale_colour() -> None:
    css = report.stylesheet().replace(
        ".st-fail { color: #b71c1c; }", ".st-fail { color: #ff8a80; }"
    )
    pairs = text_and_background_pairs(css)
    assert any(fg == "#ff8a80" and contrast(fg, bg) < 4.5 for _, fg, bg in pairs)


def test_chart_marks_stand_out_from_the_page() -> None:
    """Bars and dots (not text) at 3:1 against white, as WCAG asks of graphics."""
    for selector, d in css_rules(report.stylesheet()):
        if selector.startswith((".bar-", ".cov-fill", ".spark", ".strip-", ".whisker")):
            for value in (d.get("fill"), d.get("stroke")):
                if value and value.startswith("#") and value != "#ffffff":
                    assert contrast(value, "#ffffff") >= 3.0, (selector, value)


# --- hooks: warnings and the reference panel -------------------------------------------------


def test_warnings_are_drawn_when_an_assessment_has_them(examples: list[Assessment]) -> None:
    a = examples[0]
    assert 'class="hook"' not in page_of([a])
    warned = replace(a)
    from hemscore.engine.quality import DataWarning

    w = DataWarning("talent.tech_pay_ratio", "implausible", "<b>150 is outside</b>", 7)
    object.__setattr__(warned, "warnings", (w,))
    root = parse_strict(page_of([warned]))
    hook = next(s for s in root.iter("section") if s.get("class") == "hook")
    assert [text_of(li) for li in hook.iter("li")] == [
        "talent.tech_pay_ratio: <b>150 is outside</b> (line 7)"
    ]


def test_strip_chart_by_hand() -> None:
    rows = [
        report.PanelRow("R&D <intensity>", "%", 3.5, (1.0, 2.0, 3.0, 4.0)),
        report.PanelRow("Largest origin", "%", 30.0, (10.0, 20.0, 40.0, 50.0), False),
    ]
    root = parse_strict(
        "<!DOCTYPE html><html><head><title>t</title></head><body>"
        + report.strip_chart(rows, "Place", "en", "p1")
        + "</body></html>"
    )
    table = next(root.iter("table"))
    cells = [[text_of(c) for c in tr] for tr in table.find("tbody")]  # type: ignore[union-attr]
    # 3.5 beats 1, 2 and 3 of four peers; 30 (lower is better) beats 40 and 50
    assert cells == [
        ["R&D <intensity>", "3.5%", "75%", "1–4"],
        ["Largest origin", "30%", "50%", "10–50"],
    ]
    svg = find_all(root, "svg")[0]
    assert [local(k.tag) for k in svg][:2] == ["title", "desc"]
    selves = [c for c in find_all(svg, "circle") if c.get("class") == "strip-self"]
    # 3.5 on 1..4 → 5/6 of the way from x 258 to 620; 30 on 10..50, lower better → flipped: 1/2
    assert [c.get("cx") for c in selves] == [f"{258 + 362 * 2.5 / 3:.1f}", f"{258 + 362 * 0.5:.1f}"]


# --- markers -------------------------------------------------------------------------------


PLANNED = """
[profile]
name = "Planned Province"
kind = "region"
year = 2022

[technology]
rd_intensity_pct = { value = 3.0, target = true, was = 2.1, source = "yearbook 2023", note = "n" }
core_component_self_sufficiency_pct = { value = 18.0, source = "estimate: half the national share" }
"""


@pytest.mark.parametrize(
    ("lang", "badge", "source", "estimate"),
    [
        (
            "en",
            "† planned target",
            "planned target, not measured (measured value: 2.1)",
            "* estimate",
        ),
        ("zh", "† 规划目标值", "规划目标值，非实测（实测值：2.1）", "* 估计值"),
    ],
)
def test_planned_and_estimated_values_are_marked(
    tmp_path: Path, lang: str, badge: str, source: str, estimate: str
) -> None:
    path = tmp_path / "planned.toml"
    path.write_text(PLANNED, encoding="utf-8")
    root = parse_strict(page_of([assessed(path)], lang))
    rows = {
        text_of(tr[0]): [text_of(td) for td in tr[1:]]
        for table in root.iter("table")
        if table.get("class") == "rules"
        for tr in table.find("tbody")  # type: ignore[union-attr]
    }
    # columns after the id: indicator, value, target, score, status, source, notes, paper
    planned, est = rows["TE-13"], rows["TE-03"]
    assert planned[1] == "3%†" and planned[5] == source and planned[6] == badge
    assert est[1] == "18%*" and est[5] == "estimate: half the national share" and est[6] == estimate


def test_a_country_is_placed_among_the_reference_panel(examples: list[Assessment]) -> None:
    china = next(a for a in examples if a.profile.name == "China")
    rows = {r.title.split()[0]: r for r in report.panel_rows(china)}
    te01 = rows["TE-01"]
    # the panel's R&D intensity, read straight from its files
    panel = sorted((ROOT / "reference" / "panel" / "2017").glob("*.toml"))
    assert len(panel) == 44
    values = []
    for path in panel:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entry = data.get("technology", {}).get("rd_intensity_pct")
        if entry is not None:
            values.append(float(entry["value"]))
    assert sorted(te01.peers) == sorted(values) and len(values) > 30
    assert te01.value == 2.56 and te01.higher_is_better and te01.title.endswith("of the economy")
    assert "TE-06" not in rows  # a shares table the panel does not carry
    # regions, clusters and firms are not economies: no strip chart
    others = [a for a in examples if a.profile.kind != "country"]
    assert others and all(report.panel_rows(a) == () for a in others)
    root = parse_strict(page_of([china]))
    strip = [
        s
        for s in find_all(root, "svg")
        if any(c.get("class") == "strip-self" for c in find_all(s, "circle"))
    ]
    assert len(strip) == 1 and len(find_all(strip[0], "circle")) == sum(
        len(r.peers) + 1 for r in rows.values()
    )
