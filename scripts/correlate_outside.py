"""Spearman correlation of the reference panel's hemscore scores with an outside ranking.

    python scripts/correlate_outside.py reference/outside/gii-2017.csv

Scores the 2017 panel with the built-in rule set and --common (the rules every panel economy
has data for), then correlates the overall score and each scored diagnostic with the outside
ranks of the economies listed in the CSV (lines starting with # are notes). Rank 1 is best, so a
positive coefficient means hemscore and the outside index agree. Ties get average ranks.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PANEL = ROOT / "reference" / "panel" / "2017"


def ranks(values: list[float]) -> list[float]:
    """Average ranks, 1 = smallest."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(x: list[float], y: list[float]) -> float:
    """Pearson correlation of the average ranks."""
    rx, ry = ranks(x), ranks(y)
    n = len(x)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy)


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    outside = {r["code"]: float(r["rank"]) for r in rows}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "hemscore",
            "assess",
            str(PANEL),
            "--common",
            "--format",
            "jsonl",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    scores: dict[str, dict[str, float]] = {}
    for line in out.splitlines():
        a = json.loads(line)
        code = Path(a["profile"]["path"]).stem.upper()
        s = {"overall": a["overall"]["score"]}
        s.update({d["id"]: d["score"] for d in a["diagnostics"] if d["score"] is not None})
        scores[code] = s
    codes = sorted(c for c in outside if c in scores)
    print(f"{len(codes)} economies: {', '.join(codes)}")
    for key in ["overall", *sorted({k for s in scores.values() for k in s} - {"overall"})]:
        have = [c for c in codes if key in scores[c]]
        # negate the outside rank so that a positive rho means agreement (rank 1 = best)
        rho = spearman([scores[c][key] for c in have], [-outside[c] for c in have])
        print(f"{key:12} n={len(have):2}  Spearman rho = {rho:+.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "reference" / "outside" / "gii-2017.csv"))
