"""The ``bands`` scale: step scores. Below the first edge a value scores the first score, and so
on up the edges; a value on an edge belongs to the band above it (``edge = "upper"``, the
default) or below it (``edge = "lower"``)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any, ClassVar, Literal

from hemscore.base.limits import goalpost_problem
from hemscore.model.methods.base import RuleContext, Scale, fmt, is_number


class BandScale(Scale):
    """Step scores: below ``edges[0]`` scores ``scores[0]``, and so on up the edges."""

    # A slotted class rather than a dataclass: creating a dataclass costs every start-up.
    __slots__ = ("edges", "scores", "target", "edge", "kind")  # noqa: RUF023 (the repr's order)

    keys: ClassVar[frozenset[str]] = frozenset({"edges", "scores", "target", "edge"})

    def __init__(
        self,
        edges: tuple[float, ...],
        scores: tuple[float, ...],
        target: float,
        edge: Literal["upper", "lower"] = "upper",
    ) -> None:
        self.edges = edges
        self.scores = scores
        self.target = target
        self.edge = edge
        self.kind: Literal["bands"] = "bands"

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> BandScale:
        fail = ctx.fail
        edges, scores = spec.get("edges"), spec.get("scores")
        if not isinstance(edges, list) or not edges or not all(is_number(e) for e in edges):
            raise fail("edges must be a non-empty list of numbers", "edges")
        for e in edges:
            problem = goalpost_problem("edges", e)
            if problem:
                raise fail(problem, "edges")
        if not isinstance(scores, list) or not all(is_number(s) for s in scores):
            raise fail("scores must be a list of numbers", "scores")
        if len(scores) != len(edges) + 1:
            raise fail(
                f"scores must have one more entry than edges ({len(edges) + 1}, not {len(scores)})",
                "scores",
            )
        if any(b <= a for a, b in pairwise(edges)):
            raise fail("bands out of order: edges must be strictly increasing", "edges")
        if any(not 0 <= s <= 100 for s in scores):
            raise fail("scores must lie in 0–100", "scores")
        rising = all(b >= a for a, b in pairwise(scores))
        falling = all(b <= a for a, b in pairwise(scores))
        if not (rising or falling) or scores[0] == scores[-1]:
            raise fail("bands out of order: scores must rise or fall steadily", "scores")
        target = ctx.number(spec, "target")
        edge = spec.get("edge", "upper")
        if edge not in ("upper", "lower"):
            raise fail('edge must be "upper" or "lower"', "edge")
        return cls(tuple(float(e) for e in edges), tuple(float(s) for s in scores), target, edge)

    @property
    def higher_is_better(self) -> bool:
        return self.scores[-1] >= self.scores[0]

    def band(self, x: float) -> int:
        for i, e in enumerate(self.edges):
            if x < e or (self.edge == "lower" and x == e):
                return i
        return len(self.edges)

    def score(self, x: float) -> float:
        return float(self.scores[self.band(x)])

    @property
    def pass_score(self) -> float:
        return self.score(self.target)

    def evaluate(self, x: float) -> tuple[float, bool, float]:
        """``(score, passes, gap)`` of ``x`` in one step (the engine's per-rule call)."""
        score = self.score(x)
        passed = score >= self.pass_score
        return score, passed, 0.0 if passed else abs(self.target - x)

    def to_json(self) -> dict[str, Any]:
        return {
            "scale": "bands",
            "edges": list(self.edges),
            "scores": list(self.scores),
            "edge": self.edge,
            "target": self.target,
        }

    def rule_json(self) -> dict[str, Any]:
        return {**self.to_json(), "pass_score": self.pass_score}

    def explain(self, lang: str) -> tuple[str, str]:
        e = [fmt(x) for x in self.edges]
        sc = [fmt(x) for x in self.scores]
        upper = self.edge == "upper"
        n = len(self.edges)
        parts = []
        for i in range(n + 1):
            if lang == "zh":
                if i == 0:
                    rng = f"低于 {e[0]}" if upper else f"{e[0]} 及以下"
                elif i == n:
                    rng = f"{e[-1]} 及以上" if upper else f"高于 {e[-1]}"
                else:
                    rng = (
                        f"{e[i - 1]} 至 {e[i]}（不含 {e[i]}）"
                        if upper
                        else f"高于 {e[i - 1]} 至 {e[i]}（含 {e[i]}）"
                    )
                parts.append(f"{rng}：{sc[i]} 分")
            else:
                if i == 0:
                    rng = f"below {e[0]}" if upper else f"{e[0]} or less"
                elif i == n:
                    rng = f"{e[-1]} or more" if upper else f"above {e[-1]}"
                else:
                    rng = (
                        f"from {e[i - 1]} to below {e[i]}"
                        if upper
                        else f"above {e[i - 1]} up to {e[i]}"
                    )
                parts.append(f"{rng} scores {sc[i]}")
        pass_score = fmt(self.pass_score)
        cond = self.pass_condition(lang)
        if lang == "zh":
            scale = "分档计分：" + "；".join(parts) + "。"
            at_least = "100 分" if self.pass_score >= 100 else f"不低于 {pass_score} 分"
            return (
                scale,
                f"得分{at_least}（目标值 {fmt(self.target)} 所在档的得分）时达标，即{cond}。",
            )
        scale = "Bands: " + "; ".join(parts) + "."
        at_least = "100" if self.pass_score >= 100 else f"{pass_score} or more"
        return scale, (
            f"The rule passes when it scores {at_least} (the score of the target, "
            f"{fmt(self.target)}), that is {cond}."
        )

    def pass_condition(self, lang: str) -> str:
        """The values that pass, as a condition on the value (worked out from the bands)."""
        ok = [sc >= self.pass_score for sc in self.scores]
        zh = lang == "zh"
        if all(ok):
            return "任何数值" if zh else "at any value"
        upper = self.edge == "upper"
        if self.higher_is_better:
            k = ok.index(True)  # first passing band; all above it pass (scores rise)
            edge = fmt(self.edges[k - 1])
            if zh:
                return f"数值{'不低于' if upper else '高于'} {edge}"
            return f"at a value of {edge} or more" if upper else f"at a value above {edge}"
        k = len(ok) - 1 - ok[::-1].index(True)  # last passing band; all below it pass
        edge = fmt(self.edges[k])
        if zh:
            return f"数值{'低于' if upper else '不高于'} {edge}"
        return f"at a value below {edge}" if upper else f"at a value of {edge} or less"

    def candidates(self, grain: float) -> tuple[float, ...]:
        return tuple(x for e in self.edges for x in (e - grain, e, e + grain))

    def width(self) -> float:
        span = self.edges[-1] - self.edges[0]
        if span > 0:
            return span
        return max(abs(self.edges[0]), abs(self.target - self.edges[0]), 1.0)


SCALE = BandScale
