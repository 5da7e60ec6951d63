"""JSON Lines: one compact JSON object per profile, one per line, written as each is assessed.

Each line is the same object as ``--format json`` gives for one profile (``schema_version``
included), without indentation, so ``jq -c``, ``grep`` and ``wc -l`` work line by line. The
line is :func:`hemscore.engine.record.json_line`; this module only writes it.
"""

from __future__ import annotations

from hemscore.engine.assessment import Assessment
from hemscore.engine.record import json_line
from hemscore.render.formats.options import RenderOptions


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    return json_line(a, options.lang, compact=options.compact)


def end(options: RenderOptions, count: int) -> str:
    return ""
