"""The limits hemscore puts on numbers in rule files and on the work one command may do.

Each limit is documented for users (docs/formats.md, docs/analysis.md) with the reason it has
its value; this module is where the code reads them.

Rule numbers. Every number the engine computes is a sum, product, difference or quotient of
rule weights, goalposts, scores (0–100) and profile values (any finite float). With

- weights (of rules and of diagnostics) from 10⁻⁶ to 10⁶: a weight × a score is at most 10⁸,
  and a sum of such terms would need more than 10³⁰⁰ rules to overflow; weights of at least
  10⁻⁶ stay far from the tiny floats (below 10⁻³⁰⁷) where precision is lost;
- goalposts, band edges, band targets and metric bounds within ±10¹⁵: below 2⁵³ ≈ 9×10¹⁵, so
  whole-number goalposts are exact and an edge ± 1 (where ``plan`` puts a value just inside a
  band) differs from the edge; and the difference of a goalpost and any finite profile value is
  at most 10¹⁵ + 1.8×10³⁰⁸, which rounds to the largest float rather than to infinity,

no score, gap, contribution, priority or gain can be infinite or NaN.
"""

from __future__ import annotations

MAX_WEIGHT = 1_000_000.0
MIN_WEIGHT = 0.000_001
MAX_GOALPOST = 1e15
_GOALPOST_TEXT = f"{MAX_GOALPOST:.0e}".replace("e+", "e")  # 1e15


#: Largest factor ``sensitivity`` may scale a rule weight by (--low, --high): weights are
#: relative, and a factor of 100 already outweighs any weighting one would defend; with weights
#: of at most 10⁶ a scaled weight × a score stays below 10¹⁰.
MAX_FACTOR = 100.0


#: ``sensitivity``: runs × profiles. Each profile keeps a score and a rank per run (about 64
#: bytes), so this holds the samples near 64 MB; it is also the work of the largest run one
#: profile was already allowed (--runs 1,000,000), and 1,000 runs (the default) for 1,000
#: profiles.
MAX_PROFILE_RUNS = 1_000_000
#: ``sensitivity``: runs × profiles × rules, the weighted terms summed (each run also draws a
#: factor per rule). Binds only for rule sets of more than 100 rules (the library has 42).
MAX_WEIGHTED_TERMS = 100_000_000
#: ``assess --format svg``: profiles in one picture. The picture is built in memory by Rich
#: (about 70 KB of SVG per profile); 100 profiles make a 7 MB file no viewer shows usefully.
MAX_SVG_PROFILES = 100


def weight_problem(weight: float) -> str | None:
    """Why a (finite, non-negative) weight is outside the limits, or None."""
    if weight > MAX_WEIGHT:
        return f"weight must be at most {MAX_WEIGHT:,.0f} (got {weight:g})"
    if 0 < weight < MIN_WEIGHT:
        return f"weight must be at least {MIN_WEIGHT:f} (got {weight:g})"
    return None


def goalpost_problem(key: str, value: float) -> str | None:
    """Why a (finite) goalpost, band edge, target or metric bound is too large, or None."""
    if abs(value) > MAX_GOALPOST:
        return f"{key} must lie within ±{_GOALPOST_TEXT} (got {value:g})"
    return None
