"""The plan's parts, each on values worked out by hand: levers (effort, rounding, candidate
values), band widths, rounding grains, tie-breaking between equal moves, and the written
profile."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import pytest

from hemscore.analysis.plan import (
    Change,
    _grain,
    _Lever,
    _rule_score,
    _Search,
    _width,
    changed_document,
    make_plan,
)
from hemscore.engine.loader import load_profile
from hemscore.model.methods.bands import Bands
from hemscore.model.methods.linear import Linear
from hemscore.model.methods.scale_bands import BandScale
from hemscore.model.methods.scale_linear import LinearScale
from hemscore.model.rules import load_ruleset

from .test_exact import ruleset as exact_rules


def lever(kind: str = "number", up: bool = True, step: float = 0.001, **kw: object) -> _Lever:
    rs = exact_rules()
    rules = kw.pop("rules", (rs.rule("L-1"),))
    return _Lever("m.x", rules, kind, up, kw.get("lo"), kw.get("hi"), step)  # type: ignore[arg-type]


def test_boolean_effort() -> None:
    flip = lever("bool", rules=(exact_rules().rule("P-1"),), step=1.0)
    assert flip.effort(False, True) == 0.5
    assert flip.effort(True, True) == 0.0
    assert flip.points(True) == [] and flip.points(False) == [True]


def test_linear_effort_is_distance_over_the_width() -> None:
    # L-1: worst 1, best 4.5, width 3.5
    assert lever().effort(2.0, 2.7) == pytest.approx(0.2, abs=1e-12)
    assert lever().effort(2.7, 2.0) == pytest.approx(0.2, abs=1e-12)


def test_snap_rounds_towards_better_on_the_grain() -> None:
    up, down = lever(), lever(up=False, lo=0.0, hi=100.0)
    assert up.snap(2.2357) == 2.236  # up: rounded up
    assert down.snap(0.9667) == 0.966  # down: rounded down
    # a value a hair off the grain is the grain value, not the next one
    assert up.snap(2.236 + 1e-13) == 2.236
    assert down.snap(0.966 - 1e-13) == 0.966
    assert down.snap(-0.5) == 0.0 and lever(hi=3.0).snap(7.0) == 3.0  # kept inside the range
    assert lever("integer", step=1.0).snap(2.2) == 3 and isinstance(
        lever("integer", step=1.0).snap(2.2), int
    )


def test_ahead_means_strictly_better() -> None:
    up, down = lever(), lever(up=False)
    assert not up.ahead(1.0, 1.0) and up.ahead(1.0, 1.001) and not up.ahead(1.0, 0.999)
    assert not down.ahead(1.0, 1.0) and down.ahead(1.0, 0.999) and not down.ahead(1.0, 1.001)


def test_candidate_values_of_a_linear_lever() -> None:
    # L-1's goalposts 1, 3, 4.5: from 2.0 the ones ahead, nearest first
    assert lever().points(2.0) == [3.0, 4.5]
    assert lever().points(3.0) == [4.5]
    assert lever().points(4.5) == []


def test_candidate_values_of_band_levers() -> None:
    rs = exact_rules()
    # B-1, edges 20, 50, 70 (upper), rising; grain 0.01 (a thousandth of 70 − 20 = 50, rounded
    # down to a power of ten). From 50 (band [50, 70) → 70), only 70 and 70.01 score more.
    b1 = lever(rules=(rs.rule("B-1"),), step=0.01)
    assert b1.points(50.0) == [70.0, 70.01]
    # B-2, edges 8, 15 (lower), falling; grain 0.001 (15 − 8 = 7). From 15 (band (8, 15] → 50),
    # only 8 and 7.999 score more; nearest first
    b2 = lever(rules=(rs.rule("B-2"),), up=False, step=0.001)
    assert b2.points(15.0) == [8.0, 7.999]


def test_candidate_values_of_a_metric_scored_by_two_rules() -> None:
    two = (
        SimpleNamespace(scoring=Linear(LinearScale(1, 3, 4.5, 70))),
        SimpleNamespace(scoring=Linear(LinearScale(0, 2.5, 6, 70))),
    )
    # every goalpost of both rules ahead of 2.0 that raises a score: 2.5, 3, 4.5, 6
    assert lever(rules=two).points(2.0) == [2.5, 3.0, 4.5, 6.0]
    # effort: the larger share of either width, 1 / 3.5 against 1 / 6
    assert lever(rules=two).effort(2.0, 3.0) == pytest.approx(1 / 3.5)


def _bands(edges: tuple[float, ...], target: float) -> SimpleNamespace:
    scores = tuple(float(10 * i) for i in range(len(edges) + 1))
    return SimpleNamespace(scoring=Bands(BandScale(edges, scores, target)))


def test_band_width() -> None:
    assert _width(SimpleNamespace(scoring=Linear(LinearScale(10, 2, 0, 70)))) == 10.0  # |0 − 10|
    assert _width(_bands((20.0, 50.0, 70.0), 70.0)) == 50.0  # 70 − 20
    assert _width(_bands((0.2, 0.8), 0.8)) == pytest.approx(0.6)  # a span under 1 is a span
    # one edge: no span; the largest of |edge|, |target − edge| and 1
    assert _width(_bands((10.0,), 10.0)) == 10.0
    assert _width(_bands((0.5,), 3.0)) == 2.5
    assert _width(_bands((-0.2,), 0.5)) == 1.0
    assert _width(_bands((-4.0,), -5.0)) == 4.0


def test_grain() -> None:
    assert _grain(3.5, False) == 0.001  # 3.5 / 1000 = 0.0035 → 0.001
    assert _grain(1000.0, False) == 1.0  # 1000 / 1000 = 1
    assert _grain(0.5, False) == 0.0001  # 0.0005 → 0.0001
    assert _grain(0.0, False) == 0.01  # no width: hundredths
    assert _grain(3.5, True) == 1.0  # whole numbers


def test_rule_score_of_a_boolean() -> None:
    p1 = exact_rules().rule("P-1")
    assert _rule_score(p1, True) == 100.0 and _rule_score(p1, False) == 0.0  # type: ignore[arg-type]
    assert _rule_score(exact_rules().rule("L-1"), 2.0) == 35.0  # type: ignore[arg-type]


def test_search_scores_no_overall_as_minus_infinity() -> None:
    rs = exact_rules()
    text = '[profile]\nname = "T"\nkind = "country"\nyear = 2022\n[technology]\nrd_intensity_pct = 2.0\n'
    p = load_profile(text, rs.metrics, name="t.toml")
    search = _Search(p, rs, {"aggregation": "arithmetic", "min_coverage": 0.5, "strict": False})
    assert search.score(p.values, "technology.rd_intensity_pct", 3.0) == float("-inf")
    full = _Search(p, rs, {"aggregation": "arithmetic", "min_coverage": 0.0, "strict": False})
    # technology alone: L-1 at 3 scores 70
    assert full.score(p.values, "technology.rd_intensity_pct", 3.0) == 70.0


# --- ties and exact targets in the search ---------------------------------------------------------

TWINS = """
[ruleset]
name = "twins"
version = "1"

