"""`hemscore sensitivity --factor`: variance-based sensitivity over the modelling choices."""

from __future__ import annotations

import dataclasses
import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemscore.analysis import uncertainty as unc
from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import load_profile

from .analysis_helpers import ROOT, profiles, ruleset

PANEL = ROOT / "reference" / "panel" / "2017"

# A small model whose indices are known: technology holds one linear rule (R-A), exports two
# boolean rules (R-B, weight 1; R-C, weight 9). Goalposts move only R-A, dropping estimates
# only R-B, so the overall score is the sum of a goalposts term and an estimates term.
MODEL = """
[ruleset]
name = "additive"
version = "1"
[metrics."technology.a_value"]
type = "number"
kinds = ["country"]
better = "higher"
en = { title = "a", unit = "n", description = "d" }
[metrics."exports.b_flag"]
type = "bool"
kinds = ["country"]
better = "true"
en = { title = "b", unit = "yes/no", description = "d" }
[metrics."exports.c_flag"]
type = "bool"
kinds = ["country"]
better = "true"
en = { title = "c", unit = "yes/no", description = "d" }
[[rules]]
id = "R-A"
metric = "technology.a_value"
method = "linear"
worst = 0
target = 50
best = 100
target_score = 50
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "A", what = "w", why = "y", recommendation = "r" }
[[rules]]
id = "R-B"
metric = "exports.b_flag"
method = "boolean"
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "B", what = "w", why = "y", recommendation = "r" }
[[rules]]
id = "R-C"
metric = "exports.c_flag"
method = "boolean"
weight = 9
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "C", what = "w", why = "y", recommendation = "r" }
"""


