"""Variance-based uncertainty and sensitivity analysis over the modelling choices (``--factor``).

``hemscore sensitivity --factor ...`` treats each modelling choice a user switches on as a
*factor group* and asks how much of the spread of each profile's overall score and rank each
group explains (first-order and total Sobol' indices), in the manner of the JRC's audits of
composite indicators. The groups:

- ``weights``: every rule weight × its own factor from ``[low, high]``;
- ``diagnostic-weights``: every diagnostic weight × its own factor from ``[low, high]``;
- ``goalposts``: for each linear rule, the distance from its target to ``worst`` and the
  distance to ``best`` × two factors from ``[low, high]``; for each band rule, the distance of
  each edge from the target × the factor of its side (edges on the bad side of the target share
  one factor, edges on the good side another). The targets stay where they are;
- ``normalisation``: the rule's own scale (goalposts), or panel min–max (the profiles analysed,
  100 × (x − min) / (max − min), oriented by the rule), or panel rank (percentile rank, ties
  averaged); a rule whose measure is the same for every profile with data scores 50 under
  min–max and rank; boolean rules score 0 or 100 under every normalisation;
- ``aggregation``: arithmetic or geometric mean of the diagnostics;
- ``missing``: a rule with no value is left out (the engine's way) or imputed with the median
  of that rule's scores over the profiles that have it, in that run;
- ``inclusion``: no rule left out, or one rule with data (in any profile) left out;
- ``estimates``: values whose source starts ``estimate:`` kept, or dropped (then missing).

A group that is not switched on stays at the nominal choice (the rule set as written, the
``--aggregation`` given, missing values left out, every rule and every estimate kept).

Every run is exactly what :func:`hemscore.engine.assessment.assess` gives on a changed rule set
and profile (:func:`reference_assessments` builds them and calls the engine): coverage floors
are applied in each run as the engine applies them, so a profile may be scored in some runs and
not in others. The fast path (:func:`evaluate`) computes the same numbers for thousands of runs
at once with NumPy; a test holds the two equal to 1e-9.

Sampling: Saltelli's design on scrambled Sobol' points (``scipy.stats.qmc.Sobol``): two base
matrices A and B of N rows, and for each group g the matrix A with the group's columns taken
from B, so N·(d + 2) runs for d groups. The indices are SciPy's (``scipy.stats.sobol_indices``,
the Saltelli 2010 first-order and Jansen total-order estimators) and their confidence intervals
SciPy's percentile bootstrap over the N rows (``scipy.stats.bootstrap``). Medians and 5–95%
intervals of scores and ranks are taken over the 2N runs of A and B.

NumPy and SciPy come from the ``stats`` extra and are imported only here.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hemscore.base.limits import MAX_FACTOR, MAX_PROFILE_RUNS, MAX_WEIGHTED_TERMS
from hemscore.engine.assessment import Assessment, assess
from hemscore.model.methods.bands import Bands
from hemscore.model.methods.scale_bands import BandScale
from hemscore.model.methods.scale_linear import LinearScale
from hemscore.model.profile import MetricValue, Profile
from hemscore.model.rules import Rule, RuleSet

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float64]

#: The factor groups, in the order they are reported.
GROUPS: tuple[str, ...] = (
    "weights",
    "diagnostic-weights",
    "goalposts",
    "normalisation",
    "aggregation",
    "missing",
    "inclusion",
    "estimates",
)
NORMALISATIONS: tuple[str, ...] = ("goalposts", "minmax", "rank")
AGGREGATION_LEVELS: tuple[str, ...] = ("arithmetic", "geometric")
_RANGED = {"weights": 0.5, "diagnostic-weights": 0.5, "goalposts": 0.2}
_LEVELLED = {"normalisation": NORMALISATIONS, "aggregation": AGGREGATION_LEVELS}
DEFAULT_SAMPLES = 1024
DEFAULT_RESAMPLES = 200
MIN_SAMPLES, MAX_SAMPLES = 8, 65_536
MAX_RESAMPLES = 10_000
CONFIDENCE = 0.95
QUANTILES = (0.05, 0.5, 0.95)
#: A profile "stays" when its rank is within this many places of its simulated median rank.
RANK_BAND = 3
#: Largest goalpost factor: a span ten times as wide already makes a rule almost flat.
MAX_GOALPOST_FACTOR = 10.0
_TIE_DIGITS = 6  # as compare.ranks: scores equal to 6 decimals are tied


class FactorError(ValueError):
    """A factor group that cannot be run as asked (the CLI reports it, exit 2)."""


@dataclass(frozen=True)
class Factor:
    """One factor group as the user asked for it."""

    name: str
    low: float | None = None  # ranged groups: the factor's range
    high: float | None = None
    levels: tuple[str, ...] = ()  # normalisation, aggregation: the choices drawn

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {"group": self.name}
        if self.low is not None:
            out["low"], out["high"] = self.low, self.high
        if self.levels:
            out["levels"] = list(self.levels)
        return out


def _finite(text: str, what: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise FactorError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(x):
        raise FactorError(f"{what}: bounds must be finite numbers (got {text})")
    return x


def parse_factor(text: str) -> Factor:
    """``NAME`` or ``NAME=VALUE`` of ``--factor`` (see docs/sensitivity.md)."""
    name, sep, value = text.partition("=")
    name = name.strip().lower().replace("_", "-")
    if name == "normalization":
        name = "normalisation"
    what = f"--factor {text}"
    if name not in GROUPS:
        raise FactorError(f"{what}: unknown factor group (groups: {', '.join(GROUPS)})")
    value = value.strip()
    if sep and not value:
        raise FactorError(f"{what}: give a value after = or leave the = out")
    if name in _RANGED:
        top = MAX_GOALPOST_FACTOR if name == "goalposts" else MAX_FACTOR
        if not value:
            share = _RANGED[name]
            return Factor(name, 1.0 - share, 1.0 + share)
        if ":" in value:
            lo_text, _, hi_text = value.partition(":")
            lo, hi = _finite(lo_text, what), _finite(hi_text, what)
            if lo > hi:
                raise FactorError(f"{what}: range out of order ({lo:g} is above {hi:g})")
            if lo == hi:
                raise FactorError(f"{what}: the range {lo:g}:{hi:g} has nothing to vary")
            floor_ok = lo > 0 if name == "goalposts" else lo >= 0
            if not floor_ok or hi > top:
                low_rule = "above 0" if name == "goalposts" else "at least 0"
                raise FactorError(
                    f"{what}: the range must lie within 0–{top:g}, its low end {low_rule}"
                )
            return Factor(name, lo, hi)
        share = _finite(value, what)
        if not 0 < share <= 1.0 or (name == "goalposts" and share >= 1.0):
            bound = "below 1" if name == "goalposts" else "at most 1"
            raise FactorError(
                f"{what}: a share must be above 0 and {bound} (the factor runs from 1 − share "
                f"to 1 + share); give LOW:HIGH for another range"
            )
        return Factor(name, 1.0 - share, 1.0 + share)
    if name in _LEVELLED:
        known = _LEVELLED[name]
        if not value:
            return Factor(name, levels=known)
        levels = [v.strip().lower().replace("min-max", "minmax") for v in value.split(",")]
        for v in levels:
            if v not in known:
                raise FactorError(f"{what}: unknown choice {v!r} (choices: {', '.join(known)})")
        chosen = tuple(k for k in known if k in levels)
        if len(chosen) < 2:
            raise FactorError(f"{what}: one choice leaves nothing to vary; name at least two")
        return Factor(name, levels=chosen)
    if value:
        raise FactorError(f"{what}: the group {name} takes no value")
    return Factor(name)


def check_factors(factors: Sequence[Factor]) -> None:
    """Refuse a group given twice, or no group."""
    seen: set[str] = set()
    for f in factors:
        if f.name in seen:
            raise FactorError(f"--factor {f.name} is given twice")
        seen.add(f.name)
    if not factors:
        raise FactorError("no --factor given")


def check_samples(n: int) -> None:
    """Saltelli sampling on Sobol' points needs N a power of 2 (their balance properties)."""
    if n < MIN_SAMPLES or n > MAX_SAMPLES or n & (n - 1):
        raise FactorError(
            f"--samples {n}: Saltelli sampling on Sobol' points needs a power of 2 from "
            f"{MIN_SAMPLES} to {MAX_SAMPLES:,} (e.g. 512 or 1024)"
        )


