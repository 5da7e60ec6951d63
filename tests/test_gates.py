"""Gate boundaries, worked out by hand on the rule set of tests/fixtures/exact.

``--fail-under X`` passes at a score of exactly X; ``--fail-on S`` fails on a failing rule of
severity S or above (the severity alone: a rule with no severity is never gated); ``diff --fail-on-regression`` fails on any fall of the overall score, a
1-point fall included, and on a rule that newly fails.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hemscore.analysis.diffing import diff, snapshot
from hemscore.engine.assessment import assess
from hemscore.engine.gates import Gates
from hemscore.engine.loader import load_profile

from .test_exact import PROFILE, RULES, exact, ruleset

SEVERITIES = ["low", "medium", "high", "critical"]

#: A profile on which every rule of the exact rule set passes (or has no value):
#: L-1 3.0 ≥ 3; B-1 70 ≥ 70; B-2 8 ≤ 8; D-1 2 ≤ 2; C-1 HHI 30² + 20² + 10² = 1400 ≤ 1500;
#: C-2 largest 25 ≤ 25; T-1 growth 128/64 − 1 = 100% ≥ 50; T-2 128/128 = 100% ≥ 90;
#: X-1 60 ≥ 60; P-1 true; TA-1 50 ≥ 50.
PASSING = {
    "rd_intensity_pct": "3.0",
    "core_component_self_sufficiency_pct": "70",
    "ic_import_share_pct": "8",
    "export_control_exposure_pct": "2",
    "critical_input_origin_shares": "{ US = 30, JP = 20, KR = 10, other = 40 }",
    "destination_shares": "{ US = 25, EU = 25, JP = 25, other = 25 }",
    "new_product_sales_series": "{ 2021 = 64, 2022 = 128 }",
    "final_goods_pct": "60",
    "advanced_manufacturing_strategy": "true",
    "overseas_return_pct": "50",
}

#: one failing rule per case: (metric key, failing value, rule id, severity it counts at)
FAILING = {
    "critical": ("rd_intensity_pct", "2.0", "L-1"),
    "high": ("final_goods_pct", "49", "X-1"),
    "medium": ("ic_import_share_pct", "15", "B-2"),
    "low": ("core_component_self_sufficiency_pct", "50", "B-1"),
    # D-1 has weight 2.5 and no severity: no --fail-on level gates it
    "no-severity": ("export_control_exposure_pct", "4", "D-1"),
}


def profile_text(**override: str) -> str:
    values = {**PASSING, **override}
    sections = {
        "technology": [
            "rd_intensity_pct",
            "core_component_self_sufficiency_pct",
            "ic_import_share_pct",
            "export_control_exposure_pct",
            "critical_input_origin_shares",
        ],
        "exports": ["destination_shares", "new_product_sales_series", "final_goods_pct"],
        "policy": ["advanced_manufacturing_strategy"],
        "talent": ["overseas_return_pct"],
    }
    out = ['[profile]\nname = "Gate"\nkind = "country"\nyear = 2022\n']
    for section, keys in sections.items():
        out.append(f"[{section}]")
        out += [f"{k} = {values[k]}" for k in keys]
        out.append("")
    return "\n".join(out)


def write_case(tmp_path: Path, case: str | None) -> Path:
    override = {}
    if case is not None:
        key, value, _ = FAILING[case]
        override[key] = value
    p = tmp_path / f"{case or 'passing'}.toml"
    p.write_text(profile_text(**override), encoding="utf-8")
    return p


def test_the_passing_profile_fails_no_rule(tmp_path: Path) -> None:
    rs = ruleset()
    a = assess(load_profile(str(write_case(tmp_path, None)), rs.metrics), rs)
    assert a.failing() == ()
    for level in SEVERITIES:
        assert Gates(fail_on=level).failures(a) == []


@pytest.mark.parametrize("case", sorted(FAILING))
@pytest.mark.parametrize("level", SEVERITIES)
def test_fail_on_each_severity(tmp_path: Path, case: str, level: str) -> None:
    rs = ruleset()
    path = write_case(tmp_path, case)
    a = assess(load_profile(str(path), rs.metrics), rs)
    rid = FAILING[case][2]
    assert [r.id for r in a.failing()] == [rid]
    should_fail = case != "no-severity" and SEVERITIES.index(case) >= SEVERITIES.index(level)
    expected = (
        [f"{path}: 1 failing rule(s) of severity {level} or higher: {rid}"] if should_fail else []
    )
    assert Gates(fail_on=level).failures(a) == expected


def test_fail_on_exit_codes_through_the_cli(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    high = write_case(tmp_path, "high")
    for level, code in (("low", 1), ("medium", 1), ("high", 1), ("critical", 0)):
        r = run_cli("assess", high, "--rules", RULES, "--format", "json", "--fail-on", level)
        assert r.code == code, (level, r.err)
    # the exact profile fails rules of every severity, the critical L-1 among them
    r = run_cli("assess", PROFILE, "--rules", RULES, "--format", "json", "--fail-on", "critical")
    assert r.code == 1 and "L-1" in r.err


def test_fail_under_passes_at_equality() -> None:
    a = exact()  # overall 64.5, worked out in test_exact
    assert a.score == 64.5
    assert Gates(fail_under=64.5).failures(a) == []
    assert Gates(fail_under=64.4999).failures(a) == []
    assert Gates(fail_under=64.5001).failures(a) == [f"{PROFILE}: overall 64.5 is below 64.5001"]
    assert Gates(fail_under=0).failures(a) == []


def test_fail_under_with_no_score_fails() -> None:
    a = exact(min_coverage=0.95)  # overall coverage 55/60 < 0.95: no overall score
    assert a.score is None
    assert Gates(fail_under=0).failures(a) == [
        f"{PROFILE}: overall no score (insufficient data) is below 0"
    ]


@pytest.mark.parametrize(("bound", "code"), [("64.5", 0), ("64.49", 0), ("64.51", 1)])
def test_fail_under_exit_codes_through_the_cli(run_cli, bound: str, code: int) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", PROFILE, "--rules", RULES, "--format", "json", "--fail-under", bound)
    assert r.code == code, r.err
    assert json.loads(r.out)["overall"]["score"] == 64.5  # the report is written either way


def test_fail_on_lists_every_rule_at_or_above_the_severity() -> None:
    # failing rules of medium or more, in report order: technology B-2 (medium), C-1 (high),
    # L-1 (critical); exports C-2 (medium), X-1 (high); talent TA-1 (high)
    assert Gates(fail_on="medium").failures(exact()) == [
        f"{PROFILE}: 6 failing rule(s) of severity medium or higher: B-2, C-1, L-1, C-2, X-1, TA-1"
    ]


SEVERITY_AND_WEIGHT = """
[ruleset]
name = "sw"
version = "1"

