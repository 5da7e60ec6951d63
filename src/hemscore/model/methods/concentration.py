"""``method = "concentration"``: how concentrated a shares table is, on a chosen scale.

``measure = "hhi"`` takes the Herfindahl–Hirschman index (Σ share², 0 to 10,000);
``measure = "largest"`` the largest single share, in %. A residual label ("other", "rest of
world", …) stands for many small parties: it is left out of both measures, so the HHI is that
of the named shares (a lower bound of the true one), and a table of residuals alone has no
measure (missing data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hemscore.model.methods.base import Measure, NoMeasure, RuleContext, Scale, pick
from hemscore.model.methods.scaled import ScaledMethod

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric

#: Labels of a shares table that stand for a residual spread over many small parties
#: ("all other markets"), not for one party. Compared case-insensitively.
RESIDUAL_LABELS: frozenset[str] = frozenset(
    {"other", "others", "rest", "rest of world", "row", "other countries", "other markets"}
)

MEASURES = ("hhi", "largest")


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


_TEXTS = {
    "en": {
        "hhi": (
            "Measure: the Herfindahl–Hirschman index (HHI) of the shares table {metric}: the sum "
            "of the squared percentage shares, from near 0 (spread over many) to 10,000 (all in "
            "one)."
        ),
        "largest": "Measure: the largest single share in the table {metric}, in %.",
        "residual": (
            " A residual label ({labels}) stands for many small parties and is left out of the "
            "measure; a table with only a residual counts as missing data."
        ),
    },
    "zh": {
        "hhi": (
            "度量：份额表 {metric} 的赫芬达尔—赫希曼指数（HHI），即各百分比份额的平方和，"
            "从接近 0（高度分散）到 10,000（全部集中于一处）。"
        ),
        "largest": "度量：份额表 {metric} 中最大的单项份额（%）。",
        "residual": "残余标签（{labels}）代表众多小份额，不计入该度量；只有残余项的表按缺数据处理。",
    },
}
_LABELS = {
    "en": {"method": "concentration", "hhi": "hhi", "largest": "largest"},
    "zh": {"method": "集中度", "hhi": "HHI", "largest": "最大份额"},
}
_UNITS = {"hhi": "HHI", "largest": "%"}


class Concentration(ScaledMethod):
    __slots__ = ("measure_name", "scale")

    name = "concentration"
    metric_types = ("shares",)
    keys = frozenset({"measure", "scale"})  # and those of the scale it picks
    measures = MEASURES
    scores_value = False

    def __init__(self, measure_name: str, scale: Scale) -> None:
        self.measure_name: str = measure_name
        self.scale = scale

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Concentration:
        measure = spec.get("measure")
        if measure not in MEASURES:
            raise ctx.fail(f"measure must be one of {', '.join(MEASURES)}", "measure")
        kind = ctx.scale(spec.get("scale"))
        return cls(measure, kind.parse(spec, ctx))

    def own_keys(self) -> frozenset[str]:
        return self.keys

    def measure(self, value: Any) -> Measure | NoMeasure:
        named = {k: v for k, v in value.items() if not is_residual(k)}
        if not named:
            return NoMeasure("the table holds only a residual share, no named party")
        m = hhi(value) if self.measure_name == "hhi" else largest_share(value)
        residual = sum(v for k, v in value.items() if is_residual(k))
        detail: dict[str, Any] = {"residual_pct": residual} if residual else {}
        if self.measure_name == "largest":
            detail["label"] = max(named, key=lambda k: (named[k], k))
        return m, detail or None

    def explain_measure(self, metric_id: str, metric: Metric | None, lang: str) -> str:
        texts = pick(_TEXTS, lang)
        labels = ", ".join(f'"{x}"' for x in sorted(RESIDUAL_LABELS))
        measure = texts[self.measure_name].format(metric=metric_id)
        return str(measure + texts["residual"].format(labels=labels))

    def label(self, lang: str) -> str:
        t = pick(_LABELS, lang)
        return f"{t['method']}/{t[self.measure_name]}"

    def unit(self, lang: str) -> str:
        return _UNITS[self.measure_name]


METHOD = Concentration
