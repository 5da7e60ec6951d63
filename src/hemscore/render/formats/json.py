"""JSON output: the stable, documented machine contract (see README, "JSON output").

One object for one profile, a list of objects for several. Deterministic: the same input gives
the same bytes (keys in a fixed order, floats rounded to 4 decimals, no timestamps).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hemscore.engine.assessment import Assessment, Recommendation, RuleResult
from hemscore.model.rules import Rule
from hemscore.reading.jsontext import dumps as strict_dumps
from hemscore.render.formats import RenderOptions

SCHEMA_VERSION = "1.0"


def round4(x: float | None) -> float | None:
    """``round(x, 4)``, with -0.0 as 0.0 and None for None, NaN or infinity: at half the cost.

    JSON has no NaN or infinity; the engine never makes one, and should it ever, the output
    says null rather than become invalid JSON.

    ``round(x, 4)`` goes through a decimal string, and a batch rounds a few hundred numbers per
    profile. Here, for ``y = x * 10⁴ >= 0``, ``y % 1`` is exact, so ``y - y % 1`` is ``floor(y)``
    exactly; when the fraction is clear of a half (``y``'s one rounding error is far below the
    0.001 margin for |y| < 10¹¹) that gives the count of ten-thousandths ``round`` would pick,
    and dividing it by 10⁴ gives the float nearest that decimal, which is what ``round``
    returns. Near a half, and for large or non-finite x, ``round`` itself decides.
    """
    if x is None:
        return None
    y = x * 10000.0
    if 0.0 <= y < 1e11:
        f = y % 1.0
        if f < 0.499:
            return (y - f) / 10000.0 + 0.0  # + 0.0: -0.0 becomes 0.0
        if f > 0.501:
            return (y - f + 1.0) / 10000.0
    elif -1e11 < y < 0.0:
        return -round4(-x) or 0.0  # type: ignore[operator]  # round() is symmetric (half to even)
    if x - x != 0.0:  # NaN or infinity
        return None
    return round(float(x), 4) or 0.0  # `or` also turns -0.0 into 0.0


_num = round4  # the name the formats use


def _jsonable(v: Any) -> Any:
    t = type(v)
    if t is float or t is int:
        return round4(v)
    if t is dict:
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v  # bool, str, None


def _rounded(v: Any) -> Any:
    """``v`` with every float rounded by :func:`round4` (ints, such as a count of years, kept)."""
    t = type(v)
    if t is float:
        return round4(v)
    if t is list:
        return [_rounded(x) for x in v]
    if t is dict:
        return {k: _rounded(x) for k, x in v.items()}
    return v


def _scale(rule: Rule) -> dict[str, Any]:
    """The rule's ``scoring`` object: its method's form, floats rounded."""
    return _rounded(rule.scoring.to_json())  # type: ignore[no-any-return]


#: (id of rule, lang) -> (rule, its entries that do not depend on the profile). A batch renders
#: the same few dozen rules for every profile, so these are built once per process.
_STATIC: dict[tuple[int, str], tuple[Rule, tuple[Any, ...]]] = {}


def _static(rule: Rule, lang: str) -> tuple[Any, ...]:
    hit = _STATIC.get((id(rule), lang))
    if hit is not None and hit[0] is rule:
        return hit[1]
    entries = (
        rule.text(lang, "title"),
        _jsonable(rule.target),
        _num(rule.weight),
        _scale(rule),
        [f"§{s}" if s != "intro" else s for s in rule.paper],
    )
    _STATIC[(id(rule), lang)] = (rule, entries)
    return entries


#: The entries of a rule's object that depend on the profile, then those of its ``input``.
RESULT_KEYS = (
    "status",
    "value",
    "score",
    "passed",
    "gap",
    "contribution",
    "effective_weight",
    "detail",
    "reason",
)
INPUT_KEYS = ("value", "year", "source", "estimate", "target", "line")
_NO_INPUT = (None,) * len(INPUT_KEYS)


def rule_values(r: RuleResult) -> tuple[Any, ...]:
    """The values of RESULT_KEYS, then of INPUT_KEYS (all None with no input), ready to encode."""
    mv = r.input
    head = (
        r.status,
        _jsonable(r.value),
        _num(r.score),
        r.passed,
        _num(r.gap),
        _num(r.contribution),
        _num(r.effective_weight),
        _jsonable(r.detail) if r.detail else None,
        r.reason,
    )
    if mv is None:
        return head + _NO_INPUT
    return head + (_jsonable(mv.value), mv.year, mv.source, mv.is_estimate, mv.is_target, mv.line)


def rule_fields(r: RuleResult) -> dict[str, Any]:
    """The entries of a rule's JSON object that depend on the profile (see :func:`rule_layout`)."""
    values = rule_values(r)
    fields = dict(zip(RESULT_KEYS, values))
    fields["input"] = None if r.input is None else dict(zip(INPUT_KEYS, values[len(RESULT_KEYS) :]))
    return fields


