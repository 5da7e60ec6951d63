"""The least-effort changes to a profile's metric values that reach a target overall score.

Effort of moving a metric is its distance relative to the width of the band its rule scores
over: ``|to − from| / |best − worst|`` for a linear rule, ``|to − from| / (last edge − first
edge)`` for bands, and 0.5 for flipping a boolean to its expected value. Because a rule's score
rises steeply up to its target and slowly beyond it, the points per unit of effort are highest
for failing metrics: fixing one is cheap, pushing a good one further is dear.

Under arithmetic aggregation the plan is the least effort there is: the overall score is then
a weighted sum of rule scores, so each metric's gain adds up, and the problem is a
multiple-choice knapsack over each metric's values (see "The exact search" below). Planned
values lie on a grid at about a thousandth of the band (whole numbers for integer metrics),
inside the metric's range; the plan is the least effort over every combination of grid values.

Under geometric aggregation the gains do not add up, and the search is greedy, checked with the
real engine at every step: from the current values, each plannable metric may move to its next
breakpoints (a linear rule's worst, target and best; the start of each better band; the
expected boolean). The move with the most overall points per unit of effort is taken, until one
move can reach the target; the last move is then cut to the least value that reaches it. This
never lowers the score and the score it reports is the engine's, but a cheaper plan may exist.

Either way the changed profile is assessed again: the reported score is the engine's, not the
search's estimate.

Not planned, and said so: metrics with no data (the engine does not score them, so no value can
be "moved"), shares and series tables (their measures, HHI, largest share, growth, peak, have
no single value to edit), waived rules, and metrics whose rules pull in opposite directions.
Pure: no files, no printing.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hemscore.engine.assessment import Assessment, assess
from hemscore.model.methods.base import NoMeasure
from hemscore.model.profile import MetricValue, Profile
from hemscore.model.rules import Rule, RuleSet

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
    least: bool = True  # the effort is proven least (arithmetic aggregation, search finished)

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
            expected = self.rules[0].target
            return [] if cur is expected else [expected]
        raw: set[float] = set()
        for r in self.rules:
            raw.update(float(x) for x in r.scoring.candidates(self.step))
        out = {self.snap(x) for x in raw}
        ahead = [x for x in out if self.ahead(cur, x)]
        useful = [
            x
            for x in ahead
            if any(_rule_score(r, x) > _rule_score(r, cur) + _EPS for r in self.rules)
        ]
        return sorted(useful, key=lambda x: abs(x - cur))


def _width(rule: Rule) -> float:
    """The span the effort of moving the rule's metric is measured against."""
    return rule.scoring.width()


def _rule_score(rule: Rule, x: Any) -> float:
    """The rule's score with the metric at ``x``."""
    m = rule.scoring.measure(x)
    return 0.0 if isinstance(m, NoMeasure) else rule.scoring.score(m[0])[0]


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
        elif not r.rule.scoring.scores_value:  # e.g. an HHI: no single value to set
            skipped.append(NotPlanned(r.id, r.rule.metric, "table"))
        else:
            by_metric.setdefault(r.rule.metric, []).append(r.rule)
    levers = []
    for metric_id, rules in sorted(by_metric.items()):
        m = ruleset.metrics[metric_id]
        if m.type == "bool":
            if len({r.target for r in rules}) > 1:
                skipped += [NotPlanned(r.id, metric_id, "conflict") for r in rules]
                continue
            levers.append(_Lever(metric_id, tuple(rules), "bool", True, None, None, 1.0))
            continue
        ups = {r.scoring.higher_is_better for r in rules}
        if len(ups) != 1:
            skipped += [NotPlanned(r.id, metric_id, "conflict") for r in rules]
            continue
        integer = m.type == "integer"
        grain = min(_grain(_width(r), integer) for r in rules)
        levers.append(_Lever(metric_id, tuple(rules), m.type, ups.pop(), m.min, m.max, grain))
    return levers, skipped


# --- The exact search (arithmetic aggregation) -------------------------------------------------
#
# Under the arithmetic mean the overall score is a weighted sum of rule scores (which rules and
# diagnostics count depends only on which values are present, and a plan changes none of that).
# So the overall gain of a plan is the sum of each moved metric's own gain, and the problem is:
# choose one position per metric, minimising the summed effort, with summed gain >= need.
#
# Each metric's positions are its current value (position 0) and the grid of values ahead of it
# (positions 1, 2, ... at the metric's rounding grain; a boolean has one). Between *knots* (the
# grid values next to every breakpoint of its rules: a linear rule's worst, target and best, a
# band's edges) both the effort and the gain are affine in the position, so the metric's choices
# are a few *pieces*, each a run of positions with a straight (effort, gain) line. The search is
# a branch and bound over one piece per metric; its bound is the linear relaxation (every
# unfixed metric replaced by the upper concave hull of its points, filled greedily by gain per
# unit of effort), which is exact once every piece is fixed, except for the one piece filled
# part-way: that one is split at the grid and both halves are searched. The result is the least
# effort over every combination of grid values, up to floating-point rounding.


