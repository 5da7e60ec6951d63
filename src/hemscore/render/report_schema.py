"""The JSON Schema (draft 2020-12) of ``hemscore assess --format json`` and ``jsonl``.

``hemscore schema --report`` prints it. A JSON report is one assessment object, or a list of
them when several profiles were assessed; each JSONL line is one assessment object. The shape
is the one :func:`hemscore.engine.record.assessment_to_dict` writes, at ``schema_version``
:data:`hemscore.engine.record.SCHEMA_VERSION`. Every field is required and typed; objects may
carry further fields, since a 1.x report may add some.

Numbers are finite (rounded to 4 decimals); a score that cannot be computed is ``null``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hemscore.model.catalogue import KINDS, builtin_diagnostics

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://hemscore.invalid/schema/report-1.0.json"

_NUMBER = {"type": "number"}
_SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
_FRACTION = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_PAPER = {"type": "array", "items": _TEXT}


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """An object with every listed key present. Other keys are allowed: a 1.x report may add
    fields (removing or renaming one bumps the major version)."""
    out: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
    }
    if description:
        out["description"] = description
    return out


def _value() -> dict[str, Any]:
    return {
        "description": "A number, a boolean, or a table: label = share, or year = value.",
        "anyOf": [
            {"type": ["number", "boolean", "null"]},
            {"type": "object", "additionalProperties": _NUMBER},
        ],
    }


def _scoring() -> dict[str, Any]:
    """The ``scoring`` object: the registered methods, their measures and the scales."""
    from hemscore.model import methods

    kinds = [m for m in map(methods.method_named, methods.method_names()) if m is not None]
    return {
        "type": "object",
        "description": "How the rule scores: its method and scale.",
        "required": ["method"],
        "properties": {
            "method": {"enum": [m.name for m in kinds]},
            "measure": {"enum": [x for m in kinds for x in m.measures]},
            "years": {"type": "integer"},
            "expected": {"type": "boolean"},
            "scale": {"enum": list(methods.scale_kinds())},
            "worst": _NUMBER,
            "target": _NUMBER,
            "best": _NUMBER,
            "target_score": _NUMBER,
            "edges": {"type": "array", "items": _NUMBER},
            "scores": {"type": "array", "items": _NUMBER},
            "edge": {"enum": ["upper", "lower"]},
        },
    }


def _rule() -> dict[str, Any]:
    return _object(
        {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
            "title": _TEXT,
            "metric": _TEXT,
            "status": {"enum": ["pass", "fail", "missing", "waived"]},
            "value": _value(),
            "target": {"type": ["number", "boolean"]},
            "score": _SCORE,
            "passed": {"type": ["boolean", "null"]},
            "gap": {"type": ["number", "null"]},
            "weight": _NUMBER,
            "severity": {"enum": ["critical", "high", "medium", "low", None]},
            "contribution": {"type": ["number", "null"]},
            "effective_weight": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "scoring": _scoring(),
            "detail": {"type": ["object", "null"]},
            "reason": _TEXT_OR_NULL,
            "input": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "value": _value(),
                            "year": {"type": ["integer", "null"]},
                            "source": _TEXT_OR_NULL,
                            "estimate": {"type": "boolean"},
                            "target": {"type": "boolean"},
                            "line": {"type": ["integer", "null"], "minimum": 1},
                        },
                        "The profile's value and its provenance; target: a planned value.",
                    ),
                ]
            },
            "paper": _PAPER,
            "basis": _TEXT,
            "threshold_source": _TEXT_OR_NULL,
        },
        "One rule's result.",
    )


def report_schema(diagnostics: Sequence[str] | None = None) -> dict[str, Any]:
    """The schema of an assess report: one assessment, or a list of them.

    ``diagnostics``: the diagnostic ids a report may hold (a rule set's); the built-in
    catalogue's when not given.
    """
    ids = tuple(builtin_diagnostics() if diagnostics is None else diagnostics)
    assessment = _object(
        {
            "schema_version": {"const": "1.0"},
            "ruleset": _object({"name": _TEXT, "version": _TEXT}),
            "profile": _object(
                {
                    "name": _TEXT,
                    "kind": {"enum": list(KINDS)},
                    "year": {"type": "integer"},
                    "country": _TEXT_OR_NULL,
                    "path": _TEXT,
                }
            ),
            "overall": _object(
                {
                    "score": _SCORE,
                    "grade": _TEXT,
                    "coverage": _FRACTION,
                    "aggregation": {"enum": ["arithmetic", "geometric"]},
                    "min_coverage": _FRACTION,
                }
            ),
            "diagnostics": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"enum": list(ids)},
                        "title": _TEXT,
                        "status": {"enum": ["scored", "insufficient_data", "no_rules"]},
                        "score": _SCORE,
                        "coverage": _FRACTION,
                        "weight": _NUMBER,
                        "assessed_weight": _NUMBER,
                        "applicable_weight": _NUMBER,
                        "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
                    }
                ),
            },
            "waivers": {"type": "array", "items": _object({"rule": _TEXT, "reason": _TEXT})},
            "waivers_ignored": {
                "type": "array",
                "items": _object(
                    {
                        "rule": _TEXT,
                        "reason": _TEXT,
                        "why": {"enum": ["strict", "not_applicable", "not_scored", "unknown_rule"]},
                    }
                ),
            },
            "strengths": {"type": "array", "items": {"$ref": "#/$defs/highlight"}},
            "weaknesses": {"type": "array", "items": {"$ref": "#/$defs/highlight"}},
            "warnings": {
                "type": "array",
                "description": "Data-quality warnings: valid values that look wrong; never scored.",
                "items": _object(
                    {
                        "metric": _TEXT,
                        "kind": {"enum": ["implausible", "fraction", "future", "old", "no_source"]},
                        "line": {"type": ["integer", "null"]},
                        "message": _TEXT,
                    }
                ),
            },
            "coverage_guidance": {
                "type": "array",
                "description": "For each diagnostic and the overall score below the coverage floor: the missing metrics that would lift it over, heaviest first.",
                "items": _object(
                    {
                        "target": {"enum": [*ids, "overall"]},
                        "coverage": _FRACTION,
                        "coverage_after": _FRACTION,
                        "enough": {"type": "boolean"},
                        "metrics": {
                            "type": "array",
                            "items": _object(
                                {"id": _TEXT, "title": _TEXT, "unit": _TEXT, "weight": _NUMBER}
                            ),
                        },
                    }
                ),
            },
            "recommendations": {
                "type": "array",
                "items": _object(
                    {
                        "rule": _TEXT,
                        "diagnostic": {"enum": list(ids)},
                        "priority": _NUMBER,
                        "gain": {"type": ["number", "null"]},
                        "text": _TEXT,
                        "paper": _PAPER,
                    }
                ),
            },
        },
        "One profile's assessment.",
    )
    props = assessment["properties"]
    nullable_bool = {"type": ["boolean", "null"]}
    compact = _object(
        {
            "schema_version": props["schema_version"],
            "compact": {"const": True},
            "ruleset": props["ruleset"],
            "profile": props["profile"],
            "overall": props["overall"],
            "diagnostics": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"enum": list(ids)},
                        "status": {"enum": ["scored", "insufficient_data", "no_rules"]},
                        "score": _SCORE,
                        "coverage": _FRACTION,
                    }
                ),
            },
            "rules": {
                "type": "array",
                "items": {
                    "type": "array",
                    "description": "[id, status, value, score, passed, gap, year, estimate]",
                    "prefixItems": [
                        _TEXT,
                        _rule()["properties"]["status"],
                        _value(),
                        _SCORE,
                        nullable_bool,
                        {"type": ["number", "null"]},
                        {"type": ["integer", "null"]},
                        nullable_bool,
                    ],
                    "minItems": 8,
                    "items": False,
                },
            },
            "recommendations": {
                "type": "array",
                "items": {
                    "type": "array",
                    "description": "[rule, gain]",
                    "prefixItems": [_TEXT, {"type": ["number", "null"]}],
                    "minItems": 2,
                    "items": False,
                },
            },
            "warnings": {
                "type": "array",
                "items": {
                    "type": "array",
                    "description": "[metric, kind, line]",
                    "prefixItems": [
                        _TEXT,
                        props["warnings"]["items"]["properties"]["kind"],
                        {"type": ["integer", "null"]},
                    ],
                    "minItems": 3,
                    "items": False,
                },
            },
        },
        "One profile's assessment as a `--format jsonl --compact` line: the numbers, without "
        "the rule texts.",
    )
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "hemscore assessment report",
        "description": (
            "The output of `hemscore assess --format json` (one assessment, or a list of them "
            "for several profiles) and of each line of `--format jsonl` (one assessment). "
            "Numbers are finite; a score that cannot be computed is null. A line of "
            "`--format jsonl --compact` is a compact assessment."
        ),
        "oneOf": [
            {"$ref": "#/$defs/assessment"},
            {"type": "array", "items": {"$ref": "#/$defs/assessment"}},
            {"$ref": "#/$defs/compact"},
        ],
        "$defs": {
            "assessment": assessment,
            "compact": compact,
            "rule": _rule(),
            "highlight": _object(
                {"rule": _TEXT, "title": _TEXT, "value": _value(), "score": _SCORE}
            ),
        },
    }
