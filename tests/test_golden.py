"""Golden outputs: the JSON report of every example profile (tests/golden/assess) and every
output format on one profile (tests/golden/formats), pinned byte for byte.

A change to scoring, rules, examples or formats shows up here as a failing test. Golden files
change only through the update command, which prints the unified diff of every file it would
change and writes nothing unless asked:

    python -m tests.test_golden            # show the diff; exit 1 if any golden file differs
    python -m tests.test_golden --update   # show the diff and record the new outputs

Review the diff before committing it. Two goldens are also checked against figures worked out
by hand (below), so a golden recorded from broken code does not pass for long.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from pathlib import Path

import pytest

from hemscore.__main__ import main

from .conftest import EXAMPLES, ROOT

GOLDEN = Path(__file__).parent / "golden" / "assess"
CASES = sorted(p.stem for p in EXAMPLES.glob("*.toml"))


def render(stem: str, capsys: pytest.CaptureFixture[str] | None = None) -> str:
    """`hemscore assess examples/<stem>.toml --format json`, run from the repository root."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        if capsys is None:
            import contextlib
            import io

            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = main(["assess", f"examples/{stem}.toml", "--format", "json"])
            out = buf.getvalue()
        else:
            code = main(["assess", f"examples/{stem}.toml", "--format", "json"])
            out = capsys.readouterr().out
    finally:
        os.chdir(cwd)
    assert code == 0
    return out


@pytest.mark.parametrize("stem", CASES)
def test_example_matches_golden(stem: str, capsys: pytest.CaptureFixture[str]) -> None:
    golden = GOLDEN / f"{stem}.json"
    assert golden.exists(), f"no golden output for {stem}: see `python -m tests.test_golden`"
    assert render(stem, capsys) == golden.read_text(encoding="utf-8")


def test_every_golden_has_an_example() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == CASES


# --- two goldens against figures worked out by hand ----------------------------------------------