def _profile(path: Path, name: str, a: float, b: bool | None, c: bool | None) -> Path:
    lines = [f'[profile]\nname = "{name}"\nkind = "country"\nyear = 2020\n']
    lines.append(f'[technology.a_value]\nvalue = {a}\nsource = "survey"\n')
    if b is not None:
        lines.append(f'[exports.b_flag]\nvalue = {str(b).lower()}\nsource = "estimate: guess"\n')
    if c is not None:
        lines.append(f'[exports.c_flag]\nvalue = {str(c).lower()}\nsource = "register"\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _model(tmp_path: Path) -> tuple[Path, list[Path]]:
    rules = tmp_path / "rules.toml"
    rules.write_text(MODEL, encoding="utf-8")
    return rules, [
        _profile(tmp_path / "p1.toml", "P1", 40, True, False),
        _profile(tmp_path / "p2.toml", "P2", 70, False, None),
        _profile(tmp_path / "p3.toml", "P3", 20, True, True),
    ]


def _json(run_cli, *args: object) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = run_cli("sensitivity", *args, "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)  # type: ignore[no-any-return]


def test_additive_model_indices_fall_within_their_confidence_intervals(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path
) -> None:
    rules, (p1, *_) = _model(tmp_path)
    data = _json(
        run_cli, p1, "--rules", rules, "--factor", "goalposts=0.5", "--factor", "estimates",
        "--samples", "512", "--seed", "3", "--bootstrap", "100",
    )  # fmt: skip
    # Y = (A + E) / 2. A = R-A's score, 50 × (40 − w) / (50 − w) with w = 50 − 50a, a the
    # factor on the distance from target to worst, uniform on [0.5, 1.5]: A = 50 (1 − 0.2/a).
    # Var(1/a) = E[1/a²] − E[1/a]² = 1/(0.5 × 1.5) − (ln 3)² ; Var(A) = 100 Var(1/a).
    # E = exports: (1 × 100 + 9 × 0) / 10 = 10 with R-B's estimate kept, 0 with it dropped
    # (R-C alone): Var(E) = 5² = 25. Additive, so first-order = total for each group.
    var_a = 100 * (4 / 3 - math.log(3) ** 2)
    expected = {"goalposts": var_a / (var_a + 25), "estimates": 25 / (var_a + 25)}
    assert expected["goalposts"] == pytest.approx(0.33578, abs=1e-5)
    p = data["profiles"][0]
    assert p["nominal"]["score"] == 25.0  # (40 + 10) / 2
    assert p["rank"] is None
    assert p["score"]["variance"] == pytest.approx((var_a + 25) / 4, rel=0.05)
    for group, s in expected.items():
        ix = p["score"]["indices"][group]
        for kind in ("first", "total"):
            low, high = ix[f"{kind}_ci"]
            assert low <= s <= high, (group, kind, low, s, high)
            assert high - low < 0.2  # an interval that says something
            assert ix[kind] == pytest.approx(s, abs=0.05)


@pytest.mark.parametrize("group", unc.GROUPS)
def test_a_factor_switched_on_appears_in_the_output(run_cli, tmp_path: Path, group: str) -> None:  # type: ignore[no-untyped-def]
    rules, paths = _model(tmp_path)
    data = _json(
        run_cli, *paths, "--rules", rules, "--factor", group, "--samples", "8", "--bootstrap", "0",
        "--min-coverage", "0.05",  # P2 (no R-C) is scored whether or not R-C is imputed
    )  # fmt: skip
    assert [g["group"] for g in data["settings"]["groups"]] == [group]
    assert data["settings"]["runs"] == 8 * 3
    assert list(data["summary"]["score"]) == [group]
    with_indices = [
        p["score"]["indices"] for p in data["profiles"] if p["score"]["indices"] is not None
    ]
    assert with_indices and all(list(ix) == [group] for ix in with_indices)
    # the group moved at least one score
    assert any(ix[group]["total"] > 0 for ix in with_indices)


def test_every_run_parameter_is_in_the_json(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rules, paths = _model(tmp_path)
    data = _json(
        run_cli, *paths, "--rules", rules, "--factor", "weights=0.8:1.2", "--factor",
        "normalisation=minmax,rank", "--samples", "16", "--bootstrap", "100", "--seed", "9",
        "--aggregation", "geometric", "--min-coverage", "0.05",
    )  # fmt: skip
    s = data["settings"]
    assert s["groups"] == [
        {"group": "weights", "low": 0.8, "high": 1.2},
        {"group": "normalisation", "levels": ["minmax", "rank"]},
    ]
    assert (s["samples"], s["runs"], s["seed"]) == (16, 16 * 4, 9)
    assert s["bootstrap"]["resamples"] == 100 and s["bootstrap"]["confidence"] == 0.95
    assert s["nominal"] == {"aggregation": "geometric", "min_coverage": 0.05, "strict": False}
    assert s["library"].startswith("scipy ") and s["rank_band"] == 3
    # the leave-one-out table: worked out by hand below
    loo = {x["rule"]: x["shifts"] for x in data["leave_one_out"]}
    assert loo == LOO


# Nominal (geometric, floor 0.05): P1 = √(40 × 10) = 20; P2 = √(70 × 0) = 0 (R-B false, R-C
# missing: exports covers 1 of 10, above the floor); P3 = √(20 × 100) = 44.72: ranks 2, 3, 1.
# Without R-A: exports alone, 10, 0, 100: ranks 2, 3, 1, no shift.
# Without R-B: P1 √(40 × 0) = 0; P2 has no exports data (R-C missing), technology alone, 70
# (coverage 1 of 10, above the floor); P3 √(20 × 100) = 44.72: ranks 3, 1, 2.
# Without R-C: P1 √(40 × 100) = 63.25, P2 √(70 × 0) = 0, P3 44.72: ranks 1, 3, 2.
LOO = {"R-A": [0, 0, 0], "R-B": [1, -2, 1], "R-C": [-1, 0, 1]}


def test_same_seed_same_bytes_other_seed_other_numbers(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rules, paths = _model(tmp_path)
    args = [*paths, "--rules", rules, "--factor", "goalposts", "--factor", "missing"]
    args += ["--factor", "inclusion", "--samples", "32", "--bootstrap", "100"]
    for fmt in ("json", "table"):
        one = run_cli("sensitivity", *args, "--seed", "5", "--format", fmt)
        two = run_cli("sensitivity", *args, "--seed", "5", "--format", fmt)
        assert one.code == 0, one.err
        assert one.out == two.out
    other = run_cli("sensitivity", *args, "--seed", "6", "--format", "json")
    first = json.loads(run_cli("sensitivity", *args, "--seed", "5", "--format", "json").out)
    assert json.loads(other.out)["profiles"] != first["profiles"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--factor", "weights=1.5:0.5"], "range out of order"),
        (["--factor", "weights=nan:1"], "finite"),
        (["--factor", "goalposts=0.1:inf"], "finite"),
        (["--factor", "weights=inf"], "finite"),
        (["--factor", "goalposts=1.2"], "share"),
        (["--factor", "weights=1:1"], "nothing to vary"),
        (["--factor", "normalisation=rank"], "nothing to vary"),
        (["--factor", "normalisation=zscore,rank"], "unknown choice"),
        (["--factor", "goalposts", "--factor", "normalisation=minmax,rank"], "never use"),
        (["--factor", "weight"], "unknown factor group"),
        (["--factor", "missing=yes"], "takes no value"),
        (["--factor", "aggregation", "--factor", "aggregation"], "given twice"),
        (["--factor", "aggregation", "--samples", "1000"], "power of 2"),
        (["--factor", "aggregation", "--samples", "4"], "power of 2"),
        (["--factor", "aggregation", "--bootstrap", "10"], "resamples"),
        (["--factor", "aggregation", "--seed", "-1"], "seed"),
        (["--factor", "aggregation", "--runs", "50"], "--runs belongs"),
        (["--factor", "aggregation", "--low", "0.9"], "--low belongs"),
        (["--samples", "64"], "needs --factor"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, args: list[str], message: str
) -> None:
    rules, paths = _model(tmp_path)
    r = run_cli("sensitivity", *paths, "--rules", rules, *args)
    assert r.code == 2, (r.out, r.err)
    assert r.err.startswith("hemscore: error:") and message in r.err
    assert len(r.err.strip().splitlines()) == 1 and r.out == ""


def test_a_group_with_nothing_to_vary_is_refused_not_dropped(run_cli) -> None:  # type: ignore[no-untyped-def]
    # the reference panel holds published WDI values only: no estimate to drop, and with
    # --common no missing value to impute
    common = [PANEL, "--common", "--samples", "8", "--bootstrap", "0"]
    r = run_cli("sensitivity", *common, "--factor", "aggregation", "--factor", "estimates")
    assert r.code == 2 and "estimates: no scored value is marked as an estimate" in r.err
    r = run_cli("sensitivity", *common, "--factor", "missing")
    assert r.code == 2 and "nothing to impute" in r.err


# --- the fast path is the engine ------------------------------------------------------------


@cache
def _panel_assessments() -> tuple[Assessment, ...]:
    """The 2017 panel at a floor of 0.25 (every economy scored), a fifth of the economies with
    their R&D intensity and high-tech export share marked as estimates."""
    rs = ruleset()
    out = []
    for i, path in enumerate(sorted(PANEL.glob("*.toml"))):
        p = load_profile(str(path), rs.metrics)
        if i % 5 == 0:
            marked = {
                k: dataclasses.replace(v, source="estimate: test")
                if k in ("technology.rd_intensity_pct", "exports.high_tech_pct")
                else v
                for k, v in p.values.items()
            }
            p = dataclasses.replace(p, values=marked)
        out.append(assess(p, rs, min_coverage=0.25))
    return tuple(out)


def _check_equal(panel: unc.Panel, draws: unc.Draws, goalposts_on: bool) -> int:
    from hemscore.analysis.compare import ranks

    fast = unc.evaluate(panel, draws, goalposts_on)
    fast_ranks = unc.rank_rows(fast)
    scored = 0
    for m in range(draws.runs):
        engine = unc.reference_assessments(panel, draws, m, goalposts_on)
        expected = [math.nan if r is None else float(r) for r in ranks([a.score for a in engine])]
        assert fast_ranks[m].tolist() == pytest.approx(expected, nan_ok=True)
        for i, a in enumerate(engine):
            if a.score is None:
                assert math.isnan(fast[m, i]), (m, i)
            else:
                assert fast[m, i] == pytest.approx(a.score, abs=1e-9), (m, i)
                scored += 1
    return scored


def test_fast_path_equals_the_engine_on_the_panel() -> None:
    panel = unc.prepare(_panel_assessments())
    nominal = unc.nominal_draws(panel, 1)
    assert [None if math.isnan(x) else x for x in unc.evaluate(panel, nominal)[0]] == [
        pytest.approx(a.score, abs=1e-9) for a in panel.assessments
    ]
    factors = [unc.parse_factor(g) for g in unc.GROUPS]
    width = sum(len(c) for c in unc._columns(panel, factors).values())
    u = np.random.default_rng(17).random((12, width))
    draws = unc.draws_from_unit(panel, factors, u)
    # the draws reach every choice of every categorical group
    assert set(draws.norm) == {0, 1, 2} and draws.impute.any() and draws.drop.any()
    assert (draws.leave_out >= 0).any() and draws.geometric.any()
    assert _check_equal(panel, draws, True) > 12 * 30


@settings(max_examples=15, deadline=None)
@given(
    st.lists(profiles("country"), min_size=2, max_size=5),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["arithmetic", "geometric"]),
    st.sampled_from([0.0, 0.3, 0.5]),
)
def test_fast_path_equals_the_engine_on_random_draws(
    profs, seed: int, how: str, floor: float
) -> None:  # type: ignore[no-untyped-def]
    items = [assess(p, ruleset(), aggregation=how, min_coverage=floor) for p in profs]
    panel = unc.prepare(items)
    factors = [unc.parse_factor(g) for g in unc.GROUPS]
    width = sum(len(c) for c in unc._columns(panel, factors).values())
    draws = unc.draws_from_unit(panel, factors, np.random.default_rng(seed).random((4, width)))
    _check_equal(panel, draws, True)


def test_ranks_share_ties_like_compare() -> None:
    scores = np.array([[50.0, 70.0, 50.0, np.nan], [1.0, 2.0, 3.0, 4.0]])
    ranks = unc.rank_rows(scores)
    assert ranks[0, :3].tolist() == [2.0, 1.0, 2.0] and math.isnan(ranks[0, 3])
    assert ranks[1].tolist() == [4.0, 3.0, 2.0, 1.0]


def test_panel_scales_by_hand() -> None:
    rule = next(r for r in ruleset().rules if r.scale is not None and r.scale.higher_is_better)
    rank = unc.panel_scale(rule, [3.0, 1.0, 3.0, 7.0], "rank")
    # ascending average ranks 1, 2.5, 2.5, 4 over 4 values -> 0, 50, 50, 100
    assert [rank.evaluate(x)[0] for x in (1.0, 3.0, 7.0)] == [0.0, 50.0, 100.0]
    minmax = unc.panel_scale(rule, [2.0, 6.0, 4.0], "minmax")
    assert [minmax.evaluate(x)[0] for x in (2.0, 3.0, 6.0)] == [0.0, 25.0, 100.0]
    flat = unc.panel_scale(rule, [5.0, 5.0], "minmax")
    assert flat.evaluate(5.0)[0] == 50.0


def test_rank_stability_shares_by_hand() -> None:
    def prof(nominal: int, median: float, low: float, high: float) -> unc.ProfileResult:
        rank = unc.Output(unc.Interval(median, low, high), 10, 1.0, None)
        score = unc.Output(None, 10, None, None)
        return unc.ProfileResult(_panel_assessments()[0], None, nominal, score, rank)

    # nominal within ±3 of the median: 1 (|1 − 3| = 2), 3 (|9 − 6| = 3); not 2 (|10 − 5| = 5).
    # whole 5–95% interval within median ± 3: 1 (1–5 around 3), 2 (4–8 around 5); not 3 (2–9).
    profiles = [prof(1, 3.0, 1.0, 5.0), prof(10, 5.0, 4.0, 8.0), prof(9, 6.0, 2.0, 9.0)]
    assert unc._within(profiles) == ((2, 3), (2, 3))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # 65,536 × (8 + 2) runs × 3 profiles = 1,966,080 profile-runs > 1,000,000
        ([f"--factor={g}" for g in unc.GROUPS] + ["--samples", "65536"], "profile-runs"),
        # 10,000 resamples × 32,768 × 3 runs × 3 profiles = 2,949,120,000 > 2,000,000,000
        (["--factor", "aggregation", "--samples", "32768", "--bootstrap", "10000"], "resampled"),
    ],
)
def test_work_beyond_the_budget_is_refused_before_it_starts(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, args: list[str], message: str
) -> None:
    rules, paths = _model(tmp_path)
    r = run_cli("sensitivity", *paths, "--rules", rules, "--min-coverage", "0.05", *args)
    assert r.code == 2 and message in r.err and "over the budget" in r.err, r.err


def test_the_api_runs_the_same_analysis(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import hemscore
    from hemscore.errors import UsageError

    rules, paths = _model(tmp_path)
    rs = hemscore.load_ruleset([rules])
    items = [hemscore.assess(str(p), rs, min_coverage=0.05) for p in paths]
    got = hemscore.sensitivity(items, factors=["aggregation"], samples=8, bootstrap=0)
    cli = _json(
        run_cli, *paths, "--rules", rules, "--min-coverage", "0.05", "--factor", "aggregation",
        "--samples", "8", "--bootstrap", "0",
    )  # fmt: skip
    assert got == cli
    with pytest.raises(UsageError, match="power of 2"):
        hemscore.sensitivity(items, factors=["aggregation"], samples=10)


def test_without_scipy_one_line_says_how_to_install_it(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, paths = _model(tmp_path)
    monkeypatch.setitem(__import__("sys").modules, "scipy", None)  # import scipy now fails
    r = run_cli("sensitivity", *paths, "--rules", rules, "--factor", "aggregation")
    assert r.code == 2 and r.out == ""
    assert (
        r.err == "hemscore: error: --factor needs NumPy and SciPy: pip install 'hemscore[stats]'\n"
    )
