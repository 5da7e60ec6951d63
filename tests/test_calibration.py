"""Panel calibration (docs/calibration.md), weights apart from severity, effective weights."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hemscore.analysis.calibration import calibrate, calibrated_rules, percentile, round_sig
from hemscore.analysis.peers import read_peers
from hemscore.base.errors import RuleError
from hemscore.engine.assessment import assess
from hemscore.engine.gates import Gates
from hemscore.engine.loader import load_profile
from hemscore.model.rules import builtin_rules_dir, load_ruleset

from .conftest import ROOT, write

LIBRARY = load_ruleset()
PANEL = ROOT / "reference" / "panel" / "2017"


def test_every_panel_rule_agrees_with_its_calibration() -> None:
    """Recompute every panel-based goalpost from the shipped panel; a hand edit fails here."""
    panel = read_peers(str(PANEL), LIBRARY, None)
    rules = calibrated_rules(LIBRARY)
    assert [r.id for r in rules] == [
        "EX-02",
        "EX-03",
        "PO-07",
        "TA-01",
        "TE-01",
        "TE-10",
        "TE-11",
        "TE-12",
    ]
    for r in rules:
        g = calibrate(r, LIBRARY, panel)
        assert g.problem is None, r.id
        assert g.agrees(), (r.id, (g.worst, g.target, g.best), r.scale)
        assert r.kinds == ("country",), r.id


def test_te01_goalposts_worked_by_hand() -> None:
    # 41 economies with R&D data in 2017; the 10th percentile sits at position 4.0 of the
    # sorted values (type 7: (41 - 1) × 0.10), the 90th at 36.0: two observed values, rounded.
    panel = read_peers(str(PANEL), LIBRARY, None)
    rule = LIBRARY.rule("TE-01")
    assert rule is not None
    values = sorted(
        float(p.values["technology.rd_intensity_pct"].value)  # type: ignore[arg-type]
        for p in panel
        if "technology.rd_intensity_pct" in p.values
    )
    assert len(values) == 41
    g = calibrate(rule, LIBRARY, panel)
    assert (g.worst, g.target, g.best) == (round_sig(values[4]), 3.0, round_sig(values[36]))
    assert (g.worst, g.target, g.best, g.target_from) == (0.556, 3.0, 3.08, "policy")


def test_a_stale_goalpost_is_caught(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules, ignore=shutil.ignore_patterns("*.md"))
    tech = rules / "technology.toml"
    text = tech.read_text(encoding="utf-8")
    assert "worst = 26.8\n" in text
    tech.write_text(text.replace("worst = 26.8\n", "worst = 25\n"), encoding="utf-8")
    r = run_cli("rules", "calibrate", "--rules", rules, "--panel", PANEL)
    assert r.code == 1
    assert "1 rule(s) disagree with their calibration: TE-12" in r.err
    ok = run_cli("rules", "calibrate", "--format", "json")
    assert ok.code == 0, ok.err
    rows = json.loads(ok.out)
    assert len(rows) == 8 and all(x["agrees"] for x in rows)
    te01 = next(x for x in rows if x["rule"] == "TE-01")
    assert te01["computed"] == {
        "worst": 0.556,
        "target": 3.0,
        "best": 3.08,
        "target_from": "policy",
    }


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=60), st.integers(1, 99))
def test_percentile_is_type_7(xs: list[float], p: int) -> None:
    expected = statistics.quantiles(xs, n=100, method="inclusive")[p - 1]
    assert percentile(xs, p) == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_round_sig() -> None:
    assert [round_sig(x) for x in (0.055612, 3.0769, 6818.9, 89.089, 0.0)] == [
        0.0556,
        3.08,
        6820.0,
        89.1,
        0.0,
    ]


def test_kinds_are_split_so_regions_keep_their_goalposts() -> None:
    te13 = LIBRARY.rule("TE-13")
    assert te13 is not None and te13.kinds == ("region",) and te13.basis == "design"
    assert (te13.scale.worst, te13.scale.target, te13.scale.best) == (1.0, 3.0, 4.5)  # type: ignore[union-attr]
    for rid, kinds in (
        ("EX-12", ("region", "firm")),
        ("EX-13", ("region",)),
        ("TA-09", ("region",)),
    ):
        r = LIBRARY.rule(rid)
        assert r is not None and r.kinds == kinds and r.basis == "design", rid


def test_chip_dependence_group_is_bounded() -> None:
    group = [r for r in LIBRARY.rules if r.group == "chip-dependence"]
    assert sorted(r.id for r in group) == ["TE-03", "TE-04", "TE-05", "TE-06", "TE-07", "TE-09"]
    assert sum(r.weight for r in group) == 2.0  # stated in docs/methodology.md


def test_default_weight_is_one_whatever_the_severity() -> None:
    assert {r.weight for r in LIBRARY.rules if r.group is None} <= {1.0, 0.5}
    crit = [r for r in LIBRARY.rules if r.severity == "critical"]
    assert crit and all(r.weight < 1.0 for r in crit)  # severity does not set the weight


RULES = """
[[rules]]
id = "X-1"
metric = "technology.rd_intensity_pct"
kinds = ["country"]
severity = "low"
weight = 3
method = "linear"
worst = 0
target = 2
best = 4
paper = ["1.2"]
basis = "design"
source = "test"
en.title = "a"
en.what = "a"
en.why = "a"
en.recommendation = "a"

