"""The work one command may do is bounded, and a run beyond it is refused before it starts.

``sensitivity`` keeps a score (and a rank) per profile per run: 100 profiles × 10⁶ runs held
about 8 GB. ``--format svg`` draws every profile into one picture held in memory. Both refuse a
run beyond their documented budget (docs/analysis.md, docs/pipelines.md) with exit 2 and one
line that says how far to go instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "china-2022.toml"


def copies(folder: Path, n: int) -> Path:
    folder.mkdir()
    text = EXAMPLE.read_text("utf-8")
    for i in range(n):
        (folder / f"p{i:03d}.toml").write_text(text, encoding="utf-8")
    return folder


def test_sensitivity_beyond_the_budget_is_refused_before_any_run(
    run_cli: Any, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    r = run_cli("sensitivity", EXAMPLE, EXAMPLES / "japan-2022.toml", "--runs", "600000", "-o", out)
    assert r.code == 2
    assert r.err == (
        "hemscore: error: 600,000 runs × 2 profiles is 1,200,000 profile-runs, over the "
        "budget of 1,000,000: lower --runs to at most 500,000 for 2 profiles, or split them\n"
    )
    assert not out.exists()


def test_the_sensitivity_budget_counts_profiles_runs_and_rules() -> None:
    from hemscore.analysis.sensitivity import budget_problem

    assert budget_problem(runs=500_000, profiles=2, rules=42) is None
    assert budget_problem(runs=1_000_000, profiles=1, rules=42) is None  # --runs at its maximum
    assert budget_problem(runs=500_001, profiles=2, rules=42) == (
        "500,001 runs × 2 profiles is 1,000,002 profile-runs, over the budget of 1,000,000: "
        "lower --runs to at most 500,000 for 2 profiles, or split them"
    )
    # a large custom rule set: every run draws a factor per rule and sums them per profile
    assert budget_problem(runs=1000, profiles=50, rules=2000) is None
    assert budget_problem(runs=1000, profiles=51, rules=2000) == (
        "1,000 runs × 51 profiles × 2,000 rules is 102,000,000 weighted terms, over the "
        "budget of 100,000,000: lower --runs to at most 980 for 51 profiles, or split them"
    )


def test_svg_beyond_its_budget_is_refused_before_assessing(run_cli: Any, tmp_path: Path) -> None:
    folder = copies(tmp_path / "many", 101)
    r = run_cli("assess", folder, "--format", "svg", "--quiet")
    assert r.code == 2
    assert r.out == ""
    assert r.err == (
        "hemscore: error: --format svg draws at most 100 profiles in one picture and this run "
        "names 101: split the batch, or use --format html or jsonl\n"
    )


def test_svg_at_its_budget_is_drawn(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hemscore.base import limits

    monkeypatch.setattr(limits, "MAX_SVG_PROFILES", 3)
    folder = copies(tmp_path / "three", 3)
    r = run_cli("assess", folder, "--format", "svg", "--quiet")
    assert r.code == 0, r.err
    assert r.out.count("<svg") == 1 and r.out.count("China") >= 3
    (folder / "p003.toml").write_text(EXAMPLE.read_text("utf-8"), encoding="utf-8")
    r = run_cli("assess", folder, "--format", "svg", "--quiet")
    assert r.code == 2
    assert "draws at most 3 profiles in one picture and this run names 4" in r.err
