"""Every number a user reads, worked out by hand on a small rule set (tests/fixtures/exact).

The rule set has one rule per scoring method and direction; the profile is chosen so that
every figure is a short sum. The arithmetic is written out beside each expected value: the
figures are never read back from the code under test.

Weights (severity → weight: critical 10, high 7.5, medium 5, low 2.5):

    technology (diagnostic weight 2): L-1 10, B-1 2.5, B-2 5, D-1 2.5 (explicit), C-1 7.5 = 27.5
    exports    (diagnostic weight 1): C-2 5, T-1 7.5, T-2 2.5, X-1 7.5                   = 22.5
    policy     (diagnostic weight 1): P-1 5, P-2 5 (P-2 has no value)                     = 10
    talent     (diagnostic weight 0): TA-1 7.5, TA-2 7.5 (TA-2 has no value)              = 15
    cluster    (diagnostic weight 1): no rules
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import load_profile
from hemscore.model.methods.scale_bands import BandScale
from hemscore.model.methods.scale_linear import LinearScale
from hemscore.model.methods.trend import cagr_pct, peak_pct
from hemscore.model.rules import RuleSet, load_ruleset
from hemscore.model.scoring import mean

HERE = Path(__file__).parent / "fixtures" / "exact"
RULES = HERE / "rules.toml"
PROFILE = HERE / "profile.toml"


def ruleset() -> RuleSet:
    return load_ruleset([RULES])


def exact(**options: object) -> Assessment:
    rs = ruleset()
    return assess(load_profile(str(PROFILE), rs.metrics), rs, **options)  # type: ignore[arg-type]


def rule(a: Assessment, rid: str):  # type: ignore[no-untyped-def]
    return next(r for r in a.results if r.id == rid)


def diag(a: Assessment, did: str):  # type: ignore[no-untyped-def]
    return next(d for d in a.diagnostics if d.id == did)


# --- rule scores, one rule per method ---------------------------------------------------------

#: rule id -> (status, measured value, score, gap), each worked out by hand
RULE_FIGURES = {
    # linear 1 → 0, 3 → 70, 4.5 → 100; value 2.0: 70 × (2 − 1) / (3 − 1) = 35; gap 3 − 2 = 1
    "L-1": ("fail", 2.0, 35.0, 1.0),
    # bands [20, 50, 70] → [10, 40, 70, 100], upper edges: 50 is in the band [50, 70) → 70;
    # the target 70 scores 100, so 70 fails; gap |70 − 50| = 20
    "B-1": ("fail", 50.0, 70.0, 20.0),
    # bands [8, 15] → [100, 50, 0], lower edges: 15 belongs to the band (8, 15] → 50;
    # the target 8 scores 100; gap |8 − 15| = 7
    "B-2": ("fail", 15.0, 50.0, 7.0),
    # linear, lower is better: 10 → 0, 2 → 70, 0 → 100; value 4: 70 × (10 − 4) / (10 − 2)
    # = 70 × 6 / 8 = 52.5; gap 4 − 2 = 2
    "D-1": ("fail", 4.0, 52.5, 2.0),
    # HHI of the named shares (the residual "other" is left out): 3 × 25² = 1875;
    # linear 5000 → 0, 1500 → 70: 70 × (5000 − 1875) / (5000 − 1500) = 70 × 3125 / 3500 = 62.5;
    # gap 1875 − 1500 = 375
    "C-1": ("fail", 1875.0, 62.5, 375.0),
    # largest named share 35 (US; "Rest of world" is a residual); bands [25, 40] → [100, 60, 20]
    # lower edges: 35 → 60; the target 25 scores 100; gap 35 − 25 = 10
    "C-2": ("fail", 35.0, 60.0, 10.0),
    # growth over 1 year, 2021 → 2022: 128 / 64 − 1 = 100%; linear 0 → 0, 50 → 70, 150 → 100:
    # 70 + 30 × (100 − 50) / (150 − 50) = 85; passes, gap 0
    "T-1": ("pass", 100.0, 85.0, 0.0),
    # latest 128 against the peak 160 (2020): 80%; linear 50 → 0, 90 → 70:
    # 70 × (80 − 50) / (90 − 50) = 52.5; gap 90 − 80 = 10
    "T-2": ("fail", 80.0, 52.5, 10.0),
    # linear 40 → 0, 60 → 70: 70 × (49 − 40) / 20 = 31.5; gap 60 − 49 = 11
    "X-1": ("fail", 49.0, 31.5, 11.0),
    # linear 0 → 0, 50 → 70: 70 × 25 / 50 = 35; gap 25
    "TA-1": ("fail", 25.0, 35.0, 25.0),
}


@pytest.mark.parametrize("rid", sorted(RULE_FIGURES))
def test_rule_figures(rid: str) -> None:
    status, value, score, gap = RULE_FIGURES[rid]
    r = rule(exact(), rid)
    assert (r.status, r.value, r.score, r.gap) == (status, value, score, gap)
    assert r.passed is (status == "pass")


def test_boolean_and_missing_rules() -> None:
    a = exact()
    p1 = rule(a, "P-1")
    assert (p1.status, p1.value, p1.score, p1.passed, p1.gap) == ("pass", True, 100.0, True, None)
    for rid in ("P-2", "TA-2"):
        r = rule(a, rid)
        assert (r.status, r.score, r.value) == ("missing", None, None)


def test_table_rules_report_what_they_measured() -> None:
    a = exact()
    # residual shares are reported; the largest share names its party
    assert rule(a, "C-1").detail == {"residual_pct": 25.0}
    assert rule(a, "C-2").detail == {"residual_pct": 20.0, "label": "US"}
    # growth over years=1 runs from the year before the latest; the peak is 2020
    assert rule(a, "T-1").detail == {"from_year": 2021, "to_year": 2022}
    assert rule(a, "T-2").detail == {"peak_year": 2020, "latest_year": 2022}


def test_contributions() -> None:
    a = exact()
    # contribution = weight × score / assessed weight of the diagnostic (27.5 in technology)
    assert rule(a, "L-1").contribution == pytest.approx(10 * 35 / 27.5)  # 12.7272…
    assert rule(a, "C-1").contribution == pytest.approx(7.5 * 62.5 / 27.5)  # 17.0454…
    assert rule(a, "X-1").contribution == pytest.approx(7.5 * 31.5 / 22.5)  # 10.5
    assert rule(a, "P-1").contribution == pytest.approx(5 * 100 / 5)  # 100: P-2 has no value
    assert rule(a, "P-2").contribution is None


# --- diagnostics and the overall score --------------------------------------------------------


def test_diagnostic_scores_and_coverage() -> None:
    a = exact()
    tech, exp, pol, tal, clu = (
        diag(a, d) for d in ("technology", "exports", "policy", "talent", "cluster")
    )
    # technology: (10×35 + 2.5×70 + 5×50 + 2.5×52.5 + 7.5×62.5) / 27.5
    #           = (350 + 175 + 250 + 131.25 + 468.75) / 27.5 = 1375 / 27.5 = 50
    assert (tech.score, tech.coverage, tech.assessed_weight, tech.applicable_weight) == (
        50.0,
        1.0,
        27.5,
        27.5,
    )
    # exports: (5×60 + 7.5×85 + 2.5×52.5 + 7.5×31.5) / 22.5
    #        = (300 + 637.5 + 131.25 + 236.25) / 22.5 = 1305 / 22.5 = 58
    assert (exp.score, exp.coverage) == (58.0, 1.0)
    # policy: P-1 only (P-2 missing, not scored 0): 100; coverage 5 / 10 = 0.5, at the floor
    assert (pol.score, pol.coverage, pol.status) == (100.0, 0.5, "scored")
    # talent: TA-1 only: 35; coverage 7.5 / 15 = 0.5
    assert (tal.score, tal.coverage, tal.weight) == (35.0, 0.5, 0.0)
    assert (clu.score, clu.coverage, clu.status) == (None, 0.0, "no_rules")


def test_overall_arithmetic_and_grade() -> None:
    a = exact()
    # (2×50 + 1×58 + 1×100) / (2 + 1 + 1) = 258 / 4 = 64.5 (talent has weight 0; cluster no score)
    assert a.score == 64.5
    assert a.grade == "B"  # 60 ≤ 64.5 < 80


def test_overall_geometric() -> None:
    a = exact(aggregation="geometric")
    # (50² × 58 × 100) ** (1/4) = 14,500,000 ** 0.25: √14,500,000 = 3807.8866, √3807.8866 = 61.70808
    assert a.score == pytest.approx(14_500_000**0.25, abs=1e-9)
    assert a.score == pytest.approx(61.70808, abs=1e-5)
    assert a.grade == "B"


def test_overall_coverage_leaves_out_weight_0_diagnostics() -> None:
    a = exact()
    # assessed / applicable weight over the diagnostics of weight > 0:
    # (27.5 + 22.5 + 5) / (27.5 + 22.5 + 10) = 55 / 60 = 0.91666…
    # (counting talent, weight 0, would give (55 + 7.5) / (60 + 15) = 0.8333…)
    assert a.coverage == pytest.approx(55 / 60, abs=1e-12)


def test_coverage_floor_is_inclusive() -> None:
    # policy's coverage is exactly 0.5: scored at a floor of 0.5, not above it
    assert diag(exact(min_coverage=0.5), "policy").score == 100.0
    above = exact(min_coverage=0.51)
    assert diag(above, "policy").score is None
    assert diag(above, "policy").status == "insufficient_data"
    # overall without policy: (2×50 + 58) / 3 = 158 / 3 = 52.666…
    assert above.score == pytest.approx(158 / 3, abs=1e-12)
    # the overall coverage, 55/60 = 0.9166…, has its own floor
    assert exact(min_coverage=0.9166).score is not None
    assert exact(min_coverage=0.9167).score is None


# --- recommendations: priority and the gain measured to the target ----------------------------

#: rule id -> (priority = weight × (100 − score), gain in overall points if the rule reaches the
#: score it passes at), in the order the report lists them: the largest gain first
RECOMMENDATIONS = [
    # 10 × (100 − 35) = 650; technology rises by 10 × (70 − 35) / 27.5 = 12.7272…,
    # the overall by 2 × 12.7272… / 4 = 6.3636… (to 100, not 70, it would be 11.818…)
    ("L-1", 650.0, 2 * 10 * (70 - 35) / 27.5 / 4),
    # 5 × 50 = 250; B-2 passes at 100 (its target's band): 2 × 5 × (100 − 50) / 27.5 / 4 = 4.5454…
    ("B-2", 250.0, 2 * 5 * (100 - 50) / 27.5 / 4),
    # 7.5 × (100 − 31.5) = 513.75; 7.5 × (70 − 31.5) / 22.5 / 4 = 3.2083…
    ("X-1", 513.75, 7.5 * (70 - 31.5) / 22.5 / 4),
    # 5 × 40 = 200; C-2 passes at 100: 5 × (100 − 60) / 22.5 / 4 = 2.2222…
    ("C-2", 200.0, 5 * (100 - 60) / 22.5 / 4),
    # 2.5 × 30 = 75; B-1 passes at 100: 2 × 2.5 × (100 − 70) / 27.5 / 4 = 1.3636…
    ("B-1", 75.0, 2 * 2.5 * (100 - 70) / 27.5 / 4),
    # 7.5 × 37.5 = 281.25; 2 × 7.5 × (70 − 62.5) / 27.5 / 4 = 1.0227…
    ("C-1", 281.25, 2 * 7.5 * (70 - 62.5) / 27.5 / 4),
    # 2.5 × 47.5 = 118.75 for both D-1 and T-2; their gains differ
    ("D-1", 118.75, 2 * 2.5 * (70 - 52.5) / 27.5 / 4),  # 0.7954…
    ("T-2", 118.75, 2.5 * (70 - 52.5) / 22.5 / 4),  # 0.4861…
    # 7.5 × 65 = 487.5; talent has weight 0: meeting TA-1 moves the overall by exactly 0
    ("TA-1", 487.5, 0.0),
]


def test_recommendations_priority_order_and_gain_to_the_target() -> None:
    a = exact()
    recs = a.recommendations
    assert [r.rule.id for r in recs] == [rid for rid, _, _ in RECOMMENDATIONS]
    assert all(r.result is rule(a, r.rule.id) for r in recs)  # the rule's own result
    for rec, (rid, priority, gain) in zip(recs, RECOMMENDATIONS):
        assert rec.priority == priority, rid
        assert rec.gain == pytest.approx(gain, abs=1e-12), rid


def test_gain_of_a_rule_in_a_weight_0_diagnostic_is_exactly_0() -> None:
    for how in ("arithmetic", "geometric"):
        ta1 = next(r for r in exact(aggregation=how).recommendations if r.rule.id == "TA-1")
        assert ta1.gain == 0.0


def test_geometric_gain() -> None:
    rec = next(r for r in exact(aggregation="geometric").recommendations if r.rule.id == "X-1")
    # exports rises from 58 by 7.5 × (70 − 31.5) / 22.5 = 12.8333… to 70.8333…
    new_exports = 58 + 7.5 * (70 - 31.5) / 22.5
    expected = (50**2 * new_exports * 100) ** 0.25 - 14_500_000**0.25
    assert rec.gain == pytest.approx(expected, abs=1e-9)
    # 2500 × 70.8333 × 100 = 17,708,333; √ = 4208.127, √ = 64.87004; − 61.70808 = 3.16196…
    assert rec.gain == pytest.approx(3.162, abs=1e-4)


def test_no_gain_without_an_overall_score() -> None:
    recs = exact(min_coverage=0.95).recommendations  # overall coverage 0.9166… < 0.95
    assert recs and all(r.gain is None for r in recs)


def test_the_json_report_carries_the_same_figures(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", PROFILE, "--rules", RULES, "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["overall"] == {
        "score": 64.5,
        "grade": "B",
        "coverage": 0.9167,  # 55 / 60 to 4 places
        "aggregation": "arithmetic",
        "min_coverage": 0.5,
    }
    scores = {d["id"]: d["score"] for d in data["diagnostics"]}
    assert scores == {
        "cluster": None,
        "technology": 50.0,
        "exports": 58.0,
        "talent": 35.0,
        "policy": 100.0,
    }
    gains = [(x["rule"], x["gain"]) for x in data["recommendations"]]
    # the gains above, to 4 places
    assert gains == [
        ("L-1", 6.3636),
        ("B-2", 4.5455),
        ("X-1", 3.2083),
        ("C-2", 2.2222),
        ("B-1", 1.3636),
        ("C-1", 1.0227),
        ("D-1", 0.7955),
        ("T-2", 0.4861),
        ("TA-1", 0.0),
    ]


# --- the scales, at and between their goalposts and band edges --------------------------------

UP = LinearScale(worst=40, target=60, best=75, target_score=70)
DOWN = LinearScale(worst=10, target=2, best=0, target_score=70)


@pytest.mark.parametrize(
    ("x", "score", "passed", "gap"),
    [
        (30, 0.0, False, 30.0),  # below worst: 0; gap 60 − 30
        (40, 0.0, False, 20.0),  # at worst
        (49, 31.5, False, 11.0),  # 70 × 9 / 20
        (50, 35.0, False, 10.0),  # 70 × 10 / 20
        (60, 70.0, True, 0.0),  # at the target: its score, and it passes
        (66, 82.0, True, 0.0),  # 70 + 30 × 6 / 15
        (75, 100.0, True, 0.0),  # at best
        (90, 100.0, True, 0.0),  # beyond best
    ],
)
def test_linear_rising(x: float, score: float, passed: bool, gap: float) -> None:
    assert UP.evaluate(x) == pytest.approx((score, passed, gap), abs=1e-12)
    assert UP.score(x) == pytest.approx(score, abs=1e-12)
    assert UP.evaluate(x)[1] is passed
    assert UP.evaluate(x)[2] == pytest.approx(gap, abs=1e-12)


@pytest.mark.parametrize(
    ("x", "score", "passed", "gap"),
    [
        (12, 0.0, False, 10.0),  # worse than worst (higher); gap 12 − 2
        (10, 0.0, False, 8.0),  # at worst
        (6, 35.0, False, 4.0),  # 70 × (10 − 6) / 8
        (4, 52.5, False, 2.0),  # 70 × 6 / 8
        (2, 70.0, True, 0.0),  # at the target
        (1, 85.0, True, 0.0),  # 70 + 30 × (2 − 1) / 2
        (0, 100.0, True, 0.0),  # at best
        (-1, 100.0, True, 0.0),  # beyond best
    ],
)
def test_linear_falling(x: float, score: float, passed: bool, gap: float) -> None:
    assert DOWN.evaluate(x) == pytest.approx((score, passed, gap), abs=1e-12)
    assert DOWN.evaluate(x)[1] is passed
    assert not DOWN.higher_is_better and UP.higher_is_better


def test_linear_pass_score() -> None:
    assert UP.pass_score == 70.0 and DOWN.pass_score == 70.0


RISING = BandScale(edges=(20, 50, 70), scores=(10, 40, 70, 100), target=70)
FALLING = BandScale(edges=(8, 15), scores=(100, 50, 0), target=8, edge="lower")


@pytest.mark.parametrize(
    ("x", "score", "passed", "gap"),
    [
        (0, 10.0, False, 70.0),
        (19.99, 10.0, False, 50.01),
        (20, 40.0, False, 50.0),  # upper edges: an edge starts the band above it
        (35, 40.0, False, 35.0),
        (50, 70.0, False, 20.0),
        (69.9, 70.0, False, 0.1),
        (70, 100.0, True, 0.0),  # the target's band passes
        (500, 100.0, True, 0.0),
    ],
)
def test_bands_rising_upper_edges(x: float, score: float, passed: bool, gap: float) -> None:
    assert RISING.evaluate(x) == pytest.approx((score, passed, gap), abs=1e-9)
    assert RISING.evaluate(x)[1] is passed and RISING.evaluate(x)[2] == pytest.approx(gap, abs=1e-9)
    assert RISING.pass_score == 100.0 and RISING.higher_is_better


@pytest.mark.parametrize(
    ("x", "band", "score", "passed", "gap"),
    [
        (0, 0, 100.0, True, 0.0),
        (8, 0, 100.0, True, 0.0),  # lower edges: an edge closes the band below it
        (8.5, 1, 50.0, False, 0.5),
        (15, 1, 50.0, False, 7.0),
        (15.5, 2, 0.0, False, 7.5),
        (40, 2, 0.0, False, 32.0),
    ],
)
def test_bands_falling_lower_edges(
    x: float, band: int, score: float, passed: bool, gap: float
) -> None:
    assert FALLING.band(x) == band
    assert FALLING.evaluate(x) == pytest.approx((score, passed, gap), abs=1e-9)
    assert FALLING.evaluate(x)[1] is passed and FALLING.evaluate(x)[2] == pytest.approx(
        gap, abs=1e-9
    )
    assert FALLING.pass_score == 100.0 and not FALLING.higher_is_better


def test_bands_pass_at_the_target_band_score_not_100() -> None:
    # target 50 sits in the band scoring 70: 70 passes, 40 does not
    mid = BandScale(edges=(20, 50, 70), scores=(10, 40, 70, 100), target=50)
    assert mid.pass_score == 70.0
    assert mid.evaluate(55) == (70.0, True, 0.0)
    assert mid.evaluate(45) == (40.0, False, 5.0)  # gap |50 − 45|


# --- measures of tables -------------------------------------------------------------------------


def test_growth_over_three_years() -> None:
    # 2019 → 2022: (200 / 25) ** (1/3) − 1 = 2 − 1 = 100%
    g = cagr_pct({2018: 1.0, 2019: 25.0, 2020: 30.0, 2021: 40.0, 2022: 200.0})
    assert g is not None and g[1:] == (2019, 2022)
    assert g[0] == pytest.approx(100.0, abs=1e-9)
    # with 2019 missing, the window starts at 2020: (160 / 40) ** (1/2) − 1 = 100%
    g2 = cagr_pct({2018: 1.0, 2020: 40.0, 2021: 99.0, 2022: 160.0})
    assert g2 is not None and g2[1:] == (2020, 2022)
    assert g2[0] == pytest.approx(100.0, abs=1e-9)


def test_growth_to_an_end_value_of_0_is_minus_100_not_missing() -> None:
    # (0 / 50) ** (1/3) − 1 = −1: the series collapsed, which is data, not a gap
    assert cagr_pct({2019: 50.0, 2020: 10.0, 2022: 0.0}) == (-100.0, 2019, 2022)


def test_growth_needs_a_positive_start_inside_the_window() -> None:
    assert cagr_pct({2019: 0.0, 2022: 5.0}) is None
    assert cagr_pct({2019: -1.0, 2022: 5.0}) is None
    assert cagr_pct({2018: 5.0, 2022: 5.0}) is None  # 2018 is outside 2019–2021
    assert cagr_pct({2022: 5.0}) is None
    # a year of the window: (12 / 10) ** (1/1) − 1 = 20%
    one = cagr_pct({2021: 10.0, 2022: 12.0}, years=1)
    assert one is not None and one[0] == pytest.approx(20.0) and one[1:] == (2021, 2022)


def test_peak_tie_goes_to_the_latest_year() -> None:
    # 160 in 2018 and in 2020: the peak year is 2020; the latest (2022) is 120 = 75% of it
    assert peak_pct({2018: 160.0, 2019: 100.0, 2020: 160.0, 2022: 120.0}) == (75.0, 2020)
    assert peak_pct({2019: 5.0, 2020: 5.0}) == (100.0, 2020)
    assert peak_pct({2020: 0.0, 2021: 0.0}) is None
    assert peak_pct({}) is None


def test_means_exact() -> None:
    # (2×50 + 58 + 100) / 4 = 64.5
    assert mean([50.0, 58.0, 100.0], [2.0, 1.0, 1.0], "arithmetic") == 64.5
    # geometric: exp((2 ln 50 + ln 58 + ln 100) / 4) = 14,500,000 ** 0.25
    g = mean([50.0, 58.0, 100.0], [2.0, 1.0, 1.0], "geometric")
    assert g == pytest.approx(14_500_000**0.25, abs=1e-9)
    assert mean([40.0, 90.0], [1.0, 1.0], "geometric") == pytest.approx(60.0)  # √3600
    assert mean([0.0, 90.0], [1.0, 1.0], "geometric") == 0.0
    assert mean([50.0], [0.0], "arithmetic") is None
    assert mean([100.0] * 3, [1.0, 2.0, 3.0], "geometric") == 100.0  # never past 100
    assert math.isclose(mean([30.0, 60.0], [2.0, 1.0], "arithmetic") or 0, 40.0)


def test_measures_at_small_and_huge_values() -> None:
    # a start value below 1 is still a positive start: (1.0 / 0.5) ** 1 − 1 = 100%
    assert cagr_pct({2021: 0.5, 2022: 1.0}, years=1) == (100.0, 2021, 2022)
    # a peak below 1 is still a peak: 0.25 / 0.5 = 50%
    assert peak_pct({2021: 0.5, 2022: 0.25}) == (50.0, 2021)
    # 100 × 1e308 overflows: the share is divided first, 100 × (1e308 / 1e308) = 100
    assert peak_pct({2021: 1e308, 2022: 1e308}) == (100.0, 2022)
    assert peak_pct({2021: 1e308, 2022: 5e307}) == (50.0, 2021)
    # a geometric mean with a score below 1 is not 0: √(0.25 × 100) = 5
    assert mean([0.25, 100.0], [1.0, 1.0], "geometric") == pytest.approx(5.0)


def test_weighted_mean() -> None:
    # (2 × 50 + 1 × 80) / 3 = 60
    assert mean([50.0, 80.0], [2.0, 1.0], "arithmetic") == 60.0
    assert mean([40.0], [0.5], "arithmetic") == 40.0  # a total weight below 1 is still a weight
    assert mean([50.0], [0.0], "arithmetic") is None
    assert mean([], [], "arithmetic") is None


# --- tables that cannot be measured, and what the report says of them ---------------------------


def _assess_text(body: str) -> Assessment:
    rs = ruleset()
    text = f'[profile]\nname = "T"\nkind = "country"\nyear = 2022\n{body}'
    return assess(load_profile(text, rs.metrics, name="t.toml"), rs)


def test_tables_that_cannot_be_measured_are_missing_with_a_reason() -> None:
    a = _assess_text(
        "[exports]\ndestination_shares = { other = 100 }\n"
        "new_product_sales_series = { 2021 = 0, 2022 = 0 }\n"
    )
    c2, t1, t2 = (rule(a, rid) for rid in ("C-2", "T-1", "T-2"))
    assert (c2.status, c2.score, c2.value) == ("missing", None, None)
    assert c2.reason == "the table holds only a residual share, no named party"
    assert c2.input is not None and c2.input.value == {"other": 100.0}
    assert (t1.status, t1.score) == ("missing", None)
    assert t1.reason == "the series needs two positive values within 1 years of its latest"
    assert t1.input is not None and t1.input.value == {2021: 0.0, 2022: 0.0}
    assert (t2.status, t2.score, t2.reason) == ("missing", None, "the series has no positive peak")
    assert t2.input is not None and t2.input.value == {2021: 0.0, 2022: 0.0}
    assert all(r.rule.id == rid for r, rid in ((c2, "C-2"), (t1, "T-1"), (t2, "T-2")))


def test_detail_only_where_there_is_something_to_say() -> None:
    a = _assess_text(
        "[technology]\nrd_intensity_pct = 2.0\n"
        "critical_input_origin_shares = { US = 30, JP = 20, KR = 10, IN = 40 }\n"
        "[exports]\ndestination_shares = { US = 30, JP = 30, EU = 40 }\n"
    )
    assert rule(a, "L-1").detail is None  # a plain value
    # HHI 30² + 20² + 10² + 40² = 900 + 400 + 100 + 1600 = 3000, no residual share
    assert rule(a, "C-1").detail is None
    assert rule(a, "C-1").value == 3000.0
    # the largest share names its party; no residual
    assert rule(a, "C-2").detail == {"label": "EU"} and rule(a, "C-2").value == 40.0


def test_highlights_split_the_assessed_rules() -> None:
    from hemscore.engine.assessment import RuleResult, highlights

    rules = [r for r in ruleset().rules if r.scale is not None][:6]
    # scores 10, 20, … by rule id order; strengths best first, weaknesses worst first
    results = [RuleResult(r, "pass", score=10.0 * (i + 1)) for i, r in enumerate(rules)]
    ids = [r.id for r in rules]
    expected = {
        # n assessed: (strengths, weaknesses) = the better half rounded up, the rest, at most 3
        1: ([0], []),
        2: ([1], [0]),
        3: ([2, 1], [0]),
        4: ([3, 2], [0, 1]),
        5: ([4, 3, 2], [0, 1]),
        6: ([5, 4, 3], [0, 1, 2]),
    }
    for n, (best, worst) in expected.items():
        strengths, weaknesses = highlights(results[:n])
        assert [r.id for r in strengths] == [ids[i] for i in best], n
        assert [r.id for r in weaknesses] == [ids[i] for i in worst], n
    # unassessed rules are left out; ties go to the heavier rule, then the smaller id
    missing = RuleResult(rules[0], "missing")
    assert highlights([missing]) == ((), ())


def test_coverage_within_the_tolerance_of_the_floor_counts() -> None:
    # coverage is compared with 1e-12 of slack, so a floor computed as 0.5 + 1e-12 still
    # admits policy's 0.5, and the overall floor admits the overall coverage the same way
    assert diag(exact(min_coverage=0.5 + 1e-12), "policy").score == 100.0
    a = exact()
    # (policy, at 0.5, falls below this floor: the overall is (2×50 + 58) / 3 = 52.666…)
    assert exact(min_coverage=a.coverage + 1e-12).score == pytest.approx(158 / 3, abs=1e-12)
    assert exact(min_coverage=a.coverage + 1e-9).score is None


def test_a_floor_of_0_scores_what_has_data_and_nothing_else() -> None:
    a = exact(min_coverage=0.0)
    # cluster has no rules: still no score (nothing to divide by), and no crash
    assert diag(a, "cluster").score is None and diag(a, "cluster").status == "no_rules"
    assert a.score == 64.5


def test_a_profile_no_rule_applies_to() -> None:
    # every rule of the exact set is for countries: a firm has none
    rs = ruleset()
    text = '[profile]\nname = "F"\nkind = "firm"\nyear = 2022\n'
    a = assess(load_profile(text, rs.metrics, name="f.toml"), rs)
    assert (a.score, a.coverage, a.grade, a.results) == (None, 0.0, "?", ())


def test_unknown_aggregation_is_refused() -> None:
    rs = ruleset()
    with pytest.raises(ValueError, match="^unknown aggregation 'median'$"):
        assess(load_profile(str(PROFILE), rs.metrics), rs, aggregation="median")


def test_a_waived_rule_keeps_the_value_it_waives() -> None:
    rs = ruleset()
    text = PROFILE.read_text(encoding="utf-8") + '\n[waivers]\nX-1 = "a reason"\n'
    a = assess(load_profile(text, rs.metrics, name="w.toml"), rs)
    x1 = rule(a, "X-1")
    assert (x1.status, x1.score, x1.reason) == ("waived", None, "a reason")
    assert x1.input is not None and x1.input.value == 49.0
    # exports without X-1: (5×60 + 7.5×85 + 2.5×52.5) / 15 = 1068.75 / 15 = 71.25
    assert diag(a, "exports").score == 71.25


LIGHT = """
[ruleset]
name = "light"
version = "1"

