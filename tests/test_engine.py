"""Aggregation: weighted means, coverage, insufficient data, grades, recommendations."""

from __future__ import annotations

import pytest

from hemscore.base.errors import ProfileError, RuleError
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import RuleSet, build_ruleset
from hemscore.reading.tomlsource import read_toml

RULES = """
[ruleset]
name = "test"
version = "1"
[ruleset.grades]
A = 80
B = 60
C = 40

[[rules]]
id = "T-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
severity = "critical"
weight = 10
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "R&D", what = "w", why = "y", recommendation = "Raise R&D." }

[[rules]]
id = "T-2"
metric = "technology.core_component_self_sufficiency_pct"
severity = "low"
weight = 2.5
method = "bands"
edges = [20, 50, 70]
scores = [10, 40, 70, 100]
target = 70
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "Self-sufficiency", what = "w", why = "y", recommendation = "Make chips." }

[[rules]]
id = "X-1"
metric = "exports.final_goods_pct"
severity = "high"
weight = 7.5
method = "linear"
worst = 40
target = 60
best = 75
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "Final goods", what = "w", why = "y", recommendation = "Export final goods." }

[[rules]]
id = "P-1"
metric = "policy.advanced_manufacturing_strategy"
severity = "medium"
weight = 5
method = "boolean"
paper = ["2.2"]
basis = "design"
source = "test"
en = { title = "Strategy", what = "w", why = "y", recommendation = "Adopt one." }
"""


def ruleset(text: str = RULES) -> RuleSet:
    return build_ruleset([read_toml("rules.toml", text=text, error=RuleError)])


def profile(body: str, kind: str = "country"):  # type: ignore[no-untyped-def]
    rs = ruleset()
    text = f'[profile]\nname = "P"\nkind = "{kind}"\nyear = 2022\n{body}'
    return load_profile(text, rs.metrics, name="p.toml"), rs


def test_weighted_mean_and_contributions() -> None:
    p, rs = profile(
        "[technology]\nrd_intensity_pct = 3.0\ncore_component_self_sufficiency_pct = 10\n"
    )
    a = assess(p, rs)
    tech = a.diagnostics[1]
    assert tech.id == "technology"
    # T-1 scores 70 at its target (weight 10); T-2 scores 10 (weight 2.5)
    assert tech.score == pytest.approx((10 * 70 + 2.5 * 10) / 12.5)
    assert sum(r.contribution or 0 for r in tech.rules) == pytest.approx(tech.score)
    assert tech.coverage == 1.0
    assert [r.status for r in tech.rules] == ["pass", "fail"]


def test_missing_value_is_never_scored_zero() -> None:
    p, rs = profile("[technology]\nrd_intensity_pct = 3.0\n")
    tech = assess(p, rs).diagnostics[1]
    assert tech.score == pytest.approx(70)  # T-2 left out, not counted as 0
    assert tech.coverage == pytest.approx(10 / 12.5)
    assert tech.rules[1].status == "missing" and tech.rules[1].score is None


def test_below_min_coverage_is_insufficient_data() -> None:
    p, rs = profile("[technology]\ncore_component_self_sufficiency_pct = 80\n")
    a = assess(p, rs)
    tech = a.diagnostics[1]
    assert tech.coverage == pytest.approx(0.2)
    assert tech.score is None and tech.status == "insufficient_data"
    assert assess(p, rs, min_coverage=0.2).diagnostics[1].score == 100


def test_empty_diagnostics_and_overall() -> None:
    p, rs = profile("[technology]\nrd_intensity_pct = 4.5\n[exports]\nfinal_goods_pct = 40\n")
    a = assess(p, rs)
    by_id = {d.id: d for d in a.diagnostics}
    assert by_id["cluster"].status == "no_rules" and by_id["cluster"].score is None
    assert by_id["policy"].status == "insufficient_data"
    # overall: mean of the scored diagnostics only (technology 100, exports 0)
    assert a.score == pytest.approx(50)
    assert a.grade == "C"
    assert assess(p, rs, aggregation="geometric").score == 0
    # overall coverage: assessed weight / applicable weight over all diagnostics
    assert a.coverage == pytest.approx((10 + 7.5) / (10 + 2.5 + 7.5 + 5))


