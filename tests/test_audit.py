"""`hemscore audit`: every figure checked against arithmetic done by hand in this file."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from hemscore.analysis.audit import (
    cronbach_alpha,
    eta_squared,
    first_component_share,
    kurtosis,
    pearson,
    ranks_of,
    skewness,
    spearman,
)
from tests.conftest import Run

RULES = """
[ruleset]
name = "audit-test"
version = "1"
[ruleset.grades]
A = 80

[[rules]]
id = "T-1"
metric = "technology.rd_intensity_pct"
severity = "high"
method = "linear"
worst = 0
target = 3
best = 5
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "R&D", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "T-2"
metric = "technology.domestic_firms_market_share_pct"
severity = "high"
method = "linear"
worst = 0
target = 50
best = 100
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "Share", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "T-3"
metric = "technology.ic_import_share_pct"
severity = "low"
method = "linear"
worst = 80
target = 40
best = 10
paper = ["1.2"]
basis = "design"
source = "test"
en = { title = "Chips", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "X-1"
metric = "exports.high_tech_pct"
severity = "high"
method = "linear"
worst = 0
target = 50
best = 100
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "High tech", what = "w", why = "y", recommendation = "r" }

[[rules]]
id = "X-2"
metric = "exports.final_goods_pct"
severity = "high"
method = "linear"
worst = 0
target = 50
best = 100
paper = ["1.3"]
basis = "design"
source = "test"
en = { title = "Final", what = "w", why = "y", recommendation = "r" }
"""

RD = [1, 2, 3, 4, 10]
SHARE = [10, 30, 40, 60, 80]
HIGH_TECH = [5, 20, 10, 30, 40]


def panel(tmp_path: Path, n: int = 5, kinds: tuple[str, ...] = ()) -> tuple[Path, Path]:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    folder = tmp_path / "profiles"
    folder.mkdir()
    for i in range(n):
        kind = kinds[i] if i < len(kinds) else "country"
        (folder / f"p{i}.toml").write_text(
            f'[profile]\nname = "P{i}"\nkind = "{kind}"\nyear = 2022\n\n'
            f"[technology]\nrd_intensity_pct = {RD[i]}\n"
            f"domestic_firms_market_share_pct = {SHARE[i]}\n\n"
            f"[exports]\nhigh_tech_pct = {HIGH_TECH[i]}\nfinal_goods_pct = 50\n",
            encoding="utf-8",
        )
    return rules, folder


def no_nan(text: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


# -- the estimators ----------------------------------------------------------------------------


def test_skewness_and_kurtosis_by_hand() -> None:
    # x = 1,2,3,4,10: mean 4, deviations -3,-2,-1,0,6.
    # m2 = 50/5 = 10, m3 = 180/5 = 36, m4 = 1394/5 = 278.8.
    # g1 = 36 / 10^1.5; G1 = g1 * sqrt(5*4) / 3 = 1.2 * sqrt(2).
    assert skewness(RD) == pytest.approx(1.2 * math.sqrt(2), abs=1e-12)
    # g2 = 278.8 / 100 - 3 = -0.212; G2 = ((6 * -0.212) + 6) * 4 / (3 * 2) = 3.152.
    assert kurtosis(RD) == pytest.approx(3.152, abs=1e-12)
    assert skewness([1.0, 2.0]) is None and kurtosis([1.0, 2.0, 3.0]) is None
    assert skewness([5.0, 5.0, 5.0]) is None


def test_pearson_spearman_by_hand() -> None:
    # x = 1,2,3,4,10 and y = 10,30,40,60,80: dx = -3,-2,-1,0,6, dy = -34,-14,-4,16,36.
    # Sxy = 102+28+4+0+216 = 350, Sxx = 50, Syy = 1156+196+16+256+1296 = 2920.
    assert pearson(RD, SHARE) == pytest.approx(350 / math.sqrt(50 * 2920), abs=1e-12)
    assert spearman(RD, SHARE) == pytest.approx(1.0)
    # ties share their mean rank
    assert ranks_of([3.0, 1.0, 3.0, 2.0]) == [3.5, 1.0, 3.5, 2.0]
    # ranks 1,2,3,4,5 against 1,3,2,4,5: Sxy = 2+0+0+1+4 = 9 (no, by formula below)
    x, y = [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 3.0, 2.0, 4.0, 5.0]
    # dx = dy-means 3: dx = -2,-1,0,1,2, dy = -2,0,-1,1,2: Sxy = 4+0+0+1+4 = 9, Sxx = Syy = 10.
    assert spearman(x, y) == pytest.approx(0.9)
    assert pearson([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None


def test_cronbach_alpha_and_first_component_by_hand() -> None:
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 9.0]
    # var(a) = 5/3, var(b) = 26/3, totals 3,6,8,13 with var 53/3:
    # alpha = 2 (1 - (31/3) / (53/3)) = 44/53.
    assert cronbach_alpha([a, b]) == pytest.approx(44 / 53, abs=1e-12)
    # Two items: the correlation matrix has eigenvalues 1 ± r, so PC1 explains (1 + r) / 2.
    # dx = -1.5,-.5,.5,1.5; dy = -3,-1,0,4: Sxy = 11, Sxx = 5, Syy = 26.
    r = 11 / math.sqrt(5 * 26)
    assert first_component_share([a, b]) == pytest.approx((1 + r) / 2, abs=1e-12)
    assert cronbach_alpha([a]) is None


def test_eta_squared_sees_what_pearson_misses() -> None:
    x = [i / 20 - 1 for i in range(41)]  # -1 .. 1, symmetric
    y = [v * v for v in x]
    r = pearson(x, y)
    assert r is not None and r * r < 1e-20
    eta = eta_squared(x, y)
    assert eta is not None and eta > 0.97
    # unrelated: seeded noise against x has a small main effect
    rng = random.Random(7)
    noise = [rng.random() for _ in x]
    low = eta_squared(x, noise)
    assert low is not None and low < 0.3
    assert eta_squared([1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0, 5.0]) is None


# -- the command -------------------------------------------------------------------------------


def test_audit_json_figures(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    rules, folder = panel(tmp_path)
    r = run_cli("audit", str(folder), "--rules", str(rules), "--format", "json")
    assert r.code == 0, r.err
    data = no_nan(r.out)
    assert isinstance(data, dict)
    avail = {a["rule"]: a for a in data["availability"]["indicators"]}
    assert avail["T-3"] == {"rule": "T-3", "share": 0.0, "with_data": 0, "of": 5, "flagged": True}
    assert avail["T-1"]["share"] == 1.0 and not avail["T-1"]["flagged"]
    dist = {d["rule"]: d for d in data["distributions"]}
    assert dist["T-1"]["skew"] == round(1.2 * math.sqrt(2), 4)
    assert dist["T-1"]["kurtosis"] == 3.152
    assert dist["T-1"]["flagged"] is False  # |skew| 1.70 < 2
    assert dist["X-2"]["constant"] is True and dist["X-2"]["skew"] is None
    assert dist["T-3"]["n"] == 0
    pairs = {(p["a"], p["b"]): p for p in data["correlations"]}
    r12 = 350 / math.sqrt(50 * 2920)  # 0.9160
    assert pairs[("T-1", "T-2")]["pearson"] == round(r12, 4)
    assert pairs[("T-1", "T-2")]["spearman"] == 1.0
    assert pairs[("T-1", "T-2")]["flags"] == ["high"]
    assert pairs[("T-1", "T-2")]["same_diagnostic"] is True
    assert ("T-1", "X-2") not in pairs  # a constant has no correlation
    cons = {c["diagnostic"]: c for c in data["consistency"]}
    # two standardised items: alpha = 2r / (1 + r), PC1 share = (1 + r) / 2
    assert cons["technology"]["alpha"] == round(2 * r12 / (1 + r12), 4)
    assert cons["technology"]["first_component_share"] == round((1 + r12) / 2, 4)
    assert cons["technology"]["complete_cases"] == 5
    assert cons["exports"]["auditable"] is False
    assert data["not_auditable"] == ["exports"]
    imp = {i["rule"]: i for i in data["importance"]}
    # T-1 and T-2 weigh 7.5 each in technology: nominal 0.5 each; technology and exports are
    # the two diagnostics with data, equal weight: effective 0.25 each.
    assert imp["T-1"]["nominal_weight"] == 0.5 and imp["T-1"]["effective_weight"] == 0.25
    assert "hemscore: warning: not auditable" in r.err and "exports" in r.err


def test_audit_gate_and_formats(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    rules, folder = panel(tmp_path)
    r = run_cli("audit", str(folder), "--rules", str(rules), "--fail-on-flag", "-f", "markdown")
    assert r.code == 1
    assert "gate failed: availability: indicator T-3 0%" in r.err
    assert "## 3. Correlations" in r.out and "| T-1 | T-2 | yes | 5 | 0.92 | 1.00 | high |" in r.out
    r = run_cli("audit", str(folder), "--rules", str(rules), "--common")
    assert r.code == 0, r.err
    assert "T-3" not in r.out  # no data anywhere: left out with --common
    assert "Consistency" in r.out


@pytest.mark.parametrize(
    ("n", "kinds", "message"),
    [
        (3, (), "an audit needs at least 4 profiles"),
        (5, ("country", "region"), "an audit takes profiles of one kind; got country, region"),
    ],
)
def test_audit_refuses_what_it_cannot_audit(
    tmp_path: Path, run_cli: Callable[..., Run], n: int, kinds: tuple[str, ...], message: str
) -> None:
    rules, folder = panel(tmp_path, n, kinds)
    r = run_cli("audit", str(folder), "--rules", str(rules))
    assert r.code == 2
    assert r.err.startswith("hemscore: error: ") and message in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_the_panel_audit_prints_every_section(run_cli: Callable[..., Run]) -> None:
    r = run_cli("audit", "--format", "json")  # the reference panel by default
    assert r.code == 0, r.err
    data = no_nan(r.out)
    assert isinstance(data, dict) and len(data["profiles"]) == 44
    pairs = {(p["a"], p["b"]): p for p in data["correlations"]}
    rd = pairs[("TE-01", "TA-01")]  # R&D intensity and researchers per million
    assert (rd["pearson"], rd["n"], rd["flags"]) == (0.8142, 37, ["high"])
    assert data["not_auditable"] == ["cluster", "talent", "policy"]
    cons = {c["diagnostic"]: c for c in data["consistency"]}
    assert (cons["technology"]["alpha"], cons["exports"]["alpha"]) == (0.7352, 0.6582)
    table = run_cli("audit", "--common")
    for heading in (
        "1. Data availability",
        "2. Distributions",
        "3. Correlations",
        "4. Consistency",
        "5. Importance",
    ):
        assert heading in table.out
    assert "Common rules: only the 3 rule(s)" in table.err
