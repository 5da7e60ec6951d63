"""The exact plan search on the example profiles: nodes visited and time, per target.

    .venv/bin/python benchmarks/plan.py [TARGET ...]

Prints, for each example profile with an overall score below the target, the plan's effort,
how many changes it makes, the nodes the branch and bound visited (its limit is
``hemscore.plan.NODE_LIMIT``) and the wall-clock time of ``make_plan``.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: the module (``hemscore.plan`` itself is the public function of the Python API)
planning = importlib.import_module("hemscore.analysis.plan")


def main(targets: list[float]) -> None:
    rs = load_ruleset()
    visited: list[int] = []
    solve = planning._BranchAndBound.solve

    def counting(self: planning._BranchAndBound) -> None:
        solve(self)
        visited.append(self.nodes)

    planning._BranchAndBound.solve = counting  # type: ignore[method-assign]
    print(
        f"{'profile':28} {'before':>6} {'target':>6} {'effort':>7} {'changes':>7} "
        f"{'nodes':>8} {'seconds':>8}"
    )
    for path in sorted(EXAMPLES.glob("*.toml")):
        prof = load_profile(str(path), rs.metrics)
        before = assess(prof, rs).score
        if before is None:
            continue
        for target in targets:
            if before >= target:
                continue
            visited.clear()
            start = time.perf_counter()
            plan = planning.make_plan(prof, rs, target)
            took = time.perf_counter() - start
            reached = "" if plan.reached else " (not reachable)"
            print(
                f"{path.stem:28} {before:6.1f} {target:6g} {plan.effort:7.3f} "
                f"{len(plan.changes):7} {sum(visited):8} {took:8.2f}{reached}"
            )


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [60, 70, 80, 90])
