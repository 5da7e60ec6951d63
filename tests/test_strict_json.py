"""Every JSON output of every command is strict JSON: no NaN, no Infinity.

Python's json module writes ``NaN`` and ``Infinity`` unless told not to, and most JSON readers
(jq, JavaScript, Go) refuse them. Every command's JSON is parsed here with those constants
rejected; the commands and their JSON formats are found by walking the CLI, so a command added
later must be added to the table below.
"""

from __future__ import annotations

import json
import math
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer

from .conftest import EXAMPLES, write
from .test_numeric_options import _commands

EXAMPLE = str(EXAMPLES / "china-2022.toml")
JAPAN = str(EXAMPLES / "japan-2022.toml")


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def strict(text: str, fmt: str) -> list[Any]:
    """The documents in ``text`` (one for json, one per line for jsonl), parsed strictly."""
    if fmt == "jsonl":
        return [json.loads(line, parse_constant=_no_constants) for line in text.splitlines()]
    return [json.loads(text, parse_constant=_no_constants)]


def json_formats() -> set[tuple[str, str]]:
    """(command, format) for every command that can write JSON or JSON Lines."""
    found = {("schema", "json")}  # writes JSON only, with no --format
    for name, callback in _commands():
        for hint in typing.get_type_hints(callback, include_extras=True).values():
            if typing.get_origin(hint) is not typing.Annotated:
                continue
            base, *meta = typing.get_args(hint)
            info = next((m for m in meta if isinstance(m, typer.models.OptionInfo)), None)
            first = [info.default] if info is not None and isinstance(info.default, str) else []
            if info is None or "--format" not in [*first, *info.param_decls]:
                continue
            assert isinstance(base, type) and issubclass(base, Enum)
            found |= {(name, m.value) for m in base if m.value in ("json", "jsonl")}
    return found


#: An assessment JSON to diff against; made once per test run.
@pytest.fixture
def stored(tmp_path: Path, run_cli: Any) -> Path:
    r = run_cli("assess", EXAMPLE, "--format", "json")
    assert r.code == 0
    return write(tmp_path, "before.json", r.out)


def invocations(stored: Path) -> list[tuple[str, str, list[str]]]:
    """(command, format, arguments): runs meant to stretch what each command accepts."""
    out = []
    for fmt in ("json", "jsonl"):
        out.append(
            ("assess", fmt, ["assess", str(EXAMPLES), "--format", fmt, "--min-coverage", "0"])
        )
        out.append(
            ("assess", fmt, ["assess", EXAMPLE, "--format", fmt, "--aggregation", "geometric"])
        )
        out.append(("assess", fmt, ["assess", str(EXAMPLES), "--format", fmt, "--jobs", "2"]))
    out.append(("assess", "jsonl", ["assess", str(EXAMPLES), "--format", "jsonl", "--compact"]))
    return [
        *out,
        (
            "compare",
            "json",
            [
                "compare",
                str(EXAMPLES),
                "--relative-to",
                EXAMPLE,
                "-d",
                "--mixed-kinds",
                "-f",
                "json",
            ],
        ),
        ("plan", "json", ["plan", EXAMPLE, "--target", "100", "--format", "json"]),
        ("plan", "json", ["plan", EXAMPLE, "--target", "0", "--format", "json"]),
        (
            "sensitivity",
            "json",
            [
                "sensitivity",
                str(EXAMPLES),
                "--mixed-kinds",
                "-n",
                "30",
                "--low",
                "0",
                "--high",
                "100",
                "-f",
                "json",
            ],
        ),
        ("diff", "json", ["diff", str(stored), JAPAN, "--format", "json"]),
        ("diff", "json", ["diff", EXAMPLE, str(stored), "--format", "json"]),
        ("rules", "json", ["rules", "--format", "json"]),
        ("rules show", "json", ["rules", "show", "TE-05", "--format", "json"]),
        ("schema", "json", ["schema"]),
        ("schema", "json", ["schema", "--report"]),
        ("rules calibrate", "json", ["rules", "calibrate", "--format", "json"]),
        (
            "audit",
            "json",
            ["audit", *_audit_panel(stored.parent), "--threshold", "1", "-f", "json"],
        ),
        ("audit", "json", ["audit", *_audit_panel(stored.parent), "--common", "-f", "json"]),
    ]


def _audit_panel(tmp: Path) -> list[str]:
    """A panel of five countries with a rule that no profile has data for."""
    from .test_audit import panel

    folder = tmp / "audit"
    if not folder.exists():
        folder.mkdir()
        panel(folder)
    return [str(folder / "profiles"), "--rules", str(folder / "rules.toml")]