def test_nothing_assessed_gives_no_score_and_no_grade() -> None:
    p, rs = profile("")
    a = assess(p, rs)
    assert a.score is None and a.grade == "?" and a.coverage == 0


def test_rules_of_other_kinds_do_not_apply() -> None:
    p, rs = profile("[technology]\ncore_component_self_sufficiency_pct = 80\n", kind="firm")
    tech = assess(p, rs).diagnostics[1]
    assert [r.id for r in tech.rules] == ["T-2"]
    assert tech.score == 100


def test_geometric_never_above_arithmetic() -> None:
    p, rs = profile(
        "[technology]\nrd_intensity_pct = 2.0\n[exports]\nfinal_goods_pct = 70\n"
        "[policy]\nadvanced_manufacturing_strategy = true\n"
    )
    ar, ge = assess(p, rs), assess(p, rs, aggregation="geometric")
    assert ar.score is not None and ge.score is not None
    assert ge.score < ar.score


def test_recommendation_priority_is_weight_times_shortfall() -> None:
    p, rs = profile(
        "[technology]\nrd_intensity_pct = 2.0\ncore_component_self_sufficiency_pct = 10\n"
        "[exports]\nfinal_goods_pct = 50\n[policy]\nadvanced_manufacturing_strategy = false\n"
    )
    a = assess(p, rs)
    # T-1: 10 x (100 - 35); P-1: 5 x (100 - 0); X-1: 7.5 x (100 - 35); T-2: 2.5 x (100 - 10)
    assert {r.rule.id: r.priority for r in a.recommendations} == {
        "T-1": 650.0,
        "P-1": 500.0,
        "X-1": 487.5,
        "T-2": 225.0,
    }
    # technology (10 × 35 + 2.5 × 10) / 12.5 = 30, exports 35, policy 0: overall 65 / 3.
    # Meeting a rule lifts its diagnostic by weight × (pass score − score) / assessed weight,
    # the overall by a third of that: T-1 10 × (70 − 35) / 12.5 = 28; T-2 (passes at 100, the
    # score of its target's band) 2.5 × 90 / 12.5 = 18; X-1 7.5 × 35 / 7.5 = 35; P-1 100.
    gains = {r.rule.id: r.gain for r in a.recommendations}
    assert gains == pytest.approx({"T-1": 28 / 3, "T-2": 6.0, "X-1": 35 / 3, "P-1": 100 / 3})


def test_without_an_overall_score_recommendations_rank_by_weight_times_shortfall() -> None:
    p, rs = profile(
        "[technology]\nrd_intensity_pct = 2.0\n"
        "[exports]\nfinal_goods_pct = 50\n[policy]\nadvanced_manufacturing_strategy = false\n"
    )
    a = assess(p, rs, min_coverage=1.0)  # T-2 has no data: coverage 27.5 / 30 < 1
    assert a.score is None
    assert [(r.rule.id, r.gain) for r in a.recommendations] == [
        ("T-1", None),
        ("P-1", None),
        ("X-1", None),
    ]


def test_grade_bands() -> None:
    rs = ruleset()
    assert [rs.grade(s) for s in (100, 80, 79.9, 60, 40, 39.9, 0)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "D",
    ]


def test_waivers_leave_the_denominator_and_strict_ignores_them() -> None:
    p, rs = profile(
        "[technology]\nrd_intensity_pct = 3.0\ncore_component_self_sufficiency_pct = 10\n"
        '[waivers]\nT-2 = "no domestic market for this component"\n'
    )
    tech = assess(p, rs).diagnostics[1]
    assert tech.score == pytest.approx(70) and tech.coverage == 1.0
    assert tech.rules[1].status == "waived"
    assert assess(p, rs, strict=True).diagnostics[1].score == pytest.approx((700 + 25) / 12.5)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("[technology]\nrd_intensity_pct = 250\n", "at most 100"),
        ("[technology]\nrd_intensity_pcnt = 2\n", 'did you mean "rd_intensity_pct"'),
        ('[technology]\nrd_intensity_pct = "high"\n', "expected a number"),
        ("[cluster]\nfirm_count = -3\n", "firm_count"),
    ],
)
def test_profile_errors(body: str, fragment: str) -> None:
    with pytest.raises(ProfileError) as info:
        profile(body, kind="region")
    assert fragment in str(info.value)
    assert "p.toml" in str(info.value)


