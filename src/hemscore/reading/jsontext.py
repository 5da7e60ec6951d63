"""JSON text as every command writes it: strict JSON, the same bytes for the same input.

Strict: JSON has no NaN or Infinity, and most readers (jq, JavaScript, Go) refuse the
``NaN``/``Infinity`` that Python's json module writes by default. Reports turn a number that is
not finite into ``null`` before it gets here (``round4``, ``jnum``); should one slip through,
writing it raises ``ValueError`` ("Out of range float values are not JSON compliant"), an
internal error, rather than putting invalid JSON in a pipeline.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from hemscore.base.errors import HemscoreError

#: The compact encoder of JSON Lines (one object per line).
COMPACT = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False
)


def dumps(obj: Any) -> str:
    """Indented strict JSON text, UTF-8, with a final newline; DEL, C1 and invisible controls
    escaped (see :func:`hemscore.safe_text.json_text`)."""
    from hemscore.base.safe_text import json_text

    try:
        text = _indented(obj)
    except _Unusual:  # the json module's own road: its output, or its error
        text = json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False)
    return json_text(text) + "\n"


class _Unusual(Exception):
    """A value :func:`_indented` leaves to the json module (a key that is not a string, a type
    JSON has no form for, a number that is not finite, a cycle)."""


_string = json.encoder.encode_basestring  # the json module's own string writer (C when built)


def _indented(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False)``, the same characters.

    With an indent the json module writes through a generator that yields every token; building
    the parts in one walk takes about half the time for an assessment. Only the types the
    reports hold (dict with string keys, list, tuple, str, int, float, bool, None) are written
    here; anything else raises :class:`_Unusual` and goes to the json module.
    ``tests/test_strict_json.py`` holds the two to the same text.
    """
    parts: list[str] = []
    add = parts.append

    def walk(o: Any, pad: str) -> None:
        if isinstance(o, str):
            add(_string(o))
        elif o is None:
            add("null")
        elif o is True:
            add("true")
        elif o is False:
            add("false")
        elif isinstance(o, int):
            add(int.__repr__(o))
        elif isinstance(o, float):
            if not math.isfinite(o):
                raise _Unusual
            add(float.__repr__(o))
        elif isinstance(o, dict):
            if not o:
                add("{}")
                return
            inner = pad + "  "
            lead = "{\n" + inner
            for k, v in o.items():
                if not isinstance(k, str):
                    raise _Unusual
                add(lead)
                add(_string(k))
                add(": ")
                walk(v, inner)
                lead = ",\n" + inner
            add("\n" + pad + "}")
        elif isinstance(o, (list, tuple)):
            if not o:
                add("[]")
                return
            inner = pad + "  "
            lead = "[\n" + inner
            for v in o:
                add(lead)
                walk(v, inner)
                lead = ",\n" + inner
            add("\n" + pad + "]")
        else:
            raise _Unusual

    try:
        walk(obj, "")
    except RecursionError:
        raise _Unusual from None
    return "".join(parts)


#: Deepest nesting of arrays and objects read. An assessment nests 7 levels (its rules'
#: scoring parameters); Python's parser would stop near 1,000 with a RecursionError.
MAX_DEPTH = 20
#: A JSON string or a bracket (compiled by re's cache when a deep-looking text is read).
_STRUCTURE = r'"(?:[^"\\]|\\.)*"|[\[\]{}]'


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects in ``text`` nest deeper than ``limit`` (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for m in re.finditer(_STRUCTURE, text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return True
        elif c in "]}":
            depth -= 1
    return False


class _Constant(ValueError):
    """A NaN or Infinity found while parsing."""


def _refuse_constant(name: str) -> None:
    raise _Constant(name)


def loads(text: str, name: str, error: type[HemscoreError]) -> Any:
    """Parse strict JSON text from file ``name``, raising ``error`` naming it.

    ``NaN``, ``Infinity`` and ``-Infinity``, which Python's json module reads by default, are
    refused: they are not JSON, and a NaN score would pass every comparison a gate makes. So is
    nesting deeper than :data:`MAX_DEPTH`, before parsing.
    """
    if too_deep(text):
        raise error(f"not valid JSON: nested more than {MAX_DEPTH} levels deep", path=name)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _Constant as exc:
        raise error(f"not valid JSON: {exc} is not a JSON number", path=name) from None
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON: {exc.msg}", path=name, line=exc.lineno) from None


def looks_like_json(path: str, text: str) -> bool:
    """Whether a file holds JSON rather than TOML: by its extension, else by its first token
    (``{``, or ``[`` opening a list of objects; a TOML file opens with a ``[table]`` header)."""
    if path.endswith(".json"):
        return True
    if path.endswith(".toml"):
        return False
    return re.match(r"\s*(\{|\[\s*[{\]])", text) is not None
