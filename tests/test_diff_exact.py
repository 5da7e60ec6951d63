"""The diff core on hand-made snapshots: matching, deltas, statuses, and the JSON side."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

import pytest

from hemscore.analysis.diffing import DiagSnap, RuleSnap, diff, snapshot, snapshot_from_json
from hemscore.base.errors import ProfileError
from hemscore.render.formats.json import assessment_to_dict

from .test_exact import PROFILE, exact


def report() -> dict[str, Any]:
    return json.loads(json.dumps(assessment_to_dict(exact())))  # type: ignore[no-any-return]


def test_snapshot_of_the_exact_profile() -> None:
    s = snapshot(exact())
    assert (s.name, s.path, s.kind, s.year) == ("Exact", str(PROFILE), "country", 2022)
    assert (s.ruleset, s.score, s.grade) == ("exact 1", 64.5, "B")
    assert s.coverage == 0.9167  # 55 / 60 to 4 places, as the JSON report writes it
    assert s.diagnostics["technology"] == DiagSnap("technology", "technology", "scored", 50.0)
    assert s.diagnostics["cluster"] == DiagSnap("cluster", "cluster", "no_rules", None)
    assert s.rules["L-1"] == RuleSnap("L-1", "R&D", "technology", "fail", 35.0, 2.0)
    assert s.rules["P-1"].value is True and s.rules["P-2"].value is None
    assert s.rules["C-1"].value == 1875.0 and s.rules["P-2"].status == "missing"


def test_the_json_report_gives_the_same_snapshot() -> None:
    assert snapshot_from_json(report(), "a.json") == snapshot(exact())
    assert snapshot_from_json([report()], "a.json") == snapshot(exact())  # a list of one


def test_json_defaults_path_and_titles() -> None:
    data = report()
    data["profile"]["path"] = None
    del data["diagnostics"][1]["title"]
    del data["diagnostics"][1]["rules"][0]["title"]
    del data["overall"]["coverage"]
    s = snapshot_from_json(data, "stored.json")
    assert s.path == "stored.json" and s.coverage is None
    tech = data["diagnostics"][1]["id"]
    first = data["diagnostics"][1]["rules"][0]["id"]
    assert s.diagnostics[tech].title == tech and s.rules[first].title == first


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            [{}, {}],
            (
                "stored.json: holds 2 assessments; diff compares one with one (assess a single "
                "profile, or pick one with jq '.[N]')"
            ),
        ),
        (
            {"hello": 1},
            (
                "stored.json: not a hemscore assessment: expected the JSON object written by "
                "'hemscore assess --format json'"
            ),
        ),
        ("text", "stored.json: not a hemscore assessment: expected the JSON object"),
        (
            {"schema_version": "1.0"},
            "stored.json: profile: missing",
        ),
    ],
)
def test_json_that_is_not_one_assessment(data: Any, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        snapshot_from_json(data, "stored.json")
    assert str(info.value).startswith(message)


def test_json_with_a_malformed_diagnostic() -> None:
    data = report()
    data["diagnostics"] = [1]
    with pytest.raises(ProfileError, match="diagnostics.0.: expected an object, got a number"):
        snapshot_from_json(data, "stored.json")


def test_rule_changes_matched_by_id() -> None:
    old = snapshot(exact())
    l1, x1 = old.rules["L-1"], old.rules["X-1"]
    rules = dict(old.rules)
    rules["L-1"] = replace(l1, status="pass", score=70.0, value=3.0)  # fixed: 35 → 70
    rules["X-1"] = replace(x1, value=50.0)  # the value alone changed
    del rules["B-1"]  # gone
    rules["N-1"] = RuleSnap("N-1", "New", "exports", "fail", 10.0, 1.0)  # new and failing
    new = replace(old, rules=rules, score=66.0)
    d = diff(old, new)
    assert [c.id for c in d.rules] == ["B-1", "L-1", "N-1", "X-1"]
    by_id = {c.id: c for c in d.rules}
    assert by_id["L-1"].delta == 35.0 and by_id["L-1"].fixed and not by_id["L-1"].newly_failing
    assert by_id["B-1"].new is None and by_id["B-1"].fixed and by_id["B-1"].delta is None
    assert by_id["N-1"].old is None and by_id["N-1"].newly_failing and not by_id["N-1"].fixed
    assert (by_id["L-1"].title, by_id["L-1"].diagnostic) == ("R&D", "technology")
    assert (by_id["B-1"].title, by_id["B-1"].diagnostic) == ("Self-sufficiency", "technology")
    assert (by_id["N-1"].title, by_id["N-1"].diagnostic) == ("New", "exports")
    assert by_id["X-1"].delta == 0.0 and not by_id["X-1"].fixed
    assert not by_id["X-1"].newly_failing
    assert [c.id for c in d.newly_failing] == ["N-1"]
    assert [c.id for c in d.fixed] == ["B-1", "L-1"]
    assert d.unchanged_rules == len(old.rules) - 3  # L-1, X-1 and B-1 differ
    assert d.overall_delta == 1.5  # 66 − 64.5
    assert d.regressions() == ["1 rule(s) newly failing: N-1"]
    assert not d.empty


def test_diagnostic_changes_and_order() -> None:
    old = snapshot(exact())
    diags = dict(old.diagnostics)
    diags["policy"] = replace(diags["policy"], status="insufficient_data")  # same score
    extra = DiagSnap("extra", "Extra", "scored", 10.0)
    new = replace(old, diagnostics={"extra": extra, **diags})
    d = diff(old, new)
    assert [c.id for c in d.diagnostics] == [*old.diagnostics, "extra"]
    changed = {c.id: c.changed for c in d.diagnostics}
    assert changed == {
        "cluster": False,
        "technology": False,
        "exports": False,
        "talent": False,
        "policy": True,
        "extra": True,
    }
    by_id = {c.id: c for c in d.diagnostics}
    assert by_id["policy"].delta == 0.0 and by_id["extra"].delta is None
    assert by_id["extra"].old is None and by_id["extra"].title == "Extra"
    assert by_id["cluster"].delta is None  # no score on either side
    assert not d.empty and d.regressions() == []


def test_a_grade_alone_makes_a_diff_not_empty() -> None:
    old = snapshot(exact())
    assert diff(old, old).empty
    assert not diff(old, replace(old, grade="A")).empty
    assert not diff(old, replace(old, score=64.6)).empty


def test_deltas_are_rounded_to_the_report_precision() -> None:
    old = snapshot(exact())
    # 64.5 → 64.50004 is no change at 4 places
    assert diff(old, replace(old, score=64.50004)).overall_delta == 0.0
    assert diff(old, replace(old, score=64.4)).overall_delta == -0.1  # not −0.09999…
    # a fall that rounds to 0 is not written as −0.0
    fall = diff(old, replace(old, score=64.49999)).overall_delta
    assert fall == 0.0 and math.copysign(1.0, fall) == 1.0
    assert diff(old, replace(old, score=None)).overall_delta is None
    assert diff(replace(old, score=None), old).overall_delta is None
    assert diff(replace(old, score=None), old).regressions() == []


def test_two_newly_failing_rules_are_listed() -> None:
    old = snapshot(exact())
    rules = dict(old.rules)
    for rid in ("P-1", "T-1"):
        rules[rid] = replace(rules[rid], status="fail", score=0.0)
    assert diff(old, replace(old, rules=rules)).regressions() == [
        "2 rule(s) newly failing: P-1, T-1"
    ]


def test_titles_in_the_report_language() -> None:
    from .analysis_helpers import assessed
    from .test_formats import FIXTURES

    a = assessed(FIXTURES / "region.toml")
    en, zh = snapshot(a), snapshot(a, "zh")
    # the built-in texts (rules/ruleset.toml and rules/*.toml)
    assert en.diagnostics["cluster"].title == "Cluster completeness and cooperation"
    assert zh.diagnostics["cluster"].title == "产业集群完整性与协作"
    assert en.rules["CL-03"].title != zh.rules["CL-03"].title
    assert en.rules["CL-03"].title == a.ruleset.rule("CL-03").texts["en"]["title"]  # type: ignore[union-attr]
    assert zh.rules["CL-03"].title == a.ruleset.rule("CL-03").texts["zh"]["title"]  # type: ignore[union-attr]
    # the JSON report carries the titles it was written with
    stored = json.loads(json.dumps(assessment_to_dict(a)))
    assert snapshot_from_json(stored, "r.json").diagnostics["cluster"].title == (
        "Cluster completeness and cooperation"
    )
