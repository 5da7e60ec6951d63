"""Per-rule scoring: pure functions from a measured value to a score in 0–100.

A rule scores in two steps. A *measure* turns the profile's value into one number (the value
itself, the HHI or largest share of a shares table, the growth or peak ratio of a series); a
*scale* turns that number into a score (``linear`` goalposts or ``bands``). ``boolean`` rules
skip both. Everything here is pure and total on valid input.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class LinearScale:
    """Piecewise-linear goalposts: worst → 0, target → target_score, best → 100."""

    worst: float
    target: float
    best: float
    target_score: float

    kind: Literal["linear"] = "linear"

    @property
    def higher_is_better(self) -> bool:
        return self.best > self.worst

    def score(self, x: float) -> float:
        return self.evaluate(x)[0]

    def passes(self, x: float) -> bool:
        return self.evaluate(x)[1]

    @property
    def pass_score(self) -> float:
        return self.target_score

    def gap(self, x: float) -> float:
        """How far ``x`` must move (in the measure's unit) to reach the target; 0 if it has."""
        return self.evaluate(x)[2]

    def evaluate(self, x: float) -> tuple[float, bool, float]:
        """``(score, passes, gap)`` of ``x`` in one step (the engine's per-rule call)."""
        w, t, b, ts = self.worst, self.target, self.best, self.target_score
        if not b > w:  # lower is better: mirror so that larger is better (negation is exact)
            w, t, b, x = -w, -t, -b, -x
        if x <= w:
            score = 0.0
        elif x >= b:
            score = 100.0
        elif x < t:
            score = ts * (x - w) / (t - w)
        else:
            # min: b - t can round below x - t (goalposts 10^14 apart with a best 0.01 past target)
            score = min(100.0, ts + (100.0 - ts) * (x - t) / (b - t))
        return score, x >= t, max(0.0, t - x)

    def value_for(self, score: float) -> float:
        """The least-moved value that scores ``score`` (inverse of :meth:`score`)."""
        score = min(100.0, max(0.0, score))
        w, t, b, ts = self.worst, self.target, self.best, self.target_score
        if score <= ts:
            return w + (t - w) * (score / ts if ts else 1.0)
        return t + (b - t) * ((score - ts) / (100.0 - ts) if ts < 100 else 1.0)


@dataclass(frozen=True)
class BandScale:
    """Step scores: below ``edges[0]`` scores ``scores[0]``, and so on up the edges."""

    edges: tuple[float, ...]
    scores: tuple[float, ...]
    target: float
    edge: Literal["upper", "lower"] = "upper"

    kind: Literal["bands"] = "bands"

    @property
    def higher_is_better(self) -> bool:
        return self.scores[-1] >= self.scores[0]

    def band(self, x: float) -> int:
        for i, e in enumerate(self.edges):
            if x < e or (self.edge == "lower" and x == e):
                return i
        return len(self.edges)

    def score(self, x: float) -> float:
        return float(self.scores[self.band(x)])

    @property
    def pass_score(self) -> float:
        return self.score(self.target)

    def passes(self, x: float) -> bool:
        return self.evaluate(x)[1]

    def gap(self, x: float) -> float:
        return self.evaluate(x)[2]

    def evaluate(self, x: float) -> tuple[float, bool, float]:
        """``(score, passes, gap)`` of ``x`` in one step (the engine's per-rule call)."""
        score = self.score(x)
        passed = score >= self.pass_score
        return score, passed, 0.0 if passed else abs(self.target - x)

    def value_for(self, score: float) -> float:
        """The value nearest the bad end whose band scores at least ``score``."""
        order = (
            range(len(self.scores))
            if self.higher_is_better
            else range(len(self.scores) - 1, -1, -1)
        )
        for i in order:
            if self.scores[i] >= score:
                if self.higher_is_better:
                    return self.edges[i - 1] if i > 0 else self.edges[0] - 1.0
                return self.edges[i] if i < len(self.edges) else self.edges[-1] + 1.0
        return self.target


Scale = LinearScale | BandScale


#: Labels of a shares table that stand for a residual spread over many small parties
#: ("all other markets"), not for one party. Compared case-insensitively.
RESIDUAL_LABELS: frozenset[str] = frozenset(
    {"other", "others", "rest", "rest of world", "row", "other countries", "other markets"}
)


def is_residual(label: str) -> bool:
    return label.strip().lower() in RESIDUAL_LABELS


def hhi(shares: Mapping[str, float]) -> float:
    """Herfindahl–Hirschman index of percentage shares: Σ share², from 0 to 10,000.

    A residual label (see :data:`RESIDUAL_LABELS`) is taken as fragmented into parties too small
    to count, so the index is that of the named shares: a lower bound of the true HHI.
    """
    return float(sum(v * v for k, v in shares.items() if not is_residual(k)))


def largest_share(shares: Mapping[str, float]) -> float:
    """The largest single share, in percent; a residual label is not a single party."""
    named = [v for k, v in shares.items() if not is_residual(k)]
    return float(max(named)) if named else 0.0


def cagr_pct(series: Mapping[int, float], years: int = 3) -> tuple[float, int, int] | None:
    """Compound annual growth, in %, from ``years`` before the latest year to the latest.

    Uses the latest year L and the value at L - years; when that year is missing, the earliest
    year after it. Returns (growth, start year, end year), or None when fewer than two
    points fall in the window or the start value is not positive.
    """
    if len(series) < 2:
        return None
    last = max(series)
    window = sorted(y for y in series if last - years <= y < last)
    if not window:
        return None
    first = window[0]
    start, end = series[first], series[last]
    if start <= 0 or end < 0:
        return None
    span = last - first
    growth = 100.0 * ((end / start) ** (1.0 / span) - 1.0)
    # Extreme but valid values (1e-300 then 1e300) overflow to infinity, which JSON cannot
    # carry; the largest float scores the same on every scale.
    return (min(growth, sys.float_info.max), first, last)


def peak_pct(series: Mapping[int, float]) -> tuple[float, int] | None:
    """The latest value as a percentage of the series' peak, and the peak year."""
    if not series:
        return None
    peak_year = max(series, key=lambda y: (series[y], y))
    peak = series[peak_year]
    if peak <= 0:
        return None
    latest = series[max(series)]
    pct = 100.0 * latest / peak
    if math.isinf(pct):  # 100 × a value near the largest float overflows; divide first
        pct = 100.0 * (latest / peak)
    # A latest value far below zero with a peak just above it (where a metric allows negative
    # values) is below -1.8e308 %; as for growth, the largest float scores the same.
    return (max(pct, -sys.float_info.max), peak_year)


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Σ w·s / Σ w over (weight, score) pairs; None when there is no weight."""
    total = sum(w for w, _ in pairs)
    if total <= 0:
        return None
    return sum(w * s for w, s in pairs) / total


def mean(values: Sequence[float], weights: Sequence[float], how: str) -> float | None:
    """Weighted arithmetic or geometric mean of scores in 0–100 (a zero makes geometric 0)."""
    total = sum(weights)
    if not values or total <= 0:
        return None
    if how == "geometric":
        if any(v <= 0 for v in values):
            return 0.0
        m = math.exp(sum(w * math.log(v) for v, w in zip(values, weights)) / total)
    else:
        m = sum(v * w for v, w in zip(values, weights)) / total
    # A mean lies between its values; rounding in exp/log (all 100s gave 100.00000000000004)
    # must not carry a score past 100 or the geometric mean past the arithmetic one.
    return min(max(values), max(min(values), m))
