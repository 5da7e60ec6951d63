"""The example profiles: every value is of the profile's year or earlier, within the data window,
and the repository cites primary sources rather than a reference file it does not contain."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hemscore.engine.loader import load_profile
from hemscore.model.catalogue import DATA_WINDOW_YEARS, in_data_window
from hemscore.model.rules import load_ruleset

from .conftest import EXAMPLES, ROOT

PROFILES = sorted(EXAMPLES.glob("*.toml"))


def test_the_window_is_ten_years_back_and_never_forward() -> None:
    assert DATA_WINDOW_YEARS == 10
    assert in_data_window(2012, 2022) and in_data_window(2022, 2022)
    assert not in_data_window(2011, 2022) and not in_data_window(2023, 2022)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_every_example_value_is_of_its_year_or_earlier_within_the_window(path) -> None:  # type: ignore[no-untyped-def]
    rs = load_ruleset()
    profile = load_profile(str(path), rs)
    assert profile.values
    outside = [
        (m, v.year)
        for m, v in sorted(profile.values.items())
        if v.year is None or not in_data_window(v.year, profile.year)
    ]
    assert outside == [], f"{path.name} ({profile.year}): {outside}"


def _files() -> Iterator[Path]:
    """Every file of the checkout outside hidden folders (.git, .venv), __pycache__ and mutmut's
    working copy ``mutants/`` (git-ignored; tests/MUTATION.md); those folders are not walked."""
    for folder, dirs, files in os.walk(ROOT):
        top = Path(folder) == ROOT
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and d != "__pycache__" and not (top and d == "mutants")
        ]
        for name in files:
            path = Path(folder) / name
            if not name.startswith(".") and path.is_file():
                yield path


def test_no_file_cites_domain_md() -> None:
    """DOMAIN.md is not part of the repository: every file cites primary sources instead."""
    citing = []
    for path in sorted(_files()):
        parts = path.relative_to(ROOT).parts
        if parts[-2:] == ("tests", "test_examples.py"):
            continue  # this test names it
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "DOMAIN" in text:
            citing.append(str(path.relative_to(ROOT)))
    assert citing == []


def test_the_paper_is_identified_and_linked(run_cli) -> None:  # type: ignore[no-untyped-def]
    paper = ROOT / "docs" / "paper.md"
    assert paper.is_file()
    text = paper.read_text(encoding="utf-8")
    # every section a rule may cite has its row in the section map
    from hemscore.model.rules import PAPER_SECTIONS

    for section in PAPER_SECTIONS:
        label = "intro" if section == "intro" else f"§{section}"
        assert f"| {label} |" in text, section
    assert "ZTE" in text and "2016" in text and "2018" in text
    for doc in ("README.md", "docs/methodology.md"):
        assert "docs/paper.md" in (ROOT / doc).read_text(encoding="utf-8") or "(paper.md)" in (
            ROOT / doc
        ).read_text(encoding="utf-8"), doc
    for lang in ("en", "zh"):
        r = run_cli("rules", "show", "TE-03", "--lang", lang)
        assert r.code == 0 and "docs/paper.md" in r.out, lang
