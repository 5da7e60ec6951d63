"""`hemscore diff`: two profiles or JSON assessments, matched by rule id."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hemscore.analysis.diffing import diff, snapshot, snapshot_from_json
from hemscore.engine.assessment import assess
from hemscore.model.catalogue import KINDS
from hemscore.model.profile import Profile
from hemscore.render.formats.json import assessment_to_dict

from .analysis_helpers import assessed, example_profiles, fixture, profiles, ruleset

OLD, NEW = fixture("region-2021.toml"), fixture("region-2022.toml")


def test_done_when_diff_names_the_rules_that_changed(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("diff", OLD, NEW, "--color", "never")
    assert r.code == 0, r.err
    d = diff(snapshot(assessed(OLD)), snapshot(assessed(NEW)))
    assert [c.id for c in d.rules] == [
        "CL-01",
        "CL-02",
        "CL-04",
        "CL-06",
        "EX-04",
        "EX-05",
        "EX-12",
        "PO-04",
    ]
    for c in d.rules:
        assert c.id in r.out
    assert "CL-06" in r.out and "EX-05" in r.out  # a fixed rule and a newly failing one
    assert "Newly failing: EX-05" in r.out


def test_json_diff_lists_changes_failures_and_regression(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run_cli("diff", OLD, NEW, "--format", "json").out)
    assert data["report"] == "diff"
    changed = {c["id"]: c for c in data["rules"]}
    assert set(changed) == {"CL-01", "CL-02", "CL-04", "CL-06", "EX-12", "EX-04", "EX-05", "PO-04"}
    assert changed["CL-06"]["old"]["value"] is False and changed["CL-06"]["new"]["value"] is True
    assert changed["CL-06"]["fixed"] is True and changed["EX-05"]["newly_failing"] is True
    assert changed["CL-06"]["newly_failing"] is False and changed["EX-05"]["fixed"] is False
    assert data["newly_failing"] == ["EX-05"]
    assert data["overall_delta"] > 0  # the overall rose ...
    assert data["regression"] is True  # ... but a rule newly fails
    assert data["unchanged_rules"] + len(data["rules"]) == len(assessed(NEW).results)


def test_fail_on_regression_exits_1(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("diff", OLD, NEW, "--fail-on-regression", "--format", "json")
    assert r.code == 1 and "gate failed" in r.err and "EX-05" in r.err
    assert json.loads(r.out)["regression"] is True  # the report is still written
    same = run_cli("diff", NEW, NEW, "--fail-on-regression")
    assert same.code == 0


def test_a_json_assessment_diffs_against_its_profile_as_empty(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for path in example_profiles():
        report = tmp_path / "a.json"
        report.write_text(run_cli("assess", path, "--format", "json").out, encoding="utf-8")
        r = run_cli("diff", report, path, "--format", "json")
        assert r.code == 0, r.err
        data = json.loads(r.out)
        assert data["rules"] == [] and data["regression"] is False
        assert not any(d["changed"] for d in data["diagnostics"])
    md = run_cli("diff", report, path, "--format", "markdown")
    assert "No changes" in md.out


def test_rules_are_matched_by_id_not_position() -> None:
    a = snapshot(assessed(OLD))
    shuffled = replace(
        a,
        rules=dict(reversed(list(a.rules.items()))),
        diagnostics=dict(reversed(list(a.diagnostics.items()))),
    )
    assert diff(a, shuffled).empty


def test_bad_inputs_exit_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    not_report = tmp_path / "x.json"
    not_report.write_text('{"hello": 1}', encoding="utf-8")
    broken = tmp_path / "y.json"
    broken.write_text('{"schema_version": ', encoding="utf-8")
    two = tmp_path / "two.json"
    two.write_text(run_cli("assess", OLD, NEW, "--format", "json").out, encoding="utf-8")
    for bad in (not_report, broken, two, tmp_path / "missing.toml"):
        r = run_cli("diff", bad, NEW)
        assert r.code == 2, bad
        assert r.err.startswith("hemscore: error:") and r.out == ""
    assert "holds 2 assessments" in run_cli("diff", two, NEW).err


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(KINDS).flatmap(profiles))
def test_diff_of_a_profile_with_itself_is_empty(profile: Profile) -> None:
    a = assess(profile, ruleset())
    assert diff(snapshot(a), snapshot(a)).empty
    assert not diff(snapshot(a), snapshot(a)).regressions()
    # and through the JSON contract
    from_json = snapshot_from_json(json.loads(json.dumps(assessment_to_dict(a))), "a.json")
    assert diff(from_json, snapshot(a)).empty
