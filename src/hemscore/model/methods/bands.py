"""``method = "bands"``: the metric's value on step scores (edges and the score of each band)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from hemscore.model.methods.base import Measure, RuleContext, value_measure_text
from hemscore.model.methods.scale_bands import BandScale
from hemscore.model.methods.scaled import ScaledMethod

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric


class Bands(ScaledMethod):
    __slots__ = ("scale",)

    name = "bands"
    metric_types = ("number", "integer")
    keys = BandScale.keys
    labels: ClassVar[dict[str, str]] = {"en": "bands", "zh": "分档"}

    def __init__(self, scale: BandScale) -> None:
        self.scale: BandScale = scale

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Bands:
        return cls(BandScale.parse(spec, ctx))

    def measure(self, value: Any) -> Measure:
        return float(value), None

    def explain_measure(self, metric_id: str, metric: Metric | None, lang: str) -> str:
        return value_measure_text(metric_id, metric, lang, unit=True)


METHOD = Bands