[[rules]]
id = "S-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
severity = "low"
weight = 9
method = "linear"
worst = 1.0
target = 3.0
best = 4.5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "R&D", what = "w", why = "y", recommendation = "Raise R&D." }
"""


def test_a_declared_severity_wins_over_the_weight(tmp_path: Path) -> None:
    from hemscore.model.rules import load_ruleset

    (tmp_path / "sw.toml").write_text(SEVERITY_AND_WEIGHT, encoding="utf-8")
    rs = load_ruleset([tmp_path / "sw.toml"])
    text = '[profile]\nname = "S"\nkind = "country"\nyear = 2022\n[technology]\nrd_intensity_pct = 2.0\n'
    a = assess(load_profile(text, rs.metrics, name="s.toml"), rs, min_coverage=0.0)
    # S-1 fails; its weight 9 would reach high, but it is declared low
    assert [r.id for r in a.failing()] == ["S-1"]
    assert Gates(fail_on="high").failures(a) == []
    assert Gates(fail_on="low").failures(a) == [
        "s.toml: 1 failing rule(s) of severity low or higher: S-1"
    ]


def test_both_gates_report_both_reasons(tmp_path: Path) -> None:
    a = exact()
    assert Gates(fail_under=70, fail_on="critical").failures(a) == [
        f"{PROFILE}: overall 64.5 is below 70",
        f"{PROFILE}: 1 failing rule(s) of severity critical or higher: L-1",
    ]


# --- diff regressions ---------------------------------------------------------------------------


def _moved(score: float | None):  # type: ignore[no-untyped-def]
    """The exact profile's snapshot with only its overall score changed."""
    return replace(snapshot(exact()), score=score)


@pytest.mark.parametrize(
    ("new", "reasons"),
    [
        (63.5, ["overall fell by 1.0"]),  # 64.5 − 63.5: a 1-point fall is a regression
        (64.4999, ["overall fell by 0.0"]),  # the smallest fall the report shows (4 places)
        (64.5, []),
        (65.5, []),
        (None, ["the overall score can no longer be computed"]),
    ],
)
def test_regression_of_the_overall_score(new: float | None, reasons: list[str]) -> None:
    d = diff(_moved(64.5), _moved(new))
    assert d.regressions() == reasons
    if new is not None:
        assert d.overall_delta == pytest.approx(new - 64.5, abs=1e-12)


def test_a_newly_failing_rule_is_a_regression_even_when_the_score_rises() -> None:
    old = snapshot(exact())
    p1 = old.rules["P-1"]
    new = replace(
        old, score=70.0, rules={**old.rules, "P-1": replace(p1, status="fail", score=0.0)}
    )
    d = diff(old, new)
    assert d.overall_delta == 5.5  # 70 − 64.5
    assert d.regressions() == ["1 rule(s) newly failing: P-1"]
    assert [c.id for c in d.rules] == ["P-1"] and d.rules[0].delta == -100.0
    assert [c.id for c in d.fixed] == []
    back = diff(new, old)
    assert [c.id for c in back.fixed] == ["P-1"] and back.regressions() == ["overall fell by 5.5"]


def test_a_1_point_fall_fails_the_cli_gate(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = json.loads(run_cli("assess", PROFILE, "--rules", RULES, "--format", "json").out)
    assert before["overall"]["score"] == 64.5
    after = json.loads(json.dumps(before))
    after["overall"]["score"] = 63.5
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(before), encoding="utf-8")
    new.write_text(json.dumps(after), encoding="utf-8")
    r = run_cli("diff", old, new, "--fail-on-regression", "--format", "json")
    assert r.code == 1
    assert "overall fell by 1.0" in r.err
    data = json.loads(r.out)
    assert data["overall_delta"] == -1.0 and data["regression"] is True
    same = run_cli("diff", old, old, "--fail-on-regression", "--format", "json")
    assert same.code == 0 and json.loads(same.out)["regression"] is False
