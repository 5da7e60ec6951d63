"""JSON Lines: one compact JSON object per profile, one per line, written as each is assessed.

Each line is the same object as ``--format json`` gives for one profile (``schema_version``
included), without indentation, so ``jq -c``, ``grep`` and ``wc -l`` work line by line.

A batch renders the same few dozen rules for every profile, and most of a rule's object (title,
scoring, paper sections, threshold source) does not depend on the profile. So each rule's object
is encoded once, with placeholders where the profile's entries go, and split into a template;
a line is then the templates filled in. The bytes are exactly those of encoding
:func:`~hemscore.formats.json.assessment_to_dict` (the tests hold the two to that).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from ..assessment import Assessment, Recommendation, RuleResult
from ..rules import Rule
from . import RenderOptions
from .json import (
    INPUT_KEYS,
    RESULT_KEYS,
    _num,
    assessment_to_dict,
    recommendation_layout,
    rule_layout,
    rule_values,
)

# One encoder for the whole batch; the objects are trees built fresh, so no cycle check.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_encode = _ENCODER.encode
_string = json.encoder.encode_basestring

# A placeholder is a string no real entry holds (a NUL, which the encoder writes as \u0000).
_MARK = "\x00"
_PLACEHOLDER = re.compile(r'"\\u0000([\w.]+)\\u0000"')


def _slot(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


def _float(v: float) -> str:
    """A number as the encoder writes it (``repr``), for the numbers hemscore outputs.

    Every number in the output went through :func:`~hemscore.formats.json.round4`, so within
    ±10¹¹ it is the float nearest a decimal with at most four places and at most 15 digits; its
    shortest ``repr`` is then that decimal, which ``.4f`` (half the cost of ``repr``) gives with
    trailing zeros. The tests hold the two equal.
    """
    if -1e11 < v < 1e11:
        text = f"{v:.4f}".rstrip("0")
        return text + "0" if text[-1] == "." else text
    return float.__repr__(v) if v - v == 0.0 else _encode(v)  # inf and nan as the encoder has them


#: How the encoder writes an entry, by type (None is handled before this is consulted).
_BY_TYPE: dict[type, Callable[[Any], str]] = {
    float: _float, str: _string, bool: {True: "true", False: "false"}.__getitem__,
    int: int.__repr__,
}


class _Unsafe(Exception):
    """A fixed entry reads as a placeholder: this rule is encoded the plain way."""


class _Template:
    """An object's encoded text cut where its placeholders stood.

    The object is laid out with placeholder ``i`` where the ``i``-th of a tuple of values goes;
    :meth:`fill` puts the encoded values of such a tuple back in, in the order the text has them.
    """

    __slots__ = ("pick", "texts")

    def __init__(self, obj: Any, count: int) -> None:
        parts = _PLACEHOLDER.split(_encode(obj))
        names = parts[1::2]
        if sorted(names) != sorted(str(i) for i in range(count)):
            raise _Unsafe
        self.texts = tuple(parts[0::2])  # one more than the slots: the text after the last
        positions = [int(n) for n in names]
        pick = itemgetter(*positions)
        self.pick: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            pick if len(positions) > 1 else lambda values: (pick(values),))

    def fill(self, values: tuple[Any, ...]) -> str:
        by_type = _BY_TYPE
        encoded = ["null" if v is None else by_type.get(type(v), _encode)(v) for v in self.pick(values)]
        encoded.append("")
        return "".join(chain.from_iterable(zip(self.texts, encoded)))


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
            _templates(rec.rule, lang)[3].fill((_num(rec.priority), _num(rec.gain)))
            for rec in recs
        ]
        return hold("[" + ",".join(parts) + "]")

    try:
        outline = _encode(assessment_to_dict(a, lang, rules=rules, recommendations=recommendations))
        line, count = _PLACEHOLDER.subn(lambda m: raw[int(m.group(1))], outline)
        if count == len(raw):  # else a profile's string reads as a placeholder
            return line
    except (_Unsafe, ValueError, IndexError):
        pass
    return _encode(assessment_to_dict(a, lang))


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    return _encode_line(a, options.lang) + "\n"


def end(options: RenderOptions, count: int) -> str:
    return ""


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    body = "".join(item(a, options, i) for i, a in enumerate(assessments))
    return begin(options) + body + end(options, len(assessments))
