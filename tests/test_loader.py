"""The one loader refuses what ``hemscore validate`` refuses, with the same messages.

``validate`` reads each input and checks it with the rule set in use; the library's
``load_profile`` (``hemscore.engine.loader``, and ``hemscore.load_profile`` above it) must
agree on every file of the bad-input corpus, on the good ones, and on waivers, whichever way
the profile is handed to it (a path, its text, its bytes, a mapping).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import hemscore
from hemscore.base.errors import HemscoreError
from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset

from .conftest import EXAMPLES

BAD = Path(__file__).parent / "bad"
RULESET = load_ruleset()
PREFIX = "hemscore: error: "

#: Every profile of the bad-input corpus that is a file, and the good ones.
CORPUS = sorted(p for p in (BAD / "profiles").iterdir() if p.is_file() and p.suffix == ".toml")
GOOD = sorted([*(BAD / "ok").glob("*.toml"), *EXAMPLES.glob("*.toml")])


def _validate(run_cli, path: Path) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "--quiet", str(path))
    return r.code, [line.removeprefix(PREFIX) for line in r.err.splitlines()]


def _load(source: object, name: str | None = None) -> list[str]:
    """The error lines of loading ``source``, as the CLI would print them; [] when it loads."""
    try:
        load_profile(source, RULESET, name=name)  # type: ignore[arg-type]
    except HemscoreError as err:
        return list(err.lines())
    return []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_loader_refuses_what_validate_refuses(run_cli, path: Path) -> None:  # type: ignore[no-untyped-def]
    code, lines = _validate(run_cli, path)
    assert code == 2
    assert _load(path) == lines
    assert _load(str(path)) == lines
    assert _load(path.read_bytes(), name=str(path)) == lines


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_the_loader_accepts_what_validate_accepts(run_cli, path: Path) -> None:  # type: ignore[no-untyped-def]
    code, lines = _validate(run_cli, path)
    assert (code, lines) == (0, [])
    assert _load(path) == []


WAIVED = """\
[profile]
name = "Waiving region"
kind = "region"
year = 2022

[technology]
rd_intensity_pct = 2.5

[waivers]
{rule} = "no survey this year"
"""


def test_a_waiver_of_no_rule_is_refused_by_both(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "w.toml"
    path.write_text(WAIVED.format(rule="TE-99"), encoding="utf-8")
    code, lines = _validate(run_cli, path)
    assert code == 2
    assert len(lines) == 1 and "waiver names no rule of hemscore-core" in lines[0]
    assert lines[0].startswith(f"{path}:10: waivers.TE-99: ")
    text = path.read_text(encoding="utf-8")
    assert _load(path) == lines
    assert _load(text, name=str(path)) == lines
    mapped = _load(tomllib.loads(text), name=str(path))  # written out again: other lines
    assert [m.split(": ", 1)[1] for m in mapped] == [n.split(": ", 1)[1] for n in lines]
    with pytest.raises(HemscoreError, match="waiver names no rule"):
        hemscore.load_profile(path)


def test_a_waiver_of_a_rule_is_accepted_by_both(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "w.toml"
    path.write_text(WAIVED.format(rule="TE-01"), encoding="utf-8")
    assert _validate(run_cli, path) == (0, [])
    assert load_profile(path, RULESET).waivers == {"TE-01": "no survey this year"}
