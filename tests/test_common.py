"""`--common` on assess, compare and sensitivity: only the rules every profile has data for."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hemscore.analysis.common import common_note, common_rule_ids, restrict
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset

from .conftest import ROOT, Run, write

PANEL = ROOT / "reference" / "panel" / "2017"

A = """[profile]
name = "A"
kind = "country"
year = 2017
[technology]
rd_intensity_pct = 3.0
[exports]
high_tech_pct = 22.1
[talent]
researchers_per_million = 8000
[waivers]
TE-03 = "no component data is collected"
"""
B = """[profile]
name = "B"
kind = "country"
year = 2016
[technology]
rd_intensity_pct = 0.556
[exports]
high_tech_pct = 32.0
"""


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path, "a.toml", A), write(tmp_path, "b.toml", B)


def test_common_rules_and_restrict(pair: tuple[Path, Path]) -> None:
    rs = load_ruleset()
    a, b = (assess(load_profile(str(p), rs.metrics), rs) for p in pair)
    # in rule-set order (the rule files in sorted order)
    assert common_rule_ids([a, b]) == ("EX-02", "TE-01")
    assert common_rule_ids([a]) == ("EX-02", "TA-01", "TE-01")
    cut = restrict(rs, ["TE-01", "EX-02"])
    assert [r.id for r in cut.rules] == ["EX-02", "TE-01"]
    assert cut.metrics == rs.metrics and cut.diagnostics == rs.diagnostics


def test_assess_common_scores_the_shared_rules_only(
    run_cli: Callable[..., Run], pair: tuple[Path, Path]
) -> None:
    r = run_cli("assess", *pair, "--common", "--format", "json")
    assert r.code == 0, r.err
    a, b = json.loads(r.out)
    # TE-01: 3.0 is its target (70); EX-02: 22.1 is its target (70) -> A = (70 + 70) / 2
    # TE-01: 0.556 is its worst (0); EX-02: 32.0 is its best (100) -> B = (0 + 100) / 2
    assert (a["overall"]["score"], a["overall"]["coverage"]) == (70.0, 1.0)
    assert (b["overall"]["score"], b["overall"]["coverage"]) == (50.0, 1.0)
    ids = [x["id"] for d in a["diagnostics"] for x in d["rules"]]
    assert ids == ["TE-01", "EX-02"]
    assert r.err.splitlines()[0] == (
        "hemscore: note: Common rules: only the 2 rule(s) with data for all 2 profile(s) are "
        "scored, and coverage is computed over them: EX-02, TE-01. Profile year(s): 2016, 2017."
    )
    # without --common, A's talent rule counts and its coverage is not 1
    plain = json.loads(run_cli("assess", *pair, "--format", "json").out)
    assert plain[0]["overall"]["coverage"] < 1.0


def test_no_common_rule_is_bad_usage(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    a = write(tmp_path, "a.toml", A)
    c = write(
        tmp_path,
        "c.toml",
        '[profile]\nname = "C"\nkind = "country"\nyear = 2017\n[policy]\nbasic_research_pct = 9.0\n',
    )
    for command in ("assess", "compare", "sensitivity"):
        r = run_cli(command, a, c, "--common")
        assert r.code == 2, command
        assert r.err.splitlines()[-1] == (
            "hemscore: error: --common: no rule has data in every one of the 2 profile(s)"
        )


def test_the_panel_gets_44_overall_scores(run_cli: Callable[..., Run]) -> None:
    plain = run_cli("assess", PANEL, "--format", "jsonl", "-q")
    assert plain.code == 0
    assert all(json.loads(x)["overall"]["score"] is None for x in plain.out.splitlines())
    r = run_cli("assess", PANEL, "--common", "--format", "jsonl")
    assert r.code == 0, r.err
    rows = [json.loads(x) for x in r.out.splitlines()]
    assert len(rows) == 44 and all(x["overall"]["score"] is not None for x in rows)
    assert "coverage is computed over them: EX-02, EX-03, TE-12. Profile year(s): 2017." in r.err
    deu = next(x for x in rows if x["profile"]["name"] == "Germany")
    # Rule set 2.0, goalposts calibrated on this panel (docs/calibration.md):
    # TE-12: 60.8677 is above its best (57.0) -> 100.
    # EX-02: 15.8563 -> 70 × (15.8563 − 6.46) ÷ (22.1 − 6.46) = 42.0551;
    # EX-03: 74.2309 -> 70 + 30 × (74.2309 − 67.0) ÷ (75.1 − 67.0) = 96.7811; exports = 69.4181.
    # Overall = (100 + 69.4181) ÷ 2 = 84.7091 (84.70904 from the rounded inputs above).
    assert deu["overall"]["score"] == 84.7091
    assert deu["overall"]["coverage"] == 1.0


def test_compare_common_ranks_the_panel(run_cli: Callable[..., Run]) -> None:
    r = run_cli("compare", PANEL, "--common", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["common_rules"] == ["EX-02", "EX-03", "TE-12"]
    assert data["years"] == [2017]
    overall = data["rows"][0]
    ranks = {c["profile"]: c["rank"] for c in overall["cells"]}
    assert sorted(ranks.values()) == list(range(1, 45))
    assert ranks["Korea"] == 1 and ranks["Singapore"] == 2 and ranks["Germany"] == 5
    table = run_cli("compare", PANEL, "--common", "--color", "never")
    assert "coverage is computed over them: EX-02, EX-03, TE-12. Profile year(s): 2017." in (
        " ".join(table.out.split())
    )
    md = run_cli("compare", PANEL, "--common", "--format", "markdown")
    assert "EX-02, EX-03, TE-12. Profile year(s): 2017." in md.out


def test_compare_without_common_keeps_its_json_shape(
    run_cli: Callable[..., Run], pair: tuple[Path, Path]
) -> None:
    data = json.loads(run_cli("compare", *pair, "--format", "json").out)
    assert "common_rules" not in data and "years" not in data


def test_sensitivity_common(run_cli: Callable[..., Run], pair: tuple[Path, Path]) -> None:
    r = run_cli("sensitivity", *pair, "--common", "--runs", "20", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["common_rules"] == ["EX-02", "TE-01"]
    assert [p["nominal"]["score"] for p in data["profiles"]] == [70.0, 50.0]
    t = run_cli("sensitivity", *pair, "--common", "--runs", "20", "--color", "never")
    assert "EX-02, TE-01. Profile year(s): 2016, 2017." in " ".join(t.out.split())


def test_note_in_chinese() -> None:
    assert common_note("zh", ["TE-01"], 2, [2017]) == (
        "共同规则：只对全部 2 个评估对象都有数据的 1 条规则评分，覆盖率也只按这些规则计算：TE-01。评估年份：2017。"
    )


def test_common_coverage_is_full_and_rules_shared() -> None:
    """With --common every profile is scored on the same rules, each with full coverage."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from hemscore.analysis.common import common_assessments
    from hemscore.model.profile import MetricValue, Profile

    rs = load_ruleset()
    choices = {
        "technology.rd_intensity_pct": 2.0,
        "exports.high_tech_pct": 20.0,
        "exports.medium_high_tech_pct": 60.0,
        "talent.researchers_per_million": 3000.0,
        "policy.basic_research_pct": 10.0,
    }

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sets(st.sampled_from(sorted(choices)), min_size=1), min_size=1, max_size=5))
    def law(sets: list[set[str]]) -> None:
        profiles = [
            Profile(
                f"P{i}",
                "country",
                2017,
                f"p{i}",
                values={m: MetricValue(m, choices[m]) for m in chosen},
            )
            for i, chosen in enumerate(sets)
        ]
        first = [assess(p, rs) for p in profiles]
        shared = set.intersection(*sets)
        if not shared:
            return
        again, _, ids = common_assessments(first, rs)
        assert {rs.rule(i).metric for i in ids} == shared  # type: ignore[union-attr]
        for a in again:
            assert {r.id for r in a.results if r.score is not None} == set(ids)
            assert a.coverage == 1.0 and a.score is not None

    law()
