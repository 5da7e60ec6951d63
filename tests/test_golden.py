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


def test_china_golden_by_hand() -> None:
    data = _golden(GOLDEN / "china-2022.json")
    s = _scores(data)
    # cluster: CL-04 42% on 10 → 0, 30 → 70, 50 → 100: 70 + 30 × 12 / 20 = 88;
    # CL-09 25% on 5 → 0, 20 → 70, 40 → 100: 70 + 30 × 5 / 20 = 77.5; both weight 7.5
    cluster = (7.5 * 88 + 7.5 * 77.5) / 15  # 82.75
    # technology (assessed weight 75 of 80; TE-08 has no value): TE-01 2.56 → 70 × 1.56 / 2
    # = 54.6 (7.5); TE-03 16.7 below the first edge 20 → 10 (10); TE-04 6.6 → 70 × 1.6 / 45
    # = 2.4889 (7.5); TE-05 HHI 1600 in (1500, 2500] → 60 (7.5); TE-06 40 = worst → 0 (10);
    # TE-07 10 = worst → 0 (10); TE-09 15.3 beyond worst → 0 (5); TE-10 0.1922 on 0.1 → 0,
    # 1 → 70: 70 × 0.0922 / 0.9 = 7.1711 (7.5); TE-11 90.39 beyond best 80 → 100 (5);
    # TE-12 41.4513 on 40 → 70, 60 → 100: 70 + 30 × 1.4513 / 20 = 72.1769 (5)
    te10 = 70 * (0.1922 - 0.1) / 0.9
    te12 = 70 + 30 * (41.4513 - 40) / 20
    tech_sum = 7.5 * 54.6 + 10 * 10 + 7.5 * (70 * 1.6 / 45) + 7.5 * 60 + 7.5 * te10
    technology = (tech_sum + 5 * 100 + 5 * te12) / 75  # 1892.835 / 75 = 25.2378
    # exports (assessed 42.5 of 52.5; EX-10 and EX-11 have no value): EX-01 58.2 → 70 × 18.2 / 20
    # = 63.7 (7.5); EX-02 31.4378 → 70 + 30 × 6.4378 / 15 = 82.8756 (5); EX-03 60.47 →
    # 70 × 20.47 / 25 = 57.316 (5); EX-04 growth 3.3733% on −5 → 0, 0 → 50, 10 → 100:
    # 50 + 50 × 3.3733 / 10 = 66.8665 (7.5); EX-05 95% of the peak, bands [90, 100] → 50 (7.5);
    # EX-06 HHI 392 ≤ 1500 → 100 (5); EX-07 16.21 on 40 → 0, 25 → 50, 15 → 100: 93.95 (5)
    ex02 = 70 + 30 * (31.4378 - 25) / 15
    exports = (
        7.5 * 63.7 + 5 * ex02 + 5 * 57.316 + 7.5 * 66.8665 + 7.5 * 50 + 5 * 100 + 5 * 93.95
    ) / 42.5  # 3024.9568 / 42.5 = 71.1755
    # talent (assessed 20 of 35; TA-03, TA-04 no value): TA-01 1849.2367 → 70 × 849.2367 / 3000
    # = 19.8155; TA-02 86.28 → 70 + 30 × 6.28 / 15 = 82.56; TA-06 1.44 → 70 × 0.44 / 0.5 = 61.6;
    # TA-08 true → 100; each weight 5
    talent = (5 * 70 * 849.2367 / 3000 + 5 * 82.56 + 5 * 61.6 + 5 * 100) / 20  # 65.9939
    # policy (assessed 22.5 of 30): PO-01 true → 100 (7.5); PO-02 0.19 on 0.05 → 0, 0.2 → 70:
    # 70 × 0.14 / 0.15 = 65.3333 (7.5); PO-03 6.57 → 70 × 1.57 / 10 = 10.99 (5);
    # PO-07 26.7747 on 20 → 70, 30 → 100: 70 + 30 × 6.7747 / 10 = 90.3242 (2.5)
    po07 = 70 + 30 * (26.7747 - 20) / 10
    policy = (7.5 * 100 + 7.5 * 70 * 0.14 / 0.15 + 5 * 10.99 + 2.5 * po07) / 22.5  # 67.5894
    by_hand = {
        "CL-04": 88.0,
        "CL-09": 77.5,
        "TE-01": 54.6,
        "TE-03": 10.0,
        "TE-05": 60.0,
        "TE-06": 0.0,
        "TE-10": te10,
        "EX-05": 50.0,
        "EX-07": 93.95,
        "cluster": cluster,
        "technology": technology,
        "exports": exports,
        "talent": talent,
        "policy": policy,
    }
    for key, value in by_hand.items():
        assert s[key] == pytest.approx(value, abs=1e-4), key
    overall = (cluster + technology + exports + talent + policy) / 5  # 62.5493
    assert data["overall"]["score"] == pytest.approx(overall, abs=1e-4)
    assert data["overall"]["grade"] == "C"
    # overall coverage: (15 + 75 + 42.5 + 20 + 22.5) / (15 + 80 + 52.5 + 35 + 30) = 175 / 212.5
    assert data["overall"]["coverage"] == pytest.approx(175 / 212.5, abs=1e-4)  # 0.8235
    recs = {r["rule"]: r for r in data["recommendations"]}
    # the largest gain first: PO-03 lifts policy by 5 × (70 − 10.99) / 22.5 = 13.1133, the
    # overall by a fifth of that; priority 5 × (100 − 10.99) = 445.05
    first = data["recommendations"][0]
    assert (first["rule"], first["priority"]) == ("PO-03", 445.05)
    assert first["gain"] == pytest.approx(5 * (70 - 10.99) / 22.5 / 5, abs=1e-4)  # 2.6227
    # TE-06 passes at 50 (its target score), not 100: + 10 × 50 / 75 / 5 = 1.3333
    assert recs["TE-06"]["priority"] == 1000.0
    assert recs["TE-06"]["gain"] == pytest.approx(10 * 50 / 75 / 5, abs=1e-4)


