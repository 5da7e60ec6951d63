"""Waivers end to end: a reason is required, a waived rule leaves the denominator, every report
lists every waiver with its reason, ``--strict`` ignores them, an unknown rule is an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile

from .analysis_helpers import ruleset

BASE = """[profile]
name = "Waiver Test"
kind = "country"
year = 2022

[technology]
rd_intensity_pct = 2.0
ic_import_share_pct = 14.0
core_component_self_sufficiency_pct = 30.0
domestic_firms_market_share_pct = 20.0
foreign_value_added_pct = 20.0
export_control_exposure_pct = 3.0
medium_high_tech_mva_pct = 30.0
"""
REASON = "chip imports are re-exported after assembly (see the customs note)"


def profile(tmp_path: Path, waivers: str, name: str = "p.toml") -> Path:
    p = tmp_path / name
    p.write_text(BASE + ("\n[waivers]\n" + waivers if waivers else ""), encoding="utf-8")
    return p


@pytest.mark.parametrize("waiver", ['TE-09 = ""', 'TE-09 = "   "', "TE-09 = true", "TE-09 = 3"])
def test_done_when_a_waiver_without_a_reason_exits_2(run_cli, tmp_path: Path, waiver: str) -> None:  # type: ignore[no-untyped-def]
    p = profile(tmp_path, waiver)
    for cmd in (["assess"], ["compare"], ["sensitivity"], ["plan", "--target", "50"]):
        r = run_cli(cmd[0], p, *cmd[1:])
        assert r.code == 2, cmd
        assert "waivers.TE-09" in r.err and "reason" in r.err
        assert r.out == ""


def test_waivers_must_be_a_table(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "p.toml"
    p.write_text(BASE + '\nwaivers = "all of them"\n', encoding="utf-8")
    r = run_cli("assess", p)
    assert r.code == 2


def test_a_waiver_naming_an_unknown_rule_is_an_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = profile(tmp_path, f'TE-99 = "{REASON}"')
    for cmd in (["assess"], ["compare"], ["sensitivity"], ["plan", "--target", "50"], ["diff", p]):
        r = run_cli(cmd[0], p, *cmd[1:])
        assert r.code == 2, cmd
        assert "waivers.TE-99" in r.err and "names no rule" in r.err


def test_a_waived_rule_leaves_the_denominator(tmp_path: Path) -> None:
    rs = ruleset()
    waived = assess(load_profile(str(profile(tmp_path, f'TE-09 = "{REASON}"')), rs.metrics), rs)
    # the same profile without the metric and without the rule in the weight: same score
    plain = assess(load_profile(str(profile(tmp_path, "", "q.toml")), rs.metrics), rs)
    tech_w = next(d for d in waived.diagnostics if d.id == "technology")
    tech_p = next(d for d in plain.diagnostics if d.id == "technology")
    te09 = rs.rule("TE-09")
    assert te09 is not None
    assert tech_w.applicable_weight == pytest.approx(tech_p.applicable_weight - te09.weight)
    assert tech_w.assessed_weight == pytest.approx(tech_p.assessed_weight - te09.weight)
    assert [r.id for r in waived.waived] == ["TE-09"]
    assert waived.waived[0].reason == REASON
    # waiving a failing rule raises the diagnostic score (TE-09 scores low here)
    assert tech_w.score is not None and tech_p.score is not None and tech_w.score > tech_p.score


def test_strict_ignores_waivers(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = profile(tmp_path, f'TE-09 = "{REASON}"')
    lax = json.loads(run_cli("assess", p, "--format", "json").out)
    strict = json.loads(run_cli("assess", p, "--strict", "--format", "json").out)
    assert lax["waivers"] == [{"rule": "TE-09", "reason": REASON}]
    assert strict["waivers"] == []
    assert strict["waivers_ignored"] == [{"rule": "TE-09", "reason": REASON, "why": "strict"}]
    te09 = next(r for d in strict["diagnostics"] for r in d["rules"] if r["id"] == "TE-09")
    assert te09["status"] == "fail"
    tech = [next(d for d in x["diagnostics"] if d["id"] == "technology") for x in (lax, strict)]
    assert tech[1]["applicable_weight"] == tech[0]["applicable_weight"] + te09["weight"]
    assert tech[1]["score"] != tech[0]["score"]


def test_every_report_lists_every_waiver_with_its_reason(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # CL-01 exists but does not apply to a country: listed, marked as not applied
    p = profile(
        tmp_path, f'TE-09 = "{REASON}"\nCL-01 = "no regional specialisation at country level"'
    )
    table = run_cli("assess", p, "--color", "never")
    md = run_cli("assess", p, "--format", "markdown")
    js = json.loads(run_cli("assess", p, "--format", "json").out)
    for raw in (table.out, md.out):
        out = " ".join(raw.split())  # the table wraps long lines
        assert "Waivers" in out
        assert "TE-09" in out and REASON in out
        assert "no regional specialisation at country level" in out
        assert "does not apply to this kind of profile" in out
    assert js["waivers"] == [{"rule": "TE-09", "reason": REASON}]
    assert js["waivers_ignored"] == [
        {
            "rule": "CL-01",
            "reason": "no regional specialisation at country level",
            "why": "not_applicable",
        }
    ]
    strict = run_cli("assess", p, "--strict", "--format", "markdown")
    assert "ignored: --strict" in strict.out


def test_waivers_carry_into_the_analysis_commands(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = profile(tmp_path, f'TE-09 = "{REASON}"')
    # only technology is measured: a coverage floor of 0.1 lets the profile have a score
    args = ["--target", "99", "--min-coverage", "0.1", "--format", "json"]
    lax = json.loads(run_cli("plan", p, *args).out)
    strict = json.loads(run_cli("plan", p, *args, "--strict").out)
    assert lax["reached"] and strict["reached"]
    # without the waiver the plan moves chip imports (TE-09); with it, never
    assert "TE-09" in [r for c in strict["changes"] for r in c["rules"]]
    assert lax["changes"] and "TE-09" not in [r for c in lax["changes"] for r in c["rules"]]
    # diff: the same profile assessed with --strict, then with its waiver
    report = tmp_path / "strict.json"
    report.write_text(run_cli("assess", p, "--strict", "--format", "json").out, encoding="utf-8")
    d = json.loads(run_cli("diff", report, p, "--format", "json").out)
    assert [(c["id"], c["old"]["status"], c["new"]["status"]) for c in d["rules"]] == [
        ("TE-09", "fail", "waived")
    ]
    assert d["fixed"] == ["TE-09"] and d["regression"] is False


BAD_AND_UNKNOWN = """[profile]
name = "Two problems"
kind = "country"
year = 2022

