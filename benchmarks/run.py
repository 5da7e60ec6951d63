"""hemscore's speed and memory, each figure a ratio against a baseline run in the same invocation.

    python benchmarks/run.py            # the figures for benchmarks/README.md
    python benchmarks/run.py --quick    # fewer runs and a smaller batch, for a quick look

Run it with the interpreter hemscore is installed in (e.g. ``.venv/bin/python``). Absolute times
drift between machines; ratios against baselines timed in the same run, interleaved with the
commands they are compared to, drift much less. Standard library only, plus the installed
hemscore (used to generate the batch profiles from its catalogue).

Baselines:
- interpreter floor: ``python -c "import tomllib"``
- stack floor: ``benchmarks/stack_floor.py PROFILE``, a ten-line Typer program that loads the
  profile with tomllib and prints it with json.dumps
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hemscore.model.catalogue import Metric

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
#: The environment of every timed command (set in main).
ENV: dict[str, str] = dict(os.environ)


def hemscore_cmd() -> list[str]:
    """The installed ``hemscore`` script beside this interpreter, else ``python -m hemscore``."""
    script = Path(PY).parent / "hemscore"
    return [str(script)] if script.exists() else [PY, "-m", "hemscore"]


def profile_path() -> Path:
    for p in (ROOT / "examples/china-2022.toml", ROOT / "tests/bad/ok/region.toml"):
        if p.exists():
            return p
    sys.exit("benchmarks: no profile to time (examples/china-2022.toml is missing)")


def run_once(cmd: Sequence[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"benchmarks: {' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def medians(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, the runs interleaved so that load drift hits all alike."""
    for cmd in commands.values():  # warm the file cache and .pyc files; not timed
        run_once(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(run_once(cmd))
    return {name: statistics.median(ts) for name, ts in times.items()}


def peak_rss_kb(cmd: Sequence[str]) -> int:
    """Peak resident memory of ``cmd``, measured by a fresh wrapper process (ru_maxrss, KiB)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [PY, "-c", probe, *cmd], capture_output=True, text=True, check=True, env=ENV
    )
    return int(out.stdout.strip())


# --- generated batch -----------------------------------------------------------------------


def generate_profiles(folder: Path, count: int, seed: int = 6) -> None:
    """``count`` valid region profiles with values drawn from the catalogue's ranges."""
    from hemscore.model.catalogue import builtin_catalogue

    metrics = [m for m in builtin_catalogue().values() if "region" in m.kinds]
    rng = random.Random(seed)
    for i in range(count):
        by_section: dict[str, list[str]] = {}
        for m in metrics:
            if rng.random() < 0.2:
                continue  # some metrics missing, as in real profiles
            by_section.setdefault(m.diagnostic, []).append(_metric_line(m, rng))
        lines = [
            "[profile]",
            f'name = "Generated region {i}"',
            'kind = "region"',
            "year = 2022",
            "",
        ]
        for section, items in by_section.items():
            lines += [f"[{section}]", *items, ""]
        (folder / f"p{i:05d}.toml").write_text("\n".join(lines), encoding="utf-8")


def _metric_line(m: Metric, rng: random.Random) -> str:
    lo = m.min if m.min is not None else 0.0
    hi = m.max if m.max is not None else lo + 5000.0
    name, kind = m.name, m.type
    if kind == "bool":
        return f"{name} = {'true' if rng.random() < 0.5 else 'false'}"
    if kind == "integer":
        return f"{name} = {rng.randint(int(lo), int(min(hi, 500)))}"
    if kind == "number":
        return (
            f'{name} = {{ value = {rng.uniform(lo, hi):.3f}, year = 2022, source = "generated" }}'
        )
    if kind == "shares":
        cuts = sorted(rng.uniform(0, 100) for _ in range(3))
        parts = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]]
        return f"{name} = {{ " + ", ".join(f"L{j} = {v:.4f}" for j, v in enumerate(parts)) + " }"
    years = range(2015, 2023)
    return f"{name} = {{ " + ", ".join(f"{y} = {rng.uniform(1, 1000):.2f}" for y in years) + " }"