def test_all_profile_errors_are_reported_at_once() -> None:
    with pytest.raises(ProfileError) as info:
        profile("[technology]\nrd_intensity_pct = 250\nbogus = 1\n[nonsense]\nx = 1\n")
    lines = info.value.lines()  # type: ignore[attr-defined]
    assert len(lines) == 3
    assert all(line.startswith("p.toml:") for line in lines)
    assert lines[0].startswith("p.toml:6: technology.rd_intensity_pct")


def test_overall_needs_the_minimum_coverage_too() -> None:
    # exports is fully measured (7.5 of 25 weight = 30%): one diagnostic is not the whole profile
    p, rs = profile("[exports]\nfinal_goods_pct = 75\n")
    a = assess(p, rs)
    assert a.diagnostics[2].score == 100
    assert a.coverage == pytest.approx(0.3)
    assert a.score is None and a.grade == "?"
    assert assess(p, rs, min_coverage=0.3).score == 100


def test_recommendations_ranked_by_overall_gain() -> None:
    p, rs = profile(
        "[technology]\nrd_intensity_pct = 2.0\ncore_component_self_sufficiency_pct = 10\n"
        "[exports]\nfinal_goods_pct = 50\n[policy]\nadvanced_manufacturing_strategy = false\n"
    )
    a = assess(p, rs)
    # overall = mean(technology 30, exports 35, policy 0) = 21.67 (cluster, talent: no data)
    # P-1 met: policy 100 -> mean(30, 35, 100) = 55 -> +33.33
    # X-1 met: exports 70 -> mean(30, 70, 0) = 33.33 -> +11.67
    # T-1 met: technology (10 x 70 + 2.5 x 10) / 12.5 = 58 -> mean(58, 35, 0) = 31 -> +9.33
    # T-2 met: technology (10 x 35 + 2.5 x 100) / 12.5 = 48 -> mean(48, 35, 0) = 27.67 -> +6
    assert [r.rule.id for r in a.recommendations] == ["P-1", "X-1", "T-1", "T-2"]
    assert [round(r.gain or 0, 2) for r in a.recommendations] == [33.33, 11.67, 9.33, 6.0]


def test_recommendations_tie_on_gain_broken_by_weight_times_shortfall() -> None:
    rs = ruleset(RULES.replace('"X-1"', '"A-1"'))  # an id that sorts before T-1
    text = (
        '[profile]\nname = "P"\nkind = "country"\nyear = 2022\n'
        "[technology]\nrd_intensity_pct = 1.0\n[exports]\nfinal_goods_pct = 40\n"
        "[policy]\nadvanced_manufacturing_strategy = false\n"
    )
    a = assess(load_profile(text, rs.metrics, name="p.toml"), rs)
    # technology, exports and policy all score 0 (T-1 and A-1 at worst, P-1 false): overall 0.
    # P-1 met: policy 100 -> +33.33; T-1 met: technology 70 -> +23.33; A-1 met: exports 70
    # -> +23.33. T-1 and A-1 tie on gain; T-1 weighs 10 x 100 = 1000 against A-1's 7.5 x 100.
    got = [(r.rule.id, round(r.gain or 0, 2), r.priority) for r in a.recommendations]
    assert got == [("P-1", 33.33, 500.0), ("T-1", 23.33, 1000.0), ("A-1", 23.33, 750.0)]


def test_example_recommendations_run_in_order_of_gain() -> None:
    from .analysis_helpers import assessed, example_profiles

    seen = 0
    for path in example_profiles():
        for how in ("arithmetic", "geometric"):
            recs = assessed(path, aggregation=how).recommendations
            keys = [(r.gain is None, -(r.gain or 0.0), -r.priority, r.rule.id) for r in recs]
            assert keys == sorted(keys), path
            seen += len(recs)
    assert seen > 0