[[rules]]
id = "X-2"
metric = "technology.foreign_value_added_pct"
kinds = ["country"]
method = "linear"
worst = 40
target = 25
best = 15
paper = ["1.2"]
basis = "design"
source = "test"
en.title = "b"
en.what = "b"
en.why = "b"
en.recommendation = "b"

[[rules]]
id = "X-3"
metric = "exports.high_tech_pct"
kinds = ["country"]
severity = "critical"
method = "linear"
worst = 10
target = 25
best = 40
paper = ["1.3"]
basis = "design"
source = "test"
en.title = "c"
en.what = "c"
en.why = "c"
en.recommendation = "c"
"""

PROFILE = """[profile]
name = "P"
kind = "country"
year = 2020
[technology]
rd_intensity_pct = 1.0
foreign_value_added_pct = 40.0
[exports]
high_tech_pct = 10.0
"""


def test_gates_read_severity_only_and_effective_weights(tmp_path: Path) -> None:
    rs = load_ruleset([write(tmp_path, "r.toml", RULES)])
    a = assess(load_profile(str(write(tmp_path, "p.toml", PROFILE)), rs.metrics), rs)
    by_id = {r.id: r for r in a.results}
    assert all(r.status == "fail" for r in by_id.values())
    # X-2 has no severity: failing, but never gated, even by --fail-on low
    assert Gates(fail_on="low").failures(a) == [
        f"{a.profile.path}: 2 failing rule(s) of severity low or higher: X-1, X-3"
    ]
    assert Gates(fail_on="high").failures(a) == [
        f"{a.profile.path}: 1 failing rule(s) of severity high or higher: X-3"
    ]
    # X-1 (weight 3) and X-2 (weight 1, the default) share technology, which holds half of the
    # overall score with exports: 1/2 × 3/4, 1/2 × 1/4, and X-3 alone in exports 1/2.
    assert by_id["X-1"].effective_weight == pytest.approx(0.375)
    assert by_id["X-2"].effective_weight == pytest.approx(0.125)
    assert by_id["X-3"].effective_weight == pytest.approx(0.5)
    # X-1 scores 35 (1.0 is halfway from 0 to the target 2), the rest 0: overall 0.375 × 35
    assert a.score == pytest.approx(13.125)


def test_effective_weights_sum_to_one_on_the_examples() -> None:
    for path in sorted((ROOT / "examples").glob("*.toml")):
        a = assess(load_profile(str(path), LIBRARY.metrics), LIBRARY)
        weights = [r.effective_weight for r in a.results]
        if a.score is None:
            assert all(w is None for w in weights), path.name
        else:
            assert sum(w or 0.0 for w in weights) == pytest.approx(1.0), path.name


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("", "basis panel needs a [rules.calibration] table"),
        (
            (
                '[rules.calibration]\nmethod = "panel-percentiles"\npanel = "p"\nyear = 2017\n'
                "economies = 40\nworst_percentile = 10\nbest_percentile = 90\n"
            ),
            "give exactly one of target_percentile and target_policy",
        ),
        (
            '[rules.calibration]\nmethod = "minmax"\n',
            'method must be "panel-percentiles"',
        ),
    ],
)
def test_bad_calibration_is_reported(tmp_path: Path, extra: str, message: str) -> None:
    text = RULES.split("[[rules]]")[1].replace('basis = "design"', 'basis = "panel"')
    with pytest.raises(RuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_ruleset([write(tmp_path, "r.toml", "[[rules]]" + text + extra)])


def test_the_validation_figures_are_reproducible() -> None:
    """docs/validation.md quotes this command's output; a change in rules or data shows here."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "correlate_outside.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith("44 economies: ARG, AUS, AUT, BEL")
    assert out[1:] == [
        "overall      n=44  Spearman rho = +0.490",
        "exports      n=44  Spearman rho = +0.370",
        "technology   n=44  Spearman rho = +0.552",
    ]


def test_spearman_by_hand() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "correlate_outside", ROOT / "scripts" / "correlate_outside.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.ranks([10.0, 30.0, 20.0, 20.0]) == [1.0, 4.0, 2.5, 2.5]
    assert mod.spearman([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    # ranks x = 1,2,3,4 and y = 1,3,2,4: d² sums to 2, rho = 1 − 6·2 / (4·15) = 0.8
    assert mod.spearman([1.0, 2.0, 3.0, 4.0], [10.0, 30.0, 20.0, 40.0]) == pytest.approx(0.8)
