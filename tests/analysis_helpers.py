"""Shared pieces of the analysis tests: the fixture folder, the rule set, random profiles."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import load_profile
from hemscore.model.profile import MetricValue, Profile
from hemscore.model.rules import RuleSet, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "analysis"
EXAMPLES = ROOT / "examples"


@cache
def ruleset() -> RuleSet:
    return load_ruleset()


def fixture(name: str) -> Path:
    return FIXTURES / name


def example_profiles() -> list[Path]:
    """The example profiles when they exist, else the fixture profiles (kept for isolation)."""
    found = sorted(EXAMPLES.glob("*.toml"))
    return found or sorted(FIXTURES.glob("*.toml"))


def assessed(path: Path, **options: object) -> Assessment:
    rs = ruleset()
    return assess(load_profile(str(path), rs.metrics), rs, **options)  # type: ignore[arg-type]


def _number_metrics(kind: str) -> list[tuple[str, float, float, bool]]:
    out = []
    for rule in ruleset().rules:
        m = ruleset().metrics[rule.metric]
        if kind in rule.kinds and m.type in ("number", "integer") and rule.scale is not None:
            lo = m.min if m.min is not None else 0.0
            hi = m.max if m.max is not None else max(lo + 1.0, 2 * max(abs(rule.scale.target), 1.0))
            out.append((m.id, lo, hi, m.type == "integer"))
    return sorted(set(out))


def _bool_metrics(kind: str) -> list[str]:
    return sorted(
        {
            r.metric
            for r in ruleset().rules
            if kind in r.kinds and ruleset().metrics[r.metric].type == "bool"
        }
    )


#: Most metrics present, so that most random profiles clear the coverage floor.
_PRESENT = st.sampled_from([True, True, True, True, True, False])


@st.composite
def profiles(draw: st.DrawFn, kind: str = "country") -> Profile:
    """A random valid profile of ``kind``: a random subset of its number and boolean metrics."""
    values: dict[str, MetricValue] = {}
    for mid, lo, hi, integer in _number_metrics(kind):
        if draw(_PRESENT):
            if integer:
                v: float | int | bool = draw(st.integers(int(lo), int(hi)))
            else:
                v = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
            values[mid] = MetricValue(mid, v, source="hypothesis")
    for mid in _bool_metrics(kind):
        if draw(_PRESENT):
            values[mid] = MetricValue(mid, draw(st.booleans()))
    return Profile(name="Random", kind=kind, year=2022, path=f"random-{kind}.toml", values=values)
