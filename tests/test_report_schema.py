"""`hemscore schema --report`: the JSON Schema (draft 2020-12) of assess's JSON and JSONL output.

Every JSON or JSONL report that a test produces through the CLI runner is also validated
against it (see ``conftest.run_cli``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from .conftest import EXAMPLES, ROOT, Run


def test_schema_report_is_a_draft_2020_12_schema_every_report_meets(
    run_cli: Callable[..., Run],
) -> None:
    r = run_cli("schema", "--report")
    assert r.code == 0, r.err
    schema = json.loads(r.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    profiles = sorted(EXAMPLES.glob("*.toml")) + [ROOT / "tests/hostile/profile.toml"]
    rules = ["--rules", ROOT / "rules", "--rules", ROOT / "tests/hostile/rules"]
    out = run_cli("assess", *profiles, *rules, "--format", "json", "--detail").out
    validator.validate(json.loads(out))  # a list of assessments
    one = run_cli("assess", EXAMPLES / "zte-2018.toml", "--format", "json").out
    validator.validate(json.loads(one))  # one assessment
    for line in run_cli("assess", *profiles, *rules, "--format", "jsonl").out.splitlines():
        validator.validate(json.loads(line))
    # and the schema says no: a wrong type, an unknown status, a missing key
    doc = json.loads(one)
    for broken in (
        {**doc, "overall": {**doc["overall"], "score": "57"}},
        {**doc, "schema_version": 1},
        {k: v for k, v in doc.items() if k != "diagnostics"},
    ):
        assert not validator.is_valid(broken)
    bad_rule = json.loads(one)
    bad_rule["diagnostics"][0]["rules"][0]["status"] = "great"
    assert not validator.is_valid(bad_rule)


def test_profile_schema_says_nan_is_refused_by_hemscore(run_cli: Callable[..., Run]) -> None:
    for lang, word in (("en", "NaN"), ("zh", "NaN")):
        schema = json.loads(run_cli("schema", "--lang", lang).out)
        assert word in schema["description"] and "hemscore" in schema["description"]


def test_golden_json_assessments_meet_the_report_schema(tmp_path: Path) -> None:
    from hemscore.render.report_schema import report_schema

    validator = jsonschema.Draft202012Validator(report_schema())
    for path in sorted((ROOT / "tests" / "golden").rglob("*.json*")):
        if path.name == "ruleset-fingerprint.json":
            continue
        text = path.read_text(encoding="utf-8")
        docs = (
            [json.loads(x) for x in text.splitlines()]
            if path.suffix == ".jsonl"
            else [json.loads(text)]
        )
        for doc in docs:
            validator.validate(doc)
