"""Bad inputs: each must end in exit code 2, one clear message per problem on stderr that names
the file (and the key or line where it can), no traceback, and nothing but valid output on
stdout. Each case runs the real CLI, ``hemscore assess ...``: in-process through
``hemscore.cli.app.run`` with stdout and stderr captured, and in a fresh process
(``python -m hemscore``) where the process itself matters: standard input, devices, file
permissions and the traceback of ``--debug``. A named pipe that a run must refuse without opening
is a case of the run: in-process, with a watchdog that turns a run blocked on the pipe into a
failure rather than a hang.

The corpus is ``tests/bad/`` (see its README): ``profiles/`` holds bad profiles and odd files,
``rules/`` a folder (or a single file) per bad rule set. A case's expected messages sit in the
case itself, as ``# expect:`` lines at the top of the file, or in ``tests/bad/expect.toml`` for
inputs that cannot carry a comment. Inputs that cannot be committed (over the size limit,
deeply nested, unreadable, symbolic-link loops, devices, stdin) are generated below.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from hemscore.reading.tomlsource import MAX_FILE_BYTES, MAX_KEY_DEPTH
from hemscore.render.formats import REGISTRY

BAD = Path(__file__).parent / "bad"
VALID = "ok/region.toml"  # a valid profile, relative to BAD: rule cases are run against it
#: A rule file in the corpus asks for this file to be created, as code would; it is data.
PWNED = Path("/tmp/hemscore-pwned")
#: Children compile hemscore once into this cache instead of in every process, as an
#: installed package would (some dev containers set PYTHONDONTWRITEBYTECODE).
CHILD_ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "COLUMNS": "100",
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "hemscore-test-pycache"),
}
CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
HEADER = '[profile]\nname = "Generated"\nkind = "region"\nyear = 2022\n'
PREFIX = "hemscore: error: "


@dataclass(frozen=True)
class Case:
    """One bad input: the arguments after ``hemscore assess`` and what stderr must say."""

    args: tuple[str, ...]
    names: str  # the file every message names, as the CLI prints it
    expect: tuple[str, ...]  # each message after the file name, in order (a prefix of it)
    stdin: bytes = b""
    formats: tuple[str, ...] = ("json",)


# --- the committed corpus ------------------------------------------------------------------


def expect_lines(path: Path) -> tuple[str, ...]:
    """The ``# expect:`` lines at the top of a file (after a byte-order mark, if any)."""
    out = []
    for line in path.read_bytes().removeprefix(b"\xef\xbb\xbf").splitlines():
        if not line.startswith(b"# expect: "):
            break
        out.append(line[len(b"# expect: ") :].decode("utf-8").rstrip("\r"))
    return tuple(out)


def _committed_case(rel: str, entry: Path, spec: dict[str, object] | None) -> Case:
    if spec is not None:
        names = str(spec.get("names", rel))
        expect = tuple(spec["expect"])  # type: ignore[arg-type]
    elif entry.is_dir():
        defects = [f for f in sorted(entry.glob("*.toml")) if expect_lines(f)]
        assert len(defects) == 1, f"{rel}: exactly one file should carry # expect: lines"
        names, expect = defects[0].relative_to(BAD).as_posix(), expect_lines(defects[0])
    else:
        names, expect = rel, expect_lines(entry)
    assert expect, f"{rel}: no expectation (# expect: lines, or an entry in expect.toml)"
    target = (rel,) if rel.startswith("profiles/") else (VALID, "--rules", rel)
    extra = tuple(spec.get("args", ())) if spec else ()  # type: ignore[arg-type]
    formats = tuple(spec.get("formats", ("json",))) if spec else ("json",)  # type: ignore[arg-type]
    return Case((*target, *extra), names, expect, formats=formats)


def corpus() -> dict[str, Case]:
    """Every committed case, keyed by its path under tests/bad/."""
    table = tomllib.loads((BAD / "expect.toml").read_text("utf-8"))
    cases = {}
    for folder in ("profiles", "rules"):
        for entry in sorted((BAD / folder).iterdir()):
            rel = entry.relative_to(BAD).as_posix()
            cases[rel] = _committed_case(rel, entry, table.pop(rel, None))
    assert not table, f"expect.toml names entries that do not exist: {sorted(table)}"
    return cases


