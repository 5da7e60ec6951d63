"""The least-effort changes to a profile's metric values that reach a target overall score.

Effort of moving a metric is its distance relative to the width of the band its rule scores
over: ``|to − from| / |best − worst|`` for a linear rule, ``|to − from| / (last edge − first
edge)`` for bands, and 0.5 for flipping a boolean to its expected value. Because a rule's score
rises steeply up to its target and slowly beyond it, the points per unit of effort are highest
for failing metrics: fixing one is cheap, pushing a good one further is dear.

The search is greedy and checked with the real engine at every step: from the current values,
each plannable metric may move to its next breakpoints (a linear rule's worst, target and
best; the start of each better band; the expected boolean). The move with the most overall
points per unit of effort is taken, until one move can reach the target; the last move is then
cut to the least value that reaches it. Values are rounded towards "better" (so rounding never
costs points) and kept inside the metric's range. Finally the changed profile is assessed
again: the reported score is the engine's, not the search's estimate.

Not planned, and said so: metrics with no data (the engine does not score them, so no value can
be "moved"), shares and series tables (their measures, HHI, largest share, growth, peak, have
no single value to edit), waived rules, and metrics whose rules pull in opposite directions.
Pure: no files, no printing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .assessment import Assessment, assess
from .profile import MetricValue, Profile
from .rules import Rule, RuleSet
from .scoring import BandScale, LinearScale

BOOLEAN_EFFORT = 0.5
MAX_STEPS = 500
_EPS = 1e-9


@dataclass(frozen=True)
class Change:
    """One metric moved by the plan."""

    metric: str
    rules: tuple[str, ...]  # the rules that score the metric
    old: float | int | bool
    new: float | int | bool
    effort: float
    gain: float  # overall points, applying the changes in the order listed


@dataclass(frozen=True)
class NotPlanned:
    """A rule the plan could not act on, and why."""

    rule: str
    metric: str
    why: str  # "missing" (no data), "table" (shares or series), "conflict" (rules disagree)


@dataclass(frozen=True)
class Plan:
    """The outcome of :func:`make_plan`."""

    target: float
    before: Assessment
    after: Assessment  # the changed profile, assessed by the engine
    changes: tuple[Change, ...]
    not_planned: tuple[NotPlanned, ...]
    unscored_diagnostics: tuple[str, ...]  # diagnostics left out of the overall for lack of data

    @property
    def reached(self) -> bool:
        return self.after.score is not None and self.after.score >= self.target

    @property
    def effort(self) -> float:
        return sum(c.effort for c in self.changes)

    @property
    def held_back(self) -> tuple[tuple[str, float], ...]:
        """Scored rules below 100 that the plan could not move: (rule id, score)."""
        fixed = {n.rule for n in self.not_planned if n.why != "missing"}
        return tuple(
            (r.id, r.score)
            for r in self.after.results
            if r.id in fixed and r.score is not None and r.score < 100
        )

    @property
    def profile(self) -> Profile:
        """The changed profile (changed values are marked as targets, with the old value)."""
        return self.after.profile


@dataclass(frozen=True)
class _Lever:
    metric: str
    rules: tuple[Rule, ...]
    kind: str  # number, integer, bool
    up: bool  # the better direction: higher (True) or lower
    lo: float | None
    hi: float | None
    step: float  # rounding grain of planned values

    def effort(self, old: Any, new: Any) -> float:
        if self.kind == "bool":
            return 0.0 if old == new else BOOLEAN_EFFORT
        return max(abs(float(new) - float(old)) / _width(r) for r in self.rules)

    def snap(self, x: float) -> float | int:
        """``x`` rounded to the grain, towards better, inside the metric's range."""
        n = x / self.step
        n = math.ceil(n - _EPS) if self.up else math.floor(n + _EPS)
        v: float = n * self.step
        if self.lo is not None:
            v = max(self.lo, v)
        if self.hi is not None:
            v = min(self.hi, v)
        if self.kind == "integer":
            return round(v)
        digits = max(0, -math.floor(math.log10(self.step)))
        return round(v, digits)

    def ahead(self, cur: float, x: float) -> bool:
        return x > cur + _EPS if self.up else x < cur - _EPS

    def points(self, cur: Any) -> list[Any]:
        """Candidate values ahead of ``cur``, nearest first."""
        if self.kind == "bool":
            expected = self.rules[0].expected
            return [] if cur is expected else [expected]
        raw: set[float] = set()
        for r in self.rules:
            s = r.scale
            if isinstance(s, LinearScale):
                raw |= {s.worst, s.target, s.best}
            elif isinstance(s, BandScale):
                grain = self.step
                for e in s.edges:
                    raw |= {e - grain, e, e + grain}
        out = {self.snap(x) for x in raw}
        ahead = [x for x in out if self.ahead(cur, x)]
        useful = [
            x
            for x in ahead
            if any(_rule_score(r, x) > _rule_score(r, cur) + _EPS for r in self.rules)
        ]
        return sorted(useful, key=lambda x: abs(x - cur))