def test_region_format_golden_by_hand() -> None:
    data = _golden(Path(__file__).parent / "golden" / "formats" / "region.json")
    s = _scores(data)
    # cluster (assessed CL-01 5, CL-02 5, CL-03 7.5, CL-05 7.5, CL-06 7.5, CL-07 7.5 = 40 of 65):
    # CL-01 1.4 on 0.8 → 0, 1.2 → 70, 2 → 100: 70 + 30 × 0.2 / 0.8 = 77.5; CL-02 120 firms in
    # [50, 200) → 50; CL-03 50 on 40 → 0, 80 → 70: 70 × 10 / 40 = 17.5; CL-05 0 → 0;
    # CL-06 true → 100; CL-07 false → 0
    cluster = (5 * 77.5 + 5 * 50 + 7.5 * 17.5 + 7.5 * 100) / 40  # 1518.75 / 40 = 37.96875
    # technology (TE-01 7.5, TE-03 10, TE-05 7.5, TE-06 10, TE-09 5 = 40 of 52.5): TE-01 2.1 →
    # 70 × 1.1 / 2 = 38.5; TE-03 18 → 10; TE-05 HHI 45² + 20² = 2425 (other is a residual) → 60;
    # TE-06 largest 45 beyond worst 40 → 0; TE-09 30 beyond worst 15 → 0
    technology = (7.5 * 38.5 + 10 * 10 + 7.5 * 60) / 40  # 838.75 / 40 = 20.96875
    # exports (EX-01 7.5, EX-02 5, EX-04 7.5, EX-05 7.5 = 27.5 of 55): EX-01 40 = worst → 0;
    # EX-02 31 → 70 + 30 × 6 / 15 = 82; EX-04 growth 2017 → 2020: (110 / 120) ** (1/3) − 1
    # = −2.8587% → 50 × (5 − 2.8587) / 5 = 21.413; EX-05 110 / 131.5 = 83.65% < 90 → 0
    growth = 100 * ((110 / 120) ** (1 / 3) - 1)
    exports = (5 * 82 + 7.5 * 50 * (growth + 5) / 5) / 27.5  # 20.7489
    by_hand = {
        "CL-01": 77.5,
        "CL-03": 17.5,
        "TE-01": 38.5,
        "TE-05": 60.0,
        "EX-02": 82.0,
        "EX-04": 50 * (growth + 5) / 5,
        "cluster": cluster,
        "technology": technology,
        "exports": exports,
        # talent 10 of 35 (0.29) and policy 12.5 of 27.5 (0.45, PO-05 waived) fall below 0.5
        "talent": None,
        "policy": None,
    }
    for key, value in by_hand.items():
        assert s[key] == (None if value is None else pytest.approx(value, abs=1e-4)), key
    # overall: the three scored diagnostics, weight 1 each: 26.5621
    assert data["overall"]["score"] == pytest.approx((cluster + technology + exports) / 3, abs=1e-4)
    # coverage: (40 + 40 + 27.5 + 10 + 12.5) / (65 + 52.5 + 55 + 35 + 27.5) = 130 / 235
    assert data["overall"]["coverage"] == pytest.approx(130 / 235, abs=1e-4)  # 0.5532
    assert data["overall"]["grade"] == "E"


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
