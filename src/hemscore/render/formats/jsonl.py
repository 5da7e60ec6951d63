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
from operator import call, itemgetter
from typing import Any

from hemscore.base.safe_text import json_text
from hemscore.engine.assessment import Assessment, Recommendation, RuleResult
from hemscore.model.rules import Rule
from hemscore.reading.jsontext import COMPACT
from hemscore.render.formats import RenderOptions
from hemscore.render.formats.json import (
    INPUT_KEYS,
    RESULT_KEYS,
    _num,
    assessment_to_dict,
    compact_dict,
    recommendation_layout,
    rule_layout,
    rule_values,
)

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


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    if options.compact:
        return json_text(_encode(compact_dict(a))) + "\n"
    return json_text(_encode_line(a, options.lang)) + "\n"


def end(options: RenderOptions, count: int) -> str:
    return ""
