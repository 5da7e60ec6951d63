"""JSON output: the stable, documented machine contract (see README, "JSON output").

One object for one profile, a list of objects for several. The object is
:func:`hemscore.engine.record.assessment_to_dict`; this module only writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hemscore.base.numbers import round4
from hemscore.engine.assessment import Assessment
from hemscore.engine.record import SCHEMA_VERSION, assessment_to_dict
from hemscore.reading.jsontext import dumps as strict_dumps
from hemscore.render.formats.options import RenderOptions

#: Also reached from here: the object's version, the object and the house rounding.
__all__ = [
    "SCHEMA_VERSION",
    "assessment_to_dict",
    "begin",
    "dumps",
    "end",
    "item",
    "render",
    "round4",
]


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