[[rules]]
id = "W-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
weight = 0.5
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "R&D", what = "w", why = "y", recommendation = "Raise R&D." }

[[rules]]
id = "W-2"
metric = "exports.final_goods_pct"
kinds = ["country"]
weight = 1
method = "linear"
worst = 40
target = 60
best = 75
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "Final goods", what = "w", why = "y", recommendation = "Export final goods." }
"""


def test_rules_of_weight_1_or_less(tmp_path: Path) -> None:
    (tmp_path / "light.toml").write_text(LIGHT, encoding="utf-8")
    rs = load_ruleset([tmp_path / "light.toml"])
    text = (
        '[profile]\nname = "L"\nkind = "country"\nyear = 2022\n'
        "[technology]\nrd_intensity_pct = 2.0\n[exports]\nfinal_goods_pct = 49\n"
    )
    a = assess(load_profile(text, rs.metrics, name="l.toml"), rs)
    # technology: W-1 alone (weight 0.5) scores 35; exports: W-2 alone (weight 1) scores 31.5
    assert (diag(a, "technology").score, diag(a, "exports").score) == (35.0, 31.5)
    assert rule(a, "W-1").contribution == 35.0 and rule(a, "W-2").contribution == 31.5
    # overall (35 + 31.5) / 2 = 33.25; meeting W-1 lifts technology to 70: + 35 / 2 = 17.5;
    # meeting W-2 lifts exports to 70: + 38.5 / 2 = 19.25
    assert a.score == 33.25
    assert [(r.rule.id, r.gain) for r in a.recommendations] == [("W-2", 19.25), ("W-1", 17.5)]


def test_the_api_views_carry_the_same_figures() -> None:
    a = exact()
    d = a.to_dict()
    assert d["overall"]["score"] == 64.5 and d["overall"]["coverage"] == 0.9167
    assert json.loads(a.to_json()) == d  # the jsonl line is the JSON object
    compact = json.loads(a.to_json(compact=True))
    assert compact["compact"] is True and compact["overall"]["score"] == 64.5
    records = a.to_records()
    assert len(records) == 13  # one per rule of the exact set
    b1 = records[0]  # technology's first rule by id
    assert (b1["rule"], b1["score"], b1["weight"], b1["diagnostic_score"]) == (
        "B-1",
        70.0,
        2.5,
        50.0,
    )
    assert b1["contribution"] == pytest.approx(2.5 * 70 / 27.5)  # 6.3636…
    assert (b1["overall"], b1["grade"]) == (64.5, "B")


def test_the_api_views_in_chinese() -> None:
    from .analysis_helpers import assessed
    from .test_formats import FIXTURES

    a = assessed(FIXTURES / "region.toml")
    # the built-in texts of rules/ruleset.toml
    assert a.to_dict()["diagnostics"][0]["title"] == "Cluster completeness and cooperation"
    assert a.to_dict("zh")["diagnostics"][0]["title"] == "产业集群完整性与协作"
    assert json.loads(a.to_json("zh"))["diagnostics"][0]["title"] == "产业集群完整性与协作"
    zh = {r["rule"]: r["title"] for r in a.to_records("zh")}
    en = {r["rule"]: r["title"] for r in a.to_records()}
    assert zh["CL-03"] == a.ruleset.rule("CL-03").texts["zh"]["title"]  # type: ignore[union-attr]
    assert en["CL-03"] == a.ruleset.rule("CL-03").texts["en"]["title"]  # type: ignore[union-attr]