def test_every_json_format_of_every_command_is_covered(stored: Path) -> None:
    covered = {(cmd, fmt) for cmd, fmt, _ in invocations(stored)}
    assert json_formats() <= covered, json_formats() - covered
    assert ("assess", "jsonl") in json_formats() and ("diff", "json") in json_formats()


def test_every_json_output_is_strict_json(run_cli: Any, stored: Path) -> None:
    for cmd, fmt, args in invocations(stored):
        r = run_cli(*args)
        assert r.code in (0, 1), (args, r.err)
        docs = strict(r.out, fmt)
        assert docs, (cmd, fmt)


# --- what used to write NaN or Infinity --------------------------------------------------------


def _refused_or_strict(r: Any) -> None:
    if r.code == 2:
        assert r.out == "" and len(r.err.splitlines()) == 1, r.err
    else:
        strict(r.out, "json")


@pytest.mark.parametrize("high", ["1e308", "1e300", "1e17"])
def test_sensitivity_with_a_huge_factor_is_refused(run_cli: Any, high: str) -> None:
    r = run_cli("sensitivity", EXAMPLE, JAPAN, "-n", "20", "--high", high, "-f", "json")
    assert r.code == 2
    assert r.err == (
        f"hemscore: error: Invalid value for '--high': must be between 0 and 100 (got {high})"
        " (see 'hemscore sensitivity --help')\n"
    )


def test_sensitivity_refuses_a_range_that_scales_every_weight_to_zero(run_cli: Any) -> None:
    r = run_cli("sensitivity", EXAMPLE, "-n", "20", "--low", "0", "--high", "0")
    assert r.code == 2
    assert r.out == ""
    assert r.err == (
        "hemscore: error: --high must be above 0: a run with every rule weight scaled by 0 "
        "scores nothing\n"
    )


def test_sensitivity_with_equal_low_and_high_varies_only_the_aggregation(run_cli: Any) -> None:
    # --low 1 --high 1 keeps every weight: the runs differ only in their aggregation, so the
    # interval runs from the geometric overall to the arithmetic one
    r = run_cli("sensitivity", EXAMPLE, "-n", "40", "--low", "1", "--high", "1", "-f", "json")
    assert r.code == 0, r.err
    p = strict(r.out, "json")[0]["profiles"][0]
    arith = json.loads(run_cli("assess", EXAMPLE, "-f", "json").out)["overall"]["score"]
    geo = json.loads(run_cli("assess", EXAMPLE, "-f", "json", "--aggregation", "geometric").out)
    assert p["score"]["high"] == arith
    assert p["score"]["low"] == geo["overall"]["score"]


def _assessment_with(stored: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = stored.read_text("utf-8")
    assert old in text
    return write(tmp_path, "after.json", text.replace(old, new, 1))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("gate", [[], ["--fail-on-regression"]])
def test_diff_refuses_nan_and_infinity_in_a_stored_assessment(
    run_cli: Any, stored: Path, tmp_path: Path, constant: str, gate: list[str]
) -> None:
    score = json.loads(stored.read_text("utf-8"))["overall"]["score"]
    after = _assessment_with(stored, tmp_path, f'"score": {score}', f'"score": {constant}')
    r = run_cli("diff", stored, after, "--format", "json", *gate)
    assert r.code == 2, r.out
    assert r.out == ""
    assert r.err.startswith(f"hemscore: error: {after}:")
    assert f"{constant} is not a JSON number" in r.err


def test_the_json_writers_refuse_nan_rather_than_write_it() -> None:
    from hemscore.reading import jsontext
    from hemscore.render.formats import json as json_format
    from hemscore.render.reports import _common

    for dumps in (jsontext.dumps, json_format.dumps, _common.dumps):
        with pytest.raises(ValueError, match="not JSON compliant"):
            dumps({"score": math.nan})
    assert _common.jnum(math.inf) is None and _common.jnum(math.nan) is None
    assert _common.jvalue({"a": -math.inf}) == {"a": None}


@pytest.mark.parametrize(("low", "high"), [(0.5, math.inf), (math.nan, 1.0), (0.5, 1e308), (0, 0)])
def test_the_sensitivity_core_refuses_what_the_cli_refuses(low: float, high: float) -> None:
    import hemscore

    a = hemscore.assess(EXAMPLE)
    with pytest.raises(ValueError, match="need 0 <= low <= high <= 100 and high > 0"):
        hemscore.sensitivity([a], runs=5, low=low, high=high)
