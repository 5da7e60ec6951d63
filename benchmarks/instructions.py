"""The batch figure in instructions instead of seconds: repeatable on a busy machine.

    python benchmarks/instructions.py          # needs valgrind; about 3 minutes
    python benchmarks/instructions.py --against OTHER/.venv/bin/hemscore   # about 5 minutes

``--against`` counts the start-up commands (``assess`` of one profile as JSON, table and HTML,
``--version``) and the per-profile batch cost (JSON Lines, HTML) for this install and another
(an older checkout's), and prints this one's count divided by the other's: below 1 is fewer
instructions. Bytecode is compiled once, before counting, in a temporary PYTHONPYCACHEPREFIX.

Wall times on a shared machine swing by a third between runs; ``valgrind --tool=callgrind``
counts the instructions a process executes, the same count every run. Each command runs on 100
and on 300 generated profiles; the difference divided by 200 is the cost of one profile, with
start-up taken out. The ratios are the batch rows of ``run.py`` counted this way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ENV, LOAD_AND_VALIDATE, PY, generate_profiles, hemscore_cmd, profile_path

SMALL, LARGE = 100, 300


def instructions(cmd: list[str]) -> int:
    """Instructions the command executes, as callgrind counts them."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-500:]}")
    return int(found.group(1))


def batches(tmp: Path) -> dict[int, str]:
    """Folders of SMALL and LARGE generated profiles under ``tmp``, by their size."""
    folders = {}
    for n in (SMALL, LARGE):
        folder = tmp / f"b{n}"
        folder.mkdir()
        generate_profiles(folder, n)
        folders[n] = str(folder)
    return folders


def per_profile(make_cmd: Callable[[str], list[str]], folders: dict[int, str]) -> float:
    counts = {n: instructions(make_cmd(folder)) for n, folder in folders.items()}
    return (counts[LARGE] - counts[SMALL]) / (LARGE - SMALL)


def _batch(cmd: list[str], fmt: str) -> Callable[[str], list[str]]:
    return lambda folder: [*cmd, "assess", folder, "--format", fmt, "--quiet"]


def against(hs: list[str], other: list[str]) -> int:
    """This install's instruction counts divided by ``other``'s, command by command."""
    profile = str(profile_path())
    starts = {
        "assess --format json": ["assess", profile, "--format", "json"],
        "assess (table)": ["assess", profile],
        "assess --format html": ["assess", profile, "--format", "html"],
        "--version": ["--version"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        folders = batches(Path(tmp))
        print(f"{'command':<34} {'this':>10} {'other':>10}  this/other")
        for name, args in starts.items():
            for cmd in (hs, other):  # compile the bytecode of both before counting
                subprocess.run([*cmd, *args], capture_output=True, env=ENV, check=False)
            mine, theirs = instructions([*hs, *args]), instructions([*other, *args])
            print(f"{name:<34} {mine / 1e6:9.1f}M {theirs / 1e6:9.1f}M  {mine / theirs:.3f}")
        for fmt in ("jsonl", "html"):
            counts = [per_profile(_batch(cmd, fmt), folders) for cmd in (hs, other)]
            name = f"batch --format {fmt}, per profile"
            print(
                f"{name:<34} {counts[0] / 1e6:9.2f}M {counts[1] / 1e6:9.2f}M"
                f"  {counts[0] / counts[1]:.3f}"
            )
    return 0


def main() -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 2
    hs = hemscore_cmd()
    if sys.argv[1:2] == ["--against"] and len(sys.argv) == 3:
        return against(hs, [sys.argv[2]])
    if sys.argv[1:]:
        print("usage: instructions.py [--against OTHER_HEMSCORE]", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folders = batches(Path(tmp))
        assess = per_profile(_batch(hs, "jsonl"), folders)
        base = per_profile(lambda f: [PY, "-c", LOAD_AND_VALIDATE, f, "tomllib"], folders)
        own = per_profile(lambda f: [PY, "-c", LOAD_AND_VALIDATE, f, "hemscore"], folders)
    print(f"instructions per profile ({LARGE} minus {SMALL} profiles, divided by {LARGE - SMALL}):")
    print(f"  assess --format jsonl               {assess / 1e6:6.2f} M")
    print(f"  tomllib.loads + validate            {base / 1e6:6.2f} M")
    print(f"  hemscore's reader (tomli) + validate {own / 1e6:5.2f} M")
    print(f"batch / load+validate      {assess / base:.2f}  (target of the wall-clock row: <= 2)")
    print(f"batch / own load+validate  {assess / own:.2f}  (no target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
