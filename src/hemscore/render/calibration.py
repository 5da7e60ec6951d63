"""The report of ``hemscore rules calibrate``: each panel-based rule's goalposts as the panel
gives them, beside the rule's own, as JSON or as a text table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hemscore.analysis.calibration import Goalposts


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def calibration_rows(results: Sequence[tuple[str, Goalposts]]) -> list[dict[str, Any]]:
    """One JSON object per rule: its panel, the goalposts computed and the rule's own."""
    rows = []
    for where, g in results:
        scale = g.rule.scale
        rows.append(
            {
                "rule": g.rule.id,
                "metric": g.rule.metric,
                "panel": where,
                "economies": g.economies,
                "computed": {
                    "worst": _num(g.worst),
                    "target": _num(g.target),
                    "best": _num(g.best),
                    "target_from": g.target_from,
                },
                "rule_goalposts": {
                    "worst": getattr(scale, "worst", None),
                    "target": getattr(scale, "target", None),
                    "best": getattr(scale, "best", None),
                },
                "agrees": g.agrees(),
                "problem": g.problem,
            }
        )
    return rows


def calibration_table(results: Sequence[tuple[str, Goalposts]]) -> str:
    """The text table: one line per rule, the last column saying whether the rule agrees."""
    from hemscore.render.explain import fmt as num_text

    head = ("RULE", "METRIC", "N", "WORST", "TARGET", "BEST", "TARGET FROM", "RULE FILE")
    table: list[tuple[str, ...]] = [head]
    for _where, g in results:
        scale = g.rule.scale
        own = "/".join(num_text(getattr(scale, k)) for k in ("worst", "target", "best"))
        table.append(
            (
                g.rule.id,
                g.rule.metric,
                str(g.economies),
                *("-" if math.isnan(x) else num_text(x) for x in (g.worst, g.target, g.best)),
                g.target_from,
                ("agrees " if g.agrees() else "DIFFERS ")
                + own
                + (f" ({g.problem})" if g.problem else ""),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(head) - 1)]
    return (
        "\n".join("  ".join([*(c.ljust(w) for c, w in zip(row, widths)), row[-1]]) for row in table)
        + "\n"
    )


def render_calibration(results: Sequence[tuple[str, Goalposts]], fmt: str) -> str:
    """The report in ``fmt`` (``json`` or ``table``)."""
    if fmt == "json":
        import json

        return json.dumps(calibration_rows(results), ensure_ascii=False, indent=2) + "\n"
    return calibration_table(results)
