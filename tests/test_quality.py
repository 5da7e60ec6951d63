"""Data-quality warnings (issue 19): plausible ranges, fractions typed for percents, years
outside the data window, values without a source; and the coverage guidance."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.engine.quality import check, panel_ranges, widen
from hemscore.model.catalogue import builtin_catalogue
from hemscore.model.profile import MetricValue
from hemscore.model.rules import load_ruleset

from .conftest import EXAMPLES, ROOT, Run, write

HEADER = '[profile]\nname = "Test"\nkind = "{kind}"\nyear = 2023\n\n'


def one_value(
    tmp_path: Path, table: str, key: str, value: str, kind: str = "country", extra: str = ""
) -> Path:
    body = f'[{table}]\n{key} = {{ value = {value}, year = 2023, source = "test"{extra} }}\n'
    return write(tmp_path, "p.toml", HEADER.format(kind=kind) + body)


def warnings_of(path: Path) -> list[tuple[str, str, int | None, str]]:
    metrics = builtin_catalogue()
    return [
        (w.metric, w.kind, w.line, w.message)
        for w in check(load_profile(str(path), metrics), metrics)
    ]


# The six values of the issue, each on its own.


def test_collaborating_share_typed_as_a_fraction(tmp_path: Path) -> None:
    p = one_value(tmp_path, "cluster", "collaborating_firms_pct", "0.463")
    assert warnings_of(p) == [
        (
            "cluster.collaborating_firms_pct",
            "fraction",
            7,
            (
                "0.463 looks like a fraction typed for a percentage: 46.3 would lie in the"
                " plausible range 1–100 (design range), 0.463 does not"
            ),
        )
    ]


def test_rd_intensity_typed_as_a_fraction(tmp_path: Path) -> None:
    p = one_value(tmp_path, "technology", "rd_intensity_pct", "0.025")
    assert warnings_of(p) == [
        (
            "technology.rd_intensity_pct",
            "fraction",
            7,
            (
                "0.025 looks like a fraction typed for a percentage: 2.5 would lie in the"
                " plausible range 0.11–8 (the reference panel, widened), 0.025 does not"
            ),
        )
    ]


def test_a_low_but_real_rd_intensity_does_not_warn(tmp_path: Path) -> None:
    # Six panel economies spend under 1% of GDP on R&D: 0.5 is a percent, not a fraction.
    assert warnings_of(one_value(tmp_path, "technology", "rd_intensity_pct", "0.5")) == []


def test_a_billion_researchers_per_million(tmp_path: Path) -> None:
    p = one_value(tmp_path, "talent", "researchers_per_million", "1e9")
    assert warnings_of(p) == [
        (
            "talent.researchers_per_million",
            "implausible",
            7,
            "1e+09 is outside the plausible range 85–13000 (the reference panel, widened)",
        )
    ]


def test_tech_pay_ratio_typed_as_a_percentage(tmp_path: Path) -> None:
    p = one_value(tmp_path, "talent", "tech_pay_ratio", "150")
    assert warnings_of(p) == [
        (
            "talent.tech_pay_ratio",
            "implausible",
            7,
            "150 is outside the plausible range 0.5–5 (design range)",
        )
    ]


def test_a_value_from_after_the_profile_year(tmp_path: Path) -> None:
    text = HEADER.format(kind="country") + (
        '[technology]\nrd_intensity_pct = { value = 2.0, year = 2031, source = "test" }\n'
    )
    p = write(tmp_path, "p.toml", text)
    assert warnings_of(p) == [
        ("technology.rd_intensity_pct", "future", 7, "dated 2031, after the profile's year 2023")
    ]


def test_a_value_older_than_the_window(tmp_path: Path) -> None:
    text = HEADER.format(kind="country") + (
        '[technology]\nrd_intensity_pct = { value = 2.0, year = 2009, source = "test" }\n'
    )
    p = write(tmp_path, "p.toml", text)
    assert warnings_of(p) == [
        (
            "technology.rd_intensity_pct",
            "old",
            7,
            "dated 2009, older than the 10-year data window of a 2023 profile (2013–2023)",
        )
    ]


def test_the_window_edges_do_not_warn(tmp_path: Path) -> None:
    for year in (2013, 2023):
        text = HEADER.format(kind="country") + (
            f'[technology]\nrd_intensity_pct = {{ value = 2.0, year = {year}, source = "t" }}\n'
        )
        assert warnings_of(write(tmp_path, "p.toml", text)) == []


def test_a_value_without_a_source(tmp_path: Path) -> None:
    text = HEADER.format(kind="country") + "[technology]\nrd_intensity_pct = 2.0\n"
    p = write(tmp_path, "p.toml", text)
    assert warnings_of(p) == [
        ("technology.rd_intensity_pct", "no_source", 7, "the value names no source")
    ]


def test_a_panel_range_is_only_checked_for_countries(tmp_path: Path) -> None:
    # A firm's R&D is a share of its revenue: the countries' range says nothing about it.
    p = one_value(tmp_path, "technology", "rd_intensity_pct", "15", kind="firm")
    assert warnings_of(p) == []


# The ranges: recomputed from the shipped panel; no shipped profile warns.


def test_catalogue_panel_ranges_match_the_shipped_panel() -> None:
    metrics = builtin_catalogue()
    computed = panel_ranges(metrics)
    declared = {
        mid: (m.plausible.min, m.plausible.max)
        for mid, m in metrics.items()
        if m.plausible is not None and m.plausible.panel
    }
    assert declared == computed
    assert computed["technology.rd_intensity_pct"] == (0.11, 8.0)  # 0.23805 / 2, 5.33099 × 1.5


def test_widening_rule_by_hand() -> None:
    rd = builtin_catalogue()["technology.rd_intensity_pct"]
    assert widen(0.23805, 5.33099, rd) == (0.11, 8.0)  # 0.119 down, 7.996 up
    assert widen(10.0, 81.0, rd) == (5.0, 100.0)  # 121.5 clipped to the hard maximum


@given(st.floats(0.001, 1e6), st.floats(0.001, 1e6))
def test_widened_range_holds_the_observed_one(a: float, b: float) -> None:
    metric = builtin_catalogue()["talent.researchers_per_million"]
    lo, hi = min(a, b), max(a, b)
    p_lo, p_hi = widen(lo, hi, metric)
    assert p_lo <= lo / 2 + 1e-9 * lo and p_hi >= hi * 1.5 - 1e-9 * hi


@pytest.mark.parametrize(
    "path",
    sorted(EXAMPLES.glob("*.toml")) + sorted((ROOT / "reference" / "panel").glob("*/*.toml")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_no_shipped_profile_warns(path: Path) -> None:
    assert warnings_of(path) == []


# The CLI: stderr lines, JSON, exit codes, --quiet.

SIX = """[cluster]
collaborating_firms_pct = { value = 0.463, year = 2023, source = "s" }