# The batch baseline: read each file, parse it with the standard library's tomllib, and
# validate it with hemscore's own profile checks (the same code ``assess`` runs), nothing else.
# A second argument "hemscore" (instead of "tomllib") swaps in hemscore's reader (compiled
# tomli), for the informative figure: what scoring and output add on top of its own parsing.
LOAD_AND_VALIDATE = """\
import sys, tomllib
from pathlib import Path
from hemscore.model.catalogue import builtin_catalogue
from hemscore.model.profile import validate_profile
from hemscore.reading.tomlsource import TomlDocument, read_toml
from hemscore.base.errors import ProfileError
metrics = builtin_catalogue()
own = sys.argv[2] == "hemscore"
for p in sorted(Path(sys.argv[1]).glob("*.toml")):
    if own:
        doc = read_toml(p, error=ProfileError)
    else:
        text = p.read_bytes().decode("utf-8")
        doc = TomlDocument(str(p), text, tomllib.loads(text))
    validate_profile(doc, metrics)
"""


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    name: str
    value: float | None
    target: str  # "<= 1.3" or "< 0.8"
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "skipped"
        if self.target == "info":
            return "-"
        op, limit = self.target.split()
        checks = {
            "<=": self.value <= float(limit),
            "<": self.value < float(limit),
            ">=": self.value >= float(limit),
        }
        ok = checks[op] and "DIFFER" not in self.note
        return "pass" if ok else "FAIL"


def html_rows(hs: list[str], tmpdir: Path, runs: int) -> list[Figure]:
    """The HTML report: 1,000 profiles against ``--format jsonl`` on the same profiles, and its
    peak memory at 1,000 against 100 profiles (flat when the report streams)."""
    folders = {}
    for count in (1_000, 100):
        folders[count] = tmpdir / f"html{count}"
        folders[count].mkdir()
        generate_profiles(folders[count], count)

    def cmd(count: int, fmt: str) -> list[str]:
        return [*hs, "assess", str(folders[count]), "--format", fmt, "--quiet"]

    t = medians({"html": cmd(1_000, "html"), "jsonl": cmd(1_000, "jsonl")}, runs)
    print(f"  1,000 profiles: html {t['html']:.2f} s, jsonl {t['jsonl']:.2f} s (median of {runs})")
    big, small = peak_rss_kb(cmd(1_000, "html")), peak_rss_kb(cmd(100, "html"))
    print(f"  html peak memory: {big / 1024:.1f} MiB at 1,000, {small / 1024:.1f} MiB at 100\n")
    return [
        Figure("html 1,000 / jsonl 1,000", t["html"] / t["jsonl"], "<= 3"),
        Figure("html peak memory 1,000 / 100", big / small, "<= 1.3"),
    ]


#: Every factor group of ``sensitivity --factor`` (analysis/uncertainty.py).
SOBOL_GROUPS = (
    "weights=0.5",
    "diagnostic-weights=0.5",
    "goalposts=0.2",
    "normalisation",
    "aggregation",
    "missing",
    "inclusion",
    "estimates",
)


def estimate_panel(folder: Path) -> None:
    """The 2017 reference panel with a fifth of the economies' R&D intensity marked as an
    estimate (the shipped panel holds published WDI values only, so ``--factor estimates``
    would be refused on it: nothing to drop). Every other value is as shipped."""
    folder.mkdir()
    for i, src in enumerate(sorted((ROOT / "reference/panel/2017").glob("*.toml"))):
        text = src.read_text(encoding="utf-8")
        if i % 5 == 0:
            head, sep, tail = text.partition("[technology.rd_intensity_pct]")
            if sep:
                tail = tail.replace('source = "', 'source = "estimate: ', 1)
            text = head + sep + tail
        (folder / src.name).write_text(text, encoding="utf-8")


