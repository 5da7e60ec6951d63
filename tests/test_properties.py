"""Properties of the engine over generated valid profiles (hypothesis).

Profiles are drawn from the real metric catalogue: every metric type, its range, the profile
kinds it applies to, shares that sum to 100, series keyed by year, bare values and values with
provenance, and waivers of real rules. They go through the real loader (TOML text ->
``load_profile``) before the engine, so the loader is exercised too.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemscore.base import numbers
from hemscore.base.errors import RuleError
from hemscore.engine.assessment import Assessment, assess, evaluate_rule
from hemscore.engine.loader import load_profile
from hemscore.model.catalogue import KINDS, Metric
from hemscore.model.profile import MetricValue, Profile
from hemscore.model.rules import build_ruleset, builtin_rules_dir, load_ruleset, rule_files
from hemscore.reading.tomlsource import TomlDocument, read_toml
from hemscore.render.formats import RenderOptions
from hemscore.render.formats import json as json_format

RULESET = load_ruleset()
METRICS = RULESET.metrics
RULE_DOCS = [read_toml(f, error=RuleError) for f in rule_files([builtin_rules_dir()])]
SHARE_LABELS = ("US", "JP", "KR", "DE", "TW", "NL", "CN", "EU", "ASEAN", "other")
PROPERTIES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- strategies --------------------------------------------------------------------------


def _bounds(m: Metric) -> tuple[float, float]:
    lo = m.min if m.min is not None else -1e12
    hi = m.max if m.max is not None else 1e12
    return lo, hi


def _number(m: Metric) -> st.SearchStrategy[float]:
    lo, hi = _bounds(m)
    floats = st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)
    ints = st.integers(min_value=math.ceil(lo), max_value=math.floor(hi))
    return st.one_of(floats, ints) if m.type == "number" else ints


@st.composite
def _shares(draw: st.DrawFn) -> dict[str, float]:
    labels = draw(st.lists(st.sampled_from(SHARE_LABELS), min_size=1, max_size=6, unique=True))
    weights = draw(
        st.lists(
            st.floats(min_value=0.01, max_value=100.0), min_size=len(labels), max_size=len(labels)
        )
    )
    total = sum(weights)
    return {label: min(100.0, 100.0 * w / total) for label, w in zip(labels, weights)}


def _series(m: Metric) -> st.SearchStrategy[dict[str, float]]:
    lo, hi = _bounds(m)
    values = st.floats(min_value=lo, max_value=min(hi, 1e9), allow_nan=False, allow_infinity=False)
    years = st.integers(min_value=1990, max_value=2030).map(str)
    return st.dictionaries(years, values, min_size=1, max_size=12)


def value_of(m: Metric) -> st.SearchStrategy[Any]:
    """A valid value for ``m``: bare, or with provenance."""
    bare: st.SearchStrategy[Any]
    if m.type == "bool":
        bare = st.booleans()
    elif m.type in ("number", "integer"):
        bare = _number(m)
    elif m.type == "shares":
        bare = _shares()
    else:
        bare = _series(m)
    provenance = st.fixed_dictionaries(
        {"value": bare},
        optional={
            "year": st.integers(min_value=1900, max_value=2100),
            "source": st.sampled_from(["statistical yearbook", "estimate: read off a figure"]),
            "note": st.text(max_size=20),
        },
    )
    return st.one_of(bare, provenance)


@st.composite
def profile_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid profile as TOML data."""
    kind = draw(st.sampled_from(KINDS))
    data: dict[str, Any] = {
        "profile": {
            "name": draw(st.text(min_size=1, max_size=20).filter(lambda s: s.strip())),
            "kind": kind,
            "year": draw(st.integers(min_value=1900, max_value=2100)),
        }
    }
    applicable = sorted(mid for mid, m in METRICS.items() if kind in m.kinds)
    chosen = draw(st.lists(st.sampled_from(applicable), unique=True, max_size=len(applicable)))
    for mid in chosen:
        section, name = mid.split(".", 1)
        data.setdefault(section, {})[name] = draw(value_of(METRICS[mid]))
    waived = draw(st.lists(st.sampled_from([r.id for r in RULESET.rules]), unique=True, max_size=3))
    if waived:
        data["waivers"] = {rid: "not applicable here: generated" for rid in waived}
    return data


