"""Aggregation: the weighted mean of scores in 0–100.

How one rule turns a value into a score lives with its scoring method
(:mod:`hemscore.model.methods`); this module averages the scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


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
