"""``diff`` reads its inputs like every other command: bounded, and checked before use.

A stored assessment (JSON) is input like a profile: a file of any size, a score written as a
string, a number beyond any float, an array nested 200,000 deep must each end in exit 2 with one
line naming the file, never a MemoryError, RecursionError or a crash in the report.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hemscore.reading.tomlsource import MAX_FILE_BYTES

from .conftest import EXAMPLES, write

EXAMPLE = str(EXAMPLES / "china-2022.toml")
PREFIX = "hemscore: error: "


@pytest.fixture
def stored(run_cli: Any) -> dict[str, Any]:
    r = run_cli("assess", EXAMPLE, "--format", "json")
    assert r.code == 0
    data: dict[str, Any] = json.loads(r.out)
    return data


def _one_line(r: Any, path: Path | str) -> str:
    """The run exited 2 with one message naming ``path``; the message after the path."""
    assert r.code == 2, (r.code, r.out[:300], r.err)
    assert r.out == ""
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"{PREFIX}{path}"), lines[0]
    return lines[0][len(f"{PREFIX}{path}") :]


# --- reading: the 1 MB limit of every other input ---------------------------------------------


def test_a_big_stored_assessment_is_refused_at_the_limit(run_cli: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text("[" + " " * (2 * MAX_FILE_BYTES) + "]", encoding="utf-8")
    r = run_cli("diff", big, EXAMPLE)
    size = 2 * MAX_FILE_BYTES + 2
    assert _one_line(r, big) == f": file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit"


def test_a_pipe_that_sends_more_than_the_limit_is_refused(run_cli: Any, tmp_path: Path) -> None:
    # A named pipe reports no size: only a bounded read stops it. The writer sends 3 MB (an
    # endless writer would make the old unbounded read run out of memory), then gives up when
    # the reader has closed its end.
    fifo = tmp_path / "endless.json"
    os.mkfifo(fifo)

    def writer() -> None:
        try:
            with open(fifo, "wb") as fh:
                fh.writelines(b" " * MAX_FILE_BYTES for _ in range(3))
        except BrokenPipeError:
            pass

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    r = run_cli("diff", fifo, EXAMPLE)
    t.join(timeout=30)
    assert _one_line(r, fifo) == f": input is over the {MAX_FILE_BYTES:,}-byte limit"


def _limited_memory() -> None:  # pragma: no cover - runs in the child
    # an unbounded read of an endless device stops at this ceiling instead of filling memory
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_an_endless_device_is_refused() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    r = subprocess.run(
        [sys.executable, "-m", "hemscore", "diff", "/dev/zero", EXAMPLE],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited_memory,
        check=False,
    )
    assert r.returncode == 2
    assert r.stderr == f"{PREFIX}/dev/zero: input is over the {MAX_FILE_BYTES:,}-byte limit\n"


# --- the JSON: nesting and types --------------------------------------------------------------


@pytest.mark.parametrize(("opener", "depth"), [("[", 200_000), ('{"a":', 150_000), ("[" * 21, 1)])
def test_deep_nesting_is_refused_before_parsing(
    run_cli: Any, tmp_path: Path, opener: str, depth: int
) -> None:
    closer = "]" * opener.count("[") + "}" * opener.count("{")
    deep = write(tmp_path, "deep.json", opener * depth + closer * depth)
    r = run_cli("diff", deep, EXAMPLE)
    assert _one_line(r, deep) == ": not valid JSON: nested more than 20 levels deep"


def test_nesting_inside_strings_does_not_count(run_cli: Any, tmp_path: Path, stored: dict) -> None:  # type: ignore[type-arg]
    data = copy.deepcopy(stored)
    data["profile"]["name"] = "[" * 500 + "{" * 500
    p = write(tmp_path, "strings.json", json.dumps(data))
    r = run_cli("diff", p, EXAMPLE, "--format", "json")
    assert r.code == 0, r.err


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


#: (case, change to a real assessment, the message after "FILE: ")
BAD_FIELDS: list[tuple[str, Mutation, str]] = [
    (
        "score-as-a-string",
        _set("overall.score", "57.2"),
        'overall.score: expected a number from 0 to 100 or null, got a string ("57.2")',
    ),
    (
        "score-as-a-word",
        _set("overall.score", "high"),
        'overall.score: expected a number from 0 to 100 or null, got a string ("high")',
    ),
    (
        "score-beyond-100",
        _set("overall.score", 1e308),
        "overall.score: expected a number from 0 to 100 or null, got 1e+308",
    ),
    (
        "score-true",
        _set("overall.score", True),
        "overall.score: expected a number from 0 to 100 or null, got a boolean",
    ),
    (
        "rule-score-as-a-list",
        _set("diagnostics.1.rules.0.score", [1]),
        "diagnostics[1].rules[0].score: expected a number from 0 to 100 or null, got an array",
    ),
    (
        "rule-status-unknown",
        _set("diagnostics.0.rules.0.status", "great"),
        'diagnostics[0].rules[0].status: expected one of pass, fail, missing, waived, got "great"',
    ),
    (
        "rule-value-a-table",
        _set("diagnostics.0.rules.0.value", {"a": 1}),
        "diagnostics[0].rules[0].value: expected a number, true, false or null, got an object",
    ),
    (
        "rule-value-beyond-a-float",
        _set("diagnostics.0.rules.0.value", 10**400),
        (
            "diagnostics[0].rules[0].value: expected a number, true, false or null, got a number "
            "too large for a float"
        ),
    ),
    (
        "diagnostics-not-a-list",
        _set("diagnostics", {"cluster": 1}),
        "diagnostics: expected an array, got an object",
    ),
    (
        "rule-not-an-object",
        _set("diagnostics.2.rules.1", "EX-02"),
        'diagnostics[2].rules[1]: expected an object, got a string ("EX-02")',
    ),
    (
        "diagnostic-id-a-number",
        _set("diagnostics.0.id", 7),
        "diagnostics[0].id: expected a string, got a number",
    ),
    (
        "profile-year-a-string",
        _set("profile.year", "2022"),
        'profile.year: expected a whole number or null, got a string ("2022")',
    ),
    (
        "grade-missing",
        lambda d: d["overall"].pop("grade"),
        "overall.grade: missing",
    ),
    (
        "coverage-negative",
        _set("overall.coverage", -0.5),
        "overall.coverage: expected a number from 0 to 1 or null, got -0.5",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "message"), BAD_FIELDS, ids=[c[0] for c in BAD_FIELDS])
@pytest.mark.parametrize("side", ["old", "new"])
def test_a_malformed_stored_assessment_is_refused_with_its_key(
    run_cli: Any,
    tmp_path: Path,
    stored: dict[str, Any],
    case: str,
    mutate: Mutation,
    message: str,
    side: str,
) -> None:
    data = copy.deepcopy(stored)
    mutate(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, indent=2), encoding="utf-8")
    args = [bad, EXAMPLE] if side == "old" else [EXAMPLE, bad]
    for fmt in ("table", "json", "markdown"):
        r = run_cli("diff", *args, "--format", fmt, "--fail-on-regression")
        assert _one_line(r, bad) == f": {message}"


def test_the_real_assessment_still_diffs(run_cli: Any, tmp_path: Path, stored: dict) -> None:  # type: ignore[type-arg]
    p = write(tmp_path, "before.json", json.dumps(stored, indent=2))
    r = run_cli("diff", p, EXAMPLE, "--format", "json", "--fail-on-regression")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["overall_delta"] == 0.0 and out["rules"] == []