def load(data: dict[str, Any]) -> Profile:
    return load_profile(tomli_w.dumps(data), METRICS, name="<generated>")


def to_json(a: Assessment) -> str:
    return json_format.render([a], RenderOptions())


def _no_constants(name: str) -> None:
    raise AssertionError(f"JSON output holds {name}")


# --- properties ---------------------------------------------------------------------------


@PROPERTIES
@given(
    profile_data(), st.sampled_from(["arithmetic", "geometric"]), st.floats(0.0, 1.0), st.booleans()
)
def test_engine_never_crashes_and_scores_stay_in_range(
    data: dict[str, Any], aggregation: str, min_coverage: float, strict: bool
) -> None:
    a = assess(
        load(data), RULESET, aggregation=aggregation, min_coverage=min_coverage, strict=strict
    )
    for r in a.results:
        assert r.score is None or 0.0 <= r.score <= 100.0, (r.id, r.score)
    for d in a.diagnostics:
        assert d.score is None or 0.0 <= d.score <= 100.0, (d.id, d.score)
        assert 0.0 <= d.coverage <= 1.0
    assert a.score is None or 0.0 <= a.score <= 100.0
    assert 0.0 <= a.coverage <= 1.0
    json.loads(to_json(a), parse_constant=_no_constants)  # valid JSON: no NaN, no Infinity


@PROPERTIES
@given(profile_data(), st.floats(0.0, 1.0))
def test_geometric_overall_never_exceeds_arithmetic(
    data: dict[str, Any], min_coverage: float
) -> None:
    profile = load(data)
    arith = assess(profile, RULESET, aggregation="arithmetic", min_coverage=min_coverage).score
    geo = assess(profile, RULESET, aggregation="geometric", min_coverage=min_coverage).score
    assert (arith is None) == (geo is None)
    if arith is not None and geo is not None:
        assert geo <= arith + 1e-9


ORDERED = sorted(
    (
        mid
        for mid, m in METRICS.items()
        if m.type in ("number", "integer")
        and m.better in ("higher", "lower")
        and any(r.metric == mid for r in RULESET.rules)
    ),
)


@st.composite
def metric_and_two_values(draw: st.DrawFn) -> tuple[Metric, float, float]:
    m = METRICS[draw(st.sampled_from(ORDERED))]
    a, b = draw(_number(m)), draw(_number(m))
    return m, min(a, b), max(a, b)


@PROPERTIES
@given(metric_and_two_values())
def test_a_better_value_never_lowers_a_rule_score(case: tuple[Metric, float, float]) -> None:
    m, low, high = case
    worse, better = (low, high) if m.better == "higher" else (high, low)
    for rule in (r for r in RULESET.rules if r.metric == m.id):
        before = evaluate_rule(rule, MetricValue(m.id, worse)).score
        after = evaluate_rule(rule, MetricValue(m.id, better)).score
        assert before is not None and after is not None
        assert after >= before, f"{rule.id}: {m.id} {worse} -> {better} scored {before} -> {after}"


def test_true_never_scores_below_false() -> None:
    for m in (m for m in METRICS.values() if m.type == "bool" and m.better == "true"):
        for rule in (r for r in RULESET.rules if r.metric == m.id):
            yes = evaluate_rule(rule, MetricValue(m.id, True)).score
            no = evaluate_rule(rule, MetricValue(m.id, False)).score
            assert yes is not None and no is not None and yes >= no, rule.id