# --- generated cases -----------------------------------------------------------------------
# Each builder makes its input under a temporary folder and returns the case.

Builder = Callable[[Path], Case]
GENERATED: dict[str, Builder] = {}
#: Generated cases run in a child process: the process matters (stdin, devices, pipes, users).
IN_A_PROCESS: set[str] = set()
#: Generated cases that need root (to make a device node): they must run in CI.
NEEDS_ROOT: set[str] = set()


def generated(
    name: str, *, process: bool = False, needs_root: bool = False
) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        GENERATED[f"generated/{name}"] = fn
        if process:
            IN_A_PROCESS.add(f"generated/{name}")
        if needs_root:
            NEEDS_ROOT.add(f"generated/{name}")
        return fn

    return register


def _write(path: Path, text: str | bytes) -> str:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


@generated("over-size-limit")
def _(tmp: Path) -> Case:
    body = HEADER + "# padding\n"
    p = _write(tmp / "big.toml", body + "#" * (MAX_FILE_BYTES + 1 - len(body) - 1) + "\n")
    return Case(
        (p,),
        p,
        (f": file is {MAX_FILE_BYTES + 1:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",),
    )


@generated("over-size-limit-stdin", process=True)
def _(tmp: Path) -> Case:
    return Case(
        ("-",),
        "<stdin>",
        (f": input is over the {MAX_FILE_BYTES:,}-byte limit",),
        stdin=(HEADER + "#" * MAX_FILE_BYTES).encode(),
    )


@generated("over-size-limit-rules")
def _(tmp: Path) -> Case:
    p = _write(tmp / "rules.toml", "#" * (MAX_FILE_BYTES + 10))
    return Case(
        (str(BAD / VALID), "--rules", p),
        p,
        (f": file is {MAX_FILE_BYTES + 10:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",),
    )


@generated("endless-device", process=True, needs_root=True)
def _(tmp: Path) -> Case:
    # stat says 0 bytes; only a bounded read stops it. A zero device of our own (making one
    # needs root), so the machine's /dev is never touched.
    node = tmp / "zero.toml"
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(node, stat.S_IFCHR | 0o444, os.makedev(1, 5))
    return Case((str(node),), str(node), (f": input is over the {MAX_FILE_BYTES:,}-byte limit",))


@generated("deep-inline-tables")
def _(tmp: Path) -> Case:
    p = _write(
        tmp / "deep.toml",
        HEADER + "\n[technology]\nrd_intensity_pct = " + "{ a = " * 5000 + "1" + " }" * 5000 + "\n",
    )
    return Case((p,), p, (": invalid TOML: nested too deeply",))


@generated("deep-arrays")
def _(tmp: Path) -> Case:
    p = _write(
        tmp / "deep.toml",
        HEADER + "\n[cluster]\nlocation_quotient = " + "[" * 5000 + "]" * 5000 + "\n",
    )
    return Case((p,), p, (": invalid TOML: nested too deeply",))


@generated("deep-table-header")
def _(tmp: Path) -> Case:
    # tomllib's time is quadratic in a key's depth: 1 MB of it would take hours unrefused
    p = _write(
        tmp / "deep.toml", HEADER + "\n[technology." + ".".join(["a"] * 300_000) + "]\nx = 1\n"
    )
    return Case((p,), p, (f":6: invalid TOML: a key nested more than {MAX_KEY_DEPTH} levels deep",))


@generated("deep-dotted-key")
def _(tmp: Path) -> Case:
    p = _write(tmp / "deep.toml", HEADER + "\n[cluster]\n" + ".".join(["a"] * 5000) + " = 1\n")
    return Case((p,), p, (f":7: invalid TOML: a key nested more than {MAX_KEY_DEPTH} levels deep",))


@generated("deep-but-allowed")
def _(tmp: Path) -> Case:
    # under the depth limit: parsed, then refused as an unknown metric at its first level
    p = _write(tmp / "deep.toml", HEADER + "\n[technology." + ".".join(["a"] * 90) + "]\nx = 1\n")
    return Case((p,), p, (":6: technology.a: unknown metric",))


