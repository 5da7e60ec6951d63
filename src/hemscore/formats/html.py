"""The table report as a self-contained HTML page, exported through Rich, for sharing."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console

from ..assessment import Assessment
from ..i18n import label
from ..safe_text import terminal, xml
from . import RenderOptions
from .table import SafeConsole, render_one

#: Fixed page width in characters, so the same input gives the same bytes on any terminal.
WIDTH = 100


def record(assessments: Sequence[Assessment], options: RenderOptions) -> Console:
    """A recording console holding the table report of every assessment, in colour."""
    con = SafeConsole(
        record=True,
        file=io.StringIO(),
        width=WIDTH,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    for n, a in enumerate(assessments):
        if n:
            con.rule()
        con.print(render_one(a, options))
    return con


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    page = record(assessments, options).export_html(inline_styles=True)
    title = label(options.lang, "report")
    if len(assessments) == 1:
        title += f" — {assessments[0].profile.name}"
    lang = "zh" if options.lang == "zh" else "en"
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    return page.replace("<head>\n", f"<head>\n<title>{xml(terminal(title))}</title>\n", 1)
