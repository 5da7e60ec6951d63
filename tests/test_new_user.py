"""What a new user found: planned values, the estimate mark, the year, github's overall line,
JUnit and a profile that fails to load, colour on a dumb terminal, diff across entities."""

from __future__ import annotations

import io
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset

from .conftest import EXAMPLES, ROOT, Run

PLANNED = """[profile]
name = "Planned"
kind = "country"
year = 2022

[technology]
rd_intensity_pct = { value = 2.0, year = 2021, source = "World Bank WDI, 2021", target = true, was = 1.5 }
ic_import_share_pct = { value = 12.0, year = 2021, source = "Customs yearbook" }
"""


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [
        ("table", ("--detail",)),
        ("markdown", ()),
        ("junit", ()),
        ("github", ()),
        ("csv", ("--detail",)),
        ("html", ("--detail",)),
    ],
)
def test_a_planned_value_is_marked_and_not_credited_to_its_source(
    run_cli: Callable[..., Run], tmp_path: Path, fmt: str, extra: tuple[str, ...]
) -> None:
    p = tmp_path / "planned.toml"
    p.write_text(PLANNED, encoding="utf-8")
    r = run_cli("assess", p, "--format", fmt, *extra, "--min-coverage", "0")
    assert r.code == 0, r.err
    assert "World Bank WDI" not in r.out
    assert "planned target" in r.out
    assert "Customs yearbook" in r.out or fmt in ("github", "junit")


def test_only_the_estimate_prefix_marks_an_estimate(tmp_path: Path) -> None:
    p = tmp_path / "p.toml"
    p.write_text(
        '[profile]\nname = "E"\nkind = "country"\nyear = 2024\n\n[technology]\n'
        'rd_intensity_pct = { value = 2.6, year = 2024, source = "Estimates of R&D expenditure, '
        'NBS bulletin 2024" }\n'
        'ic_import_share_pct = { value = 12.0, year = 2024, source = " Estimate: customs" }\n',
        encoding="utf-8",
    )
    values = load_profile(str(p), load_ruleset().metrics).values
    assert values["technology.rd_intensity_pct"].is_estimate is False
    assert values["technology.ic_import_share_pct"].is_estimate is True


def _sources(data: Any) -> list[str]:
    if isinstance(data, dict):
        found = [data["source"]] if isinstance(data.get("source"), str) else []
        return found + [s for v in data.values() for s in _sources(v)]
    return []


PROFILE_FILES = sorted(
    [
        *EXAMPLES.glob("*.toml"),
        *(ROOT / "tests" / "fixtures").glob("*/*.toml"),
        *(ROOT / "tests" / "bad" / "ok").glob("*.toml"),
    ],
    key=str,
)


def test_every_value_labelled_an_estimate_keeps_its_label() -> None:
    """Sources once labelled by the loose rule (starts with "estimate") all use the prefix."""
    loose = [
        (path.name, s)
        for path in PROFILE_FILES
        for s in _sources(tomllib.loads(path.read_text(encoding="utf-8-sig")))
        if s.strip().lower().startswith("estimate")
    ]
    assert len(loose) >= 40
    assert [x for x in loose if not x[1].strip().lower().startswith("estimate:")] == []
    metrics = load_ruleset().metrics
    for path in EXAMPLES.glob("*.toml"):
        for mv in load_profile(str(path), metrics).values.values():
            loosely = bool(mv.source and mv.source.strip().lower().startswith("estimate"))
            assert mv.is_estimate == loosely, (path.name, mv.metric)


def test_the_year_is_not_repeated_when_the_source_names_it(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    p = tmp_path / "p.toml"
    p.write_text(
        '[profile]\nname = "Y"\nkind = "country"\nyear = 2022\n\n[technology]\n'
        'rd_intensity_pct = { value = 2.0, year = 2021, source = "World Bank WDI, 2021" }\n'
        'ic_import_share_pct = { value = 12.0, year = 2021, source = "Customs yearbook" }\n',
        encoding="utf-8",
    )
    for fmt in ("markdown", "table"):
        r = run_cli("assess", p, "--format", fmt, "--detail", "--min-coverage", "0")
        assert "World Bank WDI, 2021" in r.out and "2021, 2021" not in r.out
        assert "Customs yearbook, 2021" in r.out


def test_github_overall_line_without_a_score(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    p = tmp_path / "p.toml"
    p.write_text(
        '[profile]\nname = "T"\nkind = "country"\nyear = 2022\n\n[technology]\n'
        "rd_intensity_pct = 2.0\n",
        encoding="utf-8",
    )
    r = run_cli("assess", p, "--format", "github")
    notice = r.out.splitlines()[0]
    assert notice.startswith("::notice ") and "::Overall insufficient data, Grade" in notice
    assert "/ 100" not in notice


def test_junit_reports_a_profile_that_failed_to_load(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[profile]\nname = "B"\nkind = "planet"\nyear = 2022\n', encoding="utf-8")
    r = run_cli("assess", EXAMPLES / "china-2022.toml", bad, "--format", "junit")
    assert r.code == 2
    root = ET.fromstring(r.out)
    suites = root.findall("testsuite")
    assert len(suites) == 2
    broken = suites[1]
    assert broken.get("errors") == "1" and broken.get("tests") == "1"
    error = broken.find("testcase/error")
    assert error is not None
    assert str(bad) in (error.get("message") or "") and "kind" in (error.get("message") or "")
    # the same problem is still reported on stderr
    assert "kind must be one of" in r.err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_dumb_terminal_gets_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    from hemscore.cli.console import use_color
    from hemscore.cli.options import Color

    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_color(Color.auto, _Tty()) is True
    assert use_color(Color.auto, io.StringIO()) is False
    monkeypatch.setenv("TERM", "dumb")
    assert use_color(Color.auto, _Tty()) is False
    assert use_color(Color.always, _Tty()) is True
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Color.auto, _Tty()) is False


def test_diff_between_two_entities_warns(run_cli: Callable[..., Run]) -> None:
    r = run_cli("diff", EXAMPLES / "china-2022.toml", EXAMPLES / "zte-2018.toml")
    assert r.code == 0
    notes = [line for line in r.err.splitlines() if line.startswith("hemscore: note: ")]
    assert len(notes) == 1 and "China" in notes[0] and "ZTE Corporation" in notes[0], r.err
    same = run_cli(
        "diff",
        ROOT / "tests/fixtures/analysis/region-2021.toml",
        ROOT / "tests/fixtures/analysis/region-2022.toml",
    )
    assert same.code == 0 and "note" not in same.err, same.err
    assert re.search(r"different (entities|profiles)", notes[0])
