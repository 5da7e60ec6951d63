"""No run may damage a file or lose its exit code (outputs, signals, streams, names, the cache).

A case whose behaviour belongs to the process (devices and named pipes it opens, signals, closed
or early-closed streams, a terminal, what start-up leaves under ``HOME``) runs hemscore in a
process of its own, as a user or a CI job would, with ``HOME`` set to a folder of the test's own.
A case that only the run decides (which file is written, refused or named how) runs in-process
through the CLI's ``run`` (the ``run_cli`` fixture). Device nodes and named pipes are made inside
the test's temporary folder; the machine's ``/dev`` is never written to.
"""

from __future__ import annotations

import os
import pty
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, Run

CHINA = EXAMPLES / "china-2022.toml"
JAPAN = EXAMPLES / "japan-2022.toml"


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEMSCORE_", "XDG_"))}
    env.update(HOME=str(home), COLUMNS="100", NO_COLOR="1")
    return env


def hemscore(
    *args: str | Path,
    home: Path,
    stdin: int | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.PIPE,
    stderr: int | None = subprocess.PIPE,
    **kw: object,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "hemscore", *map(str, args)],
        env=env_for(home),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        timeout=120,
        check=False,
        **kw,
    )


def require_root() -> None:
    """Device nodes need root: CI runs as root, so there a missing privilege is a failure."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("this test needs root, and CI runs as root")
        pytest.skip("needs root to make a device node")


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- 1. targets that are not regular files are written in place, never replaced ----------------


def test_char_device_target_stays_a_device(tmp_path: Path, home: Path) -> None:
    require_root()
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device, in our own folder
    r = hemscore("assess", CHINA, "-o", node, "--format", "json", home=home)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.major(os.lstat(node).st_rdev) == 1 and os.minor(os.lstat(node).st_rdev) == 3
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "command",
    [
        ["assess", str(CHINA)],
        ["compare", str(CHINA), str(JAPAN)],
        ["schema"],
        ["sensitivity", str(CHINA), "--runs", "10"],
        ["diff", str(CHINA), str(JAPAN)],
    ],
    ids=lambda c: c[0],
)
def test_fifo_target_with_a_reader_gets_the_report(
    tmp_path: Path, home: Path, command: list[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    r = hemscore(*command, "-o", fifo, home=home)
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and len(got[0]) > 100
    assert leftovers(tmp_path) == []


def test_symlink_target_is_followed_to_its_regular_file(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    real = tmp_path / "real.json"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    r = run_cli("assess", CHINA, "--format", "json", "-o", link)
    assert r.code == 0, r.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("{")


# -- 2. an output that is one of the inputs is refused ------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["assess", "{p}", "-o", "{p}"],
        ["assess", "{dir}", "-o", "{p}"],
        ["assess", "{other}", "--rules", "{rules}", "-o", "{rule}"],
        ["compare", "{p}", "{other}", "-o", "{other}"],
        ["sensitivity", "{p}", "--runs", "5", "-o", "{p}"],
        ["diff", "{p}", "{other}", "-o", "{other}"],
        ["schema", "--rules", "{rule}", "-o", "{rule}"],
        ["init", "--kind", "country", "--rules", "{rule}", "-o", "{rule}", "--force"],
        ["plan", "{p}", "--target", "10", "--write", "{link}"],
        ["plan", "{p}", "--target", "10", "--rules", "{rules}", "--write", "{rule}"],
    ],
    ids=lambda c: "-".join(x.strip("{}-") for x in (c[0], c[1], c[-1])),
)
def test_an_output_that_is_an_input_is_refused(
    tmp_path: Path, run_cli: Callable[..., Run], command: list[str]
) -> None:
    # In-process: the refusal comes before anything is opened for writing.
    folder = tmp_path / "in"
    folder.mkdir()
    p = folder / "p.toml"
    shutil.copy(CHINA, p)
    other = tmp_path / "other.toml"
    shutil.copy(JAPAN, other)
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    rule = rules / "talent.toml"
    link = tmp_path / "link.toml"
    link.symlink_to(p)
    names = {"p": p, "dir": folder, "other": other, "rule": rule, "rules": rules, "link": link}
    args = [c.format(**names) for c in command]
    before = {f: f.read_bytes() for f in (p, other, rule)}
    r = run_cli(*args)
    assert r.code == 2, r.err
    err = r.err
    assert "is also an input" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert {f: f.read_bytes() for f in before} == before
    assert leftovers(folder) == [] and leftovers(tmp_path) == []


# -- 3. signals leave no temporary file --------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [
        (signal.SIGTERM, 143, "terminated"),
        (signal.SIGHUP, 129, "hung up"),
        (signal.SIGINT, 130, "interrupted"),
    ],
    ids=["TERM", "HUP", "INT"],
)
def test_signal_removes_the_temporary_file(
    tmp_path: Path, home: Path, signum: int, code: int, word: str
) -> None:
    fifo = tmp_path / "never-written.toml"
    os.mkfifo(fifo)  # the run blocks reading it, with its output's temporary file open
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", "assess", str(CHINA), str(fifo), "-o", str(out / "r")],
        env=env_for(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not leftovers(out):  # wait until the temporary file exists
            assert time.monotonic() < deadline, "no temporary file appeared"
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code
    assert f"hemscore: {word}" in err.decode()
    assert "Traceback" not in err.decode()
    assert list(out.iterdir()) == []


# -- 4. a read-only target is refused without --force -------------------------------------------


def test_read_only_target_is_refused_unless_forced(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    target = tmp_path / "report.json"
    target.write_text("keep\n", encoding="utf-8")
    target.chmod(0o444)
    r = run_cli("assess", CHINA, "--format", "json", "-o", target)
    assert r.code == 2
    assert "read-only" in r.err and "--force" in r.err
    assert target.read_text(encoding="utf-8") == "keep\n"
    r = run_cli("assess", CHINA, "--format", "json", "-o", target, "--force")
    assert r.code == 0, r.err
    assert target.read_text(encoding="utf-8").startswith("{")
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert leftovers(tmp_path) == []


# -- 9. exit codes keep their meaning whatever the streams --------------------------------------


def closed(fd: int) -> None:
    os.close(fd)


def test_closed_stdout_is_a_clear_error(home: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "hemscore", "assess", str(CHINA), "--format", "json"],
        env=env_for(home),
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: closed(1),
        timeout=120,
        check=False,
    )
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert err.startswith("hemscore: error:") and "standard output" in err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1


def test_closed_stdout_with_an_output_file_still_works(tmp_path: Path, home: Path) -> None:
    out = tmp_path / "r.json"
    r = subprocess.run(
        [sys.executable, "-m", "hemscore", "assess", str(CHINA), "-f", "json", "-o", str(out)],
        env=env_for(home),
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: closed(1),
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["assess", str(CHINA), "--format", "json"], 0),
        (["assess", "no-such-file.toml"], 2),
        (["assess", str(CHINA), "--fail-under", "99"], 1),
    ],
    ids=["good", "bad", "gate"],
)
def test_closed_stderr_keeps_the_exit_code(home: Path, args: list[str], code: int) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "hemscore", *args],
        env=env_for(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: closed(2),
        timeout=120,
        check=False,
    )
    assert r.returncode == code


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["assess", "--help"],
        ["rules"],
    ],
    ids=["help", "assess-help", "rules"],
)
def test_reader_that_stops_early_is_not_a_failure(home: Path, args: list[str]) -> None:
    # `| head -1`: the reader closes its end after one line; the rest of the output is unwanted.
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", *args],
        env=env_for(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err


# -- 10. file names that are not UTF-8 ----------------------------------------------------------


def test_non_utf8_file_name_is_escaped_and_the_batch_goes_on(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(CHINA, folder / "a.toml")
    bad = os.path.join(os.fsencode(folder), b"b-\xff.toml")
    shutil.copy(os.fsencode(JAPAN), bad)
    (folder / "c.toml").write_text("[profile\n", encoding="utf-8")  # a bad profile after it
    r = run_cli("assess", folder, "--format", "jsonl")
    out, err = r.out, r.err
    assert r.code == 2, err  # c.toml is bad; the two good profiles are still assessed
    assert "Traceback" not in err and "internal error" not in err
    lines = out.splitlines()
    assert len(lines) == 2
    assert "b-\\\\xff.toml" in lines[1]  # the name, escaped, in the JSON line
    assert "c.toml" in err


# -- 12. waiting for input is said, not silent --------------------------------------------------


def read_until(fd: int, needle: bytes, limit: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + limit
    os.set_blocking(fd, False)
    while needle not in seen and time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        if not chunk:
            break
        seen += chunk
    return seen


def test_fifo_named_as_input_says_it_waits(tmp_path: Path, home: Path) -> None:
    fifo = tmp_path / "in.toml"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", "assess", str(fifo), "--format", "json"],
        env=env_for(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        seen = read_until(proc.stderr.fileno(), b"waiting")
        assert b"hemscore: " in seen and b"named pipe" in seen and b"waiting" in seen
        with open(fifo, "wb") as fh:
            fh.write(CHINA.read_bytes())
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert out.startswith(b"{")


def test_terminal_on_stdin_says_it_waits(home: Path) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hemscore", "assess", "-", "--format", "json"],
        env=env_for(home),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    try:
        assert proc.stderr is not None
        seen = read_until(proc.stderr.fileno(), b"Ctrl-D")
        assert b"reading a profile from standard input" in seen and b"Ctrl-D" in seen
    finally:
        proc.kill()
        proc.wait(30)
        os.close(master)


# -- 13. no cache, nothing written under HOME ---------------------------------------------------


def test_a_full_run_leaves_home_empty(tmp_path: Path, home: Path) -> None:
    for args in (
        ["assess", CHINA],
        ["assess", CHINA, "--format", "json"],
        ["validate", CHINA],
        ["compare", CHINA, JAPAN],
        ["rules"],
    ):
        r = hemscore(*args, home=home)
        assert r.returncode == 0, r.stderr
    assert list(home.iterdir()) == []


def test_home_that_does_not_exist_is_not_created(tmp_path: Path) -> None:
    home = tmp_path / "absent"
    r = hemscore("assess", CHINA, "--format", "json", home=home)
    assert r.returncode == 0, r.stderr
    assert not home.exists()
