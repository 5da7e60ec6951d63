"""The JSON Schema (draft 2020-12) of a profile, derived from a rule set's metric catalogue.

Editors with TOML schema support (Taplo's ``#:schema`` comment, VS Code's Even Better TOML) use
it to complete and check metric names, show each metric's meaning and unit, and flag values of
the wrong type or range. Everything comes from the catalogue: a metric declared in a rule file
given with ``--rules`` appears like a built-in one.

What a schema cannot say: that a shares table sums to 100 ± 1, that a waiver names a rule
that applies to the profile's kind, or that a number is not NaN or infinite (JSON Schema has
no way to exclude them; the description says hemscore refuses them). ``hemscore validate`` checks those too; it is the full check.
Which metrics a kind may set *is* expressed, as one ``if``/``then`` per kind.
"""

from __future__ import annotations

from typing import Any

from hemscore.model.catalogue import CATALOGUE_VERSION, KINDS, Metric
from hemscore.model.rules import RuleSet

DIALECT = "https://json-schema.org/draft/2020-12/schema"
YEAR_PATTERN = r"^(1[89]\d\d|20\d\d|2100)$"  # the years a series key may be (as profile.py)


def _t(lang: str, key: str, **fmt: object) -> str:
    from hemscore.base.messages import label

    return label(lang, "schema." + key, **fmt)


def _bounds(m: Metric) -> dict[str, float]:
    out: dict[str, float] = {}
    if m.min is not None:
        out["minimum"] = _n(m.min)
    if m.max is not None:
        out["maximum"] = _n(m.max)
    return out


def _n(x: float) -> float:
    return int(x) if float(x).is_integer() else x


def bare_schema(m: Metric, lang: str = "en") -> dict[str, Any]:
    """The schema of a metric's bare value."""
    if m.type == "bool":
        return {"type": "boolean"}
    if m.type == "integer":
        return {"type": "integer", **_bounds(m)}
    if m.type == "number":
        return {"type": "number", **_bounds(m)}
    if m.type == "shares":
        return {
            "type": "object",
            "description": _t(lang, "shares"),
            "minProperties": 1,
            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
        }
    return {
        "type": "object",
        "description": _t(lang, "series"),
        "minProperties": 1,
        "propertyNames": {"pattern": YEAR_PATTERN},
        "additionalProperties": {"type": "number", **_bounds(m)},
    }


def metric_schema(m: Metric, lang: str = "en") -> dict[str, Any]:
    """The schema of one metric: title, description with unit and kinds, and both value forms."""
    bare = bare_schema(m, lang)
    with_provenance = {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": bare,
            "year": {"$ref": "#/$defs/year", "description": _t(lang, "value_year")},
            "source": {"type": "string", "description": _t(lang, "source")},
            "note": {"type": "string", "description": _t(lang, "note")},
            "target": {"type": "boolean", "description": _t(lang, "target")},
            "was": {"description": _t(lang, "was")},
        },
        "additionalProperties": False,
    }
    from hemscore.base.messages import colon, label, listing

    parts = [m.text(lang, "description")]
    unit = m.text(lang, "unit")
    stop = label(lang, "stop")
    if unit:
        parts.append(f"{_t(lang, 'unit')}{colon(lang)}{unit}{stop}")
    kinds = listing(lang).join(label(lang, k) for k in m.kinds)  # English: the ids themselves
    parts.append(f"{_t(lang, 'applies')}{colon(lang)}{kinds}{stop}")
    parts.append(_t(lang, "forms"))
    return {
        "title": m.text(lang, "title"),
        "description": label(lang, "sep.sentence").join(p for p in parts if p),
        "anyOf": [bare, with_provenance],
    }


def profile_schema(ruleset: RuleSet, lang: str = "en") -> dict[str, Any]:
    """The JSON Schema of a profile for ``ruleset`` (its metrics and rule ids)."""
    by_diag: dict[str, list[Metric]] = {d.id: [] for d in ruleset.diagnostics}
    for m in ruleset.metrics.values():
        by_diag[m.diagnostic].append(m)
    properties: dict[str, Any] = {
        "profile": {
            "type": "object",
            "description": _t(lang, "header"),
            "required": ["name", "kind", "year"],
            "properties": {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "pattern": r"\S",
                    "description": _t(lang, "name"),
                },
                "kind": {"enum": list(KINDS), "description": _t(lang, "kind")},
                "year": {"$ref": "#/$defs/year", "description": _t(lang, "year")},
                "country": {"type": "string", "description": _t(lang, "country")},
                "description": {"type": "string", "description": _t(lang, "profile_description")},
            },
            "additionalProperties": False,
        },
    }
    for d in ruleset.diagnostics:
        properties[d.id] = {
            "type": "object",
            "title": d.text(lang, "title"),
            "properties": {m.name: metric_schema(m, lang) for m in by_diag[d.id]},
            "additionalProperties": False,
        }
    properties["waivers"] = {
        "type": "object",
        "description": _t(lang, "waivers"),
        "propertyNames": {"enum": [r.id for r in ruleset.rules]},
        "additionalProperties": {"type": "string", "pattern": r"\S"},
    }
    return {
        "$schema": DIALECT,
        "$id": f"urn:hemscore:profile:{ruleset.name}:{ruleset.version}",
        "title": _t(lang, "title"),
        "description": _t(
            lang,
            "description",
            ruleset=f"{ruleset.name} {ruleset.version}",
            catalogue=CATALOGUE_VERSION,
        ),
        "type": "object",
        "required": ["profile"],
        "properties": properties,
        "additionalProperties": False,
        "allOf": [_kind_rule(kind, by_diag) for kind in KINDS],
        "$defs": {"year": {"type": "integer", "minimum": 1900, "maximum": 2100}},
    }


def _kind_rule(kind: str, by_diag: dict[str, list[Metric]]) -> dict[str, Any]:
    """``if`` the profile is of ``kind``, ``then`` each section holds only metrics for it."""
    then: dict[str, Any] = {}
    for diag, metrics in by_diag.items():
        names = [m.name for m in metrics if kind in m.kinds]
        if len(names) == len(metrics):
            continue
        then[diag] = {"propertyNames": {"enum": names}} if names else {"maxProperties": 0}
    return {
        "if": {
            "required": ["profile"],
            "properties": {
                "profile": {"required": ["kind"], "properties": {"kind": {"const": kind}}}
            },
        },
        "then": {"properties": then},
    }


def dumps(schema: dict[str, Any]) -> str:
    """The schema as JSON text (stable: same rule set, same bytes)."""
    from hemscore.reading.jsontext import dumps as strict_dumps

    return strict_dumps(schema)
