"""What the methods that score through a scale share: the scale gives the score, the target, the
pass mark, the scale's half of the JSON and of the explanation, and plan's candidate values.
A subclass adds its measure and, if any, its own parameters (see :mod:`.trend`)."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from hemscore.model.methods.base import Scale, Scored, ScoringMethod, pick

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric


class ScaledMethod(ScoringMethod):
    """A measure, then a :class:`Scale`. Subclasses keep the scale in the ``scale`` slot."""

    __slots__ = ()

    #: the method's short name in a rule listing, by language (or override :meth:`label`)
    labels: ClassVar[dict[str, str]] = {}

    scale: Scale  # a slot of each subclass

    def score(self, x: Any) -> Scored:
        return self.scale.evaluate(x)

    @property
    def target(self) -> float:
        return self.scale.target

    @property
    def pass_score(self) -> float:
        return self.scale.pass_score

    @property
    def higher_is_better(self) -> bool:
        return self.scale.higher_is_better

    def used_keys(self) -> frozenset[str]:
        return self.own_keys() | self.scale.keys

    def own_keys(self) -> frozenset[str]:
        """The keys the method reads besides its scale's."""
        return frozenset()

    def parameters(self) -> dict[str, Any]:
        """The method's own entries of its JSON, between ``measure`` and the scale's."""
        return {}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.name}
        if self.measure_name:
            out["measure"] = self.measure_name
        return out | self.parameters() | self.scale.to_json()

    def rule_json(self) -> dict[str, Any]:
        return {
            "method": self.name,
            "measure": self.measure_name,
            **self.parameters(),
            **self.scale.rule_json(),
        }

    @abstractmethod
    def explain_measure(self, metric_id: str, metric: Metric | None, lang: str) -> str:
        """The measure in words."""

    def explain(self, metric_id: str, metric: Metric | None, lang: str) -> tuple[str, str, str]:
        return (self.explain_measure(metric_id, metric, lang), *self.scale.explain(lang))

    def label(self, lang: str) -> str:
        return str(pick(self.labels, lang)) if self.labels else self.name

    def candidates(self, grain: float) -> tuple[float | bool, ...]:
        return self.scale.candidates(grain) if self.scores_value else ()

    def width(self) -> float:
        return self.scale.width()