def check_resamples(n: int) -> None:
    if n != 0 and not 100 <= n <= MAX_RESAMPLES:
        raise FactorError(
            f"--bootstrap {n}: give 0 (no confidence intervals) or 100 to {MAX_RESAMPLES:,} "
            "resamples"
        )


# --- what the profiles hold, rule by rule ---------------------------------------------------

NOT_APPLICABLE, WAIVED, MISSING, ASSESSED = 0, 1, 2, 3


@dataclass(frozen=True)
class _RuleData:
    """One rule across the profiles, from their nominal assessments."""

    rule: Rule
    index: int  # position in the rule set
    diag: int  # position of its diagnostic
    status: tuple[int, ...]  # per profile
    measure: tuple[float, ...]  # per profile; NaN unless assessed (booleans: their score)
    score: tuple[float, ...]  # nominal score per profile; NaN unless assessed
    estimate: tuple[bool, ...]  # per profile: the value is marked as an estimate
    graded: bool  # a linear or band scale (goalposts and normalisation apply)


@dataclass(frozen=True)
class Panel:
    """The profiles, the rule set and what every rule found in every profile."""

    assessments: tuple[Assessment, ...]
    ruleset: RuleSet
    rules: tuple[_RuleData, ...]
    min_coverage: float
    aggregation: str  # the nominal aggregation

    @property
    def candidates(self) -> tuple[int, ...]:
        """The rules ``inclusion`` may leave out: those assessed in at least one profile."""
        return tuple(rd.index for rd in self.rules if ASSESSED in rd.status)


def prepare(assessments: Sequence[Assessment]) -> Panel:
    """What :func:`evaluate` needs from the nominal assessments (one rule set, one floor)."""
    if not assessments:
        raise FactorError("no profiles to analyse")
    first = assessments[0]
    ruleset = first.ruleset
    diag_index = {d.id: i for i, d in enumerate(ruleset.diagnostics)}
    nan = math.nan
    by_profile = [{r.id: r for r in a.results} for a in assessments]
    rules = []
    for i, rule in enumerate(ruleset.rules):
        status, measure, score, estimate = [], [], [], []
        for results in by_profile:
            r = results.get(rule.id)
            if r is None:
                status.append(NOT_APPLICABLE)
            elif r.status == "waived":
                status.append(WAIVED)
            elif r.score is None:
                status.append(MISSING)
            else:
                status.append(ASSESSED)
            ok = r is not None and r.score is not None
            if ok and r is not None and rule.scale is not None:
                measure.append(float(r.value))  # type: ignore[arg-type]
            else:
                measure.append(r.score if ok and r is not None and r.score is not None else nan)
            score.append(r.score if r is not None and r.score is not None else nan)
            estimate.append(bool(r is not None and r.input is not None and r.input.is_estimate))
        rules.append(
            _RuleData(
                rule,
                i,
                diag_index[rule.diagnostic],
                tuple(status),
                tuple(measure),
                tuple(score),
                tuple(estimate),
                rule.scale is not None,
            )
        )
    return Panel(tuple(assessments), ruleset, tuple(rules), first.min_coverage, first.aggregation)


