"""Rule numbers are bounded at load time, so that no score, gap or sum can overflow.

A weight of 1e308 or goalposts near ±1e308 are finite, so the TOML is valid, but the engine's
sums and differences of them overflow to infinity and then to NaN: the overall score became
null with grade "A", gates passed, and the table, html and svg reports crashed. The limits are
documented in docs/formats.md; `validate` reports exactly what `assess` refuses.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hemscore.engine.assessment import assess
from hemscore.model.profile import MetricValue, Profile
from hemscore.model.rules import build_ruleset
from hemscore.reading.tomlsource import TomlDocument
from hemscore.render.formats import RenderOptions
from hemscore.render.formats import json as json_format

from .conftest import write

#: The documented limits (docs/formats.md, "Limits of rule numbers").
MAX_WEIGHT = 1_000_000.0
MIN_WEIGHT = 0.000_001
MAX_GOALPOST = 1e15

METRICS = """
[metrics."technology.widget_value"]
type = "number"
better = "higher"
en.title = "Widget value"

[metrics."exports.widget_series"]
type = "series"
better = "growing"
en.title = "Widget series"
"""

TEXTS = """paper = ["1.2"]
basis = "design"
source = "design: a test rule"
en.title = "A test rule"
en.what = "What it measures."
en.why = "Why it matters."
en.recommendation = "What to do."
"""


def rule(rid: str, body: str, metric: str = "technology.widget_value") -> str:
    return f'\n[[rules]]\nid = "{rid}"\nmetric = "{metric}"\n{body.strip()}\n{TEXTS}'


LINEAR = 'method = "linear"\nworst = 0\ntarget = 50\nbest = 100\ntarget_score = 50'
PROFILE = """[profile]
name = "Widgets"
kind = "region"
year = 2022

