"""Named mutations: breaks a review made on purpose, each with the test that must catch it.

    python -m tests.named_mutations          # every mutation; exit 1 if one survives
    python -m tests.named_mutations 3 7      # only mutations 3 and 7

For each mutation the source tree is copied to a temporary folder, one line is changed, and
the named test is run against the copy (``PYTHONPATH`` puts it before the installed
package). The test must fail. Before that, the same tests run against the unchanged code and
must pass. See tests/MUTATION.md for the full mutation run (mutmut) and its survivors.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


@dataclass(frozen=True)
class Mutation:
    what: str
    file: str  # under src/hemscore, e.g. engine/assessment.py
    old: str
    new: str
    test: str  # the pytest node id that must fail


MUTATIONS = [
    Mutation(
        "the recommendation gain measured to 100 instead of the rule's pass score",
        "engine/assessment.py",
        "target_score = r.rule.scoring.pass_score",
        "target_score = 100.0",
        "tests/test_exact.py::test_recommendations_priority_order_and_gain_to_the_target",
    ),
    Mutation(
        "overall coverage counting diagnostics of weight 0",
        "engine/assessment.py",
        "counted = [d for d in diags if d.weight > 0]",
        "counted = list(diags)",
        "tests/test_exact.py::test_overall_coverage_leaves_out_weight_0_diagnostics",
    ),
    Mutation(
        "the gain of a rule in a diagnostic of weight 0 taken as if it counted",
        "engine/assessment.py",
        "if pos is None:  # a diagnostic of weight 0 does not move the overall score\n"
        "                    new_overall = mean(scores, weights, how)",
        "if pos is None:  # a diagnostic of weight 0 does not move the overall score\n"
        "                    new_overall = mean([*scores, d.score + r.weight * (target_score - "
        "r.score) / d.assessed_weight], [*weights, 1.0], how)",
        "tests/test_exact.py::test_gain_of_a_rule_in_a_weight_0_diagnostic_is_exactly_0",
    ),
    Mutation(
        "sensitivity never drawing the geometric mean",
        "analysis/sensitivity.py",
        'how = "geometric" if rng.random() < 0.5 else "arithmetic"',
        'how = "geometric" if rng.random() < 0.0 else "arithmetic"',
        "tests/test_sensitivity.py::test_both_aggregations_are_drawn_with_the_nominal_weights",
    ),
    Mutation(
        "--fail-under failing at equality",
        "engine/gates.py",
        "a.score < self.fail_under",
        "a.score <= self.fail_under",
        "tests/test_gates.py::test_fail_under_passes_at_equality",
    ),
    Mutation(
        "growth treating an end value of 0 as missing",
        "model/methods/trend.py",
        "if start <= 0 or end < 0:",
        "if start <= 0 or end <= 0:",
        "tests/test_exact.py::test_growth_to_an_end_value_of_0_is_minus_100_not_missing",
    ),
    Mutation(
        "the earliest year winning a tie for a series peak",
        "model/methods/trend.py",
        "peak_year = max(series, key=lambda y: (series[y], y))",
        "peak_year = max(series, key=lambda y: (series[y], -y))",
        "tests/test_exact.py::test_peak_tie_goes_to_the_latest_year",
    ),
    Mutation(
        "a 1-point fall not counting as a regression",
        "analysis/diffing.py",
        "elif self.overall_delta is not None and self.overall_delta < 0:",
        "elif self.overall_delta is not None and self.overall_delta < -1:",
        "tests/test_gates.py::test_regression_of_the_overall_score",
    ),
    Mutation(
        "BOOLEAN_EFFORT changed",
        "analysis/plan.py",
        "BOOLEAN_EFFORT = 0.5",
        "BOOLEAN_EFFORT = 1.0",
        "tests/test_plan.py::test_a_boolean_flip_costs_half_a_band",
    ),
    Mutation(
        "the coverage floor excluding a coverage exactly at it",
        "engine/assessment.py",
        "if assessed_w > 0 and coverage + 1e-12 >= min_coverage:",
        "if assessed_w > 0 and coverage > min_coverage:",
        "tests/test_exact.py::test_coverage_floor_is_inclusive",
    ),
    Mutation(
        "--fail-on skipping rules exactly at the severity asked",
        "engine/gates.py",
        "SEVERITY_RANK[r.rule.severity] >= floor",
        "SEVERITY_RANK[r.rule.severity] > floor",
        "tests/test_gates.py::test_fail_on_each_severity",
    ),
    Mutation(
        "a lower band edge belonging to the band above it",
        "model/methods/scale_bands.py",
        'if x < e or (self.edge == "lower" and x == e):',
        "if x < e:",
        "tests/test_exact.py::test_bands_falling_lower_edges",
    ),
    Mutation(
        "a residual share counted in the HHI",
        "model/methods/concentration.py",
        "return float(sum(v * v for k, v in shares.items() if not is_residual(k)))",
        "return float(sum(v * v for k, v in shares.items()))",
        "tests/test_exact.py::test_rule_figures",
    ),
    Mutation(
        "a greedy (geometric) plan's last move not cut back to the least value that reaches the target",
        "analysis/plan.py",
        "x, score = _least(search, lever, values, prev, x, target, score)",
        "pass",
        "tests/test_plan.py::test_a_geometric_plan_cuts_its_last_move_back",
    ),
]


def run_tests(tests: list[str], src: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    ).returncode


def main(argv: list[str]) -> int:
    chosen = [MUTATIONS[int(a) - 1] for a in argv] if argv else MUTATIONS
    if run_tests(sorted({m.test for m in chosen}), SRC) != 0:
        print("the named tests fail on the unchanged code: nothing to measure")
        return 1
    survived = 0
    for m in chosen:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "src"
            shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
            target = copy / "hemscore" / m.file
            text = target.read_text(encoding="utf-8")
            assert text.count(m.old) == 1, f"{m.file}: the line to change is not there once"
            target.write_text(text.replace(m.old, m.new), encoding="utf-8")
            killed = run_tests([m.test], copy) != 0
        survived += not killed
        number = MUTATIONS.index(m) + 1
        print(f"{number:2}. {'killed  ' if killed else 'SURVIVED'} {m.what}\n    by {m.test}")
    print(f"{len(chosen) - survived} of {len(chosen)} named mutations killed")
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