def nothing_to_vary(panel: Panel, factor: Factor) -> str | None:
    """Why switching ``factor`` on could change nothing for these profiles, or None."""
    rules = panel.rules
    applicable = [rd for rd in rules if any(s in (MISSING, ASSESSED) for s in rd.status)]
    name = f"--factor {factor.name}"
    if factor.name == "weights":
        per_diag: dict[int, int] = {}
        for rd in applicable:
            per_diag[rd.diag] = per_diag.get(rd.diag, 0) + 1
        if not any(n >= 2 for n in per_diag.values()):
            return f"{name}: no diagnostic has two rules that apply to these profiles, so rule weights change nothing"
    elif factor.name in ("diagnostic-weights", "aggregation"):
        weights = {d.id: d.weight for d in panel.ruleset.diagnostics}
        diags = {
            rd.diag
            for rd in rules
            if ASSESSED in rd.status and weights[panel.ruleset.diagnostics[rd.diag].id] > 0
        }
        if len(diags) < 2:
            return f"{name}: fewer than two diagnostics have data in these profiles, so there is nothing to combine differently"
    elif factor.name == "goalposts":
        if not any(rd.graded and ASSESSED in rd.status for rd in rules):
            return f"{name}: no rule with goalposts or bands has data in these profiles"
    elif factor.name == "normalisation":
        if not any(rd.graded and ASSESSED in rd.status for rd in rules):
            return f"{name}: no rule with a scale (linear or bands) has data in these profiles"
    elif factor.name == "missing":
        gaps = any(
            ASSESSED in rd.status and (MISSING in rd.status or any(rd.estimate)) for rd in rules
        )
        if not gaps:
            return f"{name}: no profile lacks a value that another profile has, so there is nothing to impute"
    elif factor.name == "inclusion":
        if len(panel.candidates) < 2:
            return f"{name}: fewer than two rules have data, so leaving one out leaves nothing to score"
    elif factor.name == "estimates" and not any(
        e and s == ASSESSED for rd in rules for e, s in zip(rd.estimate, rd.status)
    ):
        return (
            f"{name}: no scored value is marked as an estimate (a source starting "
            '"estimate:"), so there is nothing to drop'
        )
    return None


# --- the runs -------------------------------------------------------------------------------


@dataclass
class Draws:
    """The choices of M runs, one row per run (NumPy arrays)."""

    rule_factor: Array  # (M, R)
    diag_factor: Array  # (M, K)
    bad: Array  # (M, R) goalpost factor on the bad side of each rule's target
    good: Array  # (M, R) on the good side
    norm: Any  # (M,) int: index into NORMALISATIONS
    geometric: Any  # (M,) bool
    impute: Any  # (M,) bool
    leave_out: Any  # (M,) int: rule index left out, -1 for none
    drop: Any  # (M,) bool: estimates dropped

    @property
    def runs(self) -> int:
        return int(self.norm.shape[0])


def nominal_draws(panel: Panel, runs: int) -> Draws:
    """``runs`` runs at the nominal choices."""
    import numpy as np

    r, k = len(panel.ruleset.rules), len(panel.ruleset.diagnostics)
    return Draws(
        np.ones((runs, r)),
        np.ones((runs, k)),
        np.ones((runs, r)),
        np.ones((runs, r)),
        np.zeros(runs, dtype=np.int64),
        np.full(runs, panel.aggregation == "geometric"),
        np.zeros(runs, dtype=bool),
        np.full(runs, -1, dtype=np.int64),
        np.zeros(runs, dtype=bool),
    )


def _columns(panel: Panel, factors: Sequence[Factor]) -> dict[str, list[int]]:
    """The columns of the unit hypercube each group draws (its uncertain inputs)."""
    r, k = len(panel.ruleset.rules), len(panel.ruleset.diagnostics)
    sizes = {
        "weights": r,
        "diagnostic-weights": k,
        "goalposts": 2 * r,
    }
    cols: dict[str, list[int]] = {}
    at = 0
    for f in factors:
        n = sizes.get(f.name, 1)
        cols[f.name] = list(range(at, at + n))
        at += n
    return cols


def draws_from_unit(panel: Panel, factors: Sequence[Factor], u: Array) -> Draws:
    """Map points of the unit hypercube (rows of ``u``) to the choices of runs."""
    import numpy as np

    m = u.shape[0]
    d = nominal_draws(panel, m)
    cols = _columns(panel, factors)
    r = len(panel.ruleset.rules)

    def level(c: list[int], n: int) -> Any:
        return np.minimum((u[:, c[0]] * n).astype(np.int64), n - 1)

    for f in factors:
        c = cols[f.name]
        if f.low is not None and f.high is not None:
            block = f.low + u[:, c] * (f.high - f.low)
            if f.name == "weights":
                d.rule_factor = block
            elif f.name == "diagnostic-weights":
                d.diag_factor = block
            else:
                d.bad, d.good = block[:, :r], block[:, r:]
        elif f.name == "normalisation":
            idx = np.array([NORMALISATIONS.index(x) for x in f.levels])
            d.norm = idx[level(c, len(f.levels))]
        elif f.name == "aggregation":
            d.geometric = level(c, 2) == 1
        elif f.name == "missing":
            d.impute = level(c, 2) == 1
        elif f.name == "estimates":
            d.drop = level(c, 2) == 1
        elif f.name == "inclusion":
            cand = np.array((-1, *panel.candidates))
            d.leave_out = cand[level(c, len(cand))]
    return d