[technology]
rd_intensity_pct = -5

[waivers]
TE-3 = "not relevant here"
"""


def test_waiver_errors_come_with_every_other_problem(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "p.toml"
    p.write_text(BAD_AND_UNKNOWN, encoding="utf-8")
    for cmd in (["assess"], ["validate"], ["compare"], ["plan", "--target", "50"]):
        r = run_cli(cmd[0], p, *cmd[1:])
        assert r.code == 2, cmd
        lines = r.err.splitlines()
        assert any(":7: technology.rd_intensity_pct: must not be negative" in x for x in lines)
        assert any(
            ':10: waivers.TE-3: waiver names no rule of hemscore-core (did you mean "TE-03"?)' in x
            for x in lines
        ), (cmd, r.err)


def test_the_library_refuses_a_waiver_naming_no_rule(tmp_path: Path) -> None:
    import hemscore
    from hemscore.base.errors import ProfileError

    p = tmp_path / "p.toml"
    p.write_text(BAD_AND_UNKNOWN.replace("-5", "2.0"), encoding="utf-8")
    rs = hemscore.load_ruleset()
    # the documented calls: load with the rule set's metrics, then assess
    prof = hemscore.load_profile(str(p), rs.metrics)
    with pytest.raises(ProfileError, match=r'waiver names no rule .*did you mean "TE-03"'):
        hemscore.assess(prof, rs)
    # given the rule set itself, loading refuses it, at its line
    with pytest.raises(ProfileError) as err:
        hemscore.load_profile(str(p), rs)
    assert err.value.line == 10 and err.value.key == "waivers.TE-3"
