"""The commands around assess: validate, schema, init, rules and rules show."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

from hemscore.model.catalogue import KINDS
from hemscore.model.methods.scale_bands import BandScale
from hemscore.model.rules import load_ruleset
from hemscore.render.explain import explain_rule, explain_scoring

from .conftest import EXAMPLES, ROOT, RULES, write

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
GOOD = sorted(FIXTURES.glob("*.toml"))
BAD = sorted((FIXTURES / "bad").glob("*.toml"))
CUSTOM_METRIC = """
[metrics."talent.robot_density_count"]
type = "integer"
kinds = ["firm"]
better = "higher"
en.title = "Robots per 10,000 workers"
en.unit = "robots"
en.description = "Industrial robots in use per 10,000 manufacturing workers."
"""
CUSTOM_RULE = """
[[rules]]
id = "XX-01"
metric = "talent.robot_density_count"
severity = "low"
method = "linear"
worst = 0
target = 100
best = 300
paper = ["2.2"]
basis = "design"
source = "test"
en.title = "Robot density"
en.what = "Robots per 10,000 workers."
en.why = "Automation."
en.recommendation = "Buy robots."
"""


# --- validate --------------------------------------------------------------------------------


def test_validate_good_profiles_and_the_rule_library(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", *GOOD, RULES)
    assert r.code == 0, r.err
    ok = [line for line in r.err.splitlines() if line.startswith("ok: ")]
    assert len(ok) == len(GOOD) + len(list(RULES.glob("*.toml")))
    assert r.out == ""


def test_validate_quiet_prints_nothing_when_all_is_well(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-q", *GOOD)
    assert (r.code, r.out, r.err) == (0, "", "")


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_validate_bad_profile_exits_2_with_one_line(path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", path, FIXTURES / "firm.toml")
    assert r.code == 2
    errors = [line for line in r.err.splitlines() if line.startswith("hemscore: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"hemscore: error: {path}:")
    assert f"ok: {FIXTURES / 'firm.toml'}" in r.err  # the other file was still checked


def test_validate_checks_rule_files_together(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    metrics = write(tmp_path, "metrics.toml", CUSTOM_METRIC)
    rules = write(tmp_path, "rules.toml", CUSTOM_RULE)
    assert run_cli("validate", metrics, rules).code == 0
    alone = run_cli("validate", rules)  # the metric is declared in the other file
    assert alone.code == 2 and 'unknown metric "talent.robot_density_count"' in alone.err
    assert run_cli("validate", "--rules", metrics, rules).code == 0
    assert run_cli("validate", RULES / "ruleset.toml").code == 0  # no [[rules]] is fine here


def test_validate_refuses_a_rule_set_with_no_rules(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # assess would stop with "no rules found"; validate says so too, unless rules come as paths
    metrics = write(tmp_path, "metrics.toml", CUSTOM_METRIC)
    profile = FIXTURES / "firm.toml"
    alone = run_cli("validate", "--rules", metrics, profile)
    assert alone.code == 2
    assert f"hemscore: error: {metrics}: no rules found" in alone.err.splitlines()
    rules = write(tmp_path, "rules.toml", CUSTOM_RULE)
    assert run_cli("validate", "--rules", metrics, rules, profile).code == 0


def test_validate_reports_each_bad_rule_file(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    one = write(tmp_path, "one.toml", CUSTOM_METRIC + CUSTOM_RULE.replace('"linear"', '"lineer"'))
    builtin = (
        CUSTOM_RULE.replace("talent.robot_density_count", "talent.rd_staff_pct")
        .replace("best = 300", "best = 100")
        .replace("target = 100", "target = 50")
    )
    two = write(tmp_path, "two.toml", builtin.replace("XX-01", "XX-02").replace('"low"', '"dire"'))
    good = write(tmp_path, "good.toml", builtin.replace("XX-01", "XX-03"))
    r = run_cli("validate", one, two, good)
    assert r.code == 2
    assert f"hemscore: error: {one}:" in r.err and 'did you mean "linear"' in r.err
    assert f"hemscore: error: {two}:" in r.err and "severity must be one of" in r.err
    assert f"ok: {good}" in r.err


def test_validate_checks_waivers_against_the_rules(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    p = write(
        tmp_path,
        "w.toml",
        '[profile]\nname = "W"\nkind = "firm"\nyear = 2020\n\n[waivers]\n"TE-3" = "typo"\n',
    )
    r = run_cli("validate", p)
    assert r.code == 2 and 'did you mean "TE-03"' in r.err


def test_validate_reads_stdin() -> None:
    from .test_pipeline import hemscore

    r = hemscore("validate", "-", stdin=(FIXTURES / "firm.toml").read_text())
    # The fixture's values name no source: a warning each, then the file is valid.
    *warnings, ok = r.stderr.splitlines()
    assert (r.returncode, ok) == (0, "ok: <stdin>")
    assert warnings and all(w.startswith("hemscore: warning: <stdin>:") for w in warnings)
    bad = hemscore("validate", "-", stdin="[profile\n")
    assert bad.returncode == 2 and bad.stderr.startswith("hemscore: error: <stdin>:1: invalid TOML")


def test_pre_commit_hook_is_declared() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    for needle in (
        "id: hemscore-validate",
        "entry: hemscore validate",
        "language: python",
        "files: '",  # its pattern: tests/test_precommit_hook.py
    ):
        assert needle in text, needle


# --- schema ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:  # type: ignore[type-arg]
    import contextlib
    import io

    from hemscore.__main__ import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["schema"]) == 0
    return json.loads(buf.getvalue())  # type: ignore[no-any-return]


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict) -> None:  # type: ignore[type-arg]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:hemscore:profile:hemscore-core:")
    assert schema["additionalProperties"] is False


def profiles_to_accept() -> list[Path]:
    return sorted(EXAMPLES.glob("*.toml")) + GOOD


@pytest.mark.parametrize("path", profiles_to_accept(), ids=lambda p: p.name)
def test_schema_accepts_every_example(path: Path, schema: dict) -> None:  # type: ignore[type-arg]
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", [p for p in BAD if p.stem != "syntax"], ids=lambda p: p.stem)
def test_schema_rejects_bad_profiles(path: Path, schema: dict) -> None:  # type: ignore[type-arg]
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    assert not jsonschema.Draft202012Validator(schema).is_valid(data)


def test_schema_describes_metrics_from_the_catalogue(schema: dict) -> None:  # type: ignore[type-arg]
    rd = schema["properties"]["technology"]["properties"]["rd_intensity_pct"]
    assert rd["title"] == "R&D intensity"
    assert (
        "% of GDP" in rd["description"]
        and "Applies to: country, region, cluster, firm" in rd["description"]
    )
    ruleset = load_ruleset()
    names = {
        f"{d}.{m}"
        for d in ("cluster", "technology", "exports", "talent", "policy")
        for m in schema["properties"][d]["properties"]
    }
    assert names == set(ruleset.metrics)


def test_schema_includes_custom_metrics(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path / "", "metrics.toml", CUSTOM_METRIC)
    write(tmp_path, "rules.toml", CUSTOM_RULE)
    out = tmp_path / "schema.json"
    r = run_cli(
        "schema",
        "--rules",
        tmp_path / "metrics.toml",
        "--rules",
        tmp_path / "rules.toml",
        "-o",
        out,
    )
    assert r.code == 0 and r.out == ""
    s = json.loads(out.read_text(encoding="utf-8"))
    robots = s["properties"]["talent"]["properties"]["robot_density_count"]
    assert robots["title"] == "Robots per 10,000 workers"
    v = jsonschema.Draft202012Validator(s)
    base = {"profile": {"name": "F", "kind": "firm", "year": 2020}}
    assert v.is_valid({**base, "talent": {"robot_density_count": 120}})
    assert not v.is_valid({**base, "talent": {"robot_density_count": 1.5}})
    region = {"profile": {"name": "R", "kind": "region", "year": 2020}}
    assert not v.is_valid({**region, "talent": {"robot_density_count": 120}})  # firm only


def test_schema_value_forms(schema: dict) -> None:  # type: ignore[type-arg]
    v = jsonschema.Draft202012Validator(schema)
    base = {"profile": {"name": "R", "kind": "region", "year": 2020}}
    good = [
        {
            "technology": {
                "rd_intensity_pct": {
                    "value": 2.0,
                    "year": 2020,
                    "source": "x",
                    "note": "y",
                    "target": True,
                    "was": 1.5,
                }
            }
        },
        {"technology": {"critical_input_origin_shares": {"US": 60.0, "other": 40.0}}},
        {"technology": {"critical_input_origin_shares": {"value": {"US": 100.0}, "year": 2020}}},
        {"exports": {"new_product_sales_series": {"2019": 1.0, "2020": 2.0}}},
        {"exports": {"new_product_sales_series": {"value": {"2019": 1.0}, "source": "s"}}},
        {"waivers": {"TE-01": "no data kept"}},
    ]
    bad = [
        {"technology": {"rd_intensity_pct": {"year": 2020}}},  # no value
        {"technology": {"rd_intensity_pct": {"value": 2.0, "sauce": "x"}}},  # unknown key
        {"exports": {"new_product_sales_series": {"value": {"FY19": 1.0}}}},  # not a year
        {"cluster": {"firm_count": 1.5}},  # not integer
        {"waivers": {"TE-99": "no such rule"}},
        {"waivers": {"TE-01": " "}},  # no reason
    ]
    for extra in good:
        assert v.is_valid({**base, **extra}), extra
    for extra in bad:
        assert not v.is_valid({**base, **extra}), extra


def test_schema_in_chinese(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("schema", "--lang", "zh")
    s = json.loads(r.out)
    assert (
        s["properties"]["technology"]["properties"]["rd_intensity_pct"]["title"] == "研发投入强度"
    )


# --- init ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_then_validate_exits_0(kind: str, lang: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"{kind}.toml"
    r = run_cli("init", "--kind", kind, "--lang", lang, "-o", out, "--year", "2024")
    assert r.code == 0, r.err
    assert run_cli("validate", out).code == 0


@pytest.mark.parametrize("kind", KINDS)
def test_init_lists_every_metric_of_the_kind_commented(kind: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = run_cli("init", "--kind", kind, "--year", "2024").out
    ruleset = load_ruleset()
    expected = {m.id for m in ruleset.metrics.values() if kind in m.kinds}
    listed = set()
    section = ""
    for line in text.splitlines():
        if re.match(r"^\[(\w+)\]$", line):
            section = line.strip("[]")
        m = re.match(r"^# (\w+) = \{ value = ", line)
        if m:
            listed.add(f"{section}.{m.group(1)}")
    assert listed == expected
    # every placeholder is a valid value: uncommenting all of them still validates
    uncommented = re.sub(r"(?m)^# (\w+ = \{ value = )", r"\1", text)
    p = write(tmp_path, "all.toml", uncommented)
    r = run_cli("validate", p)
    assert r.code == 0, r.err


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = write(tmp_path, "f.toml", "keep me\n")
    r = run_cli("init", "--kind", "firm", "-o", out)
    assert r.code == 2 and "already exists" in r.err
    assert out.read_text() == "keep me\n"
    assert run_cli("init", "--kind", "firm", "-o", out, "--force").code == 0
    assert out.read_text().startswith("# hemscore profile template")


def test_init_comments_carry_units_and_meaning(run_cli) -> None:  # type: ignore[no-untyped-def]
    text = run_cli("init", "--kind", "firm", "--year", "2024").out
    assert (
        "# R&D intensity (unit: % of GDP (country, region) or % of revenue (cluster, firm))" in text
    )
    assert "Scored by: TE-02 (high)" in text
    zh = run_cli("init", "--kind", "firm", "--lang", "zh", "--year", "2024").out
    assert "# 研发投入强度（单位：" in zh or "# 研发投入强度 (单位" in zh


# --- rules -----------------------------------------------------------------------------------


def test_rules_lists_and_filters(run_cli) -> None:  # type: ignore[no-untyped-def]
    ruleset = load_ruleset()
    r = run_cli("rules")
    lines = r.out.splitlines()
    assert lines[0].split() == [
        "ID",
        "DIAGNOSTIC",
        "METRIC",
        "SEVERITY",
        "WEIGHT",
        "METHOD",
        "TITLE",
    ]
    assert [line.split()[0] for line in lines[1:]] == [x.id for x in ruleset.rules]
    tech = run_cli("rules", "--diagnostic", "technology", "--kind", "firm", "--format", "json")
    data = json.loads(tech.out)
    assert [x["id"] for x in data] == [
        x.id for x in ruleset.rules if x.diagnostic == "technology" and "firm" in x.kinds
    ]
    assert set(data[0]) >= {"id", "diagnostic", "metric", "severity", "weight", "method", "title"}


def test_rules_show_prints_the_full_explanation(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("rules", "show", "TE-01")
    assert r.code == 0
    for heading in (
        "# TE-01: R&D intensity of the economy",
        "## What it measures",
        "## Why it matters",
        "## How it is scored",
        "## Basis and source",
        "## What to do",
    ):
        assert heading in r.out, heading
    assert (
        "a value of 0.556 or less scores 0, 3 (the target) scores 70, and 3.08 or more scores 100"
        in r.out
    )
    assert "Paper: §1.2, §3.2" in r.out
    assert "Barcelona" in r.out  # the source
    # the calibration: method, percentiles, panel and year
    assert (
        "Calibration: method panel-percentiles on panel reference/panel/2017 (year 2017, 41 "
        "economies with a value): worst = 10th percentile, best = 90th percentile, target = the "
        "policy target" in " ".join(r.out.split())
    )
    data = json.loads(run_cli("rules", "show", "TE-01", "--format", "json").out)
    assert data["basis"] == "panel"
    cal = data["calibration"]
    assert (cal["panel"], cal["year"], cal["worst_percentile"], cal["best_percentile"]) == (
        "reference/panel/2017",
        2017,
        10.0,
        90.0,
    )


def test_rules_show_json_and_chinese(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run_cli("rules", "show", "TE-03", "--format", "json").out)
    assert data["scoring"]["edges"] == [20.0, 50.0, 70.0] and data["scoring"]["pass_score"] == 100.0
    assert all(data[k] for k in ("what", "why", "recommendation", "source"))
    zh = run_cli("rules", "show", "te-03", "--lang", "zh").out
    assert "## 如何计分" in zh and "分档计分" in zh


def test_rules_show_unknown_id_suggests(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("rules", "show", "TE01")
    assert r.code == 2
    assert (
        r.err.strip()
        == 'hemscore: error: unknown rule "TE01" (did you mean "TE-01"?) (hemscore rules lists them)'
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_rule_explains_every_section(lang: str) -> None:
    ruleset = load_ruleset()
    for rule in ruleset.rules:
        e = explain_rule(rule, ruleset, lang)
        assert all([e.what, e.why, e.recommendation, e.source, e.basis, e.weight, e.paper]), rule.id
        assert all(e.how.lines()), rule.id


def test_band_pass_condition_matches_the_engine() -> None:
    """The value named in 'passes ... at a value of X or more' is where the engine flips."""
    ruleset = load_ruleset()
    for rule in ruleset.rules:
        scale = rule.scale
        if not isinstance(scale, BandScale):
            continue
        text = explain_scoring(rule, ruleset.metrics).passes
        m = re.search(r"at a value (of|below|above) ([\d,.\-]+)( or more| or less)?", text)
        assert m, (rule.id, text)
        x = float(m.group(2).replace(",", ""))
        eps = 1e-6
        how = (m.group(1), m.group(3))
        inside, outside = {
            ("of", " or more"): (x, x - eps),
            ("of", " or less"): (x, x + eps),
            ("below", None): (x - eps, x),
            ("above", None): (x + eps, x),
        }[how]
        assert scale.evaluate(inside)[1] and not scale.evaluate(outside)[1], rule.id


def test_linear_explanation_numbers_are_the_goalposts() -> None:
    ruleset = load_ruleset()
    for rule in ruleset.rules:
        if rule.scale is None or rule.scale.kind != "linear":
            continue
        text = explain_scoring(rule, ruleset.metrics).scale
        s = rule.scale
        nums = [float(n.replace(",", "")) for n in re.findall(r"-?[\d,]*\.?\d+", text)[:6]]
        assert nums[:6] == [s.worst, 0, s.target, s.target_score, s.best, 100], (rule.id, text)