@dataclass(frozen=True)
class _Piece:
    """Positions ``ka..kb`` of one lever, effort and gain affine from (ea, ga) to (eb, gb)."""

    lever: int
    ka: int
    kb: int
    ea: float
    eb: float
    ga: float
    gb: float

    def cut(self, ka: int, kb: int) -> _Piece:
        (ea, ga), (eb, gb) = self._at(ka), self._at(kb)
        return _Piece(self.lever, ka, kb, ea, eb, ga, gb)

    def _at(self, k: int) -> tuple[float, float]:
        if self.kb == self.ka:
            return self.ea, self.ga
        t = (k - self.ka) / (self.kb - self.ka)
        return self.ea + t * (self.eb - self.ea), self.ga + t * (self.gb - self.ga)


class _Positions:
    """The values a number or boolean lever can take, by position ahead of the current value."""

    def __init__(self, lever: _Lever, cur: Any) -> None:
        self.lever = lever
        self.cur = cur
        if lever.kind == "bool":
            self.first = 0
            self.last = 0 if cur is lever.rules[0].target else 1
            return
        g, up = lever.step, lever.up
        n = float(cur) / g
        on_grid = abs(n - round(n)) < 1e-6
        self.dir = 1 if up else -1
        if on_grid:
            self.first = round(n) + self.dir
        else:
            self.first = math.ceil(n) if up else math.floor(n)
        lo = None if lever.lo is None else math.ceil(lever.lo / g - 1e-6)
        hi = None if lever.hi is None else math.floor(lever.hi / g + 1e-6)
        end = hi if up else lo
        self.last = -1 if end is None else (end - self.first) * self.dir + 1

    def index(self, k: int) -> int:
        return self.first + self.dir * (k - 1)

    def value(self, k: int) -> Any:
        lv = self.lever
        if k == 0:
            return self.cur
        if lv.kind == "bool":
            return lv.rules[0].target
        x = self.index(k) * lv.step
        if lv.kind == "integer":
            return round(x)
        digits = max(0, -math.floor(math.log10(lv.step)))
        return round(x, digits)

    def knots(self) -> list[int]:
        """Position 0, 1, and the positions around every breakpoint of the lever's rules."""
        if self.lever.kind == "bool":
            return list(range(self.last + 1))
        g = self.lever.step
        raw = [float(x) for r in self.lever.rules for x in r.scoring.candidates(g)]
        ks = {0, 1}
        clipped = False
        for x in raw:
            low, high = math.floor(x / g + 1e-6), math.ceil(x / g - 1e-6)
            for n in (low - 1, low, high, high + 1):
                k = (n - self.first) * self.dir + 1
                if k < 1:
                    continue
                if self.last >= 0 and k > self.last:
                    clipped = True
                    continue
                ks.add(k)
        if clipped:
            ks.add(self.last)
        if self.last == 0:
            return [0]
        return sorted(ks)


def _pieces(index: int, knots: list[int], effort: list[float], gain: list[float]) -> list[_Piece]:
    """A lever's choices: staying put, and one piece per run between consecutive knots, with
    runs that cannot beat a cheaper position dropped and flat runs cut to their first point."""
    out = [_Piece(index, 0, 0, 0.0, 0.0, 0.0, 0.0)]
    best = 0.0  # the most gain at a position before the run
    for i in range(1, len(knots)):
        k0, k1 = knots[i - 1], knots[i]
        e0, e1, g0, g1 = effort[i - 1], effort[i], gain[i - 1], gain[i]
        best = max(best, g0)
        if g1 <= best + _EPS:
            continue
        ka = k0 + 1
        t = 1.0 / (k1 - k0)
        ea, ga = e0 + t * (e1 - e0), g0 + t * (g1 - g0)
        if ga >= g1 - _EPS:
            out.append(_Piece(index, ka, ka, ea, ea, ga, ga))
        else:
            out.append(_Piece(index, ka, k1, ea, e1, ga, g1))
    return out