# --- scales per run -------------------------------------------------------------------------


def moved_scale(rule: Rule, bad: float, good: float) -> LinearScale | BandScale | None:
    """The rule's scale with its goalposts moved: distances from the target × the factors."""
    s = rule.scale
    if isinstance(s, LinearScale):
        t = s.target
        return LinearScale(t - bad * (t - s.worst), t, t + good * (s.best - t), s.target_score)
    if isinstance(s, BandScale):
        t = s.target
        rising = s.higher_is_better
        edges = []
        for e in s.edges:
            bad_side = (e < t) if rising else (e > t)
            edges.append(t + (bad if bad_side else good) * (e - t))
        return BandScale(tuple(edges), s.scores, t, s.edge)
    return None


def _higher_is_better(rule: Rule) -> bool:
    assert rule.scale is not None
    return rule.scale.higher_is_better


def panel_scale(rule: Rule, values: Sequence[float], how: str) -> LinearScale | BandScale:
    """A scale that gives ``how`` ("minmax" or "rank") of a value among ``values``."""
    hib = _higher_is_better(rule)
    lo, hi = min(values), max(values)
    if lo == hi:
        return BandScale((lo,), (50.0, 50.0), lo, "upper")
    if how == "minmax":
        mid = lo + (hi - lo) / 2
        if hib:
            return LinearScale(lo, mid, hi, 50.0)
        return LinearScale(hi, mid, lo, 50.0)
    distinct = sorted(set(values))
    n = len(values)
    ordered = sorted(values)
    scores = []
    for v in distinct:
        below = sum(1 for x in ordered if x < v)
        ties = sum(1 for x in ordered if x == v)
        avg = below + (ties + 1) / 2  # 1-based average rank, ascending
        pct = 100.0 * (avg - 1) / (n - 1)
        scores.append(pct if hib else 100.0 - pct)
    return BandScale(tuple(distinct), (scores[0], *scores), distinct[0], "upper")


def _present(rd: _RuleData, drop: bool) -> list[bool]:
    return [s == ASSESSED and not (drop and e) for s, e in zip(rd.status, rd.estimate)]


def _panel_scores(rd: _RuleData, how: str, drop: bool) -> list[float]:
    """Every profile's score on the rule under panel normalisation ``how`` (NaN: no value)."""
    present = _present(rd, drop)
    values = [x for x, ok in zip(rd.measure, present) if ok]
    if not values:
        return [math.nan] * len(present)
    scale = panel_scale(rd.rule, values, how)
    return [scale.evaluate(x)[0] if ok else math.nan for x, ok in zip(rd.measure, present)]


# --- the fast path --------------------------------------------------------------------------


def _linear_scores(x: Array, s: LinearScale, bad: Array, good: Array) -> Array:
    """LinearScale.evaluate for every run (rows) and profile (columns), moved goalposts."""
    import numpy as np

    t, ts = s.target, s.target_score
    w = (t - bad * (t - s.worst))[:, None]
    b = (t + good * (s.best - t))[:, None]
    xv = x[None, :]
    tt = t
    if not s.best > s.worst:
        w, b, xv, tt = -w, -b, -xv, -t
    with np.errstate(divide="ignore", invalid="ignore"):
        low = ts * (xv - w) / (tt - w)
        high = np.minimum(100.0, ts + (100.0 - ts) * (xv - tt) / (b - tt))
    out = np.where(xv < tt, low, high)
    out = np.where(xv >= b, 100.0, out)
    out = np.where(xv <= w, 0.0, out)
    return np.asarray(out, dtype=np.float64)


def _band_scores(x: Array, s: BandScale, bad: Array, good: Array) -> Array:
    import numpy as np

    t = s.target
    rising = s.higher_is_better
    count = np.zeros((bad.shape[0], x.shape[0]), dtype=np.int64)
    for e in s.edges:
        bad_side = (e < t) if rising else (e > t)
        edge = (t + (bad if bad_side else good) * (e - t))[:, None]
        count += (edge <= x[None, :]) if s.edge == "upper" else (edge < x[None, :])
    return np.asarray(np.asarray(s.scores, dtype=np.float64)[count], dtype=np.float64)


def _rule_scores(rd: _RuleData, draws: Draws, goalposts_on: bool) -> Array:
    """The rule's score in every run and profile (NaN: not scored), before imputation."""
    import numpy as np

    m = draws.runs
    p = len(rd.status)
    measure = np.asarray(rd.measure, dtype=np.float64)
    nominal = np.asarray(rd.score, dtype=np.float64)
    scale = rd.rule.scale
    x = np.where(np.isnan(measure), 0.0, measure)
    bad, good = draws.bad[:, rd.index], draws.good[:, rd.index]
    if goalposts_on and isinstance(scale, LinearScale):
        own = _linear_scores(x, scale, bad, good)
    elif goalposts_on and isinstance(scale, BandScale):
        own = _band_scores(x, scale, bad, good)
    else:  # no goalposts to move (a yes-or-no rule, or a scale moved_scale does not move)
        own = np.broadcast_to(nominal, (m, p))
    est = np.asarray(rd.estimate)
    present = (np.asarray(rd.status) == ASSESSED)[None, :] & ~(draws.drop[:, None] & est[None, :])
    scores = own
    if rd.graded and np.any(draws.norm != 0):
        for level in (1, 2):
            runs = draws.norm == level
            if not np.any(runs):
                continue
            how = NORMALISATIONS[level]
            kept = np.asarray(_panel_scores(rd, how, False))
            dropped = np.asarray(_panel_scores(rd, how, True)) if any(rd.estimate) else kept
            alt = np.where(draws.drop[:, None], dropped[None, :], kept[None, :])
            scores = np.where(runs[:, None], alt, scores)
    return np.where(present, scores, np.nan)


