"""The table report as a self-contained HTML page, exported through Rich, for sharing."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console

from ..assessment import Assessment
from . import RenderOptions
from .table import render_one

#: Fixed page width in characters, so the same input gives the same bytes on any terminal.
WIDTH = 100


def record(assessments: Sequence[Assessment], options: RenderOptions) -> Console:
    """A recording console holding the table report of every assessment, in colour."""
    con = Console(
        record=True, file=io.StringIO(), width=WIDTH, force_terminal=True,
        color_system="truecolor", highlight=False, emoji=False, legacy_windows=False,
    )
    for n, a in enumerate(assessments):
        if n:
            con.rule()
        con.print(render_one(a, options))
    return con


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    return record(assessments, options).export_html(inline_styles=True)
