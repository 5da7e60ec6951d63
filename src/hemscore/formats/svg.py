"""The table report as an SVG picture, exported through Rich, for sharing."""

from __future__ import annotations

from collections.abc import Sequence

from ..assessment import Assessment
from ..i18n import label
from ..safe_text import terminal
from . import RenderOptions
from .html import record


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    title = label(options.lang, "report")
    if len(assessments) == 1:
        title += f" — {assessments[0].profile.name}"
    return record(assessments, options).export_svg(title=terminal(title)) + "\n"
