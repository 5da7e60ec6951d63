"""The outside rankings in reference/outside/ and the correlations docs/validation.md quotes.

Each CSV's figures are pinned as scripts/correlate_outside.py prints them, so a change in the
panel, the rules or a rank shows here; and each CSV is checked against the panel: known codes,
one row each, distinct ranks, and a header that lists exactly the panel economies left out.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

OUTSIDE = ROOT / "reference" / "outside"
PANEL_CODES = sorted(p.stem.upper() for p in (ROOT / "reference" / "panel" / "2017").glob("*.toml"))

# the script's output for each CSV: the economies line's start, then one line per score
EXPECTED = {
    "cip-2020-year2017.csv": (
        "5 economies: CHN, DEU, KOR, USA, VNM",
        [
            "overall      n= 5  Spearman rho = +0.500",
            "exports      n= 5  Spearman rho = +0.100",
            "technology   n= 5  Spearman rho = +0.616",
        ],
    ),
    "cip-2012-2013.csv": (
        "13 economies: BRA, CAN, CHN, DEU, FRA, GBR, IND, ITA, JPN, KOR, RUS, USA, ZAF",
        [
            "overall      n=13  Spearman rho = +0.879",
            "exports      n=13  Spearman rho = +0.703",
            "technology   n=13  Spearman rho = +0.858",
        ],
    ),
}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    notes = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return notes, rows


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_cip_correlations_are_reproducible(name: str) -> None:
    """docs/validation.md quotes these figures; a change in scores or ranks shows here."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "correlate_outside.py"), str(OUTSIDE / name)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    first, rest = EXPECTED[name]
    assert out[0] == first
    assert out[1:] == rest


@pytest.mark.parametrize("name", sorted(p.name for p in OUTSIDE.glob("*.csv")))
def test_an_outside_ranking_fits_the_panel(name: str) -> None:
    notes, rows = read(OUTSIDE / name)
    codes = [r["code"] for r in rows]
    ranks = [int(r["rank"]) for r in rows]
    assert notes, "the header names the edition and the sources"
    assert len(set(codes)) == len(codes)
    assert set(codes) <= set(PANEL_CODES)
    assert len(set(ranks)) == len(ranks) and min(ranks) >= 1
    # the header's list of economies left out is exactly the panel minus the rows
    missing = sorted(set(PANEL_CODES) - set(codes))
    left_out = [n for n in notes if "Not sourced" in n]
    if missing:
        assert len(left_out) == 1
        listed = re.findall(r"\b[A-Z]{3}\b", left_out[0].split(":", 1)[1])
        assert sorted(listed) == missing
    else:
        assert not left_out
        assert any("All 44 panel economies are covered" in n for n in notes)


def test_every_csv_is_pinned() -> None:
    """A new outside ranking comes with its figures pinned above (the GII one in test_calibration)."""
    assert sorted(p.name for p in OUTSIDE.glob("*.csv")) == sorted([*EXPECTED, "gii-2017.csv"])