[[rules]]
id = "E-1"
metric = "exports.final_goods_pct"
kinds = ["country"]
severity = "high"
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "E", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "T-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
severity = "high"
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "T", what = "w", why = "y", recommendation = "r" }
"""


def _twins(tmp_path: Path, target: float):  # type: ignore[no-untyped-def]
    (tmp_path / "twins.toml").write_text(TWINS, encoding="utf-8")
    rs = load_ruleset([tmp_path / "twins.toml"])
    text = (
        '[profile]\nname = "T"\nkind = "country"\nyear = 2022\n'
        "[technology]\nrd_intensity_pct = 2.0\n[exports]\nfinal_goods_pct = 2.0\n"
    )
    return make_plan(load_profile(text, rs.metrics, name="t.toml"), rs, target)


def test_of_two_equal_finishing_moves_the_first_metric_wins(tmp_path: Path) -> None:
    # both rules score 70 × (2 − 1) / 2 = 35: overall 35. 52.5 needs one of them at 70, i.e.
    # at 3.0, effort 1 / 3.5 either way: the first metric in name order moves
    plan = _twins(tmp_path, 52.5)
    assert [(c.metric, c.new) for c in plan.changes] == [("exports.final_goods_pct", 3.0)]
    assert plan.after.score == 52.5


def test_of_two_equal_steps_the_first_metric_goes_first(tmp_path: Path) -> None:
    # From 35, each first step is the same: to 3.0 gains 17.5 points for 1 / 3.5 of effort
    # (61.25 a unit, against 32.5 / (2.5 / 3.5) = 45.5 to 4.5). The first metric, exports,
    # goes first: (70 + 35) / 2 = 52.5. Then 80 needs technology at 90: 70 + 30 × (x − 3) / 1.5
    # ≥ 90, x ≥ 4.0.
    plan = _twins(tmp_path, 80)
    assert [(c.metric, c.new) for c in plan.changes] == [
        ("exports.final_goods_pct", 3.0),
        ("technology.rd_intensity_pct", 4.0),
    ]
    assert plan.after.score == pytest.approx(80.0, abs=1e-9)


def test_a_move_that_meets_the_target_exactly_finishes_there(tmp_path: Path) -> None:
    from .test_plan import _small_plan

    # L-1 at 3.0 gives (70 + 0) / 2 = 35 exactly: that is the cheapest finish (1 / 3.5 < 0.5)
    plan = _small_plan(tmp_path, 2.0, False, 35)
    assert [(c.metric, c.new) for c in plan.changes] == [("technology.rd_intensity_pct", 3.0)]
    assert plan.after.score == 35.0


# --- the written profile ---------------------------------------------------------------------------


def _plan_of(*changes: tuple[str, object, object]) -> SimpleNamespace:
    return SimpleNamespace(
        changes=[Change(m, ("R",), old, new, 0.1, 1.0) for m, old, new in changes]
    )  # type: ignore[arg-type]


def test_changed_document_keeps_the_input_and_provenance() -> None:
    data = {
        "profile": {"name": "P", "kind": "country", "year": 2022},
        "technology": {
            "rd_intensity_pct": 2.0,
            "ic_import_share_pct": {"value": 15.0, "year": 2021, "source": "customs"},
        },
        "exports": {"final_goods_pct": {"value": 50.0, "target": False, "was": 40.0}},
        "policy": {
            "basic_research_pct": {"value": 9.0, "target": True, "was": 6.0, "source": "budget"}
        },
    }
    before = copy.deepcopy(data)
    plan = _plan_of(
        ("technology.rd_intensity_pct", 2.0, 3.0),
        ("technology.ic_import_share_pct", 15.0, 8.0),
        ("exports.final_goods_pct", 50.0, 60.0),
        ("policy.basic_research_pct", 9.0, 10.0),
    )
    out = changed_document(data, plan)  # type: ignore[arg-type]
    assert data == before  # the parsed input is not changed
    assert out["technology"]["rd_intensity_pct"] == {"value": 3.0, "target": True, "was": 2.0}
    assert out["technology"]["ic_import_share_pct"] == {
        "value": 8.0,
        "year": 2021,
        "source": "customs",
        "target": True,
        "was": 15.0,
    }
    # "was" is the measured value: kept from an earlier plan, else the value replaced
    assert out["exports"]["final_goods_pct"] == {"value": 60.0, "target": True, "was": 50.0}
    # provenance first, then the plan's marks, in the order the file is written
    assert list(out["policy"]["basic_research_pct"].items()) == [
        ("value", 10.0),
        ("source", "budget"),
        ("target", True),
        ("was", 6.0),
    ]
    assert out["profile"] == before["profile"]


# --- what the plan can move -----------------------------------------------------------------------

CONFLICT = """
[ruleset]
name = "conflict"
version = "1"

