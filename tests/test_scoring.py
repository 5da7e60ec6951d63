"""Each scoring method at its edges: worst, target, best, beyond them, reversed direction."""

from __future__ import annotations

import math

import pytest

from hemscore.model.methods.concentration import hhi, largest_share
from hemscore.model.methods.scale_bands import BandScale
from hemscore.model.methods.scale_linear import LinearScale
from hemscore.model.methods.trend import cagr_pct, peak_pct
from hemscore.model.scoring import mean

UP = LinearScale(worst=40, target=80, best=100, target_score=70)
DOWN = LinearScale(worst=40, target=15, best=5, target_score=70)  # lower is better


@pytest.mark.parametrize(
    ("x", "expected"),
    [(0, 0), (40, 0), (60, 35), (80, 70), (90, 85), (100, 100), (150, 100)],
)
def test_linear_higher_is_better(x: float, expected: float) -> None:
    assert UP.score(x) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("x", "expected"),
    [(60, 0), (40, 0), (27.5, 35), (15, 70), (10, 85), (5, 100), (0, 100)],
)
def test_linear_lower_is_better(x: float, expected: float) -> None:
    assert DOWN.score(x) == pytest.approx(expected)


def test_linear_passes_exactly_at_target() -> None:
    assert UP.evaluate(80)[1] and not UP.evaluate(79.999)[1]
    assert DOWN.evaluate(15)[1] and not DOWN.evaluate(15.001)[1]
    assert UP.evaluate(70)[2] == pytest.approx(10) and UP.evaluate(95)[2] == 0
    assert DOWN.evaluate(20)[2] == pytest.approx(5) and DOWN.evaluate(3)[2] == 0


FIRMS = BandScale(edges=(50, 200, 500), scores=(20, 50, 75, 100), target=200)
HHI = BandScale(edges=(1500, 2500), scores=(100, 60, 20), target=1500, edge="lower")


@pytest.mark.parametrize(
    ("x", "expected"),
    [(0, 20), (49, 20), (50, 50), (199, 50), (200, 75), (499, 75), (500, 100), (10**6, 100)],
)
def test_bands_rising(x: float, expected: float) -> None:
    assert FIRMS.score(x) == expected


@pytest.mark.parametrize(
    ("x", "expected"), [(0, 100), (1500, 100), (1500.1, 60), (2500, 60), (2501, 20), (10000, 20)]
)
def test_bands_falling_with_lower_edges(x: float, expected: float) -> None:
    assert HHI.score(x) == expected


def test_bands_pass_and_gap() -> None:
    assert FIRMS.evaluate(200)[1] and not FIRMS.evaluate(199)[1]
    assert FIRMS.evaluate(150)[2] == 50 and FIRMS.evaluate(300)[2] == 0
    assert HHI.evaluate(1500)[1] and not HHI.evaluate(1600)[1]
    assert not HHI.higher_is_better and FIRMS.higher_is_better


def test_concentration_measures() -> None:
    shares = {"US": 45.0, "JP": 20.0, "KR": 35.0}
    assert hhi(shares) == pytest.approx(45**2 + 20**2 + 35**2)
    assert hhi({"one": 100.0}) == 10_000
    assert largest_share(shares) == 45.0


def test_cagr_over_three_years() -> None:
    growth, start, end = cagr_pct({2016: 100.0, 2017: 120.0, 2018: 110.0, 2019: 133.1}) or (0, 0, 0)
    assert (start, end) == (2016, 2019)
    assert growth == pytest.approx(10.0)


def test_cagr_uses_the_earliest_year_in_the_window_when_one_is_missing() -> None:
    result = cagr_pct({2010: 1.0, 2018: 100.0, 2019: 110.0})
    assert result is not None and result[1:] == (2018, 2019)
    assert result[0] == pytest.approx(10.0)


@pytest.mark.parametrize(
    "series", [{}, {2019: 5.0}, {2010: 1.0, 2019: 2.0}, {2018: 0.0, 2019: 3.0}]
)
def test_cagr_undefined(series: dict[int, float]) -> None:
    assert cagr_pct(series) is None


def test_peak() -> None:
    pct, year = peak_pct({2017: 100.0, 2018: 131.5, 2019: 124.0}) or (0, 0)
    assert year == 2018 and pct == pytest.approx(124 / 131.5 * 100)
    assert peak_pct({2017: 1.0, 2018: 2.0}) == (100.0, 2018)
    assert peak_pct({2017: 0.0}) is None


def test_means() -> None:
    assert mean([50, 100], [1, 1], "arithmetic") == 75
    assert mean([50, 100], [1, 1], "geometric") == pytest.approx(math.sqrt(5000))
    assert mean([0, 100], [1, 1], "geometric") == 0
    assert mean([], [], "arithmetic") is None


def test_residual_label_is_not_one_party() -> None:
    shares = {"US": 20.0, "CN": 19.0, "KR": 7.0, "other": 54.0}
    assert largest_share(shares) == 20.0
    assert hhi(shares) == pytest.approx(400 + 361 + 49)
    assert hhi({"Rest of World": 100.0}) == 0 and largest_share({"others": 100.0}) == 0


def test_with_scale_keeps_the_method_and_its_measure() -> None:
    from hemscore.model.methods.boolean import Boolean
    from hemscore.model.methods.concentration import Concentration

    c = Concentration("hhi", HHI)
    moved = c.with_scale(LinearScale(worst=5000, target=2500, best=1000, target_score=50))
    assert moved.measure_name == "hhi" and moved.to_json() == {
        "method": "concentration",
        "measure": "hhi",
        "scale": "linear",
        "worst": 5000,
        "target": 2500,
        "best": 1000,
        "target_score": 50,
    }
    # lower is better: 50 × (5000 − 3750) / (5000 − 2500) = 25
    assert moved.score(3750.0)[0] == 25.0
    assert c.scale is HHI  # the original keeps its bands
    with pytest.raises(TypeError, match="boolean has no scale"):
        Boolean(True).with_scale(HHI)