def sensitivity_rows(hs: list[str], tmpdir: Path, runs: int) -> list[Figure]:
    """``sensitivity`` with every factor group on, the 44-economy panel, N = 1,024, against
    ``assess`` of the same panel, side by side (the same folder and coverage floor)."""
    panel = tmpdir / "panel-estimates"
    estimate_panel(panel)
    # Floor 0: the panel's economies have 22-35% of the rule weight, so at the default floor
    # none is scored; at 0 every economy is scored in every run and every index is computed
    # (a profile unscored in some run has no indices, and its bootstrap would be skipped).
    floor = ["--min-coverage", "0"]
    factors = [x for g in SOBOL_GROUPS for x in ("--factor", g)]
    sobol = [*hs, "sensitivity", str(panel), *floor, *factors, "--samples", "1024"]
    sobol += ["--format", "json"]
    commands = {
        "sensitivity": sobol,
        "assess table": [*hs, "assess", str(panel), *floor, "--color", "never"],
        "assess json": [*hs, "assess", str(panel), *floor, "--format", "json"],
    }
    t = medians(commands, runs)
    one = subprocess.run(sobol, capture_output=True, env=ENV, check=False)
    two = subprocess.run(sobol, capture_output=True, env=ENV, check=False)
    same = one.returncode == 0 and one.stdout == two.stdout
    print(
        f"  44 economies, 8 groups, N = 1,024 ({1024 * 10:,} runs): sensitivity "
        f"{t['sensitivity']:.2f} s; assess {t['assess table']:.2f} s (table), "
        f"{t['assess json']:.2f} s (json) (median of {runs})\n"
    )
    note = "two runs, identical bytes" if same else "OUTPUTS DIFFER"
    return [
        Figure(
            "sensitivity, all groups / assess (table)",
            t["sensitivity"] / t["assess table"],
            "<= 10",
            note,
        ),
        Figure(
            "sensitivity, all groups / assess --format json",
            t["sensitivity"] / t["assess json"],
            "info",
            "no target: the faster baseline",
        ),
    ]