[[rules]]
id = "P-1"
metric = "policy.advanced_manufacturing_strategy"
kinds = ["country"]
severity = "medium"
method = "boolean"
paper = ["2.2"]
basis = "design"
source = "test"
en = { title = "S", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "P-9"
metric = "policy.advanced_manufacturing_strategy"
kinds = ["country"]
severity = "low"
method = "boolean"
expected = false
paper = ["2.2"]
basis = "design"
source = "test"
en = { title = "S", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "X-1"
metric = "exports.final_goods_pct"
kinds = ["country"]
severity = "high"
method = "linear"
worst = 40
target = 60
best = 75
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "X", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "X-9"
metric = "exports.final_goods_pct"
kinds = ["country"]
severity = "low"
method = "linear"
worst = 75
target = 60
best = 40
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "X", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "L-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
severity = "high"
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "T", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "M-1"
metric = "talent.overseas_return_pct"
kinds = ["country"]
severity = "low"
method = "linear"
worst = 0
target = 50
best = 100
paper = ["2.1"]
basis = "design"
source = "test"
en = { title = "M", what = "w", why = "y", recommendation = "r" }
"""


def test_rules_that_pull_a_metric_both_ways_are_not_planned(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(CONFLICT, encoding="utf-8")
    rs = load_ruleset([tmp_path / "c.toml"])
    text = (
        '[profile]\nname = "C"\nkind = "country"\nyear = 2022\n'
        "[technology]\nrd_intensity_pct = 2.0\n[exports]\nfinal_goods_pct = 49\n"
        "[policy]\nadvanced_manufacturing_strategy = true\n"
    )
    plan = make_plan(load_profile(text, rs.metrics, name="c.toml"), rs, 90, min_coverage=0.0)
    assert [(n.rule, n.metric, n.why) for n in plan.not_planned] == [
        ("M-1", "talent.overseas_return_pct", "missing"),  # no value
        ("X-1", "exports.final_goods_pct", "conflict"),  # conflicts: metrics in name order
        ("X-9", "exports.final_goods_pct", "conflict"),
        ("P-1", "policy.advanced_manufacturing_strategy", "conflict"),
        ("P-9", "policy.advanced_manufacturing_strategy", "conflict"),
    ]
    assert [c.metric for c in plan.changes] == ["technology.rd_intensity_pct"]


def test_whole_number_metrics_move_in_whole_steps() -> None:
    from hemscore.analysis.plan import _levers

    from .analysis_helpers import assessed, fixture, ruleset

    levers, _ = _levers(assessed(fixture("region-2021.toml")), ruleset())
    whole = {lv.metric: (lv.kind, lv.step, lv.lo, lv.hi) for lv in levers if lv.kind == "integer"}
    # counts: step 1 whatever the band width (CL-02's 450 would give 0.1), at least 0, no top
    assert whole == {
        "cluster.firm_count": ("integer", 1.0, 0.0, None),
        "cluster.public_tech_platforms_count": ("integer", 1.0, 0.0, None),
        "cluster.university_partners_count": ("integer", 1.0, 0.0, None),
        "exports.new_markets_count": ("integer", 1.0, 0.0, None),
    }


def test_levers_of_the_exact_profile_with_a_waiver() -> None:
    from hemscore.analysis.plan import _levers
    from hemscore.engine.assessment import assess

    from .test_exact import PROFILE

    rs = exact_rules()
    text = PROFILE.read_text(encoding="utf-8") + '\n[waivers]\nX-1 = "a reason"\n'
    base = assess(load_profile(text, rs.metrics, name="w.toml"), rs)
    levers, skipped = _levers(base, rs)
    # a waived rule is neither moved nor listed as not planned; the rules after it still count
    # (the metrics are percentages: kept within 0–100)
    assert [(lv.metric, lv.kind, lv.up, lv.step, lv.lo, lv.hi) for lv in levers] == [
        ("policy.advanced_manufacturing_strategy", "bool", True, 1.0, None, None),
        ("talent.overseas_return_pct", "number", True, 0.1, 0.0, 100.0),  # width 100 → 0.1
        ("technology.core_component_self_sufficiency_pct", "number", True, 0.01, 0.0, 100.0),
        ("technology.export_control_exposure_pct", "number", False, 0.01, 0.0, 100.0),
        ("technology.ic_import_share_pct", "number", False, 0.001, 0.0, 100.0),
        ("technology.rd_intensity_pct", "number", True, 0.001, 0.0, 100.0),
    ]
    assert [(n.rule, n.metric, n.why) for n in skipped] == [
        ("C-1", "technology.critical_input_origin_shares", "table"),
        ("C-2", "exports.destination_shares", "table"),
        ("T-1", "exports.new_product_sales_series", "table"),
        ("T-2", "exports.new_product_sales_series", "table"),
        ("TA-2", "talent.phd_return_pct", "missing"),
        ("P-2", "policy.basic_research_pct", "missing"),
    ]


def test_the_planned_profile_marks_its_targets_and_keeps_the_measured_value() -> None:
    from .test_plan import _exact_plan

    rs = exact_rules()
    plan = _exact_plan(66)  # moves L-1 from 2.0 to 2.236 (test_plan)
    rd = plan.profile.values["technology.rd_intensity_pct"]
    assert (rd.value, rd.is_target, rd.was) == (2.236, True, 2.0)
    x1 = plan.profile.values["exports.final_goods_pct"]
    assert (x1.value, x1.is_target, x1.was) == (49.0, False, None)
    # planning again from the plan: the measured 2.0 stays in "was"
    again = make_plan(plan.profile, rs, 70)
    rd2 = again.profile.values["technology.rd_intensity_pct"]
    assert rd2.is_target and rd2.was == 2.0 and rd2.value > 2.236


def test_plans_honour_waivers_unless_strict() -> None:
    from .test_exact import PROFILE

    rs = exact_rules()
    text = PROFILE.read_text(encoding="utf-8") + '\n[waivers]\nL-1 = "a reason"\n'
    p = load_profile(text, rs.metrics, name="w.toml")
    # without L-1 technology is (175 + 250 + 131.25 + 468.75) / 17.5 = 1025 / 17.5 = 58.571…,
    # the overall (2 × 58.571… + 158) / 4 = 68.79: already past 66
    lax = make_plan(p, rs, 66)
    assert lax.before.score == pytest.approx((2 * 1025 / 17.5 + 158) / 4, abs=1e-12)
    assert lax.changes == ()
    strict = make_plan(p, rs, 66, strict=True)
    assert strict.before.score == 64.5
    assert [c.metric for c in strict.changes] == ["technology.rd_intensity_pct"]


def test_a_was_without_target_is_not_the_measured_value() -> None:
    from .test_exact import PROFILE

    rs = exact_rules()
    # "was" on a value not marked as a target: the value itself is the measured one
    text = PROFILE.read_text(encoding="utf-8").replace(
        "rd_intensity_pct = 2.0", "rd_intensity_pct = { value = 2.0, was = 1.5 }"
    )
    plan = make_plan(load_profile(text, rs.metrics, name="w.toml"), rs, 66)
    rd = plan.profile.values["technology.rd_intensity_pct"]
    assert (rd.value, rd.is_target, rd.was) == (2.236, True, 2.0)
