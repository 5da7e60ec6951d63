"""The ``linear`` scale: goalposts. Worst scores 0, the target its target score, best 100, with
straight lines in between; past either end the score stays at 0 or 100."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from hemscore.model.methods.base import RuleContext, Scale, fmt, is_number


class LinearScale(Scale):
    """Piecewise-linear goalposts: worst → 0, target → target_score, best → 100."""

    # A slotted class rather than a dataclass: creating a dataclass costs every start-up.
    __slots__ = ("worst", "target", "best", "target_score", "kind")  # noqa: RUF023 (the repr's order)

    keys: ClassVar[frozenset[str]] = frozenset({"worst", "target", "best", "target_score"})

    def __init__(self, worst: float, target: float, best: float, target_score: float) -> None:
        self.worst = worst
        self.target = target
        self.best = best
        self.target_score = target_score
        self.kind: Literal["linear"] = "linear"

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> LinearScale:
        w, t, b = (ctx.number(spec, key) for key in ("worst", "target", "best"))
        ts = spec.get("target_score", ctx.default_target_score)
        if not is_number(ts) or not 0 < ts < 100:
            raise ctx.fail("target_score must be a number between 0 and 100", "target_score")
        if w == b:
            raise ctx.fail("worst and best must differ", "best")
        if not (min(w, b) < t < max(w, b)):
            raise ctx.fail("target must lie strictly between worst and best", "target")
        return cls(w, t, b, float(ts))

    @property
    def higher_is_better(self) -> bool:
        return self.best > self.worst

    def score(self, x: float) -> float:
        return self.evaluate(x)[0]

    @property
    def pass_score(self) -> float:
        return self.target_score

    def evaluate(self, x: float) -> tuple[float, bool, float]:
        """``(score, passes, gap)`` of ``x`` in one step (the engine's per-rule call); the gap
        is how far ``x`` must move (in the measure's unit) to reach the target, 0 if it has."""
        w, t, b, ts = self.worst, self.target, self.best, self.target_score
        if not b > w:  # lower is better: mirror so that larger is better (negation is exact)
            w, t, b, x = -w, -t, -b, -x
        if x <= w:
            score = 0.0
        elif x >= b:
            score = 100.0
        elif x < t:
            score = ts * (x - w) / (t - w)
        else:
            # min: b - t can round below x - t (goalposts 10^14 apart with a best 0.01 past target)
            score = min(100.0, ts + (100.0 - ts) * (x - t) / (b - t))
        return score, x >= t, max(0.0, t - x)

    def to_json(self) -> dict[str, Any]:
        return {
            "scale": "linear",
            "worst": self.worst,
            "target": self.target,
            "best": self.best,
            "target_score": self.target_score,
        }

    def rule_json(self) -> dict[str, Any]:
        return self.to_json()

    def explain(self, lang: str) -> tuple[str, str]:
        w, t, b, ts = fmt(self.worst), fmt(self.target), fmt(self.best), fmt(self.target_score)
        up = self.higher_is_better
        if lang == "zh":
            more, less = ("及以上", "及以下") if up else ("及以下", "及以上")
            scale = (
                f"线性目标值法：数值为 {w} {less}得 0 分，等于 {t}（目标值）得 {ts} 分，{b} {more}得 100 分；"
                f"其间按直线插值（{w} 到 {t} 之间从 0 分升到 {ts} 分，{t} 到 {b} 之间从 {ts} 分升到 100 分）。"
            )
            return scale, f"数值{'不低于' if up else '不高于'} {t} 时达标（得分 {ts} 分及以上）。"
        more, less = ("or more", "or less") if up else ("or less", "or more")
        scale = (
            f"Linear goalposts: a value of {w} {less} scores 0, {t} (the target) scores {ts}, and "
            f"{b} {more} scores 100; in between the score follows straight lines (from 0 to {ts} "
            f"between {w} and {t}, from {ts} to 100 between {t} and {b})."
        )
        return scale, f"The rule passes at {t} {more} (a score of {ts} or more)."

    def candidates(self, grain: float) -> tuple[float, ...]:
        return (self.worst, self.target, self.best)

    def width(self) -> float:
        return abs(self.best - self.worst)


SCALE = LinearScale
