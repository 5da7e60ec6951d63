"""JSON output: the stable, documented machine contract (see README, "JSON output").

One object for one profile, a list of objects for several. Deterministic: the same input gives
the same bytes (keys in a fixed order, floats rounded to 4 decimals, no timestamps).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..assessment import Assessment, RuleResult
from ..rules import Rule
from . import RenderOptions

SCHEMA_VERSION = "1.0"


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    return round(float(x), 4) or 0.0  # `or` also turns -0.0 into 0.0


def _jsonable(v: Any) -> Any:
    t = type(v)
    if t is float or t is int:
        return round(float(v), 4) or 0.0
    if t is dict:
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v  # bool, str, None


def _scale(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"method": rule.method}
    if rule.measure:
        out["measure"] = rule.measure
    if rule.method == "trend":
        out["years"] = rule.years
    s = rule.scale
    if s is None:
        out["expected"] = rule.expected
    elif s.kind == "linear":
        out |= {"scale": "linear", "worst": _num(s.worst), "target": _num(s.target),
                "best": _num(s.best), "target_score": _num(s.target_score)}
    else:
        out |= {"scale": "bands", "edges": [_num(e) for e in s.edges],
                "scores": [_num(x) for x in s.scores], "edge": s.edge, "target": _num(s.target)}
    return out


#: (id of rule, lang) -> (rule, its entries that do not depend on the profile). A batch renders
#: the same few dozen rules for every profile, so these are built once per process.
_STATIC: dict[tuple[int, str], tuple[Rule, tuple[Any, ...]]] = {}


def _static(rule: Rule, lang: str) -> tuple[Any, ...]:
    hit = _STATIC.get((id(rule), lang))
    if hit is not None and hit[0] is rule:
        return hit[1]
    entries = (
        rule.text(lang, "title"), _jsonable(rule.target), _num(rule.weight), _scale(rule),
        [f"§{s}" if s != "intro" else s for s in rule.paper],
    )
    _STATIC[(id(rule), lang)] = (rule, entries)
    return entries


def rule_to_dict(r: RuleResult, lang: str) -> dict[str, Any]:
    rule = r.rule
    mv = r.input
    title, target, weight, scoring, paper = _static(rule, lang)
    return {
        "id": rule.id,
        "title": title,
        "metric": rule.metric,
        "status": r.status,
        "value": _jsonable(r.value),
        "target": target,
        "score": _num(r.score),
        "passed": r.passed,
        "gap": _num(r.gap),
        "weight": weight,
        "severity": rule.severity,
        "contribution": _num(r.contribution),
        "scoring": scoring,
        "detail": _jsonable(r.detail) if r.detail else None,
        "reason": r.reason,
        "input": None if mv is None else {
            "value": _jsonable(mv.value),
            "year": mv.year,
            "source": mv.source,
            "estimate": mv.is_estimate,
            "target": mv.is_target,
            "line": mv.line,
        },
        "paper": paper,
        "basis": rule.basis,
        "threshold_source": rule.source,
    }


def _highlight(r: RuleResult, lang: str) -> dict[str, Any]:
    return {"rule": r.id, "title": r.rule.text(lang, "title"), "value": _jsonable(r.value),
            "score": _num(r.score)}


def assessment_to_dict(a: Assessment, lang: str = "en") -> dict[str, Any]:
    """The documented JSON object of one assessment."""
    p = a.profile
    return {
        "schema_version": SCHEMA_VERSION,
        "ruleset": {"name": a.ruleset.name, "version": a.ruleset.version},
        "profile": {"name": p.name, "kind": p.kind, "year": p.year, "country": p.country,
                    "path": p.path},
        "overall": {"score": _num(a.score), "grade": a.grade, "coverage": _num(a.coverage),
                    "aggregation": a.aggregation, "min_coverage": _num(a.min_coverage)},
        "diagnostics": [
            {
                "id": d.id,
                "title": a.ruleset.diagnostics[i].text(lang, "title"),
                "status": d.status,
                "score": _num(d.score),
                "coverage": _num(d.coverage),
                "weight": _num(d.weight),
                "assessed_weight": _num(d.assessed_weight),
                "applicable_weight": _num(d.applicable_weight),
                "rules": [rule_to_dict(r, lang) for r in d.rules],
            }
            for i, d in enumerate(a.diagnostics)
        ],
        "waivers": [{"rule": r.id, "reason": r.reason} for r in a.waived],
        "waivers_ignored": [{"rule": w.rule, "reason": w.reason, "why": w.why_not}
                            for w in a.waiver_notes if not w.applied],
        "strengths": [_highlight(r, lang) for r in a.strengths],
        "weaknesses": [_highlight(r, lang) for r in a.weaknesses],
        "recommendations": [
            {
                "rule": rec.rule.id,
                "diagnostic": rec.rule.diagnostic,
                "priority": _num(rec.priority),
                "gain": _num(rec.gain),
                "text": rec.rule.text(lang, "recommendation"),
                "paper": [f"§{s}" if s != "intro" else s for s in rec.rule.paper],
            }
            for rec in a.recommendations
        ],
    }


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    """One object for one assessment, a list for several (``options.many`` forces the shape)."""
    many = options.many if options.many is not None else len(assessments) != 1
    items = [assessment_to_dict(a, options.lang) for a in assessments]
    return dumps(items if many else items[0])


# Streaming: the same bytes as ``render``, written one assessment at a time. The CLI decides the
# shape before the first result (``options.many``): a list whenever it was given several paths
# or a directory, so a pipeline never sees the shape change with the number of files found.


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    text = dumps(assessment_to_dict(a, options.lang))
    if options.many is False:
        return text
    body = "\n".join("  " + line for line in text.rstrip("\n").split("\n"))
    return ("[\n" if index == 0 else ",\n") + body


def end(options: RenderOptions, count: int) -> str:
    if options.many is False:
        return ""
    return "\n]\n" if count else "[]\n"