def rule_layout(rule: Rule, lang: str, f: dict[str, Any]) -> dict[str, Any]:
    """A rule's JSON object: its fixed entries with ``f`` (see :func:`rule_fields`) in place.

    The one place the key order of a rule object is written down; ``--format jsonl`` also uses
    it, with placeholders for ``f``, to pre-encode the fixed parts once per rule.
    """
    title, target, weight, scoring, paper = _static(rule, lang)
    return {
        "id": rule.id,
        "title": title,
        "metric": rule.metric,
        "status": f["status"],
        "value": f["value"],
        "target": target,
        "score": f["score"],
        "passed": f["passed"],
        "gap": f["gap"],
        "weight": weight,
        "severity": rule.severity,
        "contribution": f["contribution"],
        "effective_weight": f["effective_weight"],
        "scoring": scoring,
        "detail": f["detail"],
        "reason": f["reason"],
        "input": f["input"],
        "paper": paper,
        "basis": rule.basis,
        "threshold_source": rule.source,
    }


def rule_to_dict(r: RuleResult, lang: str) -> dict[str, Any]:
    return rule_layout(r.rule, lang, rule_fields(r))


def recommendation_layout(rule: Rule, lang: str, priority: Any, gain: Any) -> dict[str, Any]:
    """A recommendation's JSON object (``priority`` and ``gain`` already rounded)."""
    return {
        "rule": rule.id,
        "diagnostic": rule.diagnostic,
        "priority": priority,
        "gain": gain,
        "text": rule.text(lang, "recommendation"),
        "paper": _static(rule, lang)[4],
    }


def _highlight(r: RuleResult, lang: str) -> dict[str, Any]:
    return {
        "rule": r.id,
        "title": r.rule.text(lang, "title"),
        "value": _jsonable(r.value),
        "score": _num(r.score),
    }


def _rule_list(results: Sequence[RuleResult], lang: str) -> Any:
    return [rule_to_dict(r, lang) for r in results]


def _recommendation_list(recs: Sequence[Recommendation], lang: str) -> Any:
    return [
        recommendation_layout(rec.rule, lang, _num(rec.priority), _num(rec.gain)) for rec in recs
    ]


