"""Country goalposts from the reference panel's distribution (docs/calibration.md).

:func:`calibrate` is pure: it takes a rule and panel profiles and returns the goalposts the stated
method gives (:func:`calibrate_all` reads the panels first). The method
(``panel-percentiles``): worst at the 10th percentile of the panel economies' values, best at
the 90th (mirrored when lower is better), target at a cited policy target where the rule names
one, else at the 75th percentile (25th when lower is better); percentiles by linear
interpolation between order statistics (type 7); every goalpost rounded to 3 significant
figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hemscore.model.profile import Profile
from hemscore.model.rules import Rule, RuleSet

#: The method's fixed positions (percent) for a higher-is-better metric.
WORST_PERCENTILE = 10.0
BEST_PERCENTILE = 90.0
TARGET_PERCENTILE = 75.0
#: Fewest panel economies with a value that a calibration accepts.
MIN_ECONOMIES = 30
#: Significant figures kept in a goalpost.
SIGNIFICANT = 3


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0–100) by linear interpolation between order statistics.

    Hyndman and Fan's type 7, as ``statistics.quantiles(..., method="inclusive")`` and numpy's
    default: position ``(n - 1) * p / 100`` in the sorted values.
    """
    if not values:
        raise ValueError("no values")
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def round_sig(x: float, digits: int = SIGNIFICANT) -> float:
    """``x`` rounded to ``digits`` significant figures (0 stays 0)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


@dataclass(frozen=True)
class Goalposts:
    """What the method gives for one rule on one panel."""

    rule: Rule
    economies: int
    worst: float
    target: float
    best: float
    target_from: str  # "policy" or "percentile"
    problem: str | None = None  # why the rule cannot be calibrated, if it cannot

    def agrees(self) -> bool:
        """Whether the rule's own goalposts are the ones the method gives."""
        goalposts = self.rule.scoring.goalposts
        if self.problem is not None or goalposts is None or self.rule.calibration is None:
            return False
        w, t, b = goalposts
        c = self.rule.calibration
        return (
            (w, t, b) == (self.worst, self.target, self.best)
            and c.economies == self.economies
            and c.target_percentile == (None if self.target_from == "policy" else TARGET_PERCENTILE)
            and c.worst_percentile == WORST_PERCENTILE
            and c.best_percentile == BEST_PERCENTILE
        )


def panel_values(rule: Rule, panel: Sequence[Profile]) -> list[float]:
    """The rule metric's values across the panel's profiles of a kind the rule scores."""
    out = []
    for p in panel:
        if p.kind not in rule.kinds:
            continue
        mv = p.values.get(rule.metric)
        if mv is not None and isinstance(mv.value, (int, float)) and not isinstance(mv.value, bool):
            out.append(float(mv.value))
    return out


def calibrate(rule: Rule, ruleset: RuleSet, panel: Sequence[Profile]) -> Goalposts:
    """The goalposts of ``rule`` by the panel-percentiles method on ``panel``."""
    values = panel_values(rule, panel)
    n = len(values)
    lower = ruleset.metrics[rule.metric].better == "lower"

    def at(p: float) -> float:
        return round_sig(percentile(values, 100.0 - p if lower else p))

    if n < MIN_ECONOMIES:
        return Goalposts(rule, n, math.nan, math.nan, math.nan, "percentile", f"only {n} economies")
    worst, best = at(WORST_PERCENTILE), at(BEST_PERCENTILE)
    policy = rule.calibration.target_policy if rule.calibration else None
    target_from = "percentile"
    target = at(TARGET_PERCENTILE)
    goalposts = rule.scoring.goalposts
    if policy is not None and goalposts is not None:
        stated = goalposts[1]
        if min(worst, best) < stated < max(worst, best):
            target, target_from = stated, "policy"
    problem = None
    if worst == best:
        problem = "the worst and best percentiles are equal"
    elif not min(worst, best) < target < max(worst, best):
        problem = "the target does not lie strictly between the goalposts"
    return Goalposts(rule, n, worst, target, best, target_from, problem)


def calibrated_rules(ruleset: RuleSet) -> list[Rule]:
    """The rules whose goalposts come from the panel (``basis = "panel"``)."""
    return [r for r in ruleset.rules if r.basis == "panel"]


def calibrate_all(ruleset: RuleSet, panel: str | None = None) -> list[tuple[str, Goalposts]]:
    """Every ``basis = "panel"`` rule calibrated on its panel folder: ``panel`` when given, else
    the folder of the shipped reference data each rule names. Each folder is read once,
    through the one loader; a missing folder or a bad profile in it is an error."""
    from pathlib import Path

    from hemscore.analysis.peers import read_peers
    from hemscore.base.errors import UsageError
    from hemscore.importers.panel import reference_dir

    chosen = calibrated_rules(ruleset)
    if not chosen:
        raise UsageError('no basis = "panel" rules in this rule set')
    cache: dict[str, list[Profile]] = {}
    results = []
    for r in chosen:
        assert r.calibration is not None
        where = panel
        if where is None:
            rel = Path(r.calibration.panel)
            parts = rel.parts[1:] if rel.parts[:1] == ("reference",) else rel.parts
            where = str(reference_dir().joinpath(*parts))
        if where not in cache:
            if not Path(where).is_dir():
                raise UsageError("the panel folder does not exist", path=where)
            cache[where] = read_peers(where, ruleset, None)
        results.append((where, calibrate(r, ruleset, cache[where])))
    return results