[technology]
widget_value = 40.0
"""


def _case(tmp_path: Path, rules_text: str) -> tuple[Path, Path]:
    return write(tmp_path, "rules.toml", rules_text), write(tmp_path, "p.toml", PROFILE)


def _refused(run_cli: Any, rules: Path, profile: Path) -> str:
    """assess and validate both exit 2 with the same one line; that line."""
    a = run_cli("assess", profile, "--rules", rules, "--format", "json")
    v = run_cli("validate", "--rules", rules, profile)
    assert a.code == 2, a.out
    assert a.out == ""
    assert len(a.err.splitlines()) == 1, a.err
    assert v.code == 2
    assert v.err.splitlines()[0] == a.err.splitlines()[0]
    return a.err.strip()


#: (case, rule-file text, the line at fault, the message after "FILE:LINE: ")
REFUSED = [
    (
        "rule-weight-huge",
        METRICS + rule("XX-01", "weight = 1e308\n" + LINEAR),
        "weight = 1e308",
        "XX-01.weight: weight must be at most 1,000,000 (got 1e+308)",
    ),
    (
        "rule-weight-tiny",
        METRICS + rule("XX-01", "weight = 1e-300\n" + LINEAR),
        "weight = 1e-300",
        "XX-01.weight: weight must be at least 0.000001 (got 1e-300)",
    ),
    (
        "goalposts-near-the-float-limit",
        METRICS
        + rule(
            "XX-01", 'severity = "low"\nmethod = "linear"\nworst = -1e308\ntarget = 0\nbest = 1e308'
        ),
        "worst = -1e308",
        "XX-01.worst: worst must lie within ±1e15 (got -1e+308)",
    ),
    (
        "target-huge",
        METRICS
        + rule(
            "XX-01", 'severity = "low"\nmethod = "linear"\nworst = 0\ntarget = 1e16\nbest = 1e17'
        ),
        "target = 1e16",
        "XX-01.target: target must lie within ±1e15 (got 1e+16)",
    ),
    (
        "band-edge-huge",
        METRICS
        + rule(
            "XX-01",
            'severity = "low"\nmethod = "bands"\nedges = [1, 1e300]\nscores = [0, 50, 100]\n'
            "target = 1",
        ),
        "edges = [1, 1e300]",
        "XX-01.edges: edges must lie within ±1e15 (got 1e+300)",
    ),
    (
        "band-target-huge",
        METRICS
        + rule(
            "XX-01",
            'severity = "low"\nmethod = "bands"\nedges = [1, 2]\nscores = [0, 50, 100]\n'
            "target = -1e200",
        ),
        "target = -1e200",
        "XX-01.target: target must lie within ±1e15 (got -1e+200)",
    ),
    (
        "diagnostic-weight-huge",
        "[diagnostics.cluster]\nweight = 1e308\n\n"
        + METRICS
        + rule("XX-01", 'severity = "low"\n' + LINEAR),
        "weight = 1e308",
        "diagnostics.cluster.weight: weight must be at most 1,000,000 (got 1e+308)",
    ),
    (
        "metric-max-huge",
        METRICS.replace('type = "number"', 'type = "number"\nmax = 1e300')
        + rule("XX-01", 'severity = "low"\n' + LINEAR),
        "max = 1e300",
        'metrics."technology.widget_value".max: max must lie within ±1e15 (got 1e+300)',
    ),
]


@pytest.mark.parametrize(("case", "text", "at", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_rule_number_beyond_its_limit_is_refused_by_assess_and_validate(
    run_cli: Any, tmp_path: Path, case: str, text: str, at: str, message: str
) -> None:
    rules, profile = _case(tmp_path, text)
    line = text.splitlines().index(at) + 1
    assert _refused(run_cli, rules, profile) == f"hemscore: error: {rules}:{line}: {message}"


def test_weights_at_the_limit_give_the_exact_mean(run_cli: Any, tmp_path: Path) -> None:
    # XX-01 scores the value 40 itself (0 -> 0, 50 -> 50, 100 -> 100); XX-02 scores it 80
    # (25 -> 50, 50 -> 100: 50 + 50 x 15/25). With weights 300,000 and 1,000,000 the
    # diagnostic, and so the overall, is (40 x 3 + 80 x 10) / 13 = 70.769230...
    text = (
        METRICS
        + rule("XX-01", "weight = 300_000\n" + LINEAR)
        + rule(
            "XX-02",
            "weight = 1_000_000\n"
            + LINEAR.replace("target = 50", "target = 25").replace("best = 100", "best = 50"),
        )
    )
    rules, p = _case(tmp_path, text)
    r = run_cli("assess", p, "--rules", rules, "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert [x["score"] for x in out["diagnostics"][1]["rules"]] == [40.0, 80.0]
    assert out["overall"]["score"] == 70.7692


# --- the engine on anything the limits allow ------------------------------------------------

FINITE = st.floats(allow_nan=False, allow_infinity=False)
METRIC_TYPES = {
    "technology.widget_value": "number",
    "exports.widget_series": "series",
    "technology.widget_shares": "shares",
}
GOALPOST = st.floats(-MAX_GOALPOST, MAX_GOALPOST, allow_nan=False)
WEIGHT = st.floats(MIN_WEIGHT, MAX_WEIGHT)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def linear_rule(draw: st.DrawFn) -> dict[str, Any]:
    points = sorted(draw(st.lists(GOALPOST, min_size=3, max_size=3, unique=True)))
    if draw(st.booleans()):
        points.reverse()  # lower is better
    worst, target, best = points
    return {
        "method": "linear",
        "worst": worst,
        "target": target,
        "best": best,
        "target_score": draw(st.floats(1, 99)),
    }


@st.composite
def band_rule(draw: st.DrawFn) -> dict[str, Any]:
    edges = sorted(draw(st.lists(GOALPOST, min_size=1, max_size=4, unique=True)))
    scores = sorted(
        draw(st.lists(st.floats(0, 100), min_size=len(edges) + 1, max_size=len(edges) + 1))
    )
    if scores[0] == scores[-1]:
        scores[-1] = 100.0 if scores[0] < 100 else 0.0
        scores.sort()
    if draw(st.booleans()):
        scores.reverse()
    return {"method": "bands", "edges": edges, "scores": scores, "target": draw(GOALPOST)}


@st.composite
def trend_rule(draw: st.DrawFn) -> dict[str, Any]:
    scale = draw(st.one_of(linear_rule(), band_rule()))
    scale["scale"] = scale.pop("method")
    return {"method": "trend", "measure": draw(st.sampled_from(["cagr", "peak"])), **scale}


@st.composite
def concentration_rule(draw: st.DrawFn) -> dict[str, Any]:
    scale = draw(st.one_of(linear_rule(), band_rule()))
    scale["scale"] = scale.pop("method")
    return {
        "method": "concentration",
        "measure": draw(st.sampled_from(["hhi", "largest"])),
        **scale,
    }


@st.composite
def shares(draw: st.DrawFn) -> dict[str, float]:
    """A valid shares table: labels (perhaps a residual "other") with shares summing to 100."""
    labels = draw(
        st.lists(st.sampled_from(["US", "JP", "KR", "DE", "other"]), min_size=1, unique=True)
    )
    raw = draw(st.lists(st.floats(0, 100), min_size=len(labels), max_size=len(labels)))
    total = sum(raw)
    if total == 0:
        return {labels[0]: 100.0}
    return {k: min(100.0, 100.0 * v / total) for k, v in zip(labels, raw)}


def _texts() -> dict[str, Any]:
    return {
        "paper": ["1.2"],
        "basis": "design",
        "source": "design: generated",
        "en": {"title": "T", "what": "W", "why": "Y", "recommendation": "R"},
    }


@st.composite
def ruleset_and_profile(draw: st.DrawFn) -> tuple[Any, Profile]:
    rules = []
    for i in range(draw(st.integers(1, 6))):
        metric = draw(st.sampled_from(sorted(METRIC_TYPES)))
        if METRIC_TYPES[metric] == "series":
            spec = draw(trend_rule())
        elif METRIC_TYPES[metric] == "shares":
            spec = draw(concentration_rule())
        else:
            spec = draw(st.one_of(linear_rule(), band_rule()))
        rules.append(
            {"id": f"XX-{i:02d}", "metric": metric, "weight": draw(WEIGHT), **spec, **_texts()}
        )
    diagnostics = {
        d: {"weight": draw(st.one_of(st.just(0.0), WEIGHT))} for d in ("technology", "exports")
    }
    data = {
        "metrics": {
            m: {"type": t, "better": "higher", "en": {"title": m}} for m, t in METRIC_TYPES.items()
        },
        "diagnostics": diagnostics,
        "rules": rules,
    }
    ruleset = build_ruleset([TomlDocument("generated.toml", "", data)])
    years = draw(st.lists(st.integers(2000, 2030), min_size=1, max_size=6, unique=True))
    profile = Profile(
        name="Generated",
        kind="region",
        year=2022,
        path="generated.toml",
        values={
            "technology.widget_value": MetricValue("technology.widget_value", draw(FINITE)),
            "exports.widget_series": MetricValue(
                "exports.widget_series", {y: draw(FINITE) for y in sorted(years)}
            ),
            "technology.widget_shares": MetricValue("technology.widget_shares", draw(shares())),
        },
    )
    return ruleset, profile


def _finite_in(x: float | None, lo: float, hi: float) -> bool:
    return x is None or (math.isfinite(x) and lo <= x <= hi)


@PROPERTY
@given(ruleset_and_profile(), st.sampled_from(["arithmetic", "geometric"]))
@example(
    # the latest value far below zero, the peak barely above it: latest / peak is -infinity
    (None, {2020: 5e-324, 2021: -sys.float_info.max}),
    "arithmetic",
).via("a % of peak that overflows")
def test_finite_inputs_within_the_limits_give_finite_scores(case: Any, how: str) -> None:
    ruleset, profile = case if case[0] is not None else _peak_case(case[1])
    a = assess(profile, ruleset, aggregation=how, min_coverage=0.0)
    for r in a.results:
        assert _finite_in(r.score, 0, 100), r
        assert r.gap is None or math.isfinite(r.gap), r
        assert r.value is None or isinstance(r.value, bool) or math.isfinite(r.value), r
        assert r.contribution is None or math.isfinite(r.contribution), r
    for d in a.diagnostics:
        assert _finite_in(d.score, 0, 100), d
        assert math.isfinite(d.assessed_weight) and _finite_in(d.coverage, 0, 1)
    assert _finite_in(a.score, 0, 100)
    for rec in a.recommendations:
        assert math.isfinite(rec.priority)
        assert rec.gain is None or math.isfinite(rec.gain)
    text = json_format.render([a], RenderOptions())
    json.loads(text, parse_constant=_no_constants)


def _peak_case(series: dict[int, float]) -> tuple[Any, Profile]:
    spec = {
        "id": "XX-01",
        "metric": "exports.widget_series",
        "severity": "low",
        "method": "trend",
        "measure": "peak",
        "scale": "linear",
        "worst": 50,
        "target": 80,
        "best": 100,
        **_texts(),
    }
    data = {
        "metrics": {
            "exports.widget_series": {"type": "series", "better": "growing", "en": {"title": "S"}}
        },
        "rules": [spec],
    }
    ruleset = build_ruleset([TomlDocument("generated.toml", "", data)])
    mv = MetricValue("exports.widget_series", series)
    return ruleset, Profile("Peak", "region", 2022, "peak.toml", values={mv.metric: mv})


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def test_every_format_draws_extreme_but_valid_values(run_cli: Any, tmp_path: Path) -> None:
    # the largest finite value and a series whose latest value is far below its peak
    text = (
        METRICS
        + rule("XX-01", 'severity = "low"\n' + LINEAR)
        + rule(
            "XX-02",
            'severity = "high"\nmethod = "trend"\nmeasure = "peak"\nscale = "linear"\n'
            "worst = 0\ntarget = 80\nbest = 100",
            metric="exports.widget_series",
        )
    )
    profile = PROFILE.replace("40.0", "1.7976931348623157e308") + (
        "\n[exports]\nwidget_series = { 2020 = 5e-324, 2021 = -1.7976931348623157e308 }\n"
    )
    rules = write(tmp_path, "rules.toml", text)
    p = write(tmp_path, "p.toml", profile)
    for fmt in ("table", "json", "jsonl", "csv", "markdown", "junit", "github", "html", "svg"):
        r = run_cli("assess", p, "--rules", rules, "--format", fmt)
        assert r.code == 0, (fmt, r.err)
        assert "Traceback" not in r.err and "internal error" not in r.err
