"""hemscore in pipelines: many inputs, stdin, streaming, atomic --output, gates, exit codes,
progress and quiet. The done-when checks of issue 4 are here, run as a new user would: in a
fresh process where the process matters (standard input, pipes, a terminal, shell completion),
in-process through the CLI's ``run`` (the ``run_cli`` fixture) for what the run alone decides
(exit codes, messages, the --output file, colour from the options and the environment)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, Run, write

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
REGION = FIXTURES / "region.toml"
FIRM = FIXTURES / "firm.toml"
BAD = FIXTURES / "bad" / "negative.toml"


def examples() -> list[Path]:
    """The example profiles (another engineer's folder), or our fixtures when it is absent."""
    found = sorted(EXAMPLES.glob("*.toml"))
    return found or [REGION, FIRM]


def hemscore(
    *args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process, as a shell would run it."""
    return subprocess.run(
        [sys.executable, "-m", "hemscore", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


# --- done when -------------------------------------------------------------------------------


def test_jsonl_of_a_directory_has_one_line_per_profile(
    run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hemscore assess examples/ --format jsonl | wc -l` equals the number of examples."""
    folder = EXAMPLES if any(EXAMPLES.glob("*.toml")) else FIXTURES
    expected = len(examples()) if folder == EXAMPLES else 2
    if folder == FIXTURES:
        pytest.skip("no examples/ yet")
    monkeypatch.chdir(ROOT)
    r = run_cli("assess", "examples/", "--format", "jsonl")
    assert r.code in (0, 1), r.err
    lines = r.out.splitlines()
    assert len(lines) == expected
    assert [json.loads(line)["profile"]["path"] for line in lines] == [
        f"examples/{p.name}" for p in examples()
    ]


def test_stdin_profile_gives_json() -> None:
    """`cat examples/x.toml | hemscore assess - --format json` works."""
    source = examples()[0]
    r = hemscore("assess", "-", "--format", "json", stdin=source.read_text(encoding="utf-8"))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert isinstance(data, dict)
    assert data["profile"]["path"] == "<stdin>"
    assert data["schema_version"] == "1.0"


def test_failed_run_leaves_existing_output_unchanged(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    report = tmp_path / "report.json"
    report.write_text('{"old": true}\n', encoding="utf-8")
    r = run_cli("assess", REGION, BAD, "--format", "json", "--output", report)
    assert r.code == 2
    assert report.read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp file left
    assert "report.json not written" in r.err
    assert r.out == ""


def test_successful_run_replaces_output_atomically(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    report = tmp_path / "report.json"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o640)
    r = run_cli("assess", REGION, "--format", "json", "-o", report)
    assert r.code == 0, r.err
    assert json.loads(report.read_text(encoding="utf-8"))["profile"]["kind"] == "region"
    assert report.stat().st_mode & 0o777 == 0o640  # the file keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert r.out == ""


def test_gate_failure_still_writes_the_report(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    report = tmp_path / "report.xml"
    r = run_cli("assess", REGION, "--format", "junit", "--fail-under", "90", "-o", report)
    assert r.code == 1
    assert report.read_text(encoding="utf-8").startswith("<?xml")


# --- many inputs -----------------------------------------------------------------------------


def test_one_bad_input_does_not_stop_the_others(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", REGION, BAD, FIRM, "--format", "jsonl")
    assert r.code == 2
    assert [json.loads(line)["profile"]["name"] for line in r.out.splitlines()] == [
        'Test Province, "North"',
        "Test Firm",
    ]
    errors = [line for line in r.err.splitlines() if line.startswith("hemscore: error:")]
    assert errors == [
        f"hemscore: error: {BAD}:7: technology.rd_intensity_pct: must not be negative (got -3)"
    ]


def test_every_problem_of_a_file_on_its_own_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = write(
        tmp_path,
        "two.toml",
        '[profile]\nname = "x"\nkind = "firm"\nyear = 2020\n\n'
        "[technology]\nrd_intensity_pct = -1.0\ncore_component_self_sufficiency_pct = 120.0\n",
    )
    r = run_cli("assess", p, "--format", "json")
    assert r.code == 2 and r.out == ""
    assert r.err.splitlines() == [
        f"hemscore: error: {p}:7: technology.rd_intensity_pct: must not be negative (got -1)",
        f"hemscore: error: {p}:8: technology.core_component_self_sufficiency_pct: must be at most 100 (got 120)",
    ]


def test_directories_expand_in_a_stable_order(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "z").mkdir(parents=True)
    shutil.copy(FIRM, tmp_path / "b" / "1.toml")
    shutil.copy(FIRM, tmp_path / "a" / "z" / "2.toml")
    shutil.copy(FIRM, tmp_path / "a" / "3.toml")
    (tmp_path / "a" / "notes.md").write_text("not a profile")
    r = run_cli("assess", tmp_path, "--format", "jsonl")
    assert r.code == 0, r.err
    paths = [
        Path(json.loads(line)["profile"]["path"]).relative_to(tmp_path).as_posix()
        for line in r.out.splitlines()
    ]
    assert paths == ["a/3.toml", "a/z/2.toml", "b/1.toml"]


def test_json_shape_follows_the_command_line_not_the_results(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    one = run_cli("assess", FIRM, "--format", "json")
    assert isinstance(json.loads(one.out), dict)
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(FIRM, folder / "firm.toml")
    listed = run_cli("assess", folder, "--format", "json")
    assert isinstance(json.loads(listed.out), list) and len(json.loads(listed.out)) == 1
    # several paths where one fails: still a list (of the profiles that could be assessed)
    partial = run_cli("assess", FIRM, BAD, "--format", "json")
    assert partial.code == 2
    assert [x["profile"]["name"] for x in json.loads(partial.out)] == ["Test Firm"]


def test_nothing_on_stdout_when_nothing_could_be_assessed(run_cli) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("json", "jsonl", "csv", "table"):
        r = run_cli("assess", BAD, FIXTURES / "bad" / "syntax.toml", "--format", fmt)
        assert r.code == 2 and r.out == "", fmt
    # JUnit reports each input it could not use as an <error> test case, for the CI page.
    r = run_cli("assess", BAD, FIXTURES / "bad" / "syntax.toml", "--format", "junit")
    assert r.code == 2
    suites = ET.fromstring(r.out).findall("testsuite")
    assert [s.get("errors") for s in suites] == ["1", "1"]


def test_results_stream_before_later_inputs_are_read() -> None:
    """A pipe sees the first profile's line while the second input (stdin) is still open."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", "assess", str(FIRM), "-", "--format", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=60)
    try:
        assert first and json.loads(first[0])["profile"]["name"] == "Test Firm"
        proc.stdin.write(REGION.read_text(encoding="utf-8"))
        proc.stdin.close()
        rest = proc.stdout.read()
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
    assert json.loads(rest)["profile"]["path"] == "<stdin>"
    assert proc.returncode == 0


def test_streaming_memory_does_not_grow_with_the_batch(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    def batch(n: int) -> Path:
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for i in range(n):
            shutil.copy(REGION, folder / f"p{i:04d}.toml")
        return folder

    def peak(folder: Path, n: int) -> int:
        out = tmp_path / "out.jsonl"
        tracemalloc.start()
        r = run_cli("assess", folder, "--format", "jsonl", "-q", "-o", out)
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert r.code == 0 and len(out.read_text().splitlines()) == n
        return top

    small, large = batch(8), batch(64)
    run_cli("assess", small, "--format", "jsonl", "-q", "-o", tmp_path / "warm.jsonl")  # imports
    low, high = peak(small, 8), peak(large, 64)
    assert high <= low * 1.2, (low, high)


# --- gates -----------------------------------------------------------------------------------


def test_fail_under_over_many_inputs(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", REGION, FIRM, "--format", "jsonl", "--fail-under", "20")
    assert r.code == 1
    gate_lines = [line for line in r.err.splitlines() if "gate failed" in line]
    assert gate_lines == [
        f"hemscore: gate failed: {FIRM}: overall no score (insufficient data) is below 20"
    ]
    assert len(r.out.splitlines()) == 2
    assert run_cli("assess", REGION, "--format", "json", "--fail-under", "20").code == 0


def test_fail_on_severity(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", FIRM, "--format", "json", "--fail-on", "critical")
    assert r.code == 1
    # TE-07 fails too, but it has no severity, so no gate reads it (rule set 2.0)
    assert "failing rule(s) of severity critical or higher: TE-03\n" in r.err
    data = json.loads(r.out)
    te07 = [x for d in data["diagnostics"] for x in d["rules"] if x["id"] == "TE-07"]
    assert te07[0]["status"] == "fail" and te07[0]["severity"] is None
    ok = run_cli(
        "assess",
        FIXTURES / "firm.toml",
        "--format",
        "json",
        "--fail-on",
        "critical",
        "--fail-under",
        "0",
    )
    assert ok.code == 1  # the firm still has failing critical rules


def test_bad_input_exit_code_wins_over_a_gate(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", FIRM, BAD, "--format", "json", "--fail-under", "99")
    assert r.code == 2


def test_exit_codes_and_gates_are_in_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", "--help")
    assert r.code == 0
    text = " ".join(r.out.split())
    for needle in (
        "--fail-under",
        "--fail-on",
        "Exit codes: 0",
        "1 a gate failed",
        "2 an input",
        "--quiet",
        "--output",
        "jsonl",
        "junit",
        "github",
    ):
        assert needle in text, needle


# --- terminal manners ------------------------------------------------------------------------


def test_quiet_keeps_errors_and_gates_only(run_cli) -> None:  # type: ignore[no-untyped-def]
    loud = run_cli("assess", REGION, FIRM, "--format", "csv")
    assert "2 profile(s) assessed" in loud.err
    quiet = run_cli("assess", REGION, FIRM, BAD, "--format", "csv", "-q", "--fail-under", "50")
    assert all(
        line.startswith(("hemscore: error:", "hemscore: gate failed:"))
        for line in quiet.err.splitlines()
    )


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    for i in range(25):
        shutil.copy(FIRM, tmp_path / f"p{i:02d}.toml")
    r = run_cli("assess", tmp_path, "--format", "jsonl")
    assert "assessing" not in r.err and "\x1b" not in r.err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_stderr_leaves_stdout_clean(tmp_path: Path) -> None:
    import pty

    for i in range(25):
        shutil.copy(FIRM, tmp_path / f"p{i:02d}.toml")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", "assess", str(tmp_path), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
        | {"TERM": "xterm"},
    )
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    out, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    assert proc.returncode == 0
    assert len(out.splitlines()) == 25 and all(line.startswith("{") for line in out.splitlines())
    assert b"assessing" in b"".join(chunks)


@pytest.mark.parametrize(
    ("env", "colour"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": ""}, False),
        ({}, False),
    ],
)
def test_colour_follows_no_color_and_force_color(
    env: dict[str, str], colour: bool, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    # In-process: the run reads NO_COLOR and FORCE_COLOR when it decides, and its stdout (here
    # captured) is not a terminal, as a pipe to another process is not.
    for name, value in {"NO_COLOR": "", "FORCE_COLOR": "", **env}.items():
        monkeypatch.setenv(name, value)
    r = run_cli("assess", FIRM)
    assert ("\x1b[" in r.out) is colour


def test_color_option_overrides_the_environment(
    run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" in run_cli("assess", FIRM, "--color", "always").out
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in run_cli("assess", FIRM, "--color", "never").out


def test_shell_completion_is_available() -> None:
    r = hemscore(
        env={
            "_HEMSCORE_COMPLETE": "complete_bash",
            "COMP_WORDS": "hemscore assess --format j",
            "COMP_CWORD": "3",
        }
    )
    assert r.stdout.split() == ["json", "jsonl", "junit"]


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """`hemscore assess big/ --format jsonl -q | head -1`: exit 0 and nothing on stderr (the
    fixture's values name no source: -q keeps their warnings off stderr)."""
    for i in range(40):
        shutil.copy(REGION, tmp_path / f"p{i:02d}.toml")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", "assess", str(tmp_path), "--format", "jsonl", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert json.loads(proc.stdout.readline())["profile"]["kind"] == "region"
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert err == b""
