"""An assessment as data: the documented JSON object, its JSON Lines line and flat records.

These are the machine contracts of ``hemscore assess --format json``/``jsonl`` (README, "JSON
output") and of :meth:`Assessment.to_dict`, :meth:`Assessment.to_json` and
:meth:`Assessment.to_records`. Deterministic: the same assessment gives the same bytes (keys in
a fixed order, floats rounded to 4 decimals, no timestamps). The render layer only writes them.

A batch renders the same few dozen rules for every profile, and most of a rule's object (title,
scoring, paper sections, threshold source) does not depend on the profile. So for a JSON Lines
line each rule's object is encoded once, with placeholders where the profile's entries go, and
split into a template; a line is then the templates filled in. The bytes are exactly those of
encoding :func:`assessment_to_dict` (the tests hold the two to that).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from operator import call, itemgetter
from typing import TYPE_CHECKING, Any

from hemscore.base.numbers import round4
from hemscore.base.safe_text import json_text
from hemscore.model.rules import Rule
from hemscore.reading.jsontext import COMPACT

if TYPE_CHECKING:  # for the annotations only: Assessment's methods import this module
    from hemscore.engine.assessment import Assessment, Recommendation, RuleResult

SCHEMA_VERSION = "1.0"


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


# One encoder for the whole batch; the objects are trees built fresh, so no cycle check.
_encode = COMPACT.encode
_string = json.encoder.encode_basestring

# A placeholder is a string no real entry holds (a NUL, which the encoder writes as \u0000).
_MARK = "\x00"
_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')


def _slot(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


#: How the encoder writes a value, by type. Numbers come rounded by round4, so they are finite
#: and ``repr`` is what the encoder writes; ``str.format`` on "null" ignores its argument.
_TEXT: dict[type, Callable[[Any], str]] = {
    float: float.__repr__,
    int: int.__repr__,
    str: _string,
    type(None): "null".format,
    bool: {True: "true", False: "false"}.__getitem__,
    dict: _encode,
}
_text_for = _TEXT.__getitem__  # a KeyError (a type no entry has) falls back to the plain path


class _Unsafe(Exception):
    """A fixed entry reads as a placeholder: this rule is encoded the plain way."""


class _Template:
    """An object's encoded text cut where its placeholders stood.

    The object is laid out with placeholder ``i`` where the ``i``-th of a tuple of values goes;
    :meth:`fill` puts the encoded values of such a tuple back in, in the order the text has them.
    """

    __slots__ = ("frame", "pick")

    def __init__(self, obj: Any, count: int) -> None:
        parts = _PLACEHOLDER.split(_encode(obj))
        names = parts[1::2]
        if sorted(names) != sorted(str(i) for i in range(count)) or count < 2:
            raise _Unsafe
        self.frame = parts  # fixed text at even places; the odd places are filled in
        self.pick = itemgetter(*[int(n) for n in names])

    def fill(self, values: tuple[Any, ...]) -> str:
        # All in C: the value's type picks its writer, operator.call applies it.
        picked = self.pick(values)
        texts = self.frame.copy()
        texts[1::2] = map(call, map(_text_for, map(type, picked)), picked)
        return "".join(texts)


#: (id of rule, lang) -> (rule, template with no input, template with an input, recommendation)
_TEMPLATES: dict[tuple[int, str], tuple[Rule, _Template, _Template, _Template]] = {}
_N_RESULT, _N_INPUT = len(RESULT_KEYS), len(INPUT_KEYS)


def _templates(rule: Rule, lang: str) -> tuple[Rule, _Template, _Template, _Template]:
    hit = _TEMPLATES.get((id(rule), lang))
    if hit is not None and hit[0] is rule:
        return hit
    fields = {k: _slot(str(i)) for i, k in enumerate(RESULT_KEYS)}
    inputs = {k: _slot(str(_N_RESULT + i)) for i, k in enumerate(INPUT_KEYS)}
    bare = _Template(rule_layout(rule, lang, {**fields, "input": None}), _N_RESULT)
    full = _Template(rule_layout(rule, lang, {**fields, "input": inputs}), _N_RESULT + _N_INPUT)
    rec = _Template(recommendation_layout(rule, lang, _slot("0"), _slot("1")), 2)
    made = (rule, bare, full, rec)
    _TEMPLATES[(id(rule), lang)] = made
    return made


def _encode_line(a: Assessment, lang: str) -> str:
    raw: list[str] = []

    def hold(text: str) -> str:
        raw.append(text)
        return _slot(str(len(raw) - 1))

    def rules(results: Sequence[RuleResult], lang: str) -> str:
        parts = []
        for r in results:
            _, bare, full, _ = _templates(r.rule, lang)
            parts.append((bare if r.input is None else full).fill(rule_values(r)))
        return hold("[" + ",".join(parts) + "]")

    def recommendations(recs: Sequence[Recommendation], lang: str) -> str:
        parts = [
            _templates(rec.rule, lang)[3].fill((_num(rec.priority), _num(rec.gain))) for rec in recs
        ]
        return hold("[" + ",".join(parts) + "]")

    try:
        outline = _encode(assessment_to_dict(a, lang, rules=rules, recommendations=recommendations))
        line, count = _PLACEHOLDER.subn(lambda m: raw[int(m.group(1))], outline)
        if count == len(raw):  # else a profile's string reads as a placeholder
            return line
    except (_Unsafe, KeyError, ValueError, IndexError):
        pass
    return _encode(assessment_to_dict(a, lang))


def json_line(a: Assessment, lang: str = "en", *, compact: bool = False) -> str:
    """The assessment's line of ``--format jsonl`` (``compact``: of ``--compact``), with its
    newline."""
    if compact:
        return json_text(_encode(compact_dict(a))) + "\n"
    return json_text(_encode_line(a, lang)) + "\n"


def to_records(a: Assessment, lang: str = "en") -> list[dict[str, Any]]:
    """One flat record per rule, ready for ``pandas.DataFrame(records)``."""
    p = a.profile
    out = []
    for d in a.diagnostics:
        for r in d.rules:
            mv = r.input
            out.append(
                {
                    "profile": p.name,
                    "kind": p.kind,
                    "year": p.year,
                    "path": p.path,
                    "overall": a.score,
                    "grade": a.grade,
                    "diagnostic": d.id,
                    "diagnostic_score": d.score,
                    "rule": r.id,
                    "title": r.rule.text(lang, "title"),
                    "metric": r.rule.metric,
                    "status": r.status,
                    "value": r.value if not isinstance(r.value, dict) else None,
                    "score": r.score,
                    "weight": r.weight,
                    "contribution": r.contribution,
                    "effective_weight": r.effective_weight,
                    "value_year": None if mv is None else mv.year,
                    "source": None if mv is None else mv.source,
                    "estimate": None if mv is None else mv.is_estimate,
                }
            )
    return out