def _width(rule: Rule) -> float:
    s = rule.scale
    if isinstance(s, LinearScale):
        return abs(s.best - s.worst)
    assert isinstance(s, BandScale)
    span = s.edges[-1] - s.edges[0]
    if span > 0:
        return span
    return max(abs(s.edges[0]), abs(s.target - s.edges[0]), 1.0)


def _rule_score(rule: Rule, x: Any) -> float:
    if rule.scale is None:
        return 100.0 if x is rule.expected else 0.0
    return rule.scale.score(float(x))


def _grain(width: float, integer: bool) -> float:
    """Rounding grain of planned values: about a thousandth of the band, at a round decimal."""
    if integer:
        return 1.0
    return float(10 ** math.floor(math.log10(width / 1000))) if width > 0 else 0.01


class _Search:
    def __init__(self, profile: Profile, ruleset: RuleSet, options: Mapping[str, Any]) -> None:
        self.profile = profile
        self.ruleset = ruleset
        self.options = dict(options)

    def assess(self, values: Mapping[str, MetricValue]) -> Assessment:
        return assess(replace(self.profile, values=dict(values)), self.ruleset, **self.options)

    def score(self, values: Mapping[str, MetricValue], metric: str, new: Any) -> float:
        v = dict(values)
        v[metric] = replace(v[metric], value=new)
        s = self.assess(v).score
        return -math.inf if s is None else s


def _levers(base: Assessment, ruleset: RuleSet) -> tuple[list[_Lever], list[NotPlanned]]:
    by_metric: dict[str, list[Rule]] = {}
    skipped: list[NotPlanned] = []
    for r in base.results:
        if r.status == "waived":
            continue
        if r.status == "missing":
            skipped.append(NotPlanned(r.id, r.rule.metric, "missing"))
        elif r.rule.method in ("concentration", "trend"):
            skipped.append(NotPlanned(r.id, r.rule.metric, "table"))
        else:
            by_metric.setdefault(r.rule.metric, []).append(r.rule)
    levers = []
    for metric_id, rules in sorted(by_metric.items()):
        m = ruleset.metrics[metric_id]
        if m.type == "bool":
            if len({r.expected for r in rules}) > 1:
                skipped += [NotPlanned(r.id, metric_id, "conflict") for r in rules]
                continue
            levers.append(_Lever(metric_id, tuple(rules), "bool", True, None, None, 1.0))
            continue
        ups = {r.scale.higher_is_better for r in rules if r.scale is not None}
        if len(ups) != 1:
            skipped += [NotPlanned(r.id, metric_id, "conflict") for r in rules]
            continue
        integer = m.type == "integer"
        grain = min(_grain(_width(r), integer) for r in rules)
        levers.append(_Lever(metric_id, tuple(rules), m.type, ups.pop(), m.min, m.max, grain))
    return levers, skipped


def make_plan(
    profile: Profile,
    ruleset: RuleSet,
    target: float,
    *,
    aggregation: str = "arithmetic",
    min_coverage: float = 0.5,
    strict: bool = False,
) -> Plan:
    """Plan the least-effort metric changes that bring ``profile`` to ``target`` overall."""
    options = {"aggregation": aggregation, "min_coverage": min_coverage, "strict": strict}
    search = _Search(profile, ruleset, options)
    before = search.assess(profile.values)
    levers, skipped = _levers(before, ruleset)
    values = dict(profile.values)
    order: list[str] = []  # metrics in the order the search first moved them
    current = before.score
    for _ in range(MAX_STEPS):
        if current is not None and current >= target:
            break
        if current is None:
            break  # no overall score: no value change can create one (that needs data)
        move = _step(search, levers, values, current, target)
        if move is None:
            break
        metric, new, score = move
        values[metric] = replace(values[metric], value=new)
        if metric not in order:
            order.append(metric)
        current = score
    changes, after = _finish(search, levers, profile, values, order)
    unscored = tuple(
        d.id for d in before.diagnostics if d.status == "insufficient_data" and d.weight > 0
    )
    return Plan(target, before, after, changes, tuple(skipped), unscored)


