"""Strengths and weaknesses in every assess report, and series drawn as sparklines."""

from __future__ import annotations

import json

from hemscore.engine.assessment import RuleResult, highlights
from hemscore.render.formats._text import sparkline, trend_line

from .analysis_helpers import assessed, fixture, ruleset


def _result(rule_id: str, score: float) -> RuleResult:
    rule = ruleset().rule(rule_id)
    assert rule is not None
    return RuleResult(rule, "pass", value=1.0, score=score)


def test_highlights_rank_by_score_then_weight_then_id() -> None:
    # weights (rule set 2.0): TE-01 and TE-08 1, TE-03 and TE-04 0.5, TE-09 0.25
    rs = [
        _result("TE-08", 100),
        _result("TE-01", 100),
        _result("TE-03", 100),
        _result("TE-09", 0),
        _result("TE-04", 0),
        _result("TA-01", 50),
        _result("TA-02", 40),
    ]
    strengths, weaknesses = highlights(rs)
    assert [r.id for r in strengths] == ["TE-01", "TE-08", "TE-03"]
    assert [r.id for r in weaknesses] == [
        "TE-04",
        "TE-09",
        "TA-02",
    ]  # TE-04 (0.5) before TE-09 (0.25)


def test_highlights_never_overlap() -> None:
    rs = [_result("TE-01", 10), _result("TE-03", 20), _result("TE-04", 30)]
    strengths, weaknesses = highlights(rs)
    assert [r.id for r in strengths] == ["TE-04", "TE-03"]
    assert [r.id for r in weaknesses] == ["TE-01"]
    assert highlights([]) == ((), ())


def test_assess_reports_show_strengths_and_weaknesses(run_cli) -> None:  # type: ignore[no-untyped-def]
    path = fixture("china-like.toml")
    a = assessed(path)
    js = json.loads(run_cli("assess", path, "--format", "json").out)
    assert [s["rule"] for s in js["strengths"]] == [r.id for r in a.strengths]
    assert [w["rule"] for w in js["weaknesses"]] == [r.id for r in a.weaknesses]
    assert set(js["strengths"][0]) == {"rule", "title", "value", "score"}
    assert len(js["strengths"]) == 3 and len(js["weaknesses"]) == 3
    for fmt in ("table", "markdown"):
        out = run_cli("assess", path, "--format", fmt, "--color", "never").out
        assert "Strengths" in out and "Weaknesses" in out
        assert a.weaknesses[0].id in out


def test_sparkline_spans_the_blocks() -> None:
    assert sparkline({2017: 1.0, 2018: 2.0, 2019: 3.0}) == "▁▅█"
    assert sparkline({2017: 5.0, 2018: 5.0}) == "▄▄"
    assert trend_line({2016: 80.0, 2017: 100.0, 2018: 90.0}, "en") == "▁█▅ 2016–2018, peak 2017"


def test_table_draws_the_series_once_with_its_peak(run_cli) -> None:  # type: ignore[no-untyped-def]
    out = run_cli("assess", fixture("china-like.toml"), "--color", "never").out
    assert out.count("2015–2020, peak 2018") == 1  # two trend rules, one drawing
    assert "▁" in out and "█" in out