def _shuffled(docs: list[TomlDocument], rng: random.Random) -> list[TomlDocument]:
    out = []
    for doc in docs:
        data = dict(doc.data)
        if isinstance(data.get("rules"), list):
            data["rules"] = rng.sample(data["rules"], len(data["rules"]))
        out.append(TomlDocument(doc.path, doc.text, data))
    return rng.sample(out, len(out))


@PROPERTIES
@given(profile_data(), st.randoms(use_true_random=False))
def test_rule_order_never_changes_a_result(data: dict[str, Any], rng: random.Random) -> None:
    profile = load(data)
    shuffled = build_ruleset(_shuffled(RULE_DOCS, rng))
    assert to_json(assess(profile, shuffled)) == to_json(assess(profile, RULESET))
    geo = {"aggregation": "geometric"}
    assert to_json(assess(profile, shuffled, **geo)) == to_json(assess(profile, RULESET, **geo))


def test_json_output_is_identical_across_processes() -> None:
    # set and dict order must not leak into output: a process with another hash seed writes
    # what the golden files pinned for the examples
    root = Path(__file__).parent.parent
    golden = root / "tests" / "golden" / "assess"
    expected = [
        json.loads((golden / f"{p.stem}.json").read_text(encoding="utf-8"))
        for p in sorted((root / "examples").glob("*.toml"))
    ]
    env = {**os.environ, "PYTHONHASHSEED": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "hemscore", "assess", "examples", "--format", "json"],
        capture_output=True,
        env=env,
        cwd=root,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


# --- the fast paths of the JSON output equal the plain ones ----------------------------------


ROUND4_INPUTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**9), 10**9).map(lambda n: (n + 0.5) / 10_000),  # halves: ties and near-ties
    st.integers(-(10**12), 10**12).map(lambda n: n / 100_000),
)


# 2,000 numbers, ten to an example: the law is checked on as many inputs as one number to an
# example at 2,000 examples, for a fraction of hypothesis's cost per example.
@settings(max_examples=200, deadline=None)
@given(st.lists(ROUND4_INPUTS, min_size=10, max_size=10))
def test_round4_is_round_to_four_places(xs: list[float]) -> None:
    for x in xs:
        for round4 in (numbers.round4, json_format.round4):
            got = round4(x)
            if not math.isfinite(x):
                assert got is None  # JSON has no NaN or infinity
                continue
            expected = round(x, 4) or 0.0
            assert got is not None
            assert got == expected and math.copysign(1, got) == math.copysign(1, expected), x
            assert repr(got) == repr(expected)  # what the JSON output writes


@PROPERTIES
@given(profile_data(), st.sampled_from(["en", "zh"]))
def test_jsonl_line_is_the_json_object_encoded_compactly(data: dict[str, Any], lang: str) -> None:
    from hemscore.base.safe_text import json_text
    from hemscore.render.formats import jsonl

    a = assess(load(data), RULESET)
    plain = json.dumps(
        json_format.assessment_to_dict(a, lang), ensure_ascii=False, separators=(",", ":")
    )
    # DEL, C1 and invisible controls are escaped (\uXXXX): the same data, safe on a terminal.
    assert jsonl.item(a, RenderOptions(lang=lang), 0) == json_text(plain) + "\n"


def test_jsonl_strings_that_look_like_placeholders_are_data() -> None:
    from hemscore.render.formats import jsonl

    for name in ("\x000\x00", "\x001\x00", "\x00x.y\x00"):
        data = {
            "profile": {"name": name, "kind": "region", "year": 2022},
            "cluster": {"location_quotient": {"value": 1.5, "source": "\x000\x00"}},
            "waivers": {"CL-02": "\x002\x00"},
        }
        a = assess(load(data), RULESET)
        line = jsonl.item(a, RenderOptions(), 0)
        assert json.loads(line) == json.loads(
            json_format.dumps(json_format.assessment_to_dict(a, "en"))
        )
