"""``method = "trend"``: the direction of a year → value series, on a chosen scale.

``measure = "cagr"`` takes the compound annual growth, in % a year, over the last ``years``
years (default 3); ``measure = "peak"`` the latest value as a percentage of the series' peak.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hemscore.model.methods.base import Measure, NoMeasure, RuleContext, Scale, pick
from hemscore.model.methods.scaled import ScaledMethod

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric

MEASURES = ("cagr", "peak")
DEFAULT_YEARS = 3


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


_TEXTS = {
    "en": {
        "cagr": (
            "Measure: the compound annual growth of the series {metric}, in % a year, from the "
            "value {years} years before its latest year (or the earliest year after that) to the "
            "latest value. With fewer than two positive values in that window the rule counts as "
            "missing data."
        ),
        "peak": (
            "Measure: the latest value of the series {metric} as a percentage of the series' "
            "peak (100 means it is at its peak)."
        ),
    },
    "zh": {
        "cagr": (
            "度量：序列 {metric} 的年均复合增长率（%/年），从最新年份之前 {years} 年（若缺失则取其后最早的年份）"
            "的数值算到最新数值。该区间内正值少于两个时，本规则按缺数据处理。"
        ),
        "peak": "度量：序列 {metric} 的最新值占其峰值的百分比（100 表示处于峰值）。",
    },
}
_LABELS = {
    "en": {"method": "trend", "cagr": "cagr", "peak": "peak"},
    "zh": {"method": "趋势", "cagr": "年均增速", "peak": "峰值比"},
}
_UNITS = {
    "en": {"cagr": "%/yr", "peak": "% pk"},
    "zh": {"cagr": "%/年", "peak": "% 峰值"},
}


class Trend(ScaledMethod):
    __slots__ = ("measure_name", "scale", "years")

    name = "trend"
    metric_types = ("series",)
    keys = frozenset({"measure", "scale", "years"})  # and those of the scale it picks
    measures = MEASURES
    scores_value = False

    def __init__(self, measure_name: str, scale: Scale, years: int = DEFAULT_YEARS) -> None:
        self.measure_name: str = measure_name
        self.scale = scale
        self.years = years

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Trend:
        measure = spec.get("measure")
        if measure not in MEASURES:
            raise ctx.fail(f"measure must be one of {', '.join(MEASURES)}", "measure")
        kind = ctx.scale(spec.get("scale"))
        years = spec.get("years", DEFAULT_YEARS)
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 50:
            raise ctx.fail("years must be a whole number from 1 to 50", "years")
        return cls(measure, kind.parse(spec, ctx), years)

    def own_keys(self) -> frozenset[str]:
        return self.keys

    def parameters(self) -> dict[str, Any]:
        return {"years": self.years}

    def measure(self, value: Any) -> Measure | NoMeasure:
        if self.measure_name == "cagr":
            growth = cagr_pct(value, self.years)
            if growth is None:
                return NoMeasure(
                    f"the series needs two positive values within {self.years} years of its latest"
                )
            return growth[0], {"from_year": growth[1], "to_year": growth[2]}
        peak = peak_pct(value)
        if peak is None:
            return NoMeasure("the series has no positive peak")
        return peak[0], {"peak_year": peak[1], "latest_year": max(value)}

    def explain_measure(self, metric_id: str, metric: Metric | None, lang: str) -> str:
        return str(pick(_TEXTS, lang)[self.measure_name].format(metric=metric_id, years=self.years))

    def label(self, lang: str) -> str:
        t = pick(_LABELS, lang)
        return f"{t['method']}/{t[self.measure_name]}"

    def unit(self, lang: str) -> str:
        return str(pick(_UNITS, lang)[self.measure_name])


METHOD = Trend