def _hull(pieces: list[_Piece]) -> list[tuple[float, float, float, _Piece, int]]:
    """The upper concave hull of a lever's points from (0, 0): (slope, d effort, d gain, piece,
    position) per segment, steepest first, each ending at a real position."""
    pts = sorted(
        {(p.ea, p.ga, i, p.ka) for i, p in enumerate(pieces)}
        | {(p.eb, p.gb, i, p.kb) for i, p in enumerate(pieces)}
    )
    chain: list[tuple[float, float, int, int]] = [(0.0, 0.0, 0, 0)]
    for e, g, i, k in pts:
        if g <= chain[-1][1] + _EPS:
            continue  # no more gain for more effort
        if e <= chain[-1][0] + _EPS:
            chain[-1] = (e, g, i, k)
            continue
        while len(chain) >= 2:
            (e1, g1, *_), (e2, g2, *_) = chain[-2], chain[-1]
            if (g2 - g1) * (e - e1) <= (g - g1) * (e2 - e1) + _EPS:
                chain.pop()
            else:
                break
        chain.append((e, g, i, k))
    return [
        (
            (b[1] - a[1]) / (b[0] - a[0]) if b[0] > a[0] else math.inf,
            b[0] - a[0],
            b[1] - a[1],
            pieces[b[2]],
            b[3],
        )
        for a, b in itertools.pairwise(chain)
    ]


def _slope(de: float, dg: float) -> float:
    return dg / de if de > 0 else math.inf


class _BranchAndBound:
    """The least-effort choice of one position per lever whose gains sum to at least ``need``."""

    def __init__(self, pieces: list[list[_Piece]], need: float, limit: int) -> None:
        self.pieces = pieces
        self.need = need
        self.hulls = [_hull(ps) for ps in pieces]
        # Levers with the steepest first hull segment first: their choice moves the bound most.
        self.order = sorted(
            range(len(pieces)),
            key=lambda i: (-(self.hulls[i][0][0] if self.hulls[i] else 0.0), i),
        )
        # every hull segment of every lever, steepest first (the relaxation of unfixed levers)
        self.steps = sorted(
            (-slope, i, de, dg, 0, k)
            for i, hull in enumerate(self.hulls)
            for slope, de, dg, _, k in hull
        )
        self.best = math.inf
        self.best_at: dict[int, int] | None = None
        self.nodes = 0
        self.limit = limit
        self.complete = True

    def _fill(
        self, fixed: dict[int, _Piece]
    ) -> tuple[float, dict[int, int], tuple[int, float] | None]:
        """The relaxation: its least effort (inf when the need cannot be met), the positions it
        reaches (meaningful when every lever is fixed), and the lever filled part-way with its
        fractional position (None when no piece is filled part-way)."""
        effort = sum(p.ea for p in fixed.values())
        gain = sum(p.ga for p in fixed.values())
        at = {i: p.ka for i, p in fixed.items()}
        if gain >= self.need:
            return effort, at, None
        own: list[tuple[float, int, float, float, int, int]] = []
        for i, p in fixed.items():
            if p.gb > p.ga:
                de, dg = p.eb - p.ea, p.gb - p.ga
                own.append((-_slope(de, dg), i, de, dg, p.ka, p.kb))
        own.sort()
        free = (s for s in self.steps if s[1] not in fixed)
        steps = heapq.merge(own, free)
        for _, i, de, dg, ka, kb in steps:
            short = self.need - gain
            if dg >= short:
                share = short / dg
                at[i] = kb
                return effort + de * share, at, (i, ka + (kb - ka) * share)
            effort += de
            gain += dg
            at[i] = kb
        return math.inf, at, None

    def first_solution(self) -> None:
        """The relaxation filled greedily, its last hull segment taken whole: a real solution."""
        steps = sorted(
            (
                (slope, i, de, dg, k)
                for i in range(len(self.pieces))
                for slope, de, dg, _, k in self.hulls[i]
            ),
            key=lambda s: (-s[0], s[1]),
        )
        effort, gain, at = 0.0, 0.0, {}
        for _, i, de, dg, k in steps:
            if gain >= self.need:
                break
            effort, gain, at[i] = effort + de, gain + dg, k
        if gain >= self.need:
            self.best, self.best_at = effort, at

    def solve(self) -> None:
        self.first_solution()
        self._node({}, 0)

    def _count(self) -> bool:
        self.nodes += 1
        if self.nodes > self.limit:
            self.complete = False
        return self.complete

    def _node(self, fixed: dict[int, _Piece], depth: int) -> None:
        if not self._count():
            return
        if depth == len(self.order):
            self._leaf(fixed)
            return
        lever = self.order[depth]
        options = []
        for p in self.pieces[lever]:
            bound = self._fill({**fixed, lever: p})[0]
            if bound < self.best - _EPS:
                options.append((bound, p.ka, p))
        for bound, _, p in sorted(options, key=lambda o: (o[0], o[1])):
            if bound < self.best - _EPS:
                self._node({**fixed, lever: p}, depth + 1)

    def _leaf(self, fixed: dict[int, _Piece]) -> None:
        # Depth first, with a stack of its own rather than recursion: a piece may be cut once
        # per grid position it spans, far deeper than Python's recursion limit.
        stack = [fixed]
        while stack:
            fixed = stack.pop()
            effort, at, partial = self._fill(fixed)
            if effort >= self.best - _EPS:
                continue
            if partial is None:
                self.best, self.best_at = effort, at
                continue
            lever, frac = partial
            whole = round(frac)
            if abs(frac - whole) <= 1e-9:  # the piece filled part-way stops on a grid position
                at[lever] = whole
                self.best, self.best_at = effort, at
                continue
            if not self._count():
                return
            # It stops between two grid positions: search both sides (the lower side first).
            part = fixed[lever]
            lo = min(max(math.floor(frac), part.ka), part.kb)
            hi = min(max(math.ceil(frac), part.ka), part.kb)
            for ka, kb in ((hi, part.kb), (part.ka, lo)):
                if (ka, kb) != (part.ka, part.kb):
                    stack.append({**fixed, lever: part.cut(ka, kb)})


