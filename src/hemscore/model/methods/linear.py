"""``method = "linear"``: the metric's value on linear goalposts (worst, target, best)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from hemscore.model.methods.base import Measure, RuleContext, value_measure_text
from hemscore.model.methods.scale_linear import LinearScale
from hemscore.model.methods.scaled import ScaledMethod

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric


class Linear(ScaledMethod):
    __slots__ = ("scale",)

    name = "linear"
    metric_types = ("number", "integer")
    keys = LinearScale.keys
    labels: ClassVar[dict[str, str]] = {"en": "linear", "zh": "线性"}

    def __init__(self, scale: LinearScale) -> None:
        self.scale: LinearScale = scale

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Linear:
        return cls(LinearScale.parse(spec, ctx))

    def measure(self, value: Any) -> Measure:
        return float(value), None

    @property
    def goalposts(self) -> tuple[float, float, float]:
        s = self.scale
        return s.worst, s.target, s.best

    def explain_measure(self, metric_id: str, metric: Metric | None, lang: str) -> str:
        return value_measure_text(metric_id, metric, lang, unit=True)


METHOD = Linear
