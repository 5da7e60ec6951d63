"""The statistical audit of a rule set on a set of profiles (the JRC/OECD Handbook's step 5).

Given assessments of profiles of one kind, it answers, with figures a reader can check by hand:

1. **Data availability**: the share of profiles with data for each indicator, and of the
   indicators with data for each profile, against a threshold (65% by default, the rule of
   thumb of the JRC's COIN toolkit).
2. **Distributions**: skewness and excess kurtosis of each indicator's measured values (the
   bias-adjusted estimators G1 and G2, as statistics packages and spreadsheets compute them);
   an indicator is flagged when ``|skew| > 2`` **and** ``kurtosis > 3.5`` (the thresholds of
   the JRC's COINr), with what a log transform or winsorising the most extreme values would
   change.
3. **Correlations**: Pearson and Spearman between indicators, within and across diagnostics.
   Values are oriented so that higher is better (a lower-is-better measure is negated), so a
   negative correlation inside a diagnostic means two indicators pull the score apart. Flags:
   ``|r| > 0.92`` (redundant: one may be counted twice), ``|r| > 0.8`` (needs an argument for
   keeping both), a negative pair within a diagnostic, and an indicator that correlates more
   with another diagnostic's score than with its own.
4. **Consistency of each diagnostic**: Cronbach's alpha on the standardised indicators of its
   complete cases (0.7 is the usual floor) and the share of their variance the first principal
   component explains.
5. **Importance against weight**: the main effect of each indicator's score on its diagnostic
   score and on the overall score, the correlation ratio η² = Var(E[y | x]) / Var(y) (the
   first-order sensitivity index), estimated with a local-linear smoother whose bandwidth is
   chosen by leave-one-out cross-validation (as in Paruolo, Saisana & Saltelli 2013, "Ratings
   and rankings: voodoo or science?", who use a smoother for the same estimate; hemscore takes
   the smoother's out-of-sample explained share, see :func:`eta_squared`), next to the
   indicator's nominal weight in its diagnostic and its effective weight in the overall score.
   An indicator is flagged when its share of the summed η² of its group is below half or above
   twice its share of the weight.

A diagnostic with fewer than two indicators with data is reported as not auditable. Pure:
takes assessments, returns records; numpy (the ``stats`` extra) does the arithmetic and is
imported only here. No figure is ever NaN: where a figure cannot be computed it is ``None``,
and the reason is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hemscore.base.errors import UsageError
from hemscore.engine.assessment import Assessment

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float64]

#: Least share of data for an indicator or a profile (COIN's rule of thumb).
AVAILABILITY_THRESHOLD = 0.65
#: COINr's outlier test: flagged when |skewness| exceeds this ...
SKEW_THRESHOLD = 2.0
#: ... and the (excess) kurtosis exceeds this.
KURTOSIS_THRESHOLD = 3.5
#: |r| above which two indicators are redundant, and above which keeping both needs an argument.
REDUNDANT_R = 0.92
HIGH_R = 0.8
#: Cronbach's alpha below which a diagnostic's indicators do not measure one thing.
ALPHA_THRESHOLD = 0.7
#: An indicator's share of importance is flagged below this fraction of its share of weight, or
#: above its inverse.
IMPORTANCE_RATIO = 0.5
#: Fewest profiles an audit can run on (a correlation needs three points, a kurtosis four).
MIN_PROFILES = 4

STATS_HINT = "the audit needs numpy: pip install 'hemscore[stats]'"


def numpy() -> Any:
    """numpy, or a one-line usage error saying how to install it."""
    try:
        import numpy as np
    except ImportError:
        raise UsageError(STATS_HINT) from None
    return np


@dataclass(frozen=True)
class Indicator:
    """One rule across the profiles: measured values (oriented: higher is better) and scores."""

    rule: str
    metric: str
    diagnostic: str
    weight: float  # nominal weight in its diagnostic
    higher_is_better: bool
    values: tuple[float | None, ...]  # the measure as given (not oriented), None when missing
    scores: tuple[float | None, ...]

    @property
    def oriented(self) -> tuple[float | None, ...]:
        sign = 1.0 if self.higher_is_better else -1.0
        return tuple(None if v is None else sign * v for v in self.values)


@dataclass(frozen=True)
class Availability:
    name: str  # indicator (rule id) or profile name
    share: float
    count: int
    total: int
    flagged: bool


@dataclass(frozen=True)
class Distribution:
    rule: str
    n: int
    skew: float | None
    kurtosis: float | None
    flagged: bool
    constant: bool
    # what a treatment would do: {"log": (skew, kurt) | None, "winsorised": (skew, kurt, k)}
    treatments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same_diagnostic: bool
    n: int
    pearson: float
    spearman: float
    flags: tuple[str, ...]  # "redundant", "high", "negative_within"


@dataclass(frozen=True)
class Belonging:
    """How an indicator correlates with its own diagnostic's score and with the others'."""

    rule: str
    own: float | None
    best_other: str | None
    best_other_r: float | None
    flagged: bool


@dataclass(frozen=True)
class Consistency:
    diagnostic: str
    indicators: tuple[str, ...]
    complete_cases: int
    alpha: float | None
    first_component_share: float | None
    auditable: bool
    note: str | None = None

    @property
    def flagged(self) -> bool:
        return self.alpha is not None and self.alpha < ALPHA_THRESHOLD


@dataclass(frozen=True)
class Importance:
    rule: str
    diagnostic: str
    nominal_weight: float  # share of its diagnostic's weight
    effective_weight: float  # share of the overall score's weight
    eta2_diagnostic: float | None
    eta2_overall: float | None
    importance_share: float | None  # η² on the diagnostic, as a share of the group's sum
    flagged: bool


@dataclass(frozen=True)
class AuditResult:
    profiles: tuple[str, ...]
    kind: str
    ruleset: str
    indicators: tuple[str, ...]
    availability_indicators: tuple[Availability, ...]
    availability_profiles: tuple[Availability, ...]
    distributions: tuple[Distribution, ...]
    pairs: tuple[Pair, ...]
    belonging: tuple[Belonging, ...]
    consistency: tuple[Consistency, ...]
    importance: tuple[Importance, ...]
    not_auditable: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def flags(self) -> list[str]:
        """Every flag as one line (the ``--fail-on-flag`` gate fails when there is any)."""
        out: list[str] = []
        out += [
            f"availability: indicator {a.name} {a.share:.0%}"
            for a in self.availability_indicators
            if a.flagged
        ]
        out += [
            f"availability: profile {a.name} {a.share:.0%}"
            for a in self.availability_profiles
            if a.flagged
        ]
        out += [
            f"distribution: {d.rule} skew {d.skew:.2f} kurtosis {d.kurtosis:.2f}"
            for d in self.distributions
            if d.flagged and d.skew is not None and d.kurtosis is not None
        ]
        out += [
            f"correlation: {p.a} ~ {p.b} r = {p.pearson:.2f} ({', '.join(p.flags)})"
            for p in self.pairs
            if p.flags
        ]
        out += [
            f"belonging: {b.rule} correlates more with {b.best_other}"
            for b in self.belonging
            if b.flagged
        ]
        out += [
            f"consistency: {c.diagnostic} alpha {c.alpha:.2f}"
            for c in self.consistency
            if c.flagged and c.alpha is not None
        ]
        out += [
            f"importance: {i.rule} importance share {i.importance_share:.2f} against weight share {i.nominal_weight:.2f}"
            for i in self.importance
            if i.flagged and i.importance_share is not None
        ]
        return out


# -- the arithmetic, each piece small enough to check by hand ----------------------------------


def skewness(x: Sequence[float]) -> float | None:
    """Bias-adjusted sample skewness G1 (None below 3 values or for a constant)."""
    n = len(x)
    if n < 3:
        return None
    m = sum(x) / n
    m2 = sum((v - m) ** 2 for v in x) / n
    if m2 <= 0:
        return None
    m3 = sum((v - m) ** 3 for v in x) / n
    g1 = m3 / (m2 * math.sqrt(m2))
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def kurtosis(x: Sequence[float]) -> float | None:
    """Bias-adjusted sample excess kurtosis G2 (None below 4 values or for a constant)."""
    n = len(x)
    if n < 4:
        return None
    m = sum(x) / n
    m2 = sum((v - m) ** 2 for v in x) / n
    if m2 <= 0:
        return None
    m4 = sum((v - m) ** 4 for v in x) / n
    g2 = m4 / m2**2 - 3
    return ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))


def _is_outlying(skew: float | None, kurt: float | None) -> bool:
    return (
        skew is not None
        and kurt is not None
        and abs(skew) > SKEW_THRESHOLD
        and kurt > KURTOSIS_THRESHOLD
    )


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r (None below 3 pairs or when either side is constant)."""
    n = len(x)
    if n < 3 or n != len(y):
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return None
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def ranks_of(x: Sequence[float]) -> list[float]:
    """Ranks from 1, ties given their mean rank."""
    order = sorted(range(len(x)), key=lambda i: x[i])
    out = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's r of the ranks."""
    if len(x) < 3:
        return None
    return pearson(ranks_of(x), ranks_of(y))