#: Nodes the exact search may visit before it settles for the best plan found so far.
NODE_LIMIT = 200_000


def _exact(
    search: _Search,
    levers: list[_Lever],
    values: dict[str, MetricValue],
    current: float,
    target: float,
) -> tuple[dict[str, Any], bool]:
    """The least-effort new values (metric -> value) that reach ``target`` under arithmetic
    aggregation, and whether the search finished (False: it hit :data:`NODE_LIMIT`). When no
    combination reaches the target, every lever goes to the cheapest position of its most gain."""
    spots = [_Positions(lv, values[lv.metric].value) for lv in levers]
    pieces = []
    for i, (lv, pos) in enumerate(zip(levers, spots)):
        knots = pos.knots()
        moved = [pos.value(k) for k in knots]
        effort = [lv.effort(pos.cur, x) for x in moved]
        gain = [0.0] + [search.score(values, lv.metric, x) - current for x in moved[1:]]
        pieces.append(_pieces(i, knots, effort, gain))
    at: dict[int, int] = {}
    complete = True
    # Gains add up exactly only in exact arithmetic: check the engine, and ask for a little more
    # in the rare case that rounding left the plan a hair short.
    for slack in (-1e-9, 1e-7, 1e-5):
        bb = _BranchAndBound(pieces, target - current + slack, NODE_LIMIT)
        bb.solve()
        if bb.best_at is None:  # unreachable: as far as each lever can go, at least effort
            at = {i: h[-1][4] for i, h in enumerate(bb.hulls) if h}
            break
        at, complete = bb.best_at, bb.complete
        moved_values = dict(values)
        for i, k in at.items():
            if k:
                m = levers[i].metric
                moved_values[m] = replace(moved_values[m], value=spots[i].value(k))
        score = search.assess(moved_values).score
        if score is not None and score >= target:
            break
    return {levers[i].metric: spots[i].value(k) for i, k in at.items() if k}, complete


def make_plan(
    profile: Profile,
    ruleset: RuleSet,
    target: float,
    *,
    aggregation: str = "arithmetic",
    min_coverage: float = 0.5,
    strict: bool = False,
) -> Plan:
    """Plan the least-effort metric changes that bring ``profile`` to ``target`` overall.

    Under arithmetic aggregation the plan is the least effort over every combination of values
    on the metrics' grids (the exact search); under geometric aggregation it is the greedy one.
    """
    options = {"aggregation": aggregation, "min_coverage": min_coverage, "strict": strict}
    search = _Search(profile, ruleset, options)
    before = search.assess(profile.values)
    levers, skipped = _levers(before, ruleset)
    values = dict(profile.values)
    order: list[str] = []  # metrics in the order the changes are listed
    current = before.score
    least = aggregation == "arithmetic"
    if current is None or current >= target:
        pass  # nothing to do, or no overall score: no value change can create one (needs data)
    elif aggregation == "arithmetic":
        moved, least = _exact(search, levers, values, current, target)
        by_metric = {lv.metric: lv for lv in levers}

        def worth(metric: str) -> tuple[float, str]:
            # the cheapest points first: gain per unit of effort, each change on its own
            gain = search.score(values, metric, moved[metric]) - current  # type: ignore[operator]
            effort = by_metric[metric].effort(values[metric].value, moved[metric])
            return (-gain / effort if effort > 0 else -math.inf, metric)

        order = sorted(moved, key=worth)
        for metric in order:
            values[metric] = replace(values[metric], value=moved[metric])
    else:
        for _ in range(MAX_STEPS):
            if current >= target:
                break
            move = _step(search, levers, values, current, target)
            if move is None:
                break
            metric, new, current = move
            values[metric] = replace(values[metric], value=new)
            if metric not in order:
                order.append(metric)
    changes, after = _finish(search, levers, profile, values, order)
    unscored = tuple(
        d.id for d in before.diagnostics if d.status == "insufficient_data" and d.weight > 0
    )
    return Plan(target, before, after, changes, tuple(skipped), unscored, least)


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
