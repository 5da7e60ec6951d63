"""`plan` finds the least-effort plan under arithmetic aggregation: checked against brute force.

Small random rule sets over whole-number metrics (so that every value a plan could choose can be
enumerated) with linear, band and boolean rules, one metric scored by two rules, spread over
several diagnostics. Brute force tries every combination of values at or beyond the current ones
and keeps the cheapest that reaches the target, with effort computed here from its definition.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemscore.analysis.plan import BOOLEAN_EFFORT, make_plan
from hemscore.base.errors import RuleError
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import RuleSet, build_ruleset
from hemscore.reading.tomlsource import read_toml

#: (metric id, diagnostic) of the whole-number metrics; the first is scored by two rules
NUMBERS = [
    ("technology.a_count", "technology"),
    ("exports.b_count", "exports"),
    ("talent.c_count", "talent"),
]
BOOLS = [("policy.p_flag", "policy"), ("cluster.q_flag", "cluster")]


@st.composite
def linear(draw: st.DrawFn, up: bool, top: int) -> dict[str, Any]:
    lo, mid, hi = sorted(draw(st.lists(st.integers(0, top), min_size=3, max_size=3, unique=True)))
    worst, best = (lo, hi) if up else (hi, lo)
    return {
        "method": "linear",
        "worst": worst,
        "target": mid,
        "best": best,
        "target_score": draw(st.sampled_from([50, 70, 90])),
    }


@st.composite
def bands(draw: st.DrawFn, up: bool, top: int) -> dict[str, Any]:
    n = draw(st.integers(2, 3))
    halves = draw(st.lists(st.integers(1, 2 * top - 1), min_size=n, max_size=n, unique=True))
    edges = sorted(h / 2 for h in halves)  # whole and half values
    scores = sorted(draw(st.lists(st.integers(0, 100), min_size=n + 1, max_size=n + 1)))
    if scores[0] == scores[-1]:
        scores[-1] = min(100, scores[-1] + 10) if scores[-1] < 100 else scores[-1]
        scores[0] = scores[0] - 10 if scores[-1] == scores[0] else scores[0]
    if not up:
        scores = scores[::-1]
    return {
        "method": "bands",
        "edges": edges,
        "scores": scores,
        "target": draw(st.sampled_from(edges)),
        "edge": draw(st.sampled_from(["upper", "lower"])),
    }


def _toml_value(v: Any) -> str:
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return repr(v)


@st.composite
def cases(draw: st.DrawFn, n_numbers: int, top: int) -> tuple[RuleSet, dict[str, Any], float]:
    rules: list[dict[str, Any]] = []
    metrics = []
    numbers = NUMBERS[:n_numbers]
    for i, (mid, _) in enumerate(numbers):
        up = draw(st.booleans())
        metrics.append(
            f'[metrics."{mid}"]\ntype = "integer"\nmin = 0\nmax = {top}\n'
            f'kinds = ["country"]\nbetter = "{"higher" if up else "lower"}"\n'
            f'en.title = "{mid}"\nen.unit = "n"\nen.description = "d"\n'
        )
        n_rules = 2 if i == 0 else 1  # the first metric is shared by two rules
        for j in range(n_rules):
            if i == 0:
                scale = draw(linear(up, top)) if j == 0 else draw(bands(up, top))
            else:
                scale = draw(st.one_of(linear(up, top), bands(up, top)))
            rules.append({"metric": mid, **scale})
    for mid, _ in BOOLS:
        metrics.append(
            f'[metrics."{mid}"]\ntype = "bool"\nkinds = ["country"]\n'
            f'better = "true"\nen.title = "{mid}"\nen.unit = "yes/no"\n'
            f'en.description = "d"\n'
        )
        rules.append({"metric": mid, "method": "boolean"})
    text = ['[ruleset]\nname = "exact"\nversion = "1"\n[ruleset.grades]\nA = 80\nB = 60\n']
    text += metrics
    for k, r in enumerate(rules):
        r = {
            "id": f"R-{k}",
            "kinds": ["country"],
            **r,
            "weight": draw(st.integers(1, 10)),
            "paper": ["1.2"],
            "basis": "design",
            "source": "test",
        }
        body = "".join(f"{key} = {_toml_value(v)}\n" for key, v in r.items())
        text.append(
            "[[rules]]\n" + body + 'en = { title = "t", what = "w", why = "y", '
            'recommendation = "r" }\n'
        )
    rs = build_ruleset([read_toml("rules.toml", text="\n".join(text), error=RuleError)])
    values: dict[str, Any] = {mid: draw(st.integers(0, top)) for mid, _ in numbers}
    values |= {mid: draw(st.booleans()) for mid, _ in BOOLS}
    # how far from the current score to 100 the target lies (beyond 1: a target already met)
    share = draw(st.floats(0.01, 1.1, allow_nan=False))
    return rs, values, share


def _profile(rs: RuleSet, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    sections: dict[str, list[str]] = {}
    for mid, v in values.items():
        section, key = mid.split(".")
        sections.setdefault(section, []).append(f"{key} = {_toml_value(v)}")
    text = '[profile]\nname = "P"\nkind = "country"\nyear = 2022\n' + "".join(
        f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items()
    )
    return load_profile(text, rs.metrics, name="p.toml")


def _width(rs: RuleSet, metric: str) -> float:
    widths = []
    for r in rs.rules:
        if r.metric == metric and r.scale is not None:
            s = r.scale
            widths.append(abs(s.best - s.worst) if s.kind == "linear" else s.edges[-1] - s.edges[0])
    return min(widths)


def _brute(rs: RuleSet, values: dict[str, Any], target: float) -> float | None:
    """The least effort of any combination of values that reaches ``target`` (None: none does)."""
    prof = _profile(rs, values)
    choices = []
    for mid in (m for m in values if rs.metrics[m].type == "integer"):
        up = rs.metrics[mid].better == "higher"
        cur = values[mid]
        ahead = range(cur, int(rs.metrics[mid].max or 0) + 1) if up else range(cur, -1, -1)
        w = _width(rs, mid)
        choices.append([(mid, v, abs(v - cur) / w) for v in ahead])
    for mid, _ in BOOLS:
        cur = values[mid]
        choices.append([(mid, cur, 0.0)] + ([] if cur else [(mid, True, BOOLEAN_EFFORT)]))
    best = None
    for combo in itertools.product(*choices):
        effort = sum(e for _, _, e in combo)
        if best is not None and effort >= best:
            continue
        changed = dict(prof.values)
        for mid, v, _ in combo:
            changed[mid] = replace(changed[mid], value=v)
        s = assess(replace(prof, values=changed), rs).score
        if s is not None and s >= target:
            best = effort
    return best


def _check(case: tuple[RuleSet, dict[str, Any], float]) -> None:
    rs, values, share = case
    prof = _profile(rs, values)
    before = assess(prof, rs).score
    assert before is not None  # every metric has a value
    target = min(100.0, before + share * (100.0 - before)) if share <= 1 else before - 1
    plan = make_plan(prof, rs, target)
    best = _brute(rs, values, target)
    if best is None:
        assert not plan.reached
        return
    assert plan.reached
    assert plan.effort == pytest.approx(best, abs=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(3, 9))
def test_plan_effort_is_the_brute_force_least(case: tuple[RuleSet, dict[str, Any], float]) -> None:
    """Three whole-number metrics on 0-9 (breakpoints close together), two booleans."""
    _check(case)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(2, 40))
def test_plan_effort_is_the_brute_force_least_on_long_runs(
    case: tuple[RuleSet, dict[str, Any], float],
) -> None:
    """Two whole-number metrics on 0-40 (long straight runs between breakpoints), two booleans."""
    _check(case)


HAND = """
[ruleset]
name = "hand"
version = "1"
[metrics."technology.a_count"]
type = "integer"
min = 0
max = 40
kinds = ["country"]
better = "higher"
en = { title = "a", unit = "n", description = "d" }
[metrics."exports.b_count"]
type = "integer"
min = 0
max = 300
kinds = ["country"]
better = "higher"
en = { title = "b", unit = "n", description = "d" }
[[rules]]
id = "R-A"
metric = "technology.a_count"
method = "linear"
worst = 0
target = 30
best = 31
target_score = 90
weight = 1
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "t", what = "w", why = "y", recommendation = "r" }
[[rules]]
id = "R-B"
metric = "exports.b_count"
method = "linear"
worst = 0
target = 200
best = 250
target_score = 40
weight = 1
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "t", what = "w", why = "y", recommendation = "r" }
"""


def test_stopping_a_long_run_short_and_topping_up_elsewhere_is_cheaper() -> None:
    rs = build_ruleset([read_toml("rules.toml", text=HAND, error=RuleError)])
    prof = _profile(rs, {"technology.a_count": 0, "exports.b_count": 0})
    # overall = (score A + score B) / 2. A: 3 points a step up to 30 (1.5 overall), effort
    # 1/31 a step; B: 0.2 points a step (0.1 overall), effort 1/250 a step. Target 15.25:
    # A alone needs 11 steps (10 give 15.0): effort 11/31 = 0.3548.
    # A 10 steps and B 3 steps give 15.0 + 0.3: effort 10/31 + 3/250 = 0.3346, the least
    # (A 9 and B 18: 0.3623; B 2 gives 0.2, short of 0.25).
    plan = make_plan(prof, rs, 15.25)
    assert plan.reached
    assert {c.metric: c.new for c in plan.changes} == {
        "technology.a_count": 10,
        "exports.b_count": 3,
    }
    assert plan.effort == pytest.approx(10 / 31 + 3 / 250)


def test_geometric_plans_say_they_may_not_be_the_least(run_cli) -> None:  # type: ignore[no-untyped-def]
    from .analysis_helpers import fixture

    geo = run_cli(
        "plan", fixture("china-like.toml"), "--target", "60", "--aggregation", "geometric"
    )
    ari = run_cli("plan", fixture("china-like.toml"), "--target", "60")
    assert "a plan of less effort may exist" in " ".join(geo.out.split())
    assert "may exist" not in ari.out
    rs = build_ruleset([read_toml("rules.toml", text=HAND, error=RuleError)])
    prof = _profile(rs, {"technology.a_count": 0, "exports.b_count": 0})
    assert make_plan(prof, rs, 15.25).least is True
    assert make_plan(prof, rs, 15.25, aggregation="geometric").least is False
