"""Uncertainty of scores and ranks under the weighting and aggregation assumptions (COINr style).

Each Monte Carlo run scales every rule weight by its own factor drawn uniformly from
[low, high] (the same factor for a rule in every profile: a run is one alternative weighting
of the rule set) and draws the aggregation of diagnostics into the overall score, arithmetic or
geometric, with equal odds. The result for each profile is the median overall score with its
5–95% interval and, across profiles, the median rank with its 5–95% interval.

Fast: rule scores do not depend on weights, so they are taken once from the assessments and
each run only re-aggregates with plain arithmetic, as the engine does (waived rules are left
out, a diagnostic's score is the weighted mean of its assessed rules). Which diagnostics are
scored, and whether a profile has an overall score at all, is taken from the nominal assessment
and held fixed: having enough data is a fact about the data, not about the weighting, so a run
never drops or adds a diagnostic and every run ranks the same profiles. A profile with no
nominal overall score has no distribution.

Deterministic: one ``random.Random(seed)``, drawn in a fixed order; nothing reads the clock or
global random state.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from hemscore.analysis.compare import ranks
from hemscore.base.limits import MAX_FACTOR
from hemscore.engine.assessment import Assessment
from hemscore.model.scoring import mean

DEFAULT_RUNS = 1000
DEFAULT_LOW, DEFAULT_HIGH = 0.5, 1.5
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class Interval:
    """The median of a sample and its 5–95% interval."""

    median: float
    low: float
    high: float


@dataclass(frozen=True)
class ProfileUncertainty:
    """One profile's nominal score and rank, and their spread over the runs."""

    assessment: Assessment
    nominal_score: float | None
    nominal_rank: int | None
    score: Interval | None  # None when no run could score the profile
    rank: Interval | None  # None for a single profile, or when never ranked
    scored_runs: int  # runs in which the profile had an overall score


@dataclass(frozen=True)
class SensitivityResult:
    """The outcome of :func:`run`, with the settings that produced it."""

    runs: int
    seed: int
    low: float
    high: float
    geometric_runs: int
    profiles: tuple[ProfileUncertainty, ...]
    common: tuple[str, ...] | None = None  # --common: the only rules scored (see common.py)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, by linear interpolation (R type 7, NumPy default)."""
    if not sorted_values:
        raise ValueError("quantile of an empty sample")
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def interval(values: Sequence[float]) -> Interval | None:
    """Median and 5–95% interval of a sample (None when empty)."""
    if not values:
        return None
    s = sorted(values)
    low, median, high = (quantile(s, q) for q in QUANTILES)
    return Interval(median, low, high)


@dataclass(frozen=True)
class _Diag:
    weight: float
    assessed: tuple[tuple[int, float, float], ...]  # (rule index, base weight, score)


def _prepare(a: Assessment, index: dict[str, int]) -> tuple[_Diag, ...] | None:
    """The scored diagnostics of an assessment with their rules' scores (None: no overall)."""
    if a.score is None:
        return None
    return tuple(
        _Diag(
            d.weight,
            tuple((index[r.id], r.weight, r.score) for r in d.rules if r.score is not None),
        )
        for d in a.diagnostics
        if d.score is not None and d.weight > 0
    )


def _overall(diags: Sequence[_Diag], factors: Sequence[float], how: str) -> float | None:
    scores: list[float] = []
    weights: list[float] = []
    for d in diags:
        assessed_w = 0.0
        total = 0.0
        for i, w, s in d.assessed:
            fw = factors[i] * w
            assessed_w += fw
            total += fw * s
        if assessed_w > 0:  # 0 only when every factor drawn for the diagnostic is 0 (--low 0)
            scores.append(total / assessed_w)
            weights.append(d.weight)
    return mean(scores, weights, how)


def budget_problem(runs: int, profiles: int, rules: int) -> str | None:
    """Why ``runs`` over ``profiles`` with ``rules`` is beyond the work budget, or None.

    The budget (:mod:`hemscore.limits`): runs × profiles at most ``MAX_PROFILE_RUNS`` (the
    samples kept in memory) and runs × profiles × rules at most ``MAX_WEIGHTED_TERMS`` (the
    arithmetic).
    """
    from hemscore.base import limits

    n = max(profiles, 1)
    if runs * n > limits.MAX_PROFILE_RUNS:
        what = f"{runs:,} runs × {n:,} profiles is {runs * n:,} profile-runs"
        budget, per_run = limits.MAX_PROFILE_RUNS, n
    elif runs * n * rules > limits.MAX_WEIGHTED_TERMS:
        terms = runs * n * rules
        what = f"{runs:,} runs × {n:,} profiles × {rules:,} rules is {terms:,} weighted terms"
        budget, per_run = limits.MAX_WEIGHTED_TERMS, n * rules
    else:
        return None
    return (
        f"{what}, over the budget of {budget:,}: lower --runs to at most "
        f"{budget // per_run:,} for {n:,} profiles, or split them"
    )


def run(
    assessments: Sequence[Assessment],
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    low: float = DEFAULT_LOW,
    high: float = DEFAULT_HIGH,
) -> SensitivityResult:
    """Monte Carlo over rule weights and aggregation for assessments made with one rule set."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    # NaN fails every comparison, so it is refused here too
    if not 0 <= low <= high <= MAX_FACTOR or high == 0:
        raise ValueError(f"need 0 <= low <= high <= {MAX_FACTOR:g} and high > 0")
    if not assessments:
        raise ValueError("no assessments")
    ruleset = assessments[0].ruleset
    problem = budget_problem(runs, len(assessments), len(ruleset.rules))
    if problem:
        raise ValueError(problem)
    index = {
        r.id: i for i, r in enumerate(ruleset.rules)
    }  # rules are sorted by id: a fixed draw order
    prepared = [_prepare(a, index) for a in assessments]
    rng = random.Random(seed)
    samples: list[list[float]] = [[] for _ in assessments]
    rank_samples: list[list[float]] = [[] for _ in assessments]
    geometric = 0
    for _ in range(runs):
        factors = [rng.uniform(low, high) for _ in ruleset.rules]
        how = "geometric" if rng.random() < 0.5 else "arithmetic"
        geometric += how == "geometric"
        scores = [None if diags is None else _overall(diags, factors, how) for diags in prepared]
        for i, s in enumerate(scores):
            if s is not None:
                samples[i].append(s)
        if len(assessments) > 1:
            for i, r in enumerate(ranks(scores)):
                if r is not None:
                    rank_samples[i].append(float(r))
    nominal_ranks = ranks([a.score for a in assessments])
    many = len(assessments) > 1
    profiles = tuple(
        ProfileUncertainty(
            assessment=a,
            nominal_score=a.score,
            nominal_rank=nominal_ranks[i] if many else None,
            score=interval(samples[i]),
            rank=interval(rank_samples[i]) if many else None,
            scored_runs=len(samples[i]),
        )
        for i, a in enumerate(assessments)
    )
    return SensitivityResult(runs, seed, low, high, geometric, profiles)
