"""`compare PROFILE --peers`: one profile placed among the reference panel or other peers."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from hemscore.analysis.peers import place
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset

from .conftest import EXAMPLES, ROOT, Run

PANEL = ROOT / "reference" / "panel" / "2017"
RULES = load_ruleset()


def country(name: str, body: str) -> str:
    return f'[profile]\nname = "{name}"\nkind = "country"\nyear = 2020\n{body}'


def profile(tmp_path: Path, name: str, body: str):  # type: ignore[no-untyped-def]
    p = tmp_path / f"{name}.toml"
    p.write_text(country(name, body), encoding="utf-8")
    return load_profile(str(p), RULES.metrics)


def test_rank_percentile_and_nearest_by_hand(tmp_path: Path) -> None:
    peers = [
        profile(tmp_path, n, f"[technology]\nrd_intensity_pct = {v}\nic_import_share_pct = {s}\n")
        for n, v, s in [("A", 1.0, 10.0), ("B", 2.0, 3.0), ("C", 2.0, 12.0), ("D", 3.0, 4.0)]
    ]
    me = assess(
        profile(
            tmp_path, "Me", "[technology]\nrd_intensity_pct = 2.0\nic_import_share_pct = 5.0\n"
        ),
        RULES,
    )
    rows = {r.rule.id: r for r in place(me, peers, panel="four").rows}
    te01 = rows["TE-01"]  # higher is better: D is better, A worse, B and C tie
    assert (te01.rank, te01.of, te01.percentile) == (2, 5, 50.0)
    assert [p.name for p in te01.nearest] == ["B", "C", "A"]  # ties in distance go by name
    assert (te01.best.name, te01.worst.name) == ("D", "A")
    te09 = rows["TE-09"]  # chip imports: lower is better; B (3) and D (4) beat 5
    assert not te09.higher_is_better
    assert (te09.rank, te09.of, te09.percentile) == (3, 5, 50.0)
    assert [p.name for p in te09.nearest] == ["D", "B", "A"]


def test_china_among_the_panel(run_cli: Callable[..., Run]) -> None:
    r = run_cli("compare", EXAMPLES / "china-2022.toml", "--peers", "panel", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["panel"] == {
        "name": "the reference panel",
        "peers": 44,
        "years": [2017],
        "kinds": ["country"],
    }
    rows = {x["rule"]: x for x in data["rows"]}
    # China 2022's R&D intensity is 2.56; in gb_xpd_rsdv_gd_zs.csv, 41 economies have a 2017
    # value and 11 of them are above 2.56: rank 12 of 42, better than 30 of 41 peers.
    with (ROOT / "reference" / "wdi" / "gb_xpd_rsdv_gd_zs.csv").open(encoding="utf-8") as fh:
        values = [float(row[2]) for row in csv.reader(fh) if row[1] == "2017"]
    assert (len(values), sum(v > 2.56 for v in values)) == (41, 11)
    te01 = rows["TE-01"]
    assert (te01["value"], te01["rank"], te01["of"]) == (2.56, 12, 42)
    assert te01["percentile"] == round(100 * 30 / 41, 4)
    assert [p["name"] for p in te01["nearest"]] == ["Belgium", "Finland", "United Kingdom"]
    assert "TE-03" in data["unplaced"]  # no panel economy has core-component data


def test_the_profile_itself_is_not_its_own_peer(run_cli: Callable[..., Run]) -> None:
    r = run_cli("compare", PANEL / "deu.toml", "--peers", "panel", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["panel"]["peers"] == 43
    assert all(p["name"] != "Germany" for x in data["rows"] for p in x["nearest"])


def test_table_and_markdown(run_cli: Callable[..., Run]) -> None:
    t = run_cli("compare", EXAMPLES / "china-2022.toml", "--peers", "panel", "--color", "never")
    assert t.code == 0
    assert t.out.startswith(
        "China (2022) among the reference panel: 44 peers, profile year(s) 2017"
    )
    md = run_cli(
        "compare", EXAMPLES / "china-2022.toml", "--peers", "panel", "--format", "markdown"
    )
    assert "| TE-01 R&D intensity of the economy | 2.56 | 12 / 42 | 73 |" in md.out


def test_bad_usage(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    china = EXAMPLES / "china-2022.toml"
    cases = {
        ("compare", china, EXAMPLES / "japan-2022.toml", "--peers", "panel"): (
            "hemscore: error: --peers places one profile among its peers; got 2"
        ),
        ("compare", china, "--peers", "panel", "--common"): (
            "hemscore: error: --peers does not go with --common or --relative-to"
        ),
        ("compare", china, "--peers", "nowhere"): (
            "hemscore: error: nowhere: --peers: no such file or folder, and not one of panel, "
            "panel-latest"
        ),
    }
    for args, message in cases.items():
        r = run_cli(*args)
        assert (r.code, r.err.strip()) == (2, message)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "bad.toml").write_text("[profile]\nname = 1\n", encoding="utf-8")
    r = run_cli("compare", china, "--peers", empty)
    assert r.code == 2 and str(empty / "bad.toml") in r.err


def test_latest_panel(run_cli: Callable[..., Run]) -> None:
    r = run_cli(
        "compare", EXAMPLES / "japan-2022.toml", "--peers", "panel-latest", "--format", "json"
    )
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["panel"]["years"] == [2019] and data["panel"]["peers"] == 44


def test_rank_and_percentile_laws() -> None:
    """Rank lies in 1..of and counts the better peers; percentile lies in 0..100 and rises with
    the value (higher is better for R&D intensity)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from hemscore.model.profile import MetricValue, Profile

    def prof(name: str, v: float) -> Profile:
        mv = MetricValue("technology.rd_intensity_pct", v)
        return Profile(name, "country", 2020, name, values={mv.metric: mv})

    @settings(max_examples=60, deadline=None)
    @given(
        peers=st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=12),
        mine=st.floats(0, 10, allow_nan=False),
        more=st.floats(0, 5, allow_nan=False),
    )
    def law(peers: list[float], mine: float, more: float) -> None:
        panel = [prof(f"P{i}", v) for i, v in enumerate(peers)]
        rows = {}
        for value in (mine, min(10.0, mine + more)):
            a = assess(prof("Me", value), RULES)
            (row,) = [r for r in place(a, panel, panel="p").rows if r.rule.id == "TE-01"]
            assert 1 <= row.rank <= row.of == len(peers) + 1
            assert row.rank == 1 + sum(round(v, 6) > round(value, 6) for v in peers)
            assert 0.0 <= row.percentile <= 100.0
            assert len(row.nearest) == min(3, len(peers))
            rows[value] = row
        assert rows[min(10.0, mine + more)].percentile >= rows[mine].percentile

    law()


