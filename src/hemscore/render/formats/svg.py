"""The table report as an SVG picture, exported through Rich, for sharing.

The picture must look the same in every renderer (browsers, rsvg-convert, cairosvg) and fetch
nothing. So, unlike Rich's own export:

- no web font: the text uses monospaced fonts found on the machine (DejaVu Sans Mono, Menlo,
  Consolas, Liberation Mono, then any ``monospace``), whose glyphs are no wider than the cell
  Rich lays out (0.61 em);
- no text run relies on whitespace: each word is its own ``<text>`` at its own ``x``, and
  runs of spaces are not written at all (rsvg-convert drops leading and whitespace-only runs;
  a renderer without the web font drifts across a long run). Backgrounds are drawn as
  rectangles, so nothing is lost.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console

from hemscore.base.messages import label
from hemscore.base.safe_text import terminal, xml
from hemscore.engine.assessment import Assessment
from hemscore.render.formats.options import RenderOptions
from hemscore.render.formats.table import SafeConsole, render_one

#: Fixed picture width in characters, so the same input gives the same bytes on any terminal.
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


#: Rich lays out cells of 0.61 em at 20 px: 12.2 px wide.
FONT_SIZE = 20
CELL_WIDTH = FONT_SIZE * 0.61
MONOSPACE = '"DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace'
SANS = '"DejaVu Sans", Arial, Helvetica, sans-serif'

#: The page around Rich's parts: Rich's own template without its web fonts.
PAGE = """\
<svg class="rich-terminal" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">
    <!-- hemscore report, drawn by Rich; no external resources -->
    <style>

    .{unique_id}-matrix {{
        font-family: __MONO__;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
    }}

    .{unique_id}-title {{
        font-size: 18px;
        font-weight: bold;
        font-family: __SANS__;
    }}

    {styles}
    </style>

    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>

    {chrome}
    <g transform="translate({terminal_x}, {terminal_y})" clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
""".replace("__MONO__", MONOSPACE).replace("__SANS__", SANS)

_TEXT = re.compile(
    r'<text class="(?P<cls>[^"]*)" x="(?P<x>[0-9.]+)" y="(?P<y>[0-9.]+)" '
    r'textLength="[0-9.]+" clip-path="(?P<clip>[^"]*)">(?P<body>[^<]*)</text>'
)
_WORD = re.compile(r"[^ \u00a0\n]+")


def _words(m: re.Match[str]) -> str:
    """One ``<text>`` per word of a run, each at its own cell; spaces are not drawn."""
    text = html.unescape(m.group("body"))
    x0 = float(m.group("x"))
    out = []
    for w in _WORD.finditer(text):
        x = x0 + cell_len(text[: w.start()]) * CELL_WIDTH
        width = cell_len(w.group()) * CELL_WIDTH
        out.append(
            f'<text class="{m.group("cls")}" x="{x:g}" y="{m.group("y")}" '
            f'textLength="{width:g}" clip-path="{m.group("clip")}">{xml(w.group())}</text>'
        )
    return "".join(out)


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    title = label(options.lang, "report")
    if len(assessments) == 1:
        title += f" — {assessments[0].profile.name}"
    console = record(assessments, options)
    svg = console.export_svg(title=terminal(title), code_format=PAGE, font_aspect_ratio=0.61)
    return _TEXT.sub(_words, svg) + "\n"
