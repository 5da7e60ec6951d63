"""The analysis commands' HTML pages without a browser: structure, numbers, language, escaping.

The browser half (Chromium: console, network, DOM, screenshot, PDF) is
tests/test_analysis_html_browser.py. The pages come from tests/analysis_pages.py.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from hemscore.render import html_page as page
from hemscore.render.reports import audit as audit_report
from hemscore.render.reports import sensitivity as sensitivity_report

from .analysis_pages import COMMANDS, LANGS, analysis_pages
from .conftest import Run
from .test_html import ELEMENTS, find_all, local, parse_strict, text_of

__all__ = ["analysis_pages"]  # the session's pages (a fixture)


@pytest.fixture(scope="module")
def pages(analysis_pages: dict[str, Path]) -> dict[str, str]:
    return {name: path.read_text("utf-8") for name, path in analysis_pages.items()}


def json_of(run_cli: Callable[..., Run], name: str) -> dict:  # type: ignore[type-arg]
    r = run_cli(*COMMANDS[name], "--format", "json")
    assert r.code in (0, 1), r.err
    data: dict = json.loads(r.out)  # type: ignore[type-arg]
    return data


def rows_of(table: ET.Element) -> list[tuple[str, list[str]]]:
    """(row header, cell texts) of each body row."""
    body = table.find("tbody")
    assert body is not None
    return [
        (text_of(tr.find("th")), [text_of(td) for td in tr.findall("td")])  # type: ignore[arg-type]
        for tr in body.findall("tr")
    ]


def section(root: ET.Element, ident: str) -> ET.Element:
    return next(s for s in root.iter("section") if s.get("id") == ident)


def tables(el: ET.Element, cls: str | None = None) -> list[ET.Element]:
    return [t for t in el.iter("table") if cls is None or cls in t.get("class", "").split()]


# --- every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [f"{n}.{lang}" for n in COMMANDS for lang in LANGS])
def test_every_page_parses_strictly_and_each_chart_is_described(
    pages: dict[str, str], name: str
) -> None:
    html = pages[name]
    root = parse_strict(html)
    assert root.get("lang") == ("zh-CN" if name.endswith(".zh") else "en")
    assert len(list(root.iter("h1"))) == 1
    assert {local(el.tag) for el in root.iter()} <= ELEMENTS
    csp = next(m for m in root.iter("meta") if m.get("http-equiv") == "Content-Security-Policy")
    assert csp.get("content", "").startswith("default-src 'none';")
    assert "<script" not in html and " src=" not in html
    ids = {el.get("id") for el in root.iter()} - {None}
    charts = find_all(root, "svg")
    assert charts
    for svg in charts:
        assert [local(k.tag) for k in svg][:2] == ["title", "desc"]
        assert set(svg.get("aria-labelledby", "").split()) <= ids
        assert text_of(svg[1]).strip()  # the description says something
    # every chart has the table of its numbers, which points back at the chart's title
    described = {t.get("aria-describedby") for t in tables(root, "chart-data")}
    assert {svg[0].get("id") for svg in charts} <= described


@pytest.mark.parametrize("name", list(COMMANDS))
def test_chinese_pages_have_no_english_words(
    pages: dict[str, str], name: str, run_cli: Callable[..., Run]
) -> None:
    root = parse_strict(pages[f"{name}.zh"])
    words = []
    for el in root.iter():
        tag = local(el.tag)
        if tag in ("h1", "h2", "h3", "caption", "dt", "title", "desc") or (
            tag == "th" and el.get("scope") == "col"
        ):
            words.append(text_of(el))
        if tag == "li":
            words.append(text_of(el))
    found = {w for text in words for w in re.findall(r"[A-Za-z]{3,}", text)}
    # file text (profile names), diagnostic ids, the program's and a statistician's name stay
    allowed = {"hemscore", "China", "Japan", "United", "States", "Test", "Province", "Cronbach"}
    allowed |= {"cluster", "technology", "exports", "talent", "policy"}  # diagnostics by id
    if name == "audit":  # and the panel's economies, by their names in the files
        names = json_of(run_cli, "audit")["profiles"]
        allowed |= {w for n in names for w in re.findall(r"[A-Za-z]{3,}", n)}
    assert found <= allowed, found - allowed


# --- compare -----------------------------------------------------------------------------------


def test_compare_ranks_and_heat_maps_match_the_json(
    pages: dict[str, str], run_cli: Callable[..., Run]
) -> None:
    data = json_of(run_cli, "compare")
    root = parse_strict(pages["compare.en"])
    overall = next(r for r in data["rows"] if r["level"] == "overall")
    ranked = sorted(overall["cells"], key=lambda c: c["rank"])
    got = rows_of(tables(section(root, "ranking"), "chart-data")[0])
    assert (
        [h for h, _ in got] == [c["profile"] for c in ranked] == ["Japan", "United States", "China"]
    )
    assert [cells[:2] for _, cells in got] == [
        [str(c["rank"]), f"{c['score']:.1f}"] for c in ranked
    ]
    assert [cells[3] for _, cells in got] == [f"{c['relative']:.0f}%" for c in ranked]
    assert got[0][1][3:] == ["100%", "strong"]  # Japan is the reference: 100, band strong
    heat = tables(section(root, "heat"), "heat")[0]
    diag_rows = [r for r in data["rows"] if r["level"] != "rule"]
    heads = [text_of(th) for th in heat.iter("th") if th.get("scope") == "col"]
    assert heads[1:] == [r["title"] for r in diag_rows]
    for i, (profile, cells) in enumerate(rows_of(heat)):
        assert profile == data["profiles"][i]["label"]
        for r, text in zip(diag_rows, cells, strict=True):
            cell = r["cells"][i]
            if cell["score"] is None:
                assert text == "–"
            else:
                expected = f"{cell['score']:.1f} #{cell['rank']}"
                if cell["relative"] is not None:  # the reference has a score there too
                    expected += f" · {cell['relative']:.0f}%"
                assert text == expected
    by_rule = tables(section(root, "rules"), "by-rule")
    rule_ids = [h.split(" ", 1)[0] for t in by_rule for h, _ in rows_of(t)]
    assert rule_ids == [r["id"] for r in data["rows"] if r["level"] == "rule"]


def test_compare_shading_follows_the_grade_bands() -> None:
    grades = [("A", 80.0), ("B", 65.0), ("C", 50.0), ("D", 35.0), ("E", 0.0)]
    assert [page.shade(s, grades) for s in (80, 79.9, 65, 50, 35, 34.9, None)] == [
        "h4",
        "h3",
        "h3",
        "h2",
        "h1",
        "h0",
        "hn",
    ]


def test_compare_with_common_lists_the_rules_used(run_cli: Callable[..., Run]) -> None:
    from .analysis_pages import JAPAN, US

    r = run_cli("compare", JAPAN, US, "--common", "--format", "html")
    assert r.code == 0, r.err
    used = rows_of(tables(section(parse_strict(r.out), "common"))[0])
    data = json.loads(run_cli("compare", JAPAN, US, "--common", "--format", "json").out)
    assert [h for h, _ in used] == data["common_rules"] and len(used) > 5


def test_peers_has_no_html_page_yet(run_cli: Callable[..., Run]) -> None:
    from .analysis_pages import CHINA

    r = run_cli("compare", CHINA, "--peers", "panel", "--format", "html")
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("hemscore: error: --peers has no html format")


# --- sensitivity -------------------------------------------------------------------------------


def test_sensitivity_rank_and_score_intervals_match_the_json(
    pages: dict[str, str], run_cli: Callable[..., Run]
) -> None:
    data = json_of(run_cli, "sensitivity")
    root = parse_strict(pages["sensitivity.en"])
    ranks = section(root, "ranks")
    by_rank = sorted(data["profiles"], key=lambda p: p["rank"]["median"])
    assert rows_of(tables(ranks, "chart-data")[0]) == [
        (
            p["label"],
            [
                f"{p['nominal']['rank']:g}",
                f"{p['rank']['median']:g}",
                f"{p['rank']['low']:g}–{p['rank']['high']:g}",
            ],
        )
        for p in by_rank
    ]
    svg = find_all(ranks, "svg")[0]
    assert len([c for c in svg if local(c.tag) == "circle"]) == 3  # one median dot a profile
    scores = rows_of(tables(section(root, "scores"), "chart-data")[0])
    assert scores == [
        (
            p["label"],
            [
                f"{p['nominal']['score']:.1f}",
                f"{p['score']['median']:.1f}",
                f"{p['score']['low']:.1f}–{p['score']['high']:.1f}",
                str(p["scored_runs"]),
            ],
        )
        for p in sorted(data["profiles"], key=lambda p: -p["score"]["median"])  # best first
    ]
    # today's report has neither Sobol indices nor a leave-one-out table: no empty sections
    ids = {s.get("id") for s in root.iter("section")}
    assert ids == {"ranks", "scores", "notes"}


def _index(first: float, total: float, ci: bool = True) -> dict:  # type: ignore[type-arg]
    return {
        "first": first,
        "first_ci": [first - 0.05, first + 0.05] if ci else None,
        "total": total,
        "total_ci": None,
    }


def _variance_based(profiles: int = 2) -> dict:  # type: ignore[type-arg]
    """A report of ``sensitivity --factor`` in the shape of its ``to_dict``."""
    names = ["Atlantis", "Lemuria", "Mu", "Hyperborea", "Thule"][:profiles]
    out: dict = {  # type: ignore[type-arg]
        "report": "sensitivity",
        "method": "sobol",
        "settings": {"samples": 1024, "runs": 4096, "seed": 1, "rank_band": 3},
        "summary": {
            "rank_within_band": {
                "nominal_rank": {"profiles": 2, "of": profiles, "share": 1.0},
                "rank_interval": {"profiles": 1, "of": profiles, "share": 0.5},
            },
            "score": {
                "weights": {"first_mean": 0.6, "total_mean": 0.7, "profiles": profiles},
                "aggregation": {"first_mean": 0.25, "total_mean": 0.4, "profiles": profiles},
            },
            "rank": None,
        },
        "profiles": [
            {
                "label": name,
                "nominal": {"score": 50.0 + k, "rank": k + 1},
                "score": {
                    "median": 51.0 + k,
                    "low": 40.0,
                    "high": 60.0,
                    "runs_scored": 2048,
                    "variance": 9.5,
                    "indices": {"weights": _index(0.5, 0.6), "aggregation": _index(0.3, 0.45)},
                },
                "rank": {
                    "median": k + 1,
                    "low": 1,
                    "high": 2,
                    "runs_scored": 2048,
                    "variance": 0.2,
                    "indices": None,
                },
            }
            for k, name in enumerate(names)
        ],
        "leave_one_out": [
            {
                "rule": "TE-01",
                "title": "R&D intensity",
                "largest_shift": 1,
                "mean_abs_shift": 0.5,
                "profiles_moved": 2,
                "shifts": [-1, 1, 0, 0, 0][:profiles],
            },
            {
                "rule": "EX-02",
                "title": "High-tech exports",
                "largest_shift": 0,
                "mean_abs_shift": 0.0,
                "profiles_moved": 0,
                "shifts": [0] * profiles,
            },
        ],
    }
    return out


def test_sobol_indices_are_drawn_as_bars_with_their_numbers() -> None:
    root = parse_strict(sensitivity_report.sensitivity_from_dict(_variance_based(), "en"))
    assert [s.get("id") for s in root.iter("section")] == [
        "ranks", "scores", "sobol", "loo", "notes",
    ]  # fmt: skip
    sobol = section(root, "sobol")
    heads = [text_of(h) for h in sobol.iter("h3")]
    assert heads == ["Score, mean over 2 profiles", "Atlantis · Score", "Lemuria · Score"]
    charts = tables(sobol, "chart-data")
    assert rows_of(charts[0]) == [
        ("weights", ["0.60", "–", "0.70", "–"]),
        ("aggregation", ["0.25", "–", "0.40", "–"]),
    ]
    assert rows_of(charts[1]) == [
        ("weights", ["0.50", "0.45–0.55", "0.60", "–"]),
        ("aggregation", ["0.30", "0.25–0.35", "0.45", "–"]),
    ]
    first = find_all(sobol, "svg")[0]
    widths = [r.get("width") for r in find_all(first, "rect") if r.get("class") != "bar-none"]
    # on a 0–1 scale 300 units wide: 0.6 → 180, 0.7 → 210, 0.25 → 75, 0.4 → 120
    assert widths == ["180.0", "210.0", "75.0", "120.0"]
    drivers = rows_of(next(t for t in tables(sobol) if "chart-data" not in t.get("class", "")))
    assert drivers == [("Atlantis", ["weights 0.60", "–"]), ("Lemuria", ["weights 0.60", "–"])]
    notes = [text_of(li) for li in section(root, "notes").iter("li")]
    assert notes == [
        "1,024 base samples, 4,096 runs, seed 1",
        (
            "Nominal rank within ±3 of the median rank: 2 of 2 profiles; "
            "5–95% rank interval within ±3: 1 of 2."
        ),
    ]
    runs = [cells[-1] for _, cells in rows_of(tables(section(root, "scores"), "chart-data")[0])]
    assert runs == ["2048", "2048"]


def test_with_many_profiles_only_the_means_are_bars() -> None:
    root = parse_strict(sensitivity_report.sensitivity_from_dict(_variance_based(5), "en"))
    assert [text_of(h) for h in section(root, "sobol").iter("h3")] == [
        "Score, mean over 5 profiles"
    ]


def test_leave_one_out_is_a_table_with_a_row_per_rule() -> None:
    root = parse_strict(sensitivity_report.sensitivity_from_dict(_variance_based(), "en"))
    table = tables(section(root, "loo"))[0]
    heads = [text_of(th) for th in table.iter("th") if th.get("scope") == "col"]
    assert heads == [
        "Left out", "Largest shift", "Mean |shift|", "Profiles moved", "Atlantis", "Lemuria",
    ]  # fmt: skip
    assert rows_of(table) == [
        ("TE-01 R&D intensity", ["1", "0.50", "2", "-1", "1"]),
        ("EX-02 High-tech exports", ["0", "0", "0", "0", "0"]),
    ]
    many = parse_strict(sensitivity_report.sensitivity_from_dict(_variance_based(5), "en"))
    heads = [text_of(th) for th in tables(section(many, "loo"))[0].iter("th")]
    assert "Thule" in heads  # five profiles: still one column each
    zh = parse_strict(sensitivity_report.sensitivity_from_dict(_variance_based(), "zh"))
    assert text_of(next(section(zh, "sobol").iter("h3"))) == "得分，2 个评估对象的平均"


def test_sensitivity_with_factors_draws_the_indices_of_its_json(
    run_cli: Callable[..., Run],
) -> None:
    from .analysis_pages import CHINA, JAPAN, US

    args = ["sensitivity", CHINA, JAPAN, US, "--factor", "weights", "--factor", "aggregation"]
    args += ["--factor", "inclusion", "--samples", "64", "--bootstrap", "0"]
    data = json.loads(run_cli(*args, "--format", "json").out)
    r = run_cli(*args, "--format", "html")
    assert r.code == 0, r.err
    root = parse_strict(r.out)
    ids = [s.get("id") for s in root.iter("section")]
    assert ids == ["ranks", "scores", "sobol", "loo", "notes"]
    sobol = section(root, "sobol")
    means = rows_of(tables(sobol, "chart-data")[0])  # the score's, first
    assert means == [
        (g, [f"{x['first_mean']:.2f}", "–", f"{x['total_mean']:.2f}", "–"])
        for g, x in data["summary"]["score"].items()
    ]
    loo = rows_of(tables(section(root, "loo"))[0])
    assert [h for h, _ in loo] == [f"{x['rule']} {x['title']}" for x in data["leave_one_out"]]


# --- diff --------------------------------------------------------------------------------------


def test_diff_puts_regressions_first(pages: dict[str, str], run_cli: Callable[..., Run]) -> None:
    data = json_of(run_cli, "diff")
    root = parse_strict(pages["diff.en"])
    moved = rows_of(tables(section(root, "rules"), "moved")[0])
    by_id = {r["id"]: r for r in data["rules"]}
    assert sorted(h for h, _ in moved) == sorted(by_id)
    # by hand, from the fixture's JSON diff: the rule that newly fails (EX-05), then the falls,
    # largest first (EX-04 −20.4, CL-04 −14.0), then the fixed rules, largest rise first
    assert [h for h, _ in moved] == [
        "EX-05", "EX-04", "CL-04", "CL-06", "PO-04", "CL-02", "CL-01", "EX-12",
    ]  # fmt: skip
    assert moved[0][1][1:] == ["100 → 95.2", "100.0 → 50.0", "−50.0", "pass → fail"]
    facts = [text_of(dd) for dd in root.iter("dd")]
    sign = "+" if data["overall_delta"] > 0 else "−"
    assert facts[2] == f"{sign}{abs(data['overall_delta']):.1f}"


# --- plan --------------------------------------------------------------------------------------


def test_plan_shows_each_change_and_the_score_it_reaches(
    pages: dict[str, str], run_cli: Callable[..., Run]
) -> None:
    r = run_cli(*COMMANDS["plan"], "--format", "json")
    data = json.loads(r.out)
    root = parse_strict(pages["plan.en"])
    rows = rows_of(tables(section(root, "steps"), "chart-data")[0])
    assert [cells[0] for _, cells in rows] == [c["metric"] for c in data["changes"]]
    score = data["before"]["score"]
    for (_, cells), change in zip(rows, data["changes"], strict=True):
        score += change["gain"]
        assert abs(float(cells[5]) - score) <= 0.051 + 0.0001 * len(rows)
    assert rows[-1][1][5] == f"{data['after']['score']:.1f}"  # the engine's own, last
    bars = [b for b in find_all(section(root, "steps"), "rect") if b.get("class") == "bar-a"]
    assert len(bars) == len(data["changes"])
    target = [ln for ln in find_all(root, "line") if ln.get("class") == "target-line"]
    assert [t.get("x1") for t in target] == [f"{268 + 300 * 0.70:.1f}"]  # the target 70


# --- audit -------------------------------------------------------------------------------------


def test_audit_correlation_heat_map_and_flags(
    pages: dict[str, str], run_cli: Callable[..., Run]
) -> None:
    r = run_cli(*COMMANDS["audit"], "--format", "json")
    data = json.loads(r.out)
    root = parse_strict(pages["audit.en"])
    corr = tables(section(root, "corr"), "corr")[0]
    rows = rows_of(corr)
    ids = [h for h, _ in rows]
    assert sorted(ids) == sorted(
        {c["a"] for c in data["correlations"]} | {c["b"] for c in data["correlations"]}
    )
    for i, (a, cells) in enumerate(rows):
        assert len(cells) == len(ids) and cells[i] == "1.00"
        for b, text in zip(ids, cells, strict=True):
            pair = next(
                (c for c in data["correlations"] if {c["a"], c["b"]} == {a, b} and a != b), None
            )
            if pair is not None:
                assert text == f"{pair['pearson']:.2f}"
    flagged = [text_of(li) for li in section(root, "flags").iter("li")]
    assert len([x for x in flagged if "alpha" in x]) == len(
        [f for f in data["flags"] if f.startswith("consistency")]
    )
    assert any(
        text_of(h).startswith("Its indicators do not hang together") for h in root.iter("h3")
    )


def test_correlation_shading_by_hand() -> None:
    r_class = audit_report._r_class
    values = (1.0, 0.7, 0.69, 0.4, 0.1, 0.0, -0.1, -0.11, -0.4, -0.7, -0.71, None)
    assert [r_class(v) for v in values] == [
        "r3", "r3", "r2", "r2", "r1", "r0", "r0", "rm1", "rm1", "rm2", "rm3", "hn",
    ]  # fmt: skip


# --- charts by hand ----------------------------------------------------------------------------


def test_bar_chart_geometry_by_hand() -> None:
    svg = page.bar_chart(
        "x",
        "t",
        "d",
        [page.Bar("a", (("bar-a", 50.0), ("bar-b", None))), page.Bar("b", interval=(2, 3, 5))],
        lo=0,
        hi=10,
        ticks=(0, 10),
    )
    root = ET.fromstring(svg)
    rects = [(r.get("class"), r.get("x"), r.get("width")) for r in root.iter(f"{{{NS}}}rect")]
    # 50 on a 0–10 scale is clipped to the full 300 units; None is an empty box
    assert rects == [("bar-a", "268.0", "300.0"), ("bar-none", "268", "300")]
    lines = [ln for ln in root.iter(f"{{{NS}}}line") if ln.get("class") == "whisker"]
    assert (lines[0].get("x1"), lines[0].get("x2")) == ("328.0", "418.0")  # 2 → 328, 5 → 418
    dot = next(root.iter(f"{{{NS}}}circle"))
    assert dot.get("cx") == "358.0"  # the median 3


NS = "http://www.w3.org/2000/svg"


# --- hostile text ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_hostile_text_makes_no_element_or_attribute(pages: dict[str, str], name: str) -> None:
    html = pages[f"hostile-{name}"]
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e]", html) is None
    root = parse_strict(html)
    made = {local(el.tag) for el in root.iter()}
    assert made <= ELEMENTS, made - ELEMENTS
    for el in root.iter():
        for attr, value in el.attrib.items():
            assert not attr.lower().startswith("on"), (el.tag, attr)
            assert attr != "href" or value.startswith("#"), value
    text = text_of(root)
    # the file's text is on the page as text, its controls shown as escapes
    assert "<script>alert(1)</script>" in text and "\\x1b]52;c;" in text, name
