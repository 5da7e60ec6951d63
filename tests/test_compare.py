"""`hemscore compare`: ranks (1 = best, ties shared), leaders, EU Innovation Scoreboard bands."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hemscore.analysis.compare import band, compare, ranks, relative_to

from .analysis_helpers import assessed, example_profiles, fixture

LIKE = [fixture("china-like.toml"), fixture("japan-like.toml"), fixture("us-like.toml")]


def test_ranks_share_ties_and_skip_none() -> None:
    assert ranks([50.0, 70.0, 70.0, None, 10.0]) == [3, 1, 1, None, 4]
    assert ranks([]) == []
    assert ranks([None, None]) == [None, None]
    # float noise does not split a tie
    assert ranks([0.1 + 0.2, 0.3]) == [1, 1]


@given(st.lists(st.one_of(st.none(), st.floats(0, 100)), max_size=12))
def test_rank_laws(scores: list[float | None]) -> None:
    rk = ranks(scores)
    for s, r in zip(scores, rk):
        assert (s is None) == (r is None)
    present = [(s, r) for s, r in zip(scores, rk) if s is not None and r is not None]
    for s, r in present:
        assert r == 1 + sum(1 for o, _ in present if round(o, 6) > round(s, 6))
    if present:
        assert min(r for _, r in present) == 1


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (125.01, "leader"),
        (125.0, "strong"),
        (100.0, "strong"),
        (99.99, "moderate"),
        (70.0, "moderate"),
        (69.99, "emerging"),
        (0.0, "emerging"),
        (None, None),
    ],
)
def test_bands_follow_the_eu_innovation_scoreboard(
    relative: float | None, expected: str | None
) -> None:
    assert band(relative) == expected


def test_relative_to_needs_a_positive_reference() -> None:
    assert relative_to(50.0, 100.0) == 50.0
    assert relative_to(50.0, 0.0) is None
    assert relative_to(None, 80.0) is None


def test_compare_core_ranks_and_leaders() -> None:
    items = [assessed(p) for p in LIKE]
    c = compare(items)
    overall = c.row("overall")
    assert overall is not None and overall.level == "overall"
    scores = [a.score for a in items]
    assert [cell.rank for cell in overall.cells] == ranks(scores)
    assert overall.leaders == tuple(i for i, r in enumerate(ranks(scores)) if r == 1)
    assert [r.id for r in c.rows] == [
        "overall",
        "cluster",
        "technology",
        "exports",
        "talent",
        "policy",
    ]
    detailed = compare(items, rules=True)
    assert any(r.level == "rule" for r in detailed.rows)
    # a rule row covers only rules that apply to at least one profile
    assert all(any(cell.status != "not_applicable" for cell in r.cells) for r in detailed.rows)


def test_reference_in_the_list_scores_100() -> None:
    items = [assessed(p) for p in LIKE]
    c = compare(items, reference=items[1])
    assert c.reference_index == 1
    for row in c.rows:
        cell = row.cells[1]
        if cell.score:
            assert cell.relative == pytest.approx(100.0)
            assert cell.band == "strong"
        assert row.reference is None


def test_reference_outside_the_list_is_shown_not_ranked() -> None:
    items = [assessed(p) for p in LIKE[:2]]
    ref = assessed(LIKE[2])
    c = compare(items, reference=ref)
    assert c.reference_index is None
    overall = c.row("overall")
    assert overall is not None and overall.reference is not None
    assert overall.reference.rank is None
    assert overall.reference.relative == pytest.approx(100.0)
    assert overall.cells[0].relative == pytest.approx(100 * items[0].score / ref.score)  # type: ignore[operator]


def test_cli_compare_ranks_the_examples(run_cli) -> None:  # type: ignore[no-untyped-def]
    paths = example_profiles()
    r = run_cli("compare", *paths, "--mixed-kinds", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["report"] == "compare"
    assert [p["path"] for p in data["profiles"]] == [str(p) for p in paths]
    for row in data["rows"]:
        scored = [c for c in row["cells"] if c["score"] is not None]
        for c in scored:
            better = sum(1 for o in scored if round(o["score"], 4) > round(c["score"], 4))
            assert c["rank"] == 1 + better
        assert sorted(row["leaders"]) == sorted(c["profile"] for c in scored if c["rank"] == 1)
    # the table names the leader of every scored row
    table = run_cli("compare", *paths, "--mixed-kinds", "--color", "never")
    assert table.code == 0
    assert "Leader" in table.out and "#1" in table.out


def test_cli_compare_relative_detail_and_formats(run_cli) -> None:  # type: ignore[no-untyped-def]
    ref = LIKE[1]
    r = run_cli("compare", *LIKE, "--relative-to", ref, "--detail", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["reference"]["path"] == str(ref) and data["reference"]["compared"] is True
    assert any(row["level"] == "rule" for row in data["rows"])
    overall = data["rows"][0]
    assert overall["cells"][1]["relative"] == 100.0 and overall["cells"][1]["band"] == "strong"

    csv_out = run_cli("compare", *LIKE, "--relative-to", ref, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(csv_out.out)))
    assert len(rows) == 6 * len(LIKE)  # overall + five diagnostics, one line per profile
    assert {row["band"] for row in rows} <= {"", "leader", "strong", "moderate", "emerging"}

    md = run_cli("compare", *LIKE, "--relative-to", ref, "--format", "markdown")
    assert md.out.startswith("## hemscore comparison")
    assert "EU Innovation Scoreboard" in md.out

    zh = run_cli("compare", *LIKE, "--lang", "zh", "--color", "never")
    assert "领先者" in zh.out


def test_cli_compare_reference_not_in_list(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("compare", *LIKE[:2], "--relative-to", LIKE[2], "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["reference"]["compared"] is False
    assert data["rows"][0]["reference"]["relative"] == 100.0
    assert len(data["rows"][0]["cells"]) == 2


def test_cli_compare_bad_input_exits_2(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text("[profile]\nname = 1\n", encoding="utf-8")
    r = run_cli("compare", LIKE[0], bad)
    assert r.code == 2
    assert "bad.toml" in r.err and r.out == ""


def test_cli_compare_refuses_mixed_kinds_unless_asked(run_cli) -> None:  # type: ignore[no-untyped-def]
    mixed = (LIKE[0], fixture("region-2021.toml"))
    for command in ("compare", "sensitivity"):
        r = run_cli(command, *mixed, "--format", "json")
        assert r.code == 2, command
        assert r.out == ""
        assert r.err.splitlines() == [
            (
                "hemscore: error: the profiles are of different kinds (country, region) and are "
                "scored on different rules; compare like with like, or add --mixed-kinds to rank "
                "them anyway"
            )
        ]
        ok = run_cli(command, *mixed, "--mixed-kinds", "--format", "json")
        assert ok.code == 0, ok.err
        assert "different kinds" in ok.err
    # --relative-to counts: a reference of another kind is mixing too
    r = run_cli("compare", LIKE[0], "--relative-to", fixture("region-2021.toml"))
    assert r.code == 2 and "different kinds" in r.err
