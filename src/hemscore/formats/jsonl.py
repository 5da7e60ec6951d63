"""JSON Lines: one compact JSON object per profile, one per line, written as each is assessed.

Each line is the same object as ``--format json`` gives for one profile (``schema_version``
included), without indentation, so ``jq -c``, ``grep`` and ``wc -l`` work line by line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..assessment import Assessment
from . import RenderOptions
from .json import assessment_to_dict

# One encoder for the whole batch; the objects are trees built fresh, so no cycle check.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    obj = assessment_to_dict(a, options.lang)
    return _ENCODER.encode(obj) + "\n"


def end(options: RenderOptions, count: int) -> str:
    return ""


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    body = "".join(item(a, options, i) for i, a in enumerate(assessments))
    return begin(options) + body + end(options, len(assessments))