@generated("deep-rules-header")
def _(tmp: Path) -> Case:
    p = _write(tmp / "rules.toml", "[[rules." + ".".join(["r"] * 1000) + "]]\nid = 1\n")
    return Case(
        (str(BAD / VALID), "--rules", p),
        p,
        (f":1: invalid TOML: a key nested more than {MAX_KEY_DEPTH} levels deep",),
    )


@generated("unreadable-file")
def _(tmp: Path) -> Case:
    if os.geteuid() == 0:
        # root reads a chmod 000 file anyway (CI runs as root): nothing to test there
        pytest.skip("running as root: a chmod 000 file is still readable")
    p = _write(tmp / "secret.toml", HEADER)
    os.chmod(p, 0)
    return Case((p,), p, (": permission denied",))


@generated("symlink-loop-in-directory")
def _(tmp: Path) -> Case:
    # A link to a directory is not followed in a walk (so `up -> ..` cannot trap it); a
    # link to itself named *.toml is a file that cannot be read.
    d = tmp / "profiles"
    d.mkdir()
    (d / "up").symlink_to("..")
    (d / "self.toml").symlink_to("self.toml")
    return Case(
        (str(d),), str(d / "self.toml"), (": cannot read: Too many levels of symbolic links",)
    )


@generated("symlink-loop-only")
def _(tmp: Path) -> Case:
    d = tmp / "profiles"
    d.mkdir()
    (d / "a").symlink_to("b")
    (d / "b").symlink_to("a")
    (d / "here").symlink_to(".")
    return Case((str(d),), str(d), (": no *.toml files in this directory",))


@generated("symlink-loop-in-rules")
def _(tmp: Path) -> Case:
    d = tmp / "rules"
    d.mkdir()
    (d / "base.toml").write_bytes((BAD / "rules/weight-zero/base.toml").read_bytes())
    (d / "up").symlink_to("..")
    (d / "self.toml").symlink_to("self.toml")
    return Case(
        (str(BAD / VALID), "--rules", str(d)),
        str(d / "self.toml"),
        (": cannot read: Too many levels of symbolic links",),
    )


@generated("named-pipe-in-directory")
def _(tmp: Path) -> Case:
    # reading a named pipe waits for a writer: a directory walk must refuse it, not hang
    d = tmp / "profiles"
    d.mkdir()
    os.mkfifo(d / "pipe.toml")
    return Case(
        (str(d),),
        str(d / "pipe.toml"),
        (": not a regular file (a named pipe, socket or device): skipped",),
    )


@generated("named-pipe-in-rules")
def _(tmp: Path) -> Case:
    d = tmp / "rules"
    d.mkdir()
    (d / "base.toml").write_bytes((BAD / "rules/weight-zero/base.toml").read_bytes())
    os.mkfifo(d / "pipe.toml")
    return Case(
        (str(BAD / VALID), "--rules", str(d)),
        str(d / "pipe.toml"),
        (": not a regular file (a named pipe, socket or device)",),
    )


@generated("missing-file")
def _(tmp: Path) -> Case:
    p = str(tmp / "nowhere.toml")
    return Case((p,), p, (": no such file",))


@generated("missing-rules")
def _(tmp: Path) -> Case:
    p = str(tmp / "no-rules-here")
    return Case((str(BAD / VALID), "--rules", p), p, (": no such file or directory",))


@generated("output-is-a-directory")
def _(tmp: Path) -> Case:
    return Case((str(BAD / VALID), "--output", str(tmp)), str(tmp), (": is a directory",))


@generated("stdin-binary-garbage", process=True)
def _(tmp: Path) -> Case:
    return Case(
        ("-",),
        "<stdin>",
        (":1: not UTF-8 text (byte 3)",),
        stdin=b"\x00\x01\x02\xfe\xff" + bytes(range(256)) * 4,
    )


@generated("stdin-text-garbage", process=True)
def _(tmp: Path) -> Case:
    return Case(("-",), "<stdin>", (":1: invalid TOML: invalid statement",), stdin=b"}{ = = [[\n")


@generated("stdin-empty", process=True)
def _(tmp: Path) -> Case:
    return Case(
        ("-",), "<stdin>", (": empty profile: expected a [profile] table and metric tables",)
    )


# --- running and checking ------------------------------------------------------------------

