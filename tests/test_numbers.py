"""Numbers for people and for JSON, written in one module: each form on values worked by hand."""

from __future__ import annotations

import math

from hemscore.base import numbers


def test_short_drops_trailing_zeros_and_groups_thousands() -> None:
    assert numbers.short(2.50) == "2.5"
    assert numbers.short(3.0) == "3"
    assert numbers.short(2.567, 2) == "2.57"
    assert numbers.short(1600.0) == "1,600"
    assert numbers.short(-0.04) == "0"  # rounds to -0.0: written 0
    assert numbers.short(None) == "–"


def test_whole_fixed_and_signed() -> None:
    assert numbers.whole(62.5) == "62"  # half to even, as f-strings round
    assert numbers.whole(63.5) == "64"
    assert numbers.fixed(63.0) == "63.0"
    assert numbers.fixed(None) == "–"
    assert numbers.signed(2.45) == "+2.5"
    assert numbers.signed(-1.0) == "−1.0"  # a minus sign, not a hyphen
    assert numbers.signed(-0.04) == "±0.0"


def test_percent_written_and_measure() -> None:
    assert numbers.percent(0.755) == "76%"
    assert numbers.written(3.0) == "3"
    assert numbers.written(1500.0) == "1,500"
    assert numbers.written(0.123456) == "0.1235"
    assert numbers.measure(1234.5) == "1,234"
    assert numbers.measure(2.345678) == "2.346"


def test_round4_for_json() -> None:
    assert numbers.round4(0.12345) == 0.1235  # as round(): the float just above the half
    assert numbers.round4(2 / 3) == 0.6667
    assert math.copysign(1, numbers.round4(-0.00001) or 0.0) == 1  # never -0.0
    assert numbers.round4(math.nan) is None and numbers.round4(None) is None