def _slice(draws: Draws, start: int, stop: int) -> Draws:
    return Draws(*(getattr(draws, f.name)[start:stop] for f in dataclasses.fields(draws)))


def evaluate(panel: Panel, draws: Draws, goalposts_on: bool = True) -> Array:
    """Every profile's overall score in every run (rows: runs; NaN: no overall score).

    The engine's arithmetic, vectorised over runs: rule scores, weighted diagnostic means with
    the coverage floor, then the overall mean of the scored diagnostics with the floor. Runs
    are taken in blocks of about 100,000 profile-runs, which bounds the memory (each run is
    computed on its own, so the blocks do not change a number).
    """
    import numpy as np

    block = max(1, 100_000 // max(1, len(panel.assessments)))
    parts = [
        _evaluate(panel, _slice(draws, start, start + block), goalposts_on)
        for start in range(0, draws.runs, block)
    ]
    return np.asarray(np.concatenate(parts), dtype=np.float64)


def _evaluate(panel: Panel, draws: Draws, goalposts_on: bool) -> Array:
    import numpy as np

    m = draws.runs
    ps = len(panel.assessments)
    k = len(panel.ruleset.diagnostics)
    app = np.zeros((k, m, ps))
    got = np.zeros((k, m, ps))
    tot = np.zeros((k, m, ps))
    for rd in panel.rules:
        status = np.asarray(rd.status)
        applicable = (status == MISSING) | (status == ASSESSED)
        if not applicable.any():
            continue
        included = (draws.leave_out != rd.index)[:, None]
        scores = _rule_scores(rd, draws, goalposts_on)
        if np.any(draws.impute):
            have = ~np.isnan(scores)
            any_have = have.any(axis=1)
            med = np.full(m, np.nan)
            if any_have.any():
                with np.errstate(all="ignore"):
                    med[any_have] = np.nanmedian(scores[any_have], axis=1)
            fill = draws.impute[:, None] & applicable[None, :] & ~have
            scores = np.where(fill, med[:, None], scores)
        w = (rd.rule.weight * draws.rule_factor[:, rd.index])[:, None]
        w_app = np.where(included & applicable[None, :], w, 0.0)
        assessed = included & ~np.isnan(scores)
        app[rd.diag] += w_app
        got[rd.diag] += np.where(assessed, w, 0.0)
        tot[rd.diag] += np.where(assessed, w * np.where(assessed, scores, 0.0), 0.0)
    floor = panel.min_coverage
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(app > 0, got / app, 0.0)
        dscore = np.minimum(100.0, tot / got)
    dscored = (got > 0) & (cover + 1e-12 >= floor)
    dweights = np.array([d.weight for d in panel.ruleset.diagnostics])
    dw = dweights[None, :] * draws.diag_factor  # (M, K)
    counted = (dw > 0).T[:, :, None]  # (K, M, 1)
    applicable_total = np.where(counted, app, 0.0).sum(axis=0)
    assessed_total = np.where(counted, got, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(applicable_total > 0, assessed_total / applicable_total, 0.0)
    use = dscored & counted
    wts = np.where(use, dw.T[:, :, None], 0.0)
    wsum = wts.sum(axis=0)
    vals = np.where(use, dscore, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        arith = (vals * wts).sum(axis=0) / wsum
        logs = np.where(use & (vals > 0), np.log(np.where(vals > 0, vals, 1.0)), 0.0)
        geo = np.exp((wts * logs).sum(axis=0) / wsum)
    geo = np.where((use & (vals <= 0)).any(axis=0), 0.0, geo)
    overall = np.where(draws.geometric[:, None], geo, arith)
    vmax = np.where(use, dscore, -np.inf).max(axis=0)
    vmin = np.where(use, dscore, np.inf).min(axis=0)
    overall = np.minimum(vmax, np.maximum(vmin, overall))
    ok = use.any(axis=0) & (wsum > 0) & (coverage + 1e-12 >= floor)
    return np.asarray(np.where(ok, overall, np.nan), dtype=np.float64)


def rank_rows(scores: Array) -> Array:
    """Competition ranks (1 = best) within each run; NaN for a profile with no score."""
    import numpy as np

    keyed = np.round(scores, _TIE_DIGITS)
    out = np.full(scores.shape, np.nan)
    chunk = max(1, 4_000_000 // max(1, scores.shape[1] ** 2))
    for start in range(0, scores.shape[0], chunk):
        k = keyed[start : start + chunk]
        valid = ~np.isnan(k)
        above = (k[:, None, :] > k[:, :, None]) & valid[:, None, :]
        out[start : start + chunk] = np.where(valid, 1.0 + above.sum(axis=2), np.nan)
    return out


# --- the engine's own answer, for the tests -------------------------------------------------


def reference_assessments(
    panel: Panel, draws: Draws, m: int, goalposts_on: bool = True
) -> list[Assessment]:
    """Run ``m`` of ``draws`` through the engine itself: each profile assessed with the run's
    rule set (weights scaled, goalposts moved or replaced by panel scales, a rule left out) and
    the run's profile (estimates dropped; a missing value imputed by a stand-in metric that the
    imputing rule scores at the panel median). What :func:`evaluate` must equal."""
    rs = panel.ruleset
    drop = bool(draws.drop[m])
    level = NORMALISATIONS[int(draws.norm[m])]
    leave = int(draws.leave_out[m])
    rules: list[Rule] = []
    left_out = list(rs.left_out)
    per_rule_scores: dict[str, list[float]] = {}
    for rd in panel.rules:
        rule = rd.rule
        weight = rule.weight * float(draws.rule_factor[m, rd.index])
        scale = rule.scale
        if scale is not None:
            if level == "goalposts" and goalposts_on:
                scale = moved_scale(
                    rule, float(draws.bad[m, rd.index]), float(draws.good[m, rd.index])
                )
            elif level != "goalposts":
                present = _present(rd, drop)
                values = [x for x, ok in zip(rd.measure, present) if ok]
                if values:
                    scale = panel_scale(rule, values, level)
        scoring = rule.scoring if scale is None else rule.scoring.with_scale(scale)
        new = dataclasses.replace(rule, weight=weight, scoring=scoring)
        if rd.index == leave:
            left_out.append(new)
            continue
        rules.append(new)
        # the rule's score in every profile that has it, in this run (for the median)
        per_rule_scores[rule.id] = [
            s
            for s, ok in zip(_scores_with(new, rd, panel), _present(rd, drop))
            if ok and not math.isnan(s)
        ]
    diags = tuple(
        dataclasses.replace(d, weight=d.weight * float(draws.diag_factor[m, i]))
        for i, d in enumerate(rs.diagnostics)
    )
    base = dataclasses.replace(rs, rules=tuple(rules), diagnostics=diags, left_out=tuple(left_out))
    how = "geometric" if bool(draws.geometric[m]) else "arithmetic"
    out = []
    for pi, a in enumerate(panel.assessments):
        prof = a.profile
        if drop:
            prof = dataclasses.replace(
                prof, values={k: v for k, v in prof.values.items() if not v.is_estimate}
            )
        ruleset = base
        if bool(draws.impute[m]):
            ruleset, prof = _impute(panel, base, prof, pi, per_rule_scores, drop)
        out.append(
            assess(prof, ruleset, aggregation=how, min_coverage=panel.min_coverage, strict=a.strict)
        )
    return out


def _scores_with(rule: Rule, rd: _RuleData, panel: Panel) -> list[float]:
    if rule.scale is None:
        return list(rd.score)
    return [
        rule.scale.evaluate(x)[0] if s == ASSESSED else math.nan
        for x, s in zip(rd.measure, rd.status)
    ]


def _impute(
    panel: Panel,
    ruleset: RuleSet,
    prof: Profile,
    pi: int,
    per_rule: dict[str, list[float]],
    drop: bool,
) -> tuple[RuleSet, Profile]:
    rules = []
    values = dict(prof.values)
    by_id = {rd.rule.id: rd for rd in panel.rules}
    for rule in ruleset.rules:
        rd = by_id[rule.id]
        have = _present(rd, drop)[pi]
        scores = per_rule.get(rule.id, [])
        if rd.status[pi] in (MISSING, ASSESSED) and not have and scores:
            med = statistics.median(scores)
            metric = f"_imputed.{rule.id}"
            values[metric] = MetricValue(metric, 0.0)
            rule = dataclasses.replace(
                rule, metric=metric, scoring=Bands(BandScale((1.0,), (med, med), 1.0, "upper"))
            )
        rules.append(rule)
    return dataclasses.replace(ruleset, rules=tuple(rules)), dataclasses.replace(
        prof, values=values
    )


# --- the analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    median: float
    low: float
    high: float


@dataclass(frozen=True)
class Index:
    """One group's first-order and total index of one output, with confidence intervals."""

    first: float
    total: float
    first_ci: tuple[float, float] | None
    total_ci: tuple[float, float] | None


@dataclass(frozen=True)
class Output:
    """The spread of one profile's score or rank, and the indices of every group."""

    interval: Interval | None
    runs_scored: int  # of all N·(d + 2) runs
    variance: float | None  # over the A and B runs; None when not scored in every run
    indices: dict[str, Index] | None  # None: not scored in every run, or no spread


@dataclass(frozen=True)
class ProfileResult:
    assessment: Assessment
    nominal_score: float | None
    nominal_rank: int | None
    score: Output
    rank: Output | None  # None for a single profile


@dataclass(frozen=True)
class LeaveOut:
    """The ranks with one rule left out, everything else nominal."""

    rule: Rule
    shifts: tuple[int | None, ...]  # per profile: rank without the rule − nominal rank


@dataclass(frozen=True)
class UncertaintyResult:
    factors: tuple[Factor, ...]
    samples: int
    runs: int
    seed: int
    resamples: int
    library: str
    profiles: tuple[ProfileResult, ...]
    leave_one_out: tuple[LeaveOut, ...]
    within_nominal: tuple[int, int] | None  # (profiles whose nominal rank is within ±3, of)
    within_interval: tuple[int, int] | None  # (profiles whose 5–95% rank interval is within ±3)
    common: tuple[str, ...] | None = None


#: Bootstrap resamples × runs × profiles: each resample recomputes the indices of a profile's
#: score and rank over all the runs. 2 × 10⁹ takes about a minute on one core; the default
#: (200 resamples) over the largest run the first budget allows stays at a tenth of it.
MAX_BOOTSTRAP_TERMS = 2_000_000_000


def budget_problem(
    samples: int, groups: int, profiles: int, rules: int, resamples: int = 0
) -> str | None:
    """Why N·(d + 2) runs over these profiles and rules exceed the work budget, or None."""
    runs = samples * (groups + 2)
    n = max(profiles, 1)
    if resamples * runs * n > MAX_BOOTSTRAP_TERMS:
        return (
            f"--bootstrap {resamples} over {runs:,} runs × {n:,} profiles is "
            f"{resamples * runs * n:,} resampled terms, over the budget of "
            f"{MAX_BOOTSTRAP_TERMS:,}: lower --bootstrap or --samples"
        )
    if runs * n > MAX_PROFILE_RUNS:
        return (
            f"--samples {samples} with {groups} groups is {runs:,} runs × {n:,} profiles = "
            f"{runs * n:,} profile-runs, over the budget of {MAX_PROFILE_RUNS:,}: lower --samples"
        )
    if runs * n * rules > MAX_WEIGHTED_TERMS:
        return (
            f"--samples {samples} with {groups} groups over {n:,} profiles and {rules:,} rules is "
            f"{runs * n * rules:,} weighted terms, over the budget of {MAX_WEIGHTED_TERMS:,}: "
            "lower --samples"
        )
    return None


def _interval(values: Any) -> Interval | None:
    import numpy as np

    v = values[~np.isnan(values)]
    if v.size == 0:
        return None
    low, med, high = (float(x) for x in np.quantile(v, QUANTILES))
    return Interval(med, low, high)


def _indices(
    f_a: Any, f_b: Any, f_ab: Any, names: Sequence[str], resamples: int, seed: int
) -> tuple[list[dict[str, Index] | None], list[float | None]]:
    """SciPy's Sobol' indices of each output (rows), with bootstrap intervals."""
    import numpy as np
    from scipy import stats  # type: ignore[import-untyped]

    s, n = f_a.shape
    out: list[dict[str, Index] | None] = [None] * s
    variances: list[float | None] = [None] * s
    finite = np.isfinite(f_a).all(axis=1) & np.isfinite(f_b).all(axis=1)
    finite &= np.isfinite(f_ab).all(axis=(0, 2))
    var = np.full(s, np.nan)
    var[finite] = np.var(np.concatenate([f_a[finite], f_b[finite]], axis=1), axis=1)
    for i in np.flatnonzero(finite):
        variances[i] = float(var[i])
    keep = np.flatnonzero(finite & (var > 0))
    if keep.size == 0:
        return out, variances
    rows = keep
    if keep.size == 1:
        # one output and one group: SciPy squeezes the indices to a scalar and then fails to
        # assign into it, so the output goes in twice (the copy is dropped below)
        rows = np.concatenate([keep, keep])
    a, b, ab = f_a[rows], f_b[rows], f_ab[:, rows]
    res = stats.sobol_indices(func={"f_A": a, "f_B": b, "f_AB": ab}, n=n)
    first = np.atleast_2d(res.first_order).reshape(rows.size, len(names))
    total = np.atleast_2d(res.total_order).reshape(rows.size, len(names))
    lo_hi: Any = None
    if resamples:
        per = (ab.shape[0] + 2) * rows.size * n
        batch = max(1, 1_000_000 // per)

        def statistic(idx: Any, axis: int = -1) -> Any:
            idx = np.asarray(idx)
            lead = idx.shape[:-1]
            flat = idx.reshape(-1, n)
            k = flat.shape[0]
            fa = a[:, flat].reshape(rows.size * k, n)
            fb = b[:, flat].reshape(rows.size * k, n)
            fab = ab[:, :, flat].reshape(ab.shape[0], rows.size * k, n)
            with np.errstate(all="ignore"):
                r = stats.sobol_indices(func={"f_A": fa, "f_B": fb, "f_AB": fab}, n=n)
            fo = np.asarray(r.first_order).reshape(rows.size, k, len(names))
            to = np.asarray(r.total_order).reshape(rows.size, k, len(names))
            both = np.stack([fo, to])  # (2, s, k, d)
            return np.moveaxis(both, 2, -1).reshape(2, rows.size, len(names), *lead)

        boot = stats.bootstrap(
            (np.arange(n),),
            statistic,
            n_resamples=resamples,
            batch=batch,
            vectorized=True,
            method="percentile",
            confidence_level=CONFIDENCE,
            rng=np.random.default_rng([seed, 1]),
        )
        lo_hi = (
            np.asarray(boot.confidence_interval.low),
            np.asarray(boot.confidence_interval.high),
        )
    for j, i in enumerate(keep):
        entry = {}
        for g, name in enumerate(names):
            fci = tci = None
            if lo_hi is not None:
                fci = (float(lo_hi[0][0, j, g]), float(lo_hi[1][0, j, g]))
                tci = (float(lo_hi[0][1, j, g]), float(lo_hi[1][1, j, g]))
            entry[name] = Index(float(first[j, g]), float(total[j, g]), fci, tci)
        out[i] = entry
    return out, variances


def run(
    assessments: Sequence[Assessment],
    factors: Sequence[Factor],
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> UncertaintyResult:
    """The variance-based analysis of ``factors`` over ``assessments`` (one rule set)."""
    import numpy as np
    import scipy
    from scipy.stats import qmc  # type: ignore[import-untyped]

    from hemscore.analysis.compare import ranks

    check_factors(factors)
    check_samples(samples)
    check_resamples(resamples)
    if seed < 0:
        raise FactorError(f"--seed {seed}: with --factor the seed must be 0 or more")
    factors = tuple(sorted(factors, key=lambda f: GROUPS.index(f.name)))
    panel = prepare(assessments)
    for f in factors:
        why = nothing_to_vary(panel, f)
        if why:
            raise FactorError(why)
    norm = next((f for f in factors if f.name == "normalisation"), None)
    if norm and "goalposts" not in norm.levels and any(f.name == "goalposts" for f in factors):
        raise FactorError(
            f"--factor goalposts: the normalisations drawn ({', '.join(norm.levels)}) never use "
            "the goalposts, so moving them changes nothing; add goalposts to --factor "
            "normalisation or leave --factor goalposts out"
        )
    d = len(factors)
    problem = budget_problem(samples, d, len(assessments), len(panel.ruleset.rules), resamples)
    if problem:
        raise FactorError(problem)
    cols = _columns(panel, factors)
    dims = sum(len(c) for c in cols.values())
    if 2 * dims > qmc.Sobol.MAXDIM:
        raise FactorError(
            f"{dims:,} uncertain inputs are more than Sobol' points can sample "
            f"({qmc.Sobol.MAXDIM // 2:,}); switch fewer groups on"
        )
    points = qmc.Sobol(2 * dims, scramble=True, rng=np.random.default_rng(seed)).random(samples)
    a, b = points[:, :dims], points[:, dims:]
    blocks = [a, b]
    for f in factors:
        ab = a.copy()
        ab[:, cols[f.name]] = b[:, cols[f.name]]
        blocks.append(ab)
    u = np.concatenate(blocks)
    draws = draws_from_unit(panel, factors, u)
    goalposts_on = any(f.name == "goalposts" for f in factors)
    scores = evaluate(panel, draws, goalposts_on)  # (M, P)
    many = len(assessments) > 1
    rank = rank_rows(scores) if many else None
    n = samples
    names = [f.name for f in factors]

    def split(y: Any) -> tuple[Any, Any, Any]:
        yt = y.T  # (P, M)
        return (
            yt[:, :n],
            yt[:, n : 2 * n],
            yt[:, 2 * n :].reshape(len(y.T), d, n).transpose(1, 0, 2),
        )

    outputs = [scores] + ([rank] if rank is not None else [])
    parts = [split(y) for y in outputs]
    f_a = np.concatenate([p[0] for p in parts])
    f_b = np.concatenate([p[1] for p in parts])
    f_ab = np.concatenate([p[2] for p in parts], axis=1)
    idx, variances = _indices(f_a, f_b, f_ab, names, resamples, seed)
    nominal_ranks = ranks([x.score for x in assessments])
    base = scores[: 2 * n]
    base_rank = rank[: 2 * n] if rank is not None else None
    ps = len(assessments)
    profiles = []
    for i, x in enumerate(assessments):
        s_out = Output(
            _interval(base[:, i]), int((~np.isnan(scores[:, i])).sum()), variances[i], idx[i]
        )
        r_out = None
        if rank is not None and base_rank is not None:
            r_out = Output(
                _interval(base_rank[:, i]),
                int((~np.isnan(rank[:, i])).sum()),
                variances[ps + i],
                idx[ps + i],
            )
        profiles.append(ProfileResult(x, x.score, nominal_ranks[i] if many else None, s_out, r_out))
    within_nominal, within_interval = _within(profiles) if many else (None, None)
    return UncertaintyResult(
        factors=factors,
        samples=samples,
        runs=int(u.shape[0]),
        seed=seed,
        resamples=resamples,
        library=f"scipy {scipy.__version__}",
        profiles=tuple(profiles),
        leave_one_out=leave_one_out(panel) if many else (),
        within_nominal=within_nominal,
        within_interval=within_interval,
    )


def _within(
    profiles: Sequence[ProfileResult],
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """How many ranked profiles stay within ±RANK_BAND of their simulated median rank: by
    their nominal rank, and by their whole 5–95% rank interval (each out of how many)."""
    pairs: list[tuple[int, Interval]] = []
    for p in profiles:
        if p.nominal_rank is not None and p.rank is not None and p.rank.interval is not None:
            pairs.append((p.nominal_rank, p.rank.interval))
    if not pairs:
        return None, None
    by_nominal = sum(1 for n, i in pairs if abs(n - i.median) <= RANK_BAND)
    by_interval = sum(
        1 for _, i in pairs if i.median - RANK_BAND <= i.low and i.high <= i.median + RANK_BAND
    )
    return (by_nominal, len(pairs)), (by_interval, len(pairs))


def leave_one_out(panel: Panel) -> tuple[LeaveOut, ...]:
    """For each rule with data: every profile's rank shift when the rule is left out."""
    import numpy as np

    from hemscore.analysis.compare import ranks

    cand = panel.candidates
    if not cand:
        return ()
    draws = nominal_draws(panel, len(cand))
    draws.leave_out = np.asarray(cand, dtype=np.int64)
    scores = evaluate(panel, draws, goalposts_on=False)
    nominal = ranks([a.score for a in panel.assessments])
    out = []
    for row, ri in enumerate(cand):
        without = ranks([None if math.isnan(s) else float(s) for s in scores[row]])
        shifts = tuple(None if w is None or n is None else w - n for w, n in zip(without, nominal))
        out.append(LeaveOut(panel.ruleset.rules[ri], shifts))
    return tuple(out)