def test_hostile_names_stay_inert(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    """Names from files reach the table escaped, and CSV cells that a spreadsheet would run are
    guarded, as in every other report."""
    peers = tmp_path / "peers"
    peers.mkdir()
    (peers / "p.toml").write_text(
        country("Peer\\u001b[2J=SUM(A1)", "[technology]\nrd_intensity_pct = 2.5\n"),
        encoding="utf-8",
    )
    me = tmp_path / "me.toml"
    me.write_text(
        country("Me\\u001b[31m", "[technology]\nrd_intensity_pct = 2.0\n"), encoding="utf-8"
    )
    t = run_cli("compare", me, "--peers", peers, "--color", "never")
    assert t.code == 0, t.err
    assert "\x1b" not in t.out
    assert "Me\\x1b[31m (2020) among peers" in t.out and "Peer\\x1b[2J=SUM(A1) 2.5" in t.out
    c = run_cli("compare", me, "--peers", peers, "--format", "csv")
    assert c.out.splitlines()[1] == (
        "TE-01,technology.rd_intensity_pct,2.0,higher,2,2,0.0,Peer\\x1b[2J=SUM(A1) 2.5"
    )
    (peers / "p.toml").write_text(
        country("=SUM(A1)", "[technology]\nrd_intensity_pct = 2.5\n"), encoding="utf-8"
    )
    c = run_cli("compare", me, "--peers", peers, "--format", "csv")
    assert c.out.splitlines()[1].endswith(",0.0,'=SUM(A1) 2.5")
