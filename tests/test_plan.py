"""`hemscore plan`: least-effort changes that reach a target, checked by the real engine."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemscore.analysis.plan import BOOLEAN_EFFORT, changed_document, make_plan
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.catalogue import KINDS
from hemscore.model.profile import Profile

from .analysis_helpers import EXAMPLES, assessed, fixture, profiles, ruleset

CHINA = EXAMPLES / "china-2022.toml"


def test_done_when_plan_write_assess_reaches_70(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The issue's check, as a new user would run it."""
    out = tmp_path / "p.toml"
    r = run_cli("plan", CHINA, "--target", "70", "--write", out)
    assert r.code == 0, r.err
    assert "the target 70 is reached" in r.out
    a = run_cli("assess", out, "--format", "json")
    assert a.code == 0, a.err
    assert json.loads(a.out)["overall"]["score"] >= 70


def test_written_profile_keeps_provenance_and_marks_targets(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = CHINA
    out = tmp_path / "p.toml"
    r = run_cli("plan", src, "--target", "70", "--write", out, "--format", "json")
    assert r.code == 0, r.err
    plan = json.loads(r.out)
    assert plan["written"] == str(out) and plan["reached"] is True
    before = tomllib.loads(src.read_text(encoding="utf-8"))
    after = tomllib.loads(out.read_text(encoding="utf-8"))
    assert after["profile"] == before["profile"]
    changed = {c["metric"]: c for c in plan["changes"]}
    assert changed
    for section, table in before.items():
        if section == "profile":
            continue
        for key, raw in table.items():
            new = after[section][key]
            change = changed.get(f"{section}.{key}")
            if change is None:
                assert new == raw  # untouched values are untouched
                continue
            assert new["target"] is True
            assert new["value"] == change["to"]
            old = raw["value"] if isinstance(raw, dict) else raw
            assert new["was"] == old  # the file keeps the measured value in full
            # the JSON report rounds floats to 4 decimals (README, "JSON output")
            assert change["from"] == (round(old, 4) if isinstance(old, float) else old)
            if isinstance(raw, dict):  # every provenance kept
                for k in ("year", "source", "note"):
                    assert new.get(k) == raw.get(k)
    # the written file reads back as a valid profile, marked as targets
    prof = load_profile(str(out), ruleset().metrics)
    assert all(prof.values[m].is_target for m in changed)


def test_plan_core_reaches_target_and_reports_engine_score() -> None:
    prof = load_profile(str(fixture("china-like.toml")), ruleset().metrics)
    plan = make_plan(prof, ruleset(), 70)
    assert plan.reached
    again = assess(plan.profile, ruleset())
    assert again.score == plan.after.score and again.score is not None and again.score >= 70
    assert sum(c.gain for c in plan.changes) == pytest.approx(plan.after.score - plan.before.score)  # type: ignore[operator]
    # cheap fixes first: a failing rule is moved before any passing one
    assert all(c.effort > 0 for c in plan.changes)
    assert {n.why for n in plan.not_planned} <= {"missing", "table", "conflict"}
    assert any(
        n.why == "table" for n in plan.not_planned
    )  # the series rules are said to be skipped


def test_effort_is_distance_over_band_width() -> None:
    prof = load_profile(str(fixture("china-like.toml")), ruleset().metrics)
    plan = make_plan(prof, ruleset(), 70)
    for c in plan.changes:
        rule = ruleset().rule(c.rules[0])
        assert rule is not None and rule.scale is not None
        if rule.scale.kind == "linear":
            width = abs(rule.scale.best - rule.scale.worst)
        else:
            width = rule.scale.edges[-1] - rule.scale.edges[0]
        assert c.effort == pytest.approx(abs(float(c.new) - float(c.old)) / width)


def test_booleans_flip_at_half_a_band_and_integers_stay_whole() -> None:
    prof = load_profile(str(fixture("region-2021.toml")), ruleset().metrics)
    plan = make_plan(prof, ruleset(), 90)
    by_metric = {c.metric: c for c in plan.changes}
    flip = by_metric.get("cluster.information_platform")
    assert flip is not None and flip.old is False and flip.new is True
    assert flip.effort == BOOLEAN_EFFORT
    for c in plan.changes:
        if ruleset().metrics[c.metric].type == "integer":
            assert isinstance(c.new, int) and not isinstance(c.new, bool)


def test_already_at_target_changes_nothing(run_cli) -> None:  # type: ignore[no-untyped-def]
    a = assessed(fixture("us-like.toml"))
    assert a.score is not None
    r = run_cli(
        "plan", fixture("us-like.toml"), "--target", str(int(a.score) - 1), "--format", "json"
    )
    assert r.code == 0
    data = json.loads(r.out)
    assert data["changes"] == [] and data["reached"] is True
    assert "nothing to change" in data["summary"][0]


def test_unreachable_target_exits_1_and_says_why(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "never.toml"
    r = run_cli("plan", fixture("china-like.toml"), "--target", "99.9", "--write", out)
    assert r.code == 1
    assert "cannot be reached" in r.out
    assert "Held back by rules the plan cannot move" in r.out  # the series rules
    assert "No data" in r.out
    assert not out.exists() and "nothing written" in r.err


def test_no_overall_score_cannot_be_planned(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    thin = tmp_path / "thin.toml"
    thin.write_text(
        '[profile]\nname = "Thin"\nkind = "country"\nyear = 2022\n\n'
        "[technology]\nrd_intensity_pct = 2.0\n",
        encoding="utf-8",
    )
    r = run_cli("plan", thin, "--target", "50", "--format", "json")
    assert r.code == 1
    data = json.loads(r.out)
    assert data["before"]["score"] is None and data["changes"] == []
    assert "no overall score" in data["summary"][0] and "add data first" in data["summary"][0]


def test_grade_sets_the_target(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("plan", fixture("china-like.toml"), "--grade", "B", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["target"] == 65.0 and data["after"]["grade"] in ("A", "B")


@pytest.mark.parametrize("args", [[], ["--target", "70", "--grade", "B"], ["--grade", "Z"]])
def test_bad_plan_options_exit_2(run_cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("plan", fixture("china-like.toml"), *args)
    assert r.code == 2
    assert r.err.startswith("hemscore: error:")


def test_refuses_to_overwrite_the_measured_profile(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "p.toml"
    p.write_text(fixture("china-like.toml").read_text(encoding="utf-8"), encoding="utf-8")
    r = run_cli("plan", p, "--target", "70", "--write", p)
    assert r.code == 2 and "overwrite" in r.err


def test_replanning_keeps_the_measured_value_in_was(tmp_path: Path) -> None:
    rs = ruleset()
    first = make_plan(load_profile(str(fixture("china-like.toml")), rs.metrics), rs, 60)
    doc = changed_document(
        tomllib.loads(fixture("china-like.toml").read_text(encoding="utf-8")), first
    )
    import tomli_w

    p = tmp_path / "plan1.toml"
    p.write_text(tomli_w.dumps(doc), encoding="utf-8")
    second = make_plan(load_profile(str(p), rs.metrics), rs, 75)
    doc2 = changed_document(doc, second)
    original = load_profile(str(fixture("china-like.toml")), rs.metrics)
    for c in second.changes:
        section, key = c.metric.split(".", 1)
        assert doc2[section][key]["was"] == original.values[c.metric].value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(KINDS).flatmap(profiles),
    st.floats(0, 100),
    st.sampled_from(["arithmetic", "geometric"]),
)
def test_plan_never_lowers_the_score(profile: Profile, target: float, aggregation: str) -> None:
    rs = ruleset()
    plan = make_plan(profile, rs, target, aggregation=aggregation)
    before, after = plan.before.score, plan.after.score
    if before is None:
        assert after is None and not plan.changes
        return
    assert after is not None and after >= before - 1e-9
    if plan.reached:
        assert after >= target
    assert assess(plan.profile, rs, aggregation=aggregation).score == after  # the engine's score
    for c in plan.changes:  # every change moves towards better, within the metric's range
        m = rs.metrics[c.metric]
        if m.type != "bool":
            assert (m.min is None or c.new >= m.min) and (m.max is None or c.new <= m.max)


# --- efforts worked out by hand ------------------------------------------------------------------

PLAN_RULES = """
[ruleset]
name = "plan"
version = "1"

[[rules]]
id = "L-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
severity = "critical"
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "R&D", what = "w", why = "y", recommendation = "Raise R&D." }

[[rules]]
id = "P-1"
metric = "policy.advanced_manufacturing_strategy"
kinds = ["country"]
severity = "medium"
method = "boolean"
paper = ["2.2"]
basis = "design"
source = "test"
en = { title = "Strategy", what = "w", why = "y", recommendation = "Adopt one." }
"""


def _small_plan(tmp_path: Path, rd: float, strategy: bool, target: float, how: str = "arithmetic"):  # type: ignore[no-untyped-def]
    from hemscore.model.rules import load_ruleset

    rules = tmp_path / "rules.toml"
    rules.write_text(PLAN_RULES, encoding="utf-8")
    rs = load_ruleset([rules])
    text = (
        '[profile]\nname = "P"\nkind = "country"\nyear = 2022\n'
        f"[technology]\nrd_intensity_pct = {rd}\n"
        f"[policy]\nadvanced_manufacturing_strategy = {str(strategy).lower()}\n"
    )
    return make_plan(load_profile(text, rs.metrics, name="p.toml"), rs, target, aggregation=how)


def _changes(plan):  # type: ignore[no-untyped-def]
    return [(c.metric, c.old, c.new) for c in plan.changes]


def test_a_boolean_flip_costs_half_a_band(tmp_path: Path) -> None:
    # technology: L-1 at 2.0 scores 70 × (2 − 1) / (3 − 1) = 35; policy: P-1 false scores 0;
    # overall (35 + 0) / 2 = 17.5. Flipping P-1 gives (35 + 100) / 2 = 67.5 ≥ 60, while no
    # move of L-1 reaches 60 (at best 4.5: (100 + 0) / 2 = 50): one flip, effort 0.5.
    plan = _small_plan(tmp_path, 2.0, False, 60)
    assert plan.before.score == 17.5
    assert _changes(plan) == [("policy.advanced_manufacturing_strategy", False, True)]
    assert plan.changes[0].effort == 0.5
    assert plan.changes[0].gain == 50.0  # 67.5 − 17.5
    assert plan.after.score == 67.5 and plan.reached and plan.effort == 0.5


def test_a_linear_move_is_cut_to_the_least_value_that_reaches_the_target(tmp_path: Path) -> None:
    # overall (35 + 100) / 2 = 67.5; 80 needs technology 60: 70 × (x − 1) / 2 ≥ 60,
    # x ≥ 1 + 120 / 70 = 2.7142…; planned values step by 0.001 (a thousandth of the width
    # 4.5 − 1 = 3.5, rounded down to a power of ten), rounded up: 2.715.
    # Effort (2.715 − 2) / 3.5 = 0.20428…; technology 70 × 1.715 / 2 = 60.025;
    # overall (60.025 + 100) / 2 = 80.0125.
    plan = _small_plan(tmp_path, 2.0, True, 80)
    assert _changes(plan) == [("technology.rd_intensity_pct", 2.0, 2.715)]
    assert plan.changes[0].effort == pytest.approx(0.715 / 3.5, abs=1e-12)
    assert plan.after.score == pytest.approx(80.0125, abs=1e-9)
    assert plan.changes[0].gain == pytest.approx(80.0125 - 67.5, abs=1e-9)


def test_the_cheapest_points_come_first(tmp_path: Path) -> None:
    # From 17.5 to 90. First step, points per unit of effort: the flip 50 / 0.5 = 100;
    # L-1 to 3: 17.5 / (1 / 3.5) = 61.25; to 4.5: 32.5 / (2.5 / 3.5) = 45.5. The flip wins
    # (67.5). Then technology must reach 80: 70 + 30 × (x − 3) / 1.5 ≥ 80, x ≥ 3.5:
    # effort 1.5 / 3.5 = 0.42857…, overall (80 + 100) / 2 = 90.
    plan = _small_plan(tmp_path, 2.0, False, 90)
    assert _changes(plan) == [
        ("policy.advanced_manufacturing_strategy", False, True),
        ("technology.rd_intensity_pct", 2.0, 3.5),
    ]
    assert [c.effort for c in plan.changes] == pytest.approx([0.5, 1.5 / 3.5], abs=1e-12)
    assert [c.gain for c in plan.changes] == pytest.approx([50.0, 22.5], abs=1e-9)
    assert plan.effort == pytest.approx(0.5 + 1.5 / 3.5, abs=1e-12)
    assert plan.after.score == pytest.approx(90.0, abs=1e-9)


def test_an_unreachable_target_moves_everything_it_can(tmp_path: Path) -> None:
    # at most (100 + 100) / 2 = 100; 100.5 cannot be reached: L-1 to its best 4.5 and the flip
    plan = _small_plan(tmp_path, 2.0, False, 100.5)
    assert not plan.reached
    assert sorted(_changes(plan)) == [
        ("policy.advanced_manufacturing_strategy", False, True),
        ("technology.rd_intensity_pct", 2.0, 4.5),
    ]
    assert plan.after.score == 100.0


# --- the plan on the exact rule set (tests/fixtures/exact; figures from tests/test_exact.py) ----


def _exact_plan(target: float, **options: object):  # type: ignore[no-untyped-def]
    from .test_exact import PROFILE
    from .test_exact import ruleset as exact_rules

    rs = exact_rules()
    return make_plan(load_profile(str(PROFILE), rs.metrics), rs, target, **options)  # type: ignore[arg-type]


#: what the plan cannot move on the exact profile, in the report's order
EXACT_NOT_PLANNED = [
    ("C-1", "table"),
    ("C-2", "table"),
    ("T-1", "table"),
    ("T-2", "table"),
    ("TA-2", "missing"),
    ("P-2", "missing"),
]


def test_exact_plan_takes_the_least_effort_single_move() -> None:
    # from 64.5 to 66: (2T + 58 + 100) / 4 ≥ 66 needs technology T ≥ 53, a technology sum of
    # 53 × 27.5 = 1457.5, so L-1 must add 1457.5 − (1375 − 350) = 432.5: a score of 43.25,
    # 70 × (x − 1) / 2 ≥ 43.25, x ≥ 2.2357 → 2.236 on the 0.001 grain; effort 0.236 / 3.5.
    # The other single moves that reach 66 cost more: X-1 to 54.143 (5.143 / 35 = 0.147),
    # D-1 to 0.967 (3.033 / 10 = 0.303), B-2 to 8 (7 / 7 = 1).
    plan = _exact_plan(66)
    assert [(c.metric, c.old, c.new) for c in plan.changes] == [
        ("technology.rd_intensity_pct", 2.0, 2.236)
    ]
    assert plan.changes[0].rules == ("L-1",)
    assert plan.effort == pytest.approx(0.236 / 3.5, abs=1e-12)
    # technology (1025 + 10 × 70 × 1.236 / 2) / 27.5 = 1457.6 / 27.5 = 53.0036…
    technology = (1025 + 10 * 70 * 1.236 / 2) / 27.5
    assert plan.after.score == pytest.approx((2 * technology + 158) / 4, abs=1e-9)  # 66.0018
    assert plan.reached and plan.before.score == 64.5
    assert [(n.rule, n.why) for n in plan.not_planned] == EXACT_NOT_PLANNED
    assert plan.unscored_diagnostics == ()


def test_exact_plan_that_cannot_reach_100_moves_every_lever_to_its_best() -> None:
    plan = _exact_plan(100)
    assert not plan.reached
    assert sorted((c.metric, c.old, c.new) for c in plan.changes) == [
        ("exports.final_goods_pct", 49.0, 75.0),
        ("technology.core_component_self_sufficiency_pct", 50.0, 70.0),
        ("technology.export_control_exposure_pct", 4.0, 0.0),
        ("technology.ic_import_share_pct", 15.0, 8.0),
        ("technology.rd_intensity_pct", 2.0, 4.5),
    ]
    efforts = {c.metric.split(".")[1]: c.effort for c in plan.changes}
    assert efforts == pytest.approx(
        {
            "final_goods_pct": 26 / 35,  # (75 − 49) / (75 − 40)
            "core_component_self_sufficiency_pct": 20 / 50,  # (70 − 50) / (70 − 20)
            "export_control_exposure_pct": 4 / 10,  # (4 − 0) / (10 − 0)
            "ic_import_share_pct": 7 / 7,  # (15 − 8) / (15 − 8)
            "rd_intensity_pct": 2.5 / 3.5,  # (4.5 − 2) / (4.5 − 1)
        }
    )
    # the table rules stay: technology (10×100 + 2.5×100 + 5×100 + 2.5×100 + 7.5×62.5) / 27.5
    # = 2468.75 / 27.5; exports (5×60 + 7.5×85 + 2.5×52.5 + 7.5×100) / 22.5 = 1818.75 / 22.5
    best = (2 * 2468.75 / 27.5 + 1818.75 / 22.5 + 100) / 4  # 90.0947
    assert plan.after.score == pytest.approx(best, abs=1e-9)
    assert sum(c.gain for c in plan.changes) == pytest.approx(best - 64.5, abs=1e-9)
    assert plan.held_back == (("C-1", 62.5), ("C-2", 60.0), ("T-1", 85.0), ("T-2", 52.5))


def test_exact_plan_names_the_diagnostics_left_unscored() -> None:
    plan = _exact_plan(66, min_coverage=0.51)
    assert plan.unscored_diagnostics == ("policy",)  # coverage 0.5 < 0.51
    assert plan.before.score == pytest.approx(158 / 3, abs=1e-12)


def test_a_geometric_plan_cuts_its_last_move_back(tmp_path: Path) -> None:
    # geometric: overall √(T × 100) with P-1 met; from √(35 × 100) = 59.16 to 80 needs
    # T ≥ 6400 / 100 = 64: 70 × (x − 1) / 2 ≥ 64, x ≥ 1 + 128 / 70 = 2.8285… → 2.829 on the
    # 0.001 grain (not the goalpost 3.0 the search first tries). Effort 0.829 / 3.5; technology
    # 70 × 1.829 / 2 = 64.015, overall √6401.5 = 80.0094.
    plan = _small_plan(tmp_path, 2.0, True, 80, "geometric")
    assert _changes(plan) == [("technology.rd_intensity_pct", 2.0, 2.829)]
    assert plan.changes[0].effort == pytest.approx(0.829 / 3.5, abs=1e-12)
    assert plan.after.score == pytest.approx(6401.5**0.5, abs=1e-9)
