"""``method = "boolean"``: a yes-or-no value; the expected one scores 100, the other 0."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hemscore.model.methods.base import (
    Measure,
    RuleContext,
    Scale,
    Scored,
    ScoringMethod,
    pick,
    value_measure_text,
)

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric

_LABEL = {"en": "boolean", "zh": "是否"}


class Boolean(ScoringMethod):
    __slots__ = ("expected",)

    name = "boolean"
    metric_types = ("bool",)
    keys = frozenset({"expected"})

    def __init__(self, expected: bool) -> None:
        self.expected = expected

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Boolean:
        expected = spec.get("expected", True)
        if not isinstance(expected, bool):
            raise ctx.fail("expected must be true or false", "expected")
        return cls(expected)

    def measure(self, value: Any) -> Measure:
        return value, None

    def score(self, x: Any) -> Scored:
        passed = x is self.expected
        return (100.0 if passed else 0.0), passed, None

    @property
    def scale(self) -> Scale | None:
        return None

    @property
    def target(self) -> bool:
        return self.expected

    @property
    def pass_score(self) -> float:
        return 100.0

    @property
    def higher_is_better(self) -> bool:
        return True

    def to_json(self) -> dict[str, Any]:
        return {"method": "boolean", "expected": self.expected}

    def rule_json(self) -> dict[str, Any]:
        return {"method": "boolean", "measure": None, "expected": self.expected}

    def explain(self, metric_id: str, metric: Metric | None, lang: str) -> tuple[str, str, str]:
        measure = value_measure_text(metric_id, metric, lang, unit=False)
        want = self.expected
        if lang == "zh":
            w = "是" if want else "否"
            return (
                measure,
                f"是非判断：数值为“{w}”（{str(want).lower()}）得 100 分，否则得 0 分。",
                f"数值为“{w}”时达标。",
            )
        w = str(want).lower()
        return (
            measure,
            f"Yes or no: the value {w} scores 100; anything else scores 0.",
            f"The rule passes when the value is {w}.",
        )

    def label(self, lang: str) -> str:
        return str(pick(_LABEL, lang))

    def candidates(self, grain: float) -> tuple[float | bool, ...]:
        return (self.expected,)

    def width(self) -> float:
        return 1.0


METHOD = Boolean
