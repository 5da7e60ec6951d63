"""The parts the analysis commands' HTML pages share; each page lives in its report's module
(``compare_page`` in :mod:`~hemscore.render.reports.compare`, and ``plan``, ``diff``, ``audit``,
``sensitivity`` alike), so a page and its command's other formats share their helpers and no
module imports back the one that imports it.

Each page is built on :mod:`hemscore.render.html_page`, as the assessment report is: the same
stylesheet and shell, nothing fetched, every text from a file escaped by ``esc``, every chart
an inline SVG with a title and a description beside the table of its numbers.

The words of these pages are the message catalogue's ``pages.*`` texts
(:mod:`hemscore.base.messages`); factor groups take their ``uncertainty.group.*`` names.

The sensitivity page is drawn from the report's JSON object (``to_dict`` of the Monte Carlo run
and, with ``--factor``, of the variance-based analysis), so what that object gains shows here
without a second reading of the analysis. Parts drawn when their keys are present, and left out
when absent:

- ``summary.score`` / ``summary.rank``: ``{group: {"first_mean", "total_mean"}}``, the Sobol
  indices' means over the profiles, as paired bars per factor group;
- ``profiles[i].score.indices`` / ``.rank.indices``: ``{group: {"first", "first_ci", "total",
  "total_ci"}}``; as bars for up to four profiles, and for every profile the group with the
  largest total index;
- ``leave_one_out``: ``[{"rule", "title", "largest_shift", "mean_abs_shift",
  "profiles_moved", "shifts"}]``, a table, each profile's shift a column when there are few;
- ``summary.rank_within_band``: the share of profiles whose rank stays within the band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hemscore.base.messages import EN, first, listing
from hemscore.base.messages import label as text
from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import CellMarkup, esc
from hemscore.render.reports._common import label

#: A table row: its header (markup) and cells.
Row = tuple[str, list[CellMarkup]]


def say(lang: str, key: str, **fmt: object) -> str:
    """These pages' text ``pages.<key>`` in ``lang`` (the catalogue's), else an analysis
    report's (``_common.label``)."""
    if "pages." + key in EN:
        return first(lang, ("pages." + key, key), **fmt)
    return label(lang, key, **fmt)


def _group(lang: str, name: str) -> str:
    """A factor group's name in ``lang`` (the catalogue's), else as the report names it."""
    key = "uncertainty.group." + name
    return text(lang, key) if key in EN else name


def _lang(options: RenderOptions) -> str:
    return page.page_lang(options.lang)


def _section(ident: str, heading: str, body: str) -> str:
    return (
        f'<section class="block" id="{ident}" aria-labelledby="{ident}-h">\n'
        f'<h2 id="{ident}-h">{esc(heading)}</h2>\n{body}</section>\n'
    )


def _items(lines: Sequence[str], cls: str = "notes") -> str:
    """Plain-text lines as a list."""
    if not lines:
        return ""
    return f'<ul class="{cls}">\n' + "".join(f"<li>{esc(x)}</li>\n" for x in lines) + "</ul>\n"


def _whole(lang: str, title: str, heading: str, subtitle: str, body: str) -> str:
    extra = f'<p class="muted">{esc(subtitle)}</p>\n' if subtitle else ""
    return page.head(lang, title, heading, extra) + body + page.tail(lang)


def _who(names: Sequence[str], lang: str) -> str:
    """The profiles a page is about: their names, or for many, how many."""
    if len(names) > 8:
        return say(lang, "n_profiles", n=len(names))
    return listing(lang).join(names)


def _facts(items: Sequence[tuple[str, str]]) -> str:
    """Key figures as a definition list (keys plain text, values markup)."""
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return f'<div class="profile-head"><dl class="facts">{dl}</dl></div>\n'


def _numbers_table(
    heads: Sequence[str], rows: Sequence[tuple[str, Sequence[CellMarkup]]], lang: str, ident: str
) -> str:
    return page.table(
        heads,
        rows,
        cls="chart-data",
        caption=page.word(lang, "chart_numbers"),
        describedby=f"{ident}-t",
    )


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _n(x: Any) -> float | None:
    """A finite number from JSON data, else None."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def _g(x: Any) -> str:
    n = _n(x)
    return "–" if n is None else f"{n:g}"


def _cell(v: Any) -> CellMarkup:
    n = _n(v)
    if n is not None:
        return ("num", f"{n:g}" if n.is_integer() else f"{n:.2f}")
    return ("num", "–") if v is None or isinstance(v, bool) else esc(v)


def _delta_class(x: float | None) -> str:
    return "up" if x is not None and x > 0 else "down" if x is not None and x < 0 else "same"