def _golden(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _scores(data: dict) -> dict[str, float | None]:  # type: ignore[type-arg]
    out = {d["id"]: d["score"] for d in data["diagnostics"]}
    out |= {r["id"]: r["score"] for d in data["diagnostics"] for r in d["rules"]}
    return out


#: The region fixture (tests/fixtures/pipeline/region.toml) worked out by hand, rule set 2.0
#: weights as declared in rules/ (weight in brackets).
#: cluster (assessed 5 of 9): CL-01 1.4 on 0.8 → 0, 1.2 → 70, 2 → 100: 70 + 30 × 0.2 / 0.8
#: = 77.5 [1]; CL-02 120 firms in [50, 200) → 50 [1]; CL-03 50 on 40 → 0, 80 → 70:
#: 70 × 10 / 40 = 17.5 [1]; CL-05 0 = worst → 0 [1]; CL-06 true → 100 [0.5]; CL-07 false → 0 [0.5]
REGION_CLUSTER = (77.5 + 50 + 17.5 + 0 + 0.5 * 100 + 0) / 5  # 195 / 5 = 39
#: technology (2.25 of 3.75): TE-03 18 below 20 → 10 [0.5]; TE-05 HHI 45² + 20² = 2425 in
#: (1500, 2500] → 60 [0.25] (other is a residual); TE-06 largest 45 on 50 → 0, 25 → 50:
#: 50 × 5 / 25 = 10 [0.25]; TE-09 30 beyond worst 20 → 0 [0.25]; TE-13 2.1 on 1 → 0, 3 → 70:
#: 70 × 1.1 / 2 = 38.5 [1]
REGION_TECHNOLOGY = (0.5 * 10 + 0.25 * 60 + 0.25 * 10 + 0 + 38.5) / 2.25  # 61 / 2.25
#: exports (3.5 of 6.5): EX-01 40 = worst → 0 [0.5]; EX-04 growth 2017 → 2020
#: (110 / 120) ** (1/3) − 1 = −2.8587% on −5 → 0, 0 → 50: 50 × 2.1413 / 5 = 21.413 [0.5];
#: EX-05 110 / 131.5 = 83.65% < 90 → 0 [0.5]; EX-09 35 on 10 → 0, 50 → 70: 70 × 25 / 40 = 43.75
#: [1]; EX-12 31 on 10 → 0, 25 → 70, 40 → 100: 70 + 30 × 6 / 15 = 82 [1]
REGION_GROWTH = 100 * ((110 / 120) ** (1 / 3) - 1)
REGION_EXPORTS = (0.5 * 50 * (REGION_GROWTH + 5) / 5 + 43.75 + 82) / 3.5  # 38.9875
#: talent (2.5 of 5): TA-02 70 on 50 → 0, 80 → 70: 70 × 20 / 30 = 46.667 [1]; TA-06 1.1 on 1 → 0,
#: 1.5 → 70: 70 × 0.1 / 0.5 = 14 [0.5]; TA-09 900 below worst 1000 → 0 [1]
REGION_TALENT = (70 * 20 / 30 + 0.5 * 14 + 0) / 2.5  # 21.4667
#: policy (2.5 of 4.5, PO-05 waived): PO-01 true → 100 [0.5]; PO-02 0.1 on 0.05 → 0, 0.2 → 70:
#: 70 × 0.05 / 0.15 = 23.333 [1]; PO-04 8 on 5 → 0, 20 → 70: 70 × 3 / 15 = 14 [1]
REGION_POLICY = (0.5 * 100 + 70 * 0.05 / 0.15 + 14) / 2.5  # 34.9333
#: overall: the five diagnostics, weight 1 each (32.2997); coverage 15.75 / 28.75 (0.5478)
REGION_OVERALL = (
    REGION_CLUSTER + REGION_TECHNOLOGY + REGION_EXPORTS + REGION_TALENT + REGION_POLICY
) / 5
REGION_COVERAGE = (5 + 2.25 + 3.5 + 2.5 + 2.5) / (9 + 3.75 + 6.5 + 5 + 4.5)
REGION_DIAGNOSTICS = {
    "cluster": REGION_CLUSTER,
    "technology": REGION_TECHNOLOGY,
    "exports": REGION_EXPORTS,
    "talent": REGION_TALENT,
    "policy": REGION_POLICY,
}


def test_region_json_golden_by_hand() -> None:
    data = _golden(Path(__file__).parent / "golden" / "formats" / "region.json")
    s = _scores(data)
    by_hand = {
        "CL-01": 77.5,
        "CL-03": 17.5,
        "TE-05": 60.0,
        "TE-06": 10.0,
        "TE-13": 38.5,
        "EX-04": 50 * (REGION_GROWTH + 5) / 5,
        "EX-09": 43.75,
        "EX-12": 82.0,
        "TA-02": 70 * 20 / 30,
        "PO-02": 70 * 0.05 / 0.15,
        **REGION_DIAGNOSTICS,
    }
    for key, value in by_hand.items():
        assert s[key] == pytest.approx(value, abs=1e-4), key
    assert data["overall"]["score"] == pytest.approx(REGION_OVERALL, abs=1e-4)
    assert data["overall"]["coverage"] == pytest.approx(REGION_COVERAGE, abs=1e-4)
    assert data["overall"]["grade"] == "E"


def test_region_csv_golden_by_hand() -> None:
    import csv

    path = Path(__file__).parent / "golden" / "formats" / "region.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 1
    row = rows[0]
    assert float(row["overall"]) == pytest.approx(REGION_OVERALL, abs=1e-4)
    assert float(row["coverage"]) == pytest.approx(REGION_COVERAGE, abs=1e-4)
    for did, value in REGION_DIAGNOSTICS.items():
        assert float(row[did]) == pytest.approx(value, abs=1e-4), did


# --- the update command ---------------------------------------------------------------------------


def expected_outputs() -> dict[Path, str]:
    """Every golden file and what the code writes for it now."""
    from .test_formats import CASES as FORMAT_CASES
    from .test_formats import GOLDEN as FORMAT_GOLDEN
    from .test_formats import cli_output

    out = {GOLDEN / f"{stem}.json": render(stem) for stem in CASES}
    for name, args in FORMAT_CASES.items():
        code, text = cli_output(args)
        assert code == 0, name
        out[FORMAT_GOLDEN / name] = text
    return out


def update(argv: list[str]) -> int:
    """Print the unified diff of every golden file that differs; write them with --update."""
    write = "--update" in argv
    expected = expected_outputs()
    stale = [
        p
        for folder in {p.parent for p in expected}
        for p in sorted(folder.iterdir())
        if p.is_file() and p not in expected
    ]
    changed = 0
    for path, new in sorted(expected.items()):
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == new:
            continue
        changed += 1
        rel = path.relative_to(ROOT)
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{rel}" if path.exists() else "/dev/null",
                f"b/{rel}",
            )
        )
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"stale golden file (no case writes it): {path.relative_to(ROOT)}")
        if write:
            path.unlink()
    if not changed and not stale:
        print("golden files are up to date", file=sys.stderr)
        return 0
    if write:
        print(
            f"recorded {changed} golden file(s), removed {len(stale) if write else 0}",
            file=sys.stderr,
        )
        return 0
    print(
        f"{changed + len(stale)} golden file(s) differ; nothing written "
        "(review the diff, then run `python -m tests.test_golden --update`)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(update(sys.argv[1:]))
