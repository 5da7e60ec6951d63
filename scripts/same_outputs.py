"""Run one battery of hemscore commands with two installs and compare every byte they print.

    python scripts/same_outputs.py OLD_HEMSCORE NEW_HEMSCORE

Each argument is a ``hemscore`` executable (for example ``old/.venv/bin/hemscore`` from a
checkout of the earlier commit, and ``.venv/bin/hemscore``). Every command of the battery runs
under both from this repository's root, on its examples and reference panel; the exit code,
standard output, standard error and any file the command writes must be byte-identical. Prints
one line per command and exits 1 when any differs, naming the first differing line. A
restructuring of the code that should not change behaviour is checked this way.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EX = "examples"
CHINA = f"{EX}/china-2022.toml"
JAPAN = f"{EX}/japan-2022.toml"
PANEL = "reference/panel/2017"
FORMATS = ("table", "json", "markdown", "jsonl", "csv", "junit", "github", "html", "svg")

#: (label, arguments, output file the command writes, or None).
BATTERY: list[tuple[str, list[str], str | None]] = [
    *[(f"assess {f}", ["assess", EX, "--format", f], None) for f in FORMATS],
    *[(f"assess zh {f}", ["assess", CHINA, "--lang", "zh", "--format", f], None) for f in FORMATS],
    ("assess compact", ["assess", EX, "--format", "jsonl", "--compact"], None),
    ("assess gates", ["assess", EX, "--fail-under", "60", "--format", "json"], None),
    ("assess geometric", ["assess", EX, "--aggregation", "geometric", "--format", "json"], None),
    ("assess common", ["assess", PANEL, "--common", "--format", "json"], None),
    ("compare peers", ["compare", CHINA, "--peers", "panel", "--format", "json"], None),
    ("compare peers table", ["compare", CHINA, "--peers", "panel"], None),
    ("assess panel jsonl", ["assess", PANEL, "--format", "jsonl"], None),
    ("assess -o", ["assess", CHINA, "--format", "json", "-o", "{out}"], "{out}"),
    ("validate", ["validate", EX], None),
    ("schema", ["schema"], None),
    ("schema report", ["schema", "--report"], None),
    ("init", ["init", "--kind", "region"], None),
    ("init zh", ["init", "--kind", "firm", "--lang", "zh"], None),
    ("rules", ["rules"], None),
    ("rules json", ["rules", "--format", "json"], None),
    ("rules show", ["rules", "show", "TE-03"], None),
    ("rules show zh", ["rules", "show", "TE-03", "--lang", "zh"], None),
    *[(f"compare {f}", ["compare", PANEL, "--format", f], None) for f in ("table", "json", "csv")],
    ("compare mixed", ["compare", EX, "--mixed-kinds", "--format", "json"], None),
    ("compare common", ["compare", PANEL, "--common", "--format", "json"], None),
    ("compare detail", ["compare", PANEL, "--detail", "--format", "markdown"], None),
    *[
        (f"plan {f}", ["plan", CHINA, "--target", "70", "--format", f], None)
        for f in ("table", "json")
    ],
    (
        "sensitivity",
        ["sensitivity", PANEL, "--runs", "50", "--seed", "7", "--format", "json"],
        None,
    ),
    ("sensitivity table", ["sensitivity", PANEL, "--runs", "50", "--seed", "7"], None),
    *[
        (f"diff {f}", ["diff", JAPAN, CHINA, "--format", f], None)
        for f in ("table", "json", "markdown")
    ],
    ("audit", ["audit", PANEL, "--format", "json"], None),
    ("audit table", ["audit", PANEL], None),
    ("export csv", ["export", EX, "--format", "csv"], None),
    ("bad profile", ["assess", "tests/bad/profiles"], None),
    ("bad rules", ["validate", "--rules", "tests/bad/rules"], None),
    ("help", ["--help"], None),
    ("assess help", ["assess", "--help"], None),
]


def run(exe: str, args: list[str], out: str | None, tmp: Path) -> bytes:
    target = str(tmp / "out.file")
    argv = [exe, *[a.replace("{out}", target) for a in args]]
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, check=False, env={"COLUMNS": "100", "PATH": ""}
    )
    written = b""
    if out is not None:
        path = Path(out.replace("{out}", target))
        written = path.read_bytes() if path.exists() else b"<no file>"
        path.unlink(missing_ok=True)
    return b"\0".join([str(done.returncode).encode(), done.stdout, done.stderr, written])


def first_difference(a: bytes, b: bytes) -> str:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            return f"line {n}: {x[:80]!r} != {y[:80]!r}"
    return f"lengths {len(a)} and {len(b)}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    old, new = argv
    differ = 0
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for label, args, out in BATTERY:
            a, b = run(old, args, out, tmp), run(new, args, out, tmp)
            same = a == b
            differ += not same
            code = a.split(b"\0", 1)[0].decode()
            print(f"{'same' if same else 'DIFFERS'}  exit {code}  {label}", end="")
            print("" if same else f"  ({first_difference(a, b)})")
    print(f"{len(BATTERY) - differ} of {len(BATTERY)} commands print the same bytes")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