def cronbach_alpha(columns: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of k items (columns) over the same cases: k/(k-1) (1 - Σ var_i / var_sum).

    Sample variances (n - 1). None with fewer than two items or three cases, or when the total
    does not vary.
    """
    k = len(columns)
    if k < 2:
        return None
    n = len(columns[0])
    if n < 3:
        return None

    def var(v: Sequence[float]) -> float:
        m = sum(v) / len(v)
        return sum((a - m) ** 2 for a in v) / (len(v) - 1)

    totals = [sum(col[i] for col in columns) for i in range(n)]
    vt = var(totals)
    if vt <= 0:
        return None
    return k / (k - 1) * (1 - sum(var(c) for c in columns) / vt)


def standardise(v: Sequence[float]) -> list[float] | None:
    """z-scores with the sample standard deviation (None for a constant)."""
    n = len(v)
    m = sum(v) / n
    s = math.sqrt(sum((a - m) ** 2 for a in v) / (n - 1)) if n > 1 else 0.0
    if s <= 0:
        return None
    return [(a - m) / s for a in v]


def first_component_share(columns: Sequence[Sequence[float]]) -> float | None:
    """Share of the total variance of standardised items explained by the first principal
    component: the largest eigenvalue of their correlation matrix over the number of items."""
    k = len(columns)
    if k < 2 or len(columns[0]) < 3:
        return None
    np = numpy()
    z = [standardise(c) for c in columns]
    if any(c is None for c in z):
        return None
    corr = np.corrcoef(np.array(z, dtype=float))
    eig = np.linalg.eigvalsh(corr)
    return float(max(eig) / k)


def eta_squared(x: Sequence[float], y: Sequence[float]) -> float | None:
    """The correlation ratio η² = Var(E[y | x]) / Var(y) = 1 - E[Var(y | x)] / Var(y).

    E[y | x] is estimated by a Gaussian-kernel local-linear smoother, and E[Var(y | x)] by its
    leave-one-out squared error, at the bandwidth (among multiples of the spread of x) where
    that error is least: the share of y's variance the smoother explains out of sample. An
    in-sample share would credit a wiggly fit with noise (on 41 points of pure noise it can
    read 0.4); this one stays near 0 there and near 1 for y = x². Clipped to [0, 1]; None below
    five points or when x or y does not vary.
    """
    n = len(x)
    if n < 5 or n != len(y):
        return None
    np = numpy()
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    sx = float(xs.std())
    vy = float(ys.var())
    if sx <= 0 or vy <= 0:
        return None
    best: float | None = None
    for h in sx * np.array([0.05, 0.08, 0.12, 0.18, 0.25, 0.35, 0.5, 0.7, 1.0, 1.5, 2.5, 5.0]):
        err = float(np.mean((ys - _local_linear(np, xs, ys, float(h))) ** 2))
        if math.isfinite(err) and (best is None or err < best):
            best = err
    if best is None:
        return None
    return max(0.0, min(1.0, 1.0 - best / vy))


def _local_linear(np: Any, x: Array, y: Array, h: float) -> Array:
    """Leave-one-out fitted values of a local-linear smoother: each point fitted without itself."""
    d = x[None, :] - x[:, None]  # d[i, j] = x_j - x_i
    w = np.exp(-0.5 * (d / h) ** 2)

    def fit(weights: Array) -> Array:
        s0 = weights.sum(axis=1)
        s1 = (weights * d).sum(axis=1)
        s2 = (weights * d * d).sum(axis=1)
        t0 = (weights * y[None, :]).sum(axis=1)
        t1 = (weights * d * y[None, :]).sum(axis=1)
        den = s0 * s2 - s1 * s1
        with np.errstate(divide="ignore", invalid="ignore"):
            local = (s2 * t0 - s1 * t1) / den
            flat = t0 / s0  # where the local line is undefined, the local mean
        chosen: Array = np.where(np.abs(den) > 1e-12 * np.maximum(s0 * s2, 1e-300), local, flat)
        return chosen

    np.fill_diagonal(w, 0.0)
    return fit(w)


# -- building the audit ------------------------------------------------------------------------


def indicators_of(
    assessments: Sequence[Assessment], rules: Sequence[str] | None = None
) -> list[Indicator]:
    """One :class:`Indicator` per rule that applies to the profiles' kind (or the given rules)."""
    first = assessments[0]
    wanted = None if rules is None else set(rules)
    out: list[Indicator] = []
    for d in first.diagnostics:
        for r in d.rules:
            rule = r.rule
            if wanted is not None and rule.id not in wanted:
                continue
            values: list[float | None] = []
            scores: list[float | None] = []
            for a in assessments:
                res = next((x for x in a.results if x.id == rule.id), None)
                if res is None or res.score is None or res.value is None:
                    values.append(None)
                    scores.append(None)
                    continue
                if isinstance(res.value, bool):
                    values.append(1.0 if res.passed else 0.0)
                else:
                    values.append(float(res.value))
                scores.append(res.score)
            higher = rule.scoring.higher_is_better
            out.append(
                Indicator(
                    rule.id,
                    rule.metric,
                    rule.diagnostic,
                    rule.weight,
                    higher,
                    tuple(values),
                    tuple(scores),
                )
            )
    return out


def audit(
    assessments: Sequence[Assessment],
    *,
    threshold: float = AVAILABILITY_THRESHOLD,
    rules: Sequence[str] | None = None,
) -> AuditResult:
    """Audit assessments of profiles of one kind made with one rule set."""
    if len(assessments) < MIN_PROFILES:
        raise UsageError(
            f"an audit needs at least {MIN_PROFILES} profiles (a correlation needs three points, "
            f"a kurtosis four); got {len(assessments)}"
        )
    kinds = sorted({a.profile.kind for a in assessments})
    if len(kinds) > 1:
        raise UsageError(
            f"an audit takes profiles of one kind; got {', '.join(kinds)} (audit each kind on its own)"
        )
    first = assessments[0]
    names = tuple(a.profile.name for a in assessments)
    inds = indicators_of(assessments, rules)
    n = len(assessments)

    avail_ind = []
    for ind in inds:
        c = sum(v is not None for v in ind.values)
        avail_ind.append(Availability(ind.rule, c / n, c, n, c / n < threshold))
    avail_prof = []
    for i, a in enumerate(assessments):
        c = sum(ind.values[i] is not None for ind in inds)
        total = len(inds)
        share = c / total if total else 0.0
        avail_prof.append(Availability(a.profile.name, share, c, total, share < threshold))

    distributions = [_distribution(ind) for ind in inds]
    usable = [
        ind for ind, d in zip(inds, distributions, strict=True) if not d.constant and d.n >= 3
    ]

    pairs = []
    for i, one in enumerate(usable):
        for two in usable[i + 1 :]:
            xs, ys = _pairwise(one.oriented, two.oriented)
            r = pearson(xs, ys)
            rho = spearman(xs, ys)
            if r is None or rho is None:
                continue
            same = one.diagnostic == two.diagnostic
            flags = []
            if abs(r) > REDUNDANT_R:
                flags.append("redundant")
            elif abs(r) > HIGH_R:
                flags.append("high")
            if same and r < 0:
                flags.append("negative_within")
            pairs.append(Pair(one.rule, two.rule, same, len(xs), r, rho, tuple(flags)))

    diag_scores = {
        d.id: tuple(a.diagnostics[k].score for a in assessments)
        for k, d in enumerate(first.diagnostics)
    }
    belonging = []
    for ind in usable:
        own = None
        others: list[tuple[float, str]] = []
        for did, scores in diag_scores.items():
            xs, ys = _pairwise(ind.oriented, scores)
            r = pearson(xs, ys)
            if r is None:
                continue
            if did == ind.diagnostic:
                own = r
            else:
                others.append((r, did))
        best = max(others, default=None)
        flagged = best is not None and own is not None and best[0] > own
        belonging.append(
            Belonging(ind.rule, own, best[1] if best else None, best[0] if best else None, flagged)
        )

    consistency = []
    not_auditable = []
    for d in first.diagnostics:
        if not any(ind.diagnostic == d.id for ind in inds):
            continue  # no rule of this diagnostic applies to this kind: nothing to audit
        members = [ind for ind in usable if ind.diagnostic == d.id]
        if len(members) < 2:
            not_auditable.append(d.id)
            consistency.append(
                Consistency(
                    d.id,
                    tuple(m.rule for m in members),
                    0,
                    None,
                    None,
                    False,
                    "fewer than two indicators with data",
                )
            )
            continue
        complete = [i for i in range(n) if all(m.oriented[i] is not None for m in members)]
        cols = [[m.oriented[i] for i in complete] for m in members]
        z = [standardise(c) for c in cols] if len(complete) >= 3 else [None]  # type: ignore[arg-type]
        if len(complete) < 3 or any(c is None for c in z):
            consistency.append(
                Consistency(
                    d.id,
                    tuple(m.rule for m in members),
                    len(complete),
                    None,
                    None,
                    True,
                    "fewer than three complete cases, or an indicator constant over them",
                )
            )
            continue
        zc = [c for c in z if c is not None]
        consistency.append(
            Consistency(
                d.id,
                tuple(m.rule for m in members),
                len(complete),
                cronbach_alpha(zc),
                first_component_share(zc),
                True,
            )
        )

    overall = tuple(a.score for a in assessments)
    importance = _importance(first, usable, diag_scores, overall)

    return AuditResult(
        profiles=names,
        kind=kinds[0],
        ruleset=f"{first.ruleset.name} {first.ruleset.version}",
        indicators=tuple(ind.rule for ind in inds),
        availability_indicators=tuple(avail_ind),
        availability_profiles=tuple(avail_prof),
        distributions=tuple(distributions),
        pairs=tuple(pairs),
        belonging=tuple(belonging),
        consistency=tuple(consistency),
        importance=tuple(importance),
        not_auditable=tuple(not_auditable),
    )


def _pairwise(
    a: Sequence[float | None], b: Sequence[float | None]
) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for x, y in zip(a, b, strict=True):
        if x is not None and y is not None:
            xs.append(x)
            ys.append(y)
    return xs, ys


def _distribution(ind: Indicator) -> Distribution:
    xs = [v for v in ind.values if v is not None]
    constant = len(xs) >= 2 and len(set(xs)) == 1
    if constant or len(xs) < 3:
        return Distribution(ind.rule, len(xs), None, None, False, constant)
    s, k = skewness(xs), kurtosis(xs)
    flagged = _is_outlying(s, k)
    treatments: dict[str, Any] = {}
    if flagged:
        if min(xs) > 0:
            logged = [math.log(v) for v in xs]
            treatments["log"] = {"skew": skewness(logged), "kurtosis": kurtosis(logged)}
        treatments["winsorised"] = _winsorise(xs, s or 0.0)
    return Distribution(ind.rule, len(xs), s, k, flagged, False, treatments)


def _winsorise(xs: list[float], skew: float, limit: int = 5) -> dict[str, Any]:
    """Winsorise the most extreme value on the side of the skew, one at a time, until the test
    passes or ``limit`` values are changed (COINr's default)."""
    v = sorted(xs)
    changed = 0
    s, k = skewness(v), kurtosis(v)
    while _is_outlying(s, k) and changed < limit and changed < len(v) - 3:
        changed += 1
        if skew > 0:
            v[-changed:] = [v[-changed - 1]] * changed
        else:
            v[:changed] = [v[changed]] * changed
        s, k = skewness(v), kurtosis(v)
    return {"values_changed": changed, "skew": s, "kurtosis": k, "passes": not _is_outlying(s, k)}


def _importance(
    first: Assessment,
    usable: Sequence[Indicator],
    diag_scores: dict[str, tuple[float | None, ...]],
    overall: tuple[float | None, ...],
) -> list[Importance]:
    diag_weight = {d.id: d.weight for d in first.diagnostics}
    total_diag = (
        sum(w for did, w in diag_weight.items() if any(i.diagnostic == did for i in usable)) or 1.0
    )
    out: list[Importance] = []
    by_diag: dict[str, list[Indicator]] = {}
    for ind in usable:
        by_diag.setdefault(ind.diagnostic, []).append(ind)
    for did, members in by_diag.items():
        wsum = sum(m.weight for m in members) or 1.0
        etas = []
        for m in members:
            xs, ys = _pairwise(m.scores, diag_scores[did])
            e_d = eta_squared(xs, ys)
            xo, yo = _pairwise(m.scores, overall)
            e_o = eta_squared(xo, yo)
            etas.append((m, e_d, e_o))
        total_eta = sum(e for _, e, _ in etas if e is not None)
        for m, e_d, e_o in etas:
            nominal = m.weight / wsum
            effective = nominal * diag_weight[did] / total_diag
            share = None if e_d is None or total_eta <= 0 or len(members) < 2 else e_d / total_eta
            flagged = share is not None and (
                share < IMPORTANCE_RATIO * nominal or share > nominal / IMPORTANCE_RATIO
            )
            out.append(Importance(m.rule, did, nominal, effective, e_d, e_o, share, flagged))
    return out


def to_dict(result: AuditResult) -> dict[str, Any]:
    """The audit as plain JSON data (every number finite or null)."""

    def num(x: float | None, places: int = 4) -> float | None:
        return None if x is None or not math.isfinite(x) else round(x, places)

    return {
        "profiles": list(result.profiles),
        "kind": result.kind,
        "ruleset": result.ruleset,
        "thresholds": {
            "availability": AVAILABILITY_THRESHOLD,
            "skew": SKEW_THRESHOLD,
            "kurtosis": KURTOSIS_THRESHOLD,
            "redundant_r": REDUNDANT_R,
            "high_r": HIGH_R,
            "alpha": ALPHA_THRESHOLD,
            "importance_ratio": IMPORTANCE_RATIO,
        },
        "availability": {
            "indicators": [
                {
                    "rule": a.name,
                    "share": num(a.share),
                    "with_data": a.count,
                    "of": a.total,
                    "flagged": a.flagged,
                }
                for a in result.availability_indicators
            ],
            "profiles": [
                {
                    "profile": a.name,
                    "share": num(a.share),
                    "with_data": a.count,
                    "of": a.total,
                    "flagged": a.flagged,
                }
                for a in result.availability_profiles
            ],
        },
        "distributions": [
            {
                "rule": d.rule,
                "n": d.n,
                "skew": num(d.skew),
                "kurtosis": num(d.kurtosis),
                "constant": d.constant,
                "flagged": d.flagged,
                "treatments": {
                    name: {k: (num(v) if isinstance(v, float) else v) for k, v in t.items()}
                    for name, t in d.treatments.items()
                },
            }
            for d in result.distributions
        ],
        "correlations": [
            {
                "a": p.a,
                "b": p.b,
                "same_diagnostic": p.same_diagnostic,
                "n": p.n,
                "pearson": num(p.pearson),
                "spearman": num(p.spearman),
                "flags": list(p.flags),
            }
            for p in result.pairs
        ],
        "belonging": [
            {
                "rule": b.rule,
                "own_diagnostic_r": num(b.own),
                "best_other_diagnostic": b.best_other,
                "best_other_r": num(b.best_other_r),
                "flagged": b.flagged,
            }
            for b in result.belonging
        ],
        "consistency": [
            {
                "diagnostic": c.diagnostic,
                "indicators": list(c.indicators),
                "complete_cases": c.complete_cases,
                "alpha": num(c.alpha),
                "first_component_share": num(c.first_component_share),
                "auditable": c.auditable,
                "flagged": c.flagged,
                "note": c.note,
            }
            for c in result.consistency
        ],
        "importance": [
            {
                "rule": i.rule,
                "diagnostic": i.diagnostic,
                "nominal_weight": num(i.nominal_weight),
                "effective_weight": num(i.effective_weight),
                "eta2_diagnostic": num(i.eta2_diagnostic),
                "eta2_overall": num(i.eta2_overall),
                "importance_share": num(i.importance_share),
                "flagged": i.flagged,
            }
            for i in result.importance
        ],
        "not_auditable": list(result.not_auditable),
        "flags": result.flags(),
    }