CORPUS = corpus()
Run = tuple[int, str, str]  # exit code, stdout, stderr
FORMATS = tuple(f for f in ("json", "jsonl") if f in REGISTRY)


def run_cli(args: list[str], stdin: bytes = b"") -> Run:
    """``python -m hemscore <args>`` in a child process from tests/bad/: (exit code, stdout,
    stderr). The timeout turns a hang into a failure."""
    result = subprocess.run(
        [sys.executable, "-m", "hemscore", *args],
        input=stdin,
        cwd=BAD,
        capture_output=True,
        timeout=120,
        env=CHILD_ENV,
        check=False,
    )
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


@pytest.fixture
def run_here(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[list[str]], Run]:
    """``hemscore <args>`` in this process from tests/bad/, through ``hemscore.cli.app.run``."""
    from hemscore.cli.app import run

    monkeypatch.chdir(BAD)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")

    def go(args: list[str]) -> Run:
        capsys.readouterr()
        code = run(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return go


@contextmanager
def unblocked(folder: Path, after: float = 60) -> Iterator[list[Path]]:
    """Guard an in-process run that must not open a named pipe under ``folder``: if the run is
    still going after ``after`` seconds, each such pipe that a reader waits on is opened for
    writing and closed, so the read ends instead of hanging the suite. Yields the pipes it had
    to open: none, unless the run waited on one."""
    done = threading.Event()
    opened: list[Path] = []

    def watch() -> None:
        if done.wait(after):
            return
        for path in folder.rglob("*"):
            if not stat.S_ISFIFO(path.lstat().st_mode):
                continue
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader on it
                continue
            os.close(fd)
            opened.append(path)

    watchdog = threading.Thread(target=watch, daemon=True)
    watchdog.start()
    try:
        yield opened
    finally:
        done.set()
        watchdog.join()


def check_stdout(fmt: str, out: str) -> None:
    """Nothing, or output that parses: one JSON document, or one JSON object per line."""
    if not out:
        return
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        for line in out.splitlines():
            json.loads(line)


def params() -> list[object]:
    out = []
    for name, case in CORPUS.items():
        out += [
            pytest.param(name, fmt, id=f"{name}-{fmt}") for fmt in case.formats if fmt in FORMATS
        ]
    for name in GENERATED:
        marks = [pytest.mark.needs_root] if name in NEEDS_ROOT else []
        out.append(pytest.param(name, "json", id=f"{name}-json", marks=marks))
    return out


@pytest.mark.parametrize(("name", "fmt"), params())
def test_bad_input(
    name: str, fmt: str, tmp_path: Path, run_here: Callable[[list[str]], Run]
) -> None:
    PWNED.unlink(missing_ok=True)
    case = CORPUS[name] if name in CORPUS else GENERATED[name](tmp_path)
    args = ["assess", *case.args, "--format", fmt]
    if name in IN_A_PROCESS:
        code, out, err = run_cli(args, case.stdin)
    else:
        with unblocked(tmp_path) as opened:
            code, out, err = run_here(args)
        assert opened == [], "the run opened a named pipe and waited on it"
    assert "Traceback" not in out + err, err
    assert code == 2, err
    lines = err.splitlines()
    assert lines, "no message on stderr"
    for line in lines:
        assert line.startswith(PREFIX + case.names), f"{line!r} should name {case.names}"
    check_messages(lines, case)
    check_stdout(fmt, out)
    assert not PWNED.exists(), "a rule file's text was executed"


def test_process_level_cases_stay_few() -> None:
    # everything else runs in-process: keep the slow, process-level cases to the ones that
    # need a process
    assert IN_A_PROCESS <= set(GENERATED) and len(IN_A_PROCESS) <= 10


def check_messages(lines: list[str], case: Case) -> None:
    """The stderr lines naming the case's file say what the case expects, in order."""
    messages = [
        line[len(PREFIX + case.names) :] for line in lines if line.startswith(PREFIX + case.names)
    ]
    assert len(messages) == len(case.expect), messages
    for got, want in zip(messages, case.expect):
        assert got.startswith(want), f"expected {want!r}, got {got!r}"


# --- validate finds what assess finds ---------------------------------------------------------

#: The case validate rightly accepts: a directory with no *.toml inside a walked directory is
#: simply not an input.
VALIDATE_ACCEPTS = {"profiles/no-toml-here"}


def test_validate_reports_every_bad_profile_in_one_run(
    run_here: Callable[[list[str]], Run],
) -> None:
    code, out, err = run_here(["validate", "profiles"])
    assert code == 2 and "Traceback" not in out + err, err
    lines = err.splitlines()
    checked = 0
    for name, case in CORPUS.items():
        if name.startswith("profiles/") and case.args == (name,) and name not in VALIDATE_ACCEPTS:
            check_messages([ln for ln in lines if ln.startswith(f"{PREFIX}{case.names}:")], case)
            checked += 1
    assert checked >= 60


@pytest.mark.parametrize(
    "name", [n for n in CORPUS if n.startswith("rules/") and n not in VALIDATE_ACCEPTS]
)
def test_validate_reports_every_bad_rule_set(
    name: str, run_here: Callable[[list[str]], Run]
) -> None:
    PWNED.unlink(missing_ok=True)
    case = CORPUS[name]
    code, out, err = run_here(["validate", *case.args])
    assert code == 2 and "Traceback" not in out + err, err
    check_messages(err.splitlines(), case)
    assert not PWNED.exists(), "a rule file's text was executed"


def test_corpus_size() -> None:
    # the issue asks for at least 40 cases; keep the corpus from silently shrinking
    assert len(CORPUS) + len(GENERATED) >= 45


# --- inputs that are fine --------------------------------------------------------------------


def test_byte_order_mark_is_accepted(run_here: Callable[[list[str]], Run]) -> None:
    code, out, err = run_here(["assess", "ok/bom.toml", "--format", "json"])
    assert code == 0, err
    assert json.loads(out)["profile"]["name"] == "Test Region"


def test_symlink_loop_beside_a_valid_profile_is_skipped(
    tmp_path: Path, run_here: Callable[[list[str]], Run]
) -> None:
    (tmp_path / "region.toml").write_bytes((BAD / VALID).read_bytes())
    (tmp_path / "up").symlink_to("..")
    (tmp_path / "loop").symlink_to("loop")
    code, out, err = run_here(["assess", str(tmp_path), "--format", "json"])
    assert code == 0, err
    assert [a["profile"]["name"] for a in json.loads(out)] == ["Test Region"]


# --- a real bug: one line without --debug, the traceback with it ------------------------------


def _boom(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("planted bug")


def test_internal_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hemscore import __main__
    from hemscore.engine import assessment
    from hemscore.render import batch

    monkeypatch.setattr(assessment, "assess", _boom)
    monkeypatch.setattr(batch, "assess_one", _boom)  # bound at import, maybe before this test
    code = __main__.main(["assess", str(BAD / VALID), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "hemscore: internal error: ZeroDivisionError: planted bug "
        "(run again with --debug for the traceback)\n"
    )


def test_debug_raises_a_real_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    from hemscore import __main__
    from hemscore.engine import assessment
    from hemscore.render import batch

    monkeypatch.setattr(assessment, "assess", _boom)
    monkeypatch.setattr(batch, "assess_one", _boom)
    with pytest.raises(ZeroDivisionError, match="planted bug"):
        __main__.main(["assess", str(BAD / VALID), "--format", "json", "--debug"])


def test_debug_prints_the_traceback_from_the_command_line() -> None:
    plant = (
        "import sys, hemscore.engine.assessment as a\n"
        "def boom(*_, **__): raise ZeroDivisionError('planted bug')\n"
        "a.assess = boom\n"
        "from hemscore.__main__ import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n"
    )
    args = ["assess", VALID, "--format", "json"]
    quiet = subprocess.run(
        [sys.executable, "-c", plant, *args], cwd=BAD, capture_output=True, text=True, check=False
    )
    loud = subprocess.run(
        [sys.executable, "-c", plant, *args, "--debug"],
        cwd=BAD,
        capture_output=True,
        text=True,
        check=False,
    )
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr
    assert "--debug" in quiet.stderr
    assert loud.returncode != 0
    assert "Traceback (most recent call last)" in loud.stderr
    assert "ZeroDivisionError: planted bug" in loud.stderr