def assessment_to_dict(
    a: Assessment,
    lang: str = "en",
    *,
    rules: Callable[[Sequence[RuleResult], str], Any] = _rule_list,
    recommendations: Callable[[Sequence[Recommendation], str], Any] = _recommendation_list,
) -> dict[str, Any]:
    """The documented JSON object of one assessment.

    ``rules`` and ``recommendations`` render those lists; ``--format jsonl`` passes functions
    that return placeholders for text it has encoded itself.
    """
    return {
        "schema_version": SCHEMA_VERSION,
        **_head(a),
        "diagnostics": [
            {
                "id": d.id,
                "title": d.title(lang),
                "status": d.status,
                "score": _num(d.score),
                "coverage": _num(d.coverage),
                "weight": _num(d.weight),
                "assessed_weight": _num(d.assessed_weight),
                "applicable_weight": _num(d.applicable_weight),
                "rules": rules(d.rules, lang),
            }
            for d in a.diagnostics
        ],
        "waivers": [{"rule": r.id, "reason": r.reason} for r in a.waived],
        "waivers_ignored": [
            {"rule": w.rule, "reason": w.reason, "why": w.why_not}
            for w in a.waiver_notes
            if not w.applied
        ],
        "strengths": [_highlight(r, lang) for r in a.strengths],
        "weaknesses": [_highlight(r, lang) for r in a.weaknesses],
        "recommendations": recommendations(a.recommendations, lang),
        "warnings": [
            {"metric": w.metric, "kind": w.kind, "line": w.line, "message": w.text(lang)}
            for w in a.warnings
        ],
        "coverage_guidance": guidance_list(a, lang),
    }


def guidance_list(a: Assessment, lang: str) -> list[dict[str, Any]]:
    """The coverage guidance (:attr:`Assessment.guidance`) as JSON objects."""
    out = []
    for lift in a.guidance:
        metrics = []
        for mid, w in zip(lift.metrics, lift.weights, strict=True):
            m = a.ruleset.metrics.get(mid)
            metrics.append(
                {
                    "id": mid,
                    "title": m.text(lang, "title") if m else mid,
                    "unit": m.text(lang, "unit") if m else "",
                    "weight": _num(w),
                }
            )
        out.append(
            {
                "target": lift.target,
                "coverage": _num(lift.coverage),
                "coverage_after": _num(lift.coverage_after),
                "enough": lift.enough,
                "metrics": metrics,
            }
        )
    return out


#: The entries of a rule in a compact line, in order.
COMPACT_RULE_KEYS = ("id", "status", "value", "score", "passed", "gap", "year", "estimate")


def _head(a: Assessment) -> dict[str, Any]:
    """The ruleset, profile and overall entries, the same in the full and the compact form."""
    p = a.profile
    return {
        "ruleset": {"name": a.ruleset.name, "version": a.ruleset.version},
        "profile": {
            "name": p.name,
            "kind": p.kind,
            "year": p.year,
            "country": p.country,
            "path": p.path,
        },
        "overall": {
            "score": _num(a.score),
            "grade": a.grade,
            "coverage": _num(a.coverage),
            "aggregation": a.aggregation,
            "min_coverage": _num(a.min_coverage),
        },
    }


def compact_dict(a: Assessment) -> dict[str, Any]:
    """The compact JSON object of one assessment (``--format jsonl --compact``).

    Scores, values and the year and estimate mark of each value, without the texts that are the
    same for every profile (titles, scoring, sources of thresholds, recommendations' wording):
    ``hemscore rules --format json`` gives those once. Rules are listed as arrays of
    ``COMPACT_RULE_KEYS``, in the order of the full report.
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "compact": True,
        **_head(a),
        "diagnostics": [
            {"id": d.id, "status": d.status, "score": _num(d.score), "coverage": _num(d.coverage)}
            for d in a.diagnostics
        ],
        "rules": [
            [
                r.rule.id,
                r.status,
                _jsonable(r.value),
                _num(r.score),
                r.passed,
                _num(r.gap),
                None if r.input is None else r.input.year,
                None if r.input is None else r.input.is_estimate,
            ]
            for d in a.diagnostics
            for r in d.rules
        ],
        "recommendations": [[rec.rule.id, _num(rec.gain)] for rec in a.recommendations],
        "warnings": [[w.metric, w.kind, w.line] for w in a.warnings],
    }


def dumps(obj: Any) -> str:
    """Indented strict JSON (see :mod:`hemscore.jsontext`)."""
    return strict_dumps(obj)


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