def print_figures(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    print(f"{'figure':<{width}}  {'ratio':>6}  {'target':>7}  result")
    for f in figures:
        shown = "-" if f.value is None else f"{f.value:.2f}"
        print(
            f"{f.name:<{width}}  {shown:>6}  {f.target:>7}  {f.verdict}{'  (' + f.note + ')' if f.note else ''}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5 runs and a 2,000-profile batch")
    parser.add_argument("--runs", type=int, help="runs per cold-process figure (default 15)")
    parser.add_argument("--batch", type=int, help="profiles in the large batch (default 10,000)")
    parser.add_argument(
        "--html-only", action="store_true", help="only the HTML report's two rows (about a minute)"
    )
    parser.add_argument(
        "--sensitivity-only",
        action="store_true",
        help="only the sensitivity --factor rows (under a minute)",
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="keep the environment as it is (by default bytecode is written to a "
        "temporary PYTHONPYCACHEPREFIX, as an installed package has it)",
    )
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 21)
    big = args.batch or (2_000 if args.quick else 10_000)
    small = big // 10

    hs = hemscore_cmd()
    profile = str(profile_path())
    figures: list[Figure] = []
    print(f"hemscore benchmarks: {runs} runs per cold-process figure, batch {big:,} vs {small:,}")
    print(f"python {sys.version.split()[0]} at {PY}; profile {os.path.relpath(profile, ROOT)}")

    with tempfile.TemporaryDirectory(prefix="hemscore-bench-") as tmp:
        tmpdir = Path(tmp)
        if not args.as_is:
            # An installed wheel runs from compiled bytecode. With PYTHONDONTWRITEBYTECODE set
            # (as in some dev containers) an editable install would recompile hemscore's
            # modules in every process (~50 ms), while Typer and pydantic load compiled.
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(tmpdir / "pycache")
        print(
            f"bytecode: {'as the environment has it' if args.as_is else 'compiled once, in a temporary PYTHONPYCACHEPREFIX'}\n"
        )
        if args.html_only:
            print_figures(html_rows(hs, tmpdir, 1 if args.quick else 3))
            return 0
        if args.sensitivity_only:
            print_figures(sensitivity_rows(hs, tmpdir, 1 if args.quick else 3))
            return 0
        schema = tmpdir / "schema.json"
        has_validate = (
            subprocess.run(
                [*hs, "schema", "-o", str(schema)], capture_output=True, env=ENV, check=False
            ).returncode
            == 0
        )
        cjs = shutil.which(
            "check-jsonschema", path=f"{Path(PY).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        )
        commands = {
            "interpreter floor": [PY, "-c", "import tomllib"],
            "stack floor": [PY, str(HERE / "stack_floor.py"), profile],
            "assess json": [*hs, "assess", profile, "--format", "json"],
            "assess table": [*hs, "assess", profile, "--color", "never"],
            "--version": [*hs, "--version"],
        }
        if has_validate and cjs:
            commands["validate"] = [*hs, "validate", profile]
            commands["check-jsonschema"] = [cjs, "--schemafile", str(schema), profile]
        t = medians(commands, runs)
        for name, secs in t.items():
            print(f"  {name:<20} {secs * 1000:8.1f} ms  (median of {runs})")
        floor = t["stack floor"]
        print(f"  stack floor / interpreter floor = {floor / t['interpreter floor']:.2f}\n")
        figures += [
            Figure("assess json / stack floor", t["assess json"] / floor, "<= 1.3"),
            Figure("--version / stack floor", t["--version"] / floor, "<= 0.8"),
            Figure("assess table / stack floor", t["assess table"] / floor, "<= 1.6"),
        ]
        if "validate" in t:
            figures.append(
                Figure(
                    "validate / check-jsonschema", t["validate"] / t["check-jsonschema"], "< 0.8"
                )
            )
        else:
            figures.append(
                Figure(
                    "validate / check-jsonschema",
                    None,
                    "< 0.8",
                    "hemscore validate/schema or check-jsonschema not available",
                )
            )

        batch_runs = 1 if args.quick else 3
        for count in (big, small):
            (tmpdir / f"b{count}").mkdir()
            generate_profiles(tmpdir / f"b{count}", count)
        folder = str(tmpdir / f"b{big}")
        assess_batch = [*hs, "assess", folder, "--format", "jsonl", "--quiet"]
        baseline = [PY, "-c", LOAD_AND_VALIDATE, folder, "tomllib"]
        own_parse = [PY, "-c", LOAD_AND_VALIDATE, folder, "hemscore"]
        compact = [*assess_batch, "--compact"]
        jobs2 = [*assess_batch, "--jobs", "2"]
        bt = medians(
            {
                "assess batch": assess_batch,
                "load+validate": baseline,
                "own load+validate": own_parse,
                "compact batch": compact,
                "jobs 2 batch": jobs2,
            },
            batch_runs,
        )
        per, base, own = (
            bt[k] / big for k in ("assess batch", "load+validate", "own load+validate")
        )
        print(
            f"  batch of {big:,}: assess jsonl {per * 1e6:.0f} µs/profile; "
            f"tomllib.loads + validate {base * 1e6:.0f} µs/profile; "
            f"hemscore's reader (tomli) + validate {own * 1e6:.0f} µs/profile (median of {batch_runs})"
        )
        figures.append(Figure(f"batch {big:,}: per profile / load+validate", per / base, "<= 2"))
        figures.append(
            Figure(
                f"batch {big:,}: per profile / own load+validate",
                per / own,
                "info",
                "no target: scoring and output over hemscore's own parsing",
            )
        )

        per_compact = bt["compact batch"] / big
        print(
            f"  --compact {per_compact * 1e6:.0f} µs/profile; --jobs 2: {bt['jobs 2 batch']:.2f} s "
            f"against {bt['assess batch']:.2f} s with one process"
        )
        figures.append(
            Figure(
                f"batch {big:,} --compact: per profile / load+validate",
                per_compact / base,
                "<= 1.3",
            )
        )
        one = subprocess.run(assess_batch, capture_output=True, env=ENV, check=False).stdout
        two = subprocess.run(jobs2, capture_output=True, env=ENV, check=False).stdout
        figures.append(
            Figure(
                f"batch {big:,}: --jobs 1 time / --jobs 2 time",
                bt["assess batch"] / bt["jobs 2 batch"],
                ">= 1.7",
                "identical bytes" if one == two else "OUTPUTS DIFFER",
            )
        )
        rss_big = peak_rss_kb(assess_batch)
        rss_small = peak_rss_kb(
            [*hs, "assess", str(tmpdir / f"b{small}"), "--format", "jsonl", "--quiet"]
        )
        print(
            f"  peak memory: {rss_big / 1024:.1f} MiB at {big:,}, {rss_small / 1024:.1f} MiB at {small:,}\n"
        )
        figures.append(Figure(f"peak memory {big:,} / {small:,}", rss_big / rss_small, "<= 1.2"))
        figures += html_rows(hs, tmpdir, batch_runs)
        figures += sensitivity_rows(hs, tmpdir, batch_runs)

    print_figures(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
