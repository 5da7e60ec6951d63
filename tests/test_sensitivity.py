"""`hemscore sensitivity`: Monte Carlo over weights and aggregation; deterministic and fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemscore.analysis.sensitivity import interval, quantile, run
from hemscore.engine.assessment import assess

from .analysis_helpers import assessed, example_profiles, fixture, profiles, ruleset

LIKE = [fixture("china-like.toml"), fixture("japan-like.toml"), fixture("us-like.toml")]


def test_done_when_same_seed_same_output(run_cli) -> None:  # type: ignore[no-untyped-def]
    paths = example_profiles()
    first = run_cli("sensitivity", *paths, "--seed", "1", "--mixed-kinds")
    second = run_cli("sensitivity", *paths, "--seed", "1", "--mixed-kinds")
    assert first.code == 0, first.err
    assert first.out == second.out
    j1 = run_cli("sensitivity", *paths, "--seed", "1", "--mixed-kinds", "--format", "json")
    j2 = run_cli("sensitivity", *paths, "--seed", "1", "--mixed-kinds", "--format", "json")
    assert j1.out == j2.out
    other = run_cli("sensitivity", *LIKE, "--seed", "2", "--format", "json")
    same_files = run_cli("sensitivity", *LIKE, "--seed", "1", "--format", "json")
    assert json.loads(other.out)["profiles"] != json.loads(same_files.out)["profiles"]


def test_json_reports_medians_intervals_and_ranks(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("sensitivity", *LIKE, "--runs", "300", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    s = data["settings"]
    assert s["runs"] == 300 and s["seed"] == 0
    assert s["aggregation_runs"]["arithmetic"] + s["aggregation_runs"]["geometric"] == 300
    for p in data["profiles"]:
        nominal = assessed(Path(p["path"])).score
        assert p["nominal"]["score"] == pytest.approx(nominal, abs=1e-4)
        assert p["score"]["low"] <= p["score"]["median"] <= p["score"]["high"]
        assert 1 <= p["rank"]["low"] <= p["rank"]["median"] <= p["rank"]["high"] <= len(LIKE)
        assert p["scored_runs"] == 300


def test_one_profile_has_no_rank_and_unscored_profile_no_interval(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    thin = tmp_path / "thin.toml"
    thin.write_text('[profile]\nname = "Thin"\nkind = "country"\nyear = 2022\n', encoding="utf-8")
    one = json.loads(run_cli("sensitivity", LIKE[0], "--runs", "50", "--format", "json").out)
    assert one["profiles"][0]["rank"] is None and one["profiles"][0]["score"] is not None
    two = json.loads(run_cli("sensitivity", LIKE[0], thin, "--runs", "50", "--format", "json").out)
    assert two["profiles"][1]["score"] is None and two["profiles"][1]["scored_runs"] == 0
    assert two["profiles"][0]["rank"] == {"median": 1.0, "low": 1.0, "high": 1.0}


def test_no_spread_without_weight_change_and_one_aggregation() -> None:
    items = [assessed(p) for p in LIKE]
    r = run(items, runs=25, seed=3, low=1.0, high=1.0)
    for p, a in zip(r.profiles, items):
        geo = assess(a.profile, ruleset(), aggregation="geometric").score
        assert p.score is not None and a.score is not None and geo is not None
        # every run is the nominal weighting, arithmetic or geometric
        assert min(a.score, geo) - 1e-9 <= p.score.low <= p.score.high <= max(a.score, geo) + 1e-9


@pytest.mark.parametrize(
    "args", [["--low", "1.5", "--high", "0.5"], ["--runs", "0"], ["--low", "-1"]]
)
def test_bad_settings_exit_2(run_cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("sensitivity", LIKE[0], *args)
    assert r.code == 2 and r.err.startswith("hemscore: error:")


def test_quantiles_interpolate_like_numpy() -> None:
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.05) == pytest.approx(1.15)
    assert quantile([7.0], 0.95) == 7.0
    assert interval([]) is None


def test_both_aggregations_are_drawn_with_the_nominal_weights() -> None:
    from .test_exact import exact

    a = exact()
    # with every weight factor drawn from [1, 1], a run is the nominal weighting under one of
    # the two aggregations: arithmetic 64.5, geometric (50² × 58 × 100) ** 0.25 = 61.70808
    # (both worked out in test_exact). 40 runs with seed 0 draw each of them.
    r = run([a], runs=40, seed=0, low=1.0, high=1.0)
    p = r.profiles[0]
    assert p.score is not None and p.scored_runs == 40
    assert p.score.low == pytest.approx(14_500_000**0.25, abs=1e-9)
    assert p.score.high == pytest.approx(64.5, abs=1e-9)
    assert 0 < r.geometric_runs < 40
    assert (r.runs, r.seed, r.low, r.high) == (40, 0, 1.0, 1.0)
    assert p.nominal_score == 64.5 and p.nominal_rank is None and p.rank is None


def test_weight_draws_move_only_the_diagnostic_means() -> None:
    from .test_exact import exact

    # one run, factors drawn from [2, 2]: every weight doubles, so every diagnostic mean, and
    # the overall score (arithmetic 64.5 or geometric 61.70808), stays where it was
    r = run([exact()], runs=1, seed=5, low=2.0, high=2.0)
    s = r.profiles[0].score
    assert s is not None and s.low == s.median == s.high
    expected = 14_500_000**0.25 if r.geometric_runs else 64.5
    assert s.median == pytest.approx(expected, abs=1e-9)


def test_two_profiles_are_ranked_in_every_run() -> None:
    from .test_exact import exact

    low = exact(min_coverage=0.51)  # policy unscored: overall (2×50 + 58) / 3 = 52.67
    r = run([exact(), low], runs=30, seed=1, low=1.0, high=1.0)
    first, second = r.profiles
    assert (first.nominal_rank, second.nominal_rank) == (1, 2)
    assert first.rank is not None and (first.rank.low, first.rank.high) == (1.0, 1.0)
    assert second.rank is not None and (second.rank.low, second.rank.high) == (2.0, 2.0)
    # geometric for the second: (50² × 58) ** (1/3) = 145,000 ** (1/3) = 52.5664…
    assert second.score is not None
    assert second.score.low == pytest.approx(145_000 ** (1 / 3), abs=1e-9)
    assert second.score.high == pytest.approx(158 / 3, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(profiles("country"), min_size=1, max_size=4),
    st.integers(0, 2**32),
    st.integers(1, 60),
    st.floats(0.0, 1.0),
    st.floats(1.0, 3.0),
)
def test_intervals_contain_the_median(profs, seed: int, runs: int, low: float, high: float) -> None:  # type: ignore[no-untyped-def]
    items = [assess(p, ruleset()) for p in profs]
    r = run(items, runs=runs, seed=seed, low=low, high=high)
    assert r == run(items, runs=runs, seed=seed, low=low, high=high)  # same seed, same result
    for p in r.profiles:
        if p.score is not None:
            assert p.score.low <= p.score.median <= p.score.high
            assert 0.0 <= p.score.low and p.score.high <= 100.0
        if p.rank is not None:
            assert p.rank.low <= p.rank.median <= p.rank.high