def _step(
    search: _Search,
    levers: list[_Lever],
    values: dict[str, MetricValue],
    current: float,
    target: float,
) -> tuple[str, Any, float] | None:
    """The next move: the least-effort one that reaches ``target`` if any does, else the one
    with the most points per unit of effort. None when no move gains anything."""
    finish: tuple[float, str, Any, float] | None = None
    ratio_best: tuple[float, str, Any, float] | None = None
    for lever in levers:
        cur = values[lever.metric].value
        prev = cur
        for x in lever.points(cur):
            score = search.score(values, lever.metric, x)
            effort = lever.effort(cur, x)
            if score >= target:
                if lever.kind != "bool":
                    x, score = _least(search, lever, values, prev, x, target, score)
                    effort = lever.effort(cur, x)
                if finish is None or effort < finish[0] - _EPS:
                    finish = (effort, lever.metric, x, score)
                break  # points further on cost more and reach no more
            prev = x
            gain = score - current
            if gain > _EPS and effort > 0:
                ratio = gain / effort
                if ratio_best is None or ratio > ratio_best[0] + _EPS:
                    ratio_best = (ratio, lever.metric, x, score)
    chosen = finish or ratio_best
    return None if chosen is None else chosen[1:]


def _least(
    search: _Search,
    lever: _Lever,
    values: dict[str, MetricValue],
    a: Any,
    b: Any,
    target: float,
    b_score: float,
) -> tuple[Any, float]:
    """The value nearest ``a`` on the way to ``b`` that still reaches ``target`` (bisection)."""
    lo, hi = float(a), float(b)  # the score reaches target at hi, not (known) at lo
    best, best_score = b, b_score
    for _ in range(60):
        if abs(hi - lo) <= lever.step:
            break
        mid = (lo + hi) / 2
        x = lever.snap(mid)
        if not lever.ahead(float(a), x) or x == best:
            break
        score = search.score(values, lever.metric, x)
        if score >= target:
            hi, best, best_score = float(x), x, score
        else:
            lo = float(x)
    return best, best_score


def _finish(
    search: _Search,
    levers: list[_Lever],
    profile: Profile,
    values: dict[str, MetricValue],
    order: list[str],
) -> tuple[tuple[Change, ...], Assessment]:
    by_metric = {lv.metric: lv for lv in levers}
    marked = dict(profile.values)
    changes = []
    previous = search.assess(marked).score or 0.0
    for metric in order:
        old_mv = profile.values[metric]
        new = values[metric].value
        if new == old_mv.value:
            continue
        was = old_mv.was if old_mv.is_target and old_mv.was is not None else old_mv.value
        marked[metric] = replace(old_mv, value=new, is_target=True, was=was)
        now = search.assess(marked).score or 0.0
        lever = by_metric[metric]
        changes.append(
            Change(
                metric,
                tuple(r.id for r in lever.rules),
                old_mv.value,
                new,
                lever.effort(old_mv.value, new),
                now - previous,
            )
        )
        previous = now
    return tuple(changes), search.assess(marked)


def changed_document(data: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """The profile's parsed TOML with the planned values written in, every provenance kept.

    A changed value becomes ``{ value = NEW, year, source, note (as before), target = true,
    was = OLD }``; ``was`` keeps the measured value when the profile was already a plan.
    """
    out: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for c in plan.changes:
        section, key = c.metric.split(".", 1)
        table = out.setdefault(section, {})
        raw = table.get(key)
        entry: dict[str, Any] = {"value": c.new}
        if isinstance(raw, dict):
            entry |= {k: v for k, v in raw.items() if k not in ("value", "target", "was")}
            was = raw.get("was") if raw.get("target") is True and "was" in raw else raw.get("value")
        else:
            was = raw
        entry |= {"target": True, "was": was}
        table[key] = entry
    return out