[technology]
rd_intensity_pct = { value = 2.5, year = 2031, source = "s" }

[talent]
researchers_per_million = { value = 1e9, year = 2020, source = "s" }
tech_pay_ratio = { value = 1.4, year = 2009, source = "s" }
"""


def test_assess_prints_warnings_and_keeps_the_score(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    p = write(tmp_path, "six.toml", HEADER.format(kind="country") + SIX)
    clean = write(
        tmp_path,
        "clean.toml",
        HEADER.format(kind="country")
        + SIX.replace("0.463", "46.3")
        .replace("2031", "2023")
        .replace("1e9", "1000")
        .replace("2009", "2020"),
    )
    r = run_cli("assess", "-f", "json", p)
    assert r.code == 0
    lines = [x for x in r.err.splitlines() if x.startswith("hemscore: warning: ")]
    assert lines[0] == (
        f"hemscore: warning: {p}:7: cluster.collaborating_firms_pct: 0.463 looks like a fraction"
        " typed for a percentage: 46.3 would lie in the plausible range 1–100 (design range),"
        " 0.463 does not"
    )
    assert [x.split(": ")[3] for x in lines] == [
        "cluster.collaborating_firms_pct",
        "technology.rd_intensity_pct",
        "talent.researchers_per_million",
        "talent.tech_pay_ratio",
    ]
    doc = json.loads(r.out)
    assert [(w["metric"], w["kind"], w["line"]) for w in doc["warnings"]] == [
        ("cluster.collaborating_firms_pct", "fraction", 7),
        ("technology.rd_intensity_pct", "future", 10),
        ("talent.researchers_per_million", "implausible", 13),
        ("talent.tech_pay_ratio", "old", 14),
    ]
    # Warnings never change a score: the researchers and pay rules score the same value
    # whatever is said about it; the collaborating share scores as given (0.463%).
    same = json.loads(run_cli("assess", "-f", "json", clean).out)
    assert same["warnings"] == []
    rules = {r["id"]: r for d in doc["diagnostics"] for r in d["rules"]}
    rules_clean = {r["id"]: r for d in same["diagnostics"] for r in d["rules"]}
    pay = next(i for i, r in rules.items() if r["metric"] == "talent.tech_pay_ratio")
    assert rules[pay]["score"] == rules_clean[pay]["score"]


def test_compact_line_lists_the_warnings(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    p = write(tmp_path, "six.toml", HEADER.format(kind="country") + SIX)
    full = json.loads(run_cli("assess", "-f", "json", p).out)
    compact = json.loads(run_cli("assess", "-f", "jsonl", "--compact", p).out)
    assert compact["warnings"] == [[w["metric"], w["kind"], w["line"]] for w in full["warnings"]]
    assert len(compact["warnings"]) == 4


def test_github_annotates_each_warning_on_its_line(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    p = write(tmp_path, "six.toml", HEADER.format(kind="country") + SIX)
    out = run_cli("assess", "-f", "github", p).out
    assert (
        f"::warning file={p},line=13,title=Data quality%3A talent.researchers_per_million::"
        "1e+09 is outside the plausible range 85–13000 (the reference panel, widened)\n"
    ) in out
    assert out.count("title=Data quality") == 4


def test_warnings_as_errors_exits_2_and_writes_nothing(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    p = write(tmp_path, "six.toml", HEADER.format(kind="country") + SIX)
    out = tmp_path / "report.json"
    r = run_cli("assess", "-q", "--warnings-as-errors", "-f", "json", "-o", out, p)
    assert r.code == 2
    assert "hemscore: warning:" in r.err  # --quiet hides them only without the flag
    assert not out.exists()
    assert run_cli("validate", "--warnings-as-errors", p).code == 2
    quiet = run_cli("assess", "-q", "-f", "json", p)
    assert quiet.code == 0 and "warning" not in quiet.err
    v = run_cli("validate", p)
    assert v.code == 0 and v.err.count("hemscore: warning: ") == 4


def test_a_warning_line_escapes_the_file_name(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    p = write(tmp_path, "a\x1bb.toml", HEADER.format(kind="country") + SIX)
    r = run_cli("validate", p)
    assert "\x1b" not in r.err and "a\\x1bb.toml:7: cluster.collaborating_firms_pct" in r.err


# Coverage guidance.


def test_zte_names_the_metric_that_gives_it_an_overall_score(
    run_cli: Callable[..., Run],
) -> None:
    r = run_cli("assess", "-f", "json", EXAMPLES / "zte-2018.toml")
    doc = json.loads(r.out)
    assert doc["overall"]["score"] is None
    overall = doc["coverage_guidance"][-1]
    assert overall["target"] == "overall" and overall["enough"] is True
    assert [m["id"] for m in overall["metrics"]] == ["cluster.industry_university_projects_pct"]
    assert overall["metrics"][0]["title"] == "R&D projects with a university partner"
    # 6.25 of 14.25 rule weight assessed (43.9%); CL-09 (weight 1) gives 7.25 / 14.25 = 50.9%
    # ≥ 50%, and makes the cluster diagnostic 1 / 2 = 50% covered, so it is scored.
    assert overall["coverage_after"] == 0.5088


def test_zhongguancun_guidance_in_table_and_markdown(run_cli: Callable[..., Run]) -> None:
    md = run_cli("assess", "-f", "markdown", EXAMPLES / "zhongguancun.toml").out
    assert "### Data that would lift coverage over the floor" in md
    assert "- Overall: coverage 28% → 52% (floor 50%) with" in md
    table = run_cli("assess", EXAMPLES / "zhongguancun.toml").out
    assert "Overall: coverage 28% → 52% (floor 50%) with" in table


def test_zhongguancun_cluster_needs_two_metrics() -> None:
    rs = load_ruleset()
    a = assess(load_profile(str(EXAMPLES / "zhongguancun.toml"), rs), rs)
    cluster = next(lift for lift in a.guidance if lift.target == "cluster")
    # 2.5 of 9 rule weight (28%); two more of weight 1 each reach 4.5 / 9 = 50%.
    assert cluster.metrics == ("cluster.collaborating_firms_pct", "cluster.firm_count")
    assert (round(cluster.coverage, 4), cluster.coverage_after) == (0.2778, 0.5)
    assert [lift.target for lift in a.guidance] == [
        "cluster",
        "technology",
        "exports",
        "talent",
        "policy",
        "overall",
    ]


def test_a_scored_profile_gets_no_guidance() -> None:
    rs = load_ruleset()
    a = assess(load_profile(str(EXAMPLES / "china-2022.toml"), rs), rs)
    assert a.score is not None
    assert all(lift.target != "overall" for lift in a.guidance)


def test_adding_the_named_metrics_lifts_the_overall_score() -> None:
    # The law behind the guidance: give every named metric a value and the score appears.
    rs = load_ruleset()
    for name in ("zte-2018", "zhongguancun"):
        path = EXAMPLES / f"{name}.toml"
        a = assess(load_profile(str(path), rs), rs)
        lift = a.guidance[-1]
        values = dict(a.profile.values)
        for mid in lift.metrics:
            m = rs.metrics[mid]
            value: object = 1 if m.type == "integer" else (True if m.type == "bool" else 50.0)
            if m.type == "shares":
                value = {"A": 50.0, "B": 50.0}
            values[mid] = MetricValue(mid, value, 2018, "test")
        after = assess(replace(a.profile, values=values), rs)
        assert after.score is not None, name
        assert round(after.coverage, 4) == round(lift.coverage_after, 4)


# A plausible range in a metric declaration is checked like the rest of it.


@pytest.mark.parametrize(
    ("plausible", "message"),
    [
        ({"min": 0, "max": 20}, "basis must be a non-empty string"),
        ({"min": 5, "max": 1, "basis": "b"}, "min is above max"),
        ({"min": -1, "max": 5, "basis": "b"}, "the plausible range must lie within min and max"),
        ({"min": 0, "max": 5, "basis": "b", "kinds": ["firm"]}, "kinds must be a non-empty"),
        ({"min": 0, "max": 5, "basis": "b", "panel": "yes"}, "panel must be true or false"),
        ({"min": 0, "max": 5, "basis": "b", "maxx": 1}, 'unknown key (did you mean "max"?)'),
        ({"min": "0", "max": 5, "basis": "b"}, "min must be a finite number"),
    ],
)
def test_bad_plausible_declarations_are_refused(plausible: dict[str, object], message: str) -> None:
    from hemscore.base.errors import RuleError
    from hemscore.model.catalogue import parse_metric

    spec = {
        "type": "number",
        "min": 0,
        "kinds": ["region"],
        "better": "higher",
        "plausible": plausible,
        "en": {"title": "T"},
    }
    with pytest.raises(RuleError) as err:
        parse_metric("cluster.test_ratio", spec, path="r.toml")
    assert message in str(err.value)


def test_plausible_only_for_numbers() -> None:
    from hemscore.base.errors import RuleError
    from hemscore.model.catalogue import parse_metric

    spec = {"type": "bool", "better": "true", "plausible": {}, "en": {"title": "T"}}
    with pytest.raises(RuleError, match="number and integer metrics only"):
        parse_metric("cluster.flag", spec, path="r.toml")
