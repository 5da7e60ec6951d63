"""The page every hemscore HTML report is built on: escaping, stylesheet, shell and charts.

The assessment report (:mod:`hemscore.render.formats.html`) and the analysis reports
(each ``*_page`` in :mod:`hemscore.render.reports`) share this module, so they look alike, say the same things
in the same places and keep the same rules:

- one file, its stylesheet (``formats/html.css``) inline; no script, nothing fetched, and a
  Content-Security-Policy that forbids fetching;
- every text from a profile or a rule file goes through :func:`esc` (controls shown as escapes,
  then HTML-escaped: :func:`hemscore.base.safe_text.html`) on its way into the page;
- every chart is inline SVG with a ``<title>`` and a ``<desc>`` that says what it shows in words,
  and sits beside a table of its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from hemscore._version import __version__
from hemscore.base import numbers
from hemscore.base.messages import LOADERS, first, label
from hemscore.base.safe_text import html as esc
from hemscore.base.safe_text import html_shown as shown

__all__ = ["esc", "shown"]  # escaping (hemscore.base.safe_text), re-exported for the pages

#: A share as a whole percentage: ``0.456`` → ``46%``.
pct = numbers.percent


def clip(text: str, units: int = 40) -> str:
    """``text`` cut to about ``units`` Latin-letter widths (a CJK character counts 2)."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) >= 0x2E80 else 1
        if used > units:
            return text[:i] + "…"
    return text


def word(lang: str, key: str, **fmt: object) -> str:
    """The HTML pages' text ``html.<key>``, else the common text ``key`` (the catalogue's)."""
    if fmt:
        return first(lang, ("html." + key, key), **fmt)
    return _word(lang, key)


@cache
def _word(lang: str, key: str) -> str:
    # A report asks for the same few words once per profile: looked up once per run.
    return first(lang, ("html." + key, key))


# --- the page ------------------------------------------------------------------------------


@cache
def stylesheet() -> str:
    """The reports' stylesheet, inlined into every page (read once per process)."""
    return files("hemscore.render.formats").joinpath("html.css").read_text(encoding="utf-8")


#: Nothing may be fetched: no script at all, styles only from the page itself, pictures only
#: from data: URLs (there are none; a stray one could not leave the machine).
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def page_lang(lang: str | None) -> str:
    """The language a page is written in: one the catalogue has, else English."""
    return lang if lang in LOADERS else "en"


def head(lang: str, title: str, heading: str, header_extra: str = "") -> str:
    """The document up to and with ``<main>``: ``title`` for the window, ``heading`` the
    page's one ``<h1>`` (both plain text, escaped here), ``header_extra`` markup under it."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{label(lang, "lang.html")}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="hemscore {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>\n{stylesheet()}</style>\n</head>\n<body>\n"
        f'<header class="report-head">\n<h1>{esc(heading)}</h1>\n{header_extra}</header>\n'
        "<main>\n"
    )


def tail(lang: str, after_main: str = "") -> str:
    """The document from ``</main>`` on: ``after_main`` (markup), then the footer."""
    return (
        f"</main>\n{after_main}"
        f"<footer><p>{esc(word(lang, 'made_by', version=__version__))}</p></footer>\n"
        "</body>\n</html>\n"
    )


# --- tables --------------------------------------------------------------------------------

#: A table cell: its markup, or (CSS class, markup).
CellMarkup = str | tuple[str, str]


def table(
    heads: Sequence[str],
    rows: Sequence[tuple[str, Sequence[CellMarkup]]],
    *,
    cls: str = "",
    caption: str = "",
    labelledby: str = "",
    describedby: str = "",
) -> str:
    """A table: ``heads`` plain text (escaped here, the first over the row headers), each row
    a row header and its cells as markup (already escaped). ``caption`` is plain text."""
    attrs = f' class="{cls}"' if cls else ""
    if labelledby:
        attrs += f' aria-labelledby="{labelledby}"'
    if describedby:
        attrs += f' aria-describedby="{describedby}"'
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    thead = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    body = []
    for header, cells in rows:
        tds = "".join(
            f'<td class="{c[0]}">{c[1]}</td>' if isinstance(c, tuple) else f"<td>{c}</td>"
            for c in cells
        )
        body.append(f'<tr><th scope="row">{header}</th>{tds}</tr>\n')
    return (
        f"<table{attrs}>{cap}<thead><tr>{thead}</tr></thead>\n"
        f"<tbody>\n{''.join(body)}</tbody></table>\n"
    )


def shade(score: float | None, grades: Sequence[tuple[str, float]]) -> str:
    """The heat-map class of a score out of 100: ``h4`` for the best grade band down to
    ``h0``, ``hn`` for none (``grades``: (grade, lowest score), best first)."""
    if score is None:
        return "hn"
    for i, (_, lowest) in enumerate(grades[:4]):
        if score >= lowest:
            return f"h{4 - i}"
    return "h0"


# --- charts --------------------------------------------------------------------------------


def svg(
    ident: str, width: int, height: int, title: str, desc: str, body: str, cls: str = "chart"
) -> str:
    """An accessible inline-SVG chart: ``title`` and ``desc`` (plain text) name and describe
    it, with ids ``{ident}-t`` and ``{ident}-d``; ``body`` is the drawing (markup)."""
    return (
        f'<svg class="{cls}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{esc(title)}</title><desc id="{ident}-d">{esc(desc)}</desc>'
        f"{body}</svg>"
    )


def chart_pair(labelledby: str, chart: str, numbers: str) -> str:
    """A chart beside the table of its numbers."""
    return (
        f'<div class="chart-pair">\n<figure aria-labelledby="{labelledby}">{chart}</figure>\n'
        f"{numbers}</div>\n"
    )


def figure(labelledby: str, chart: str) -> str:
    """A chart on its own, its numbers in a table that follows."""
    return f'<figure class="wide-chart" aria-labelledby="{labelledby}">{chart}</figure>\n'


def listing_sep(lang: str) -> str:
    """Between the rows a chart's description lists."""
    return "; " if lang == "en" else "；"


@dataclass(frozen=True)
class Bar:
    """One row of :func:`bar_chart`: a label and one or more bars drawn one under the other.

    ``bars`` are (CSS class, value); a None value draws an empty dashed box. ``interval``
    (low, middle, high) draws a whisker with a dot instead of bars. ``text`` is written after
    the bars (the value as a reader reads it)."""

    label: str
    bars: tuple[tuple[str, float | None], ...] = ()
    interval: tuple[float, float, float] | None = None
    text: str = ""


#: Bar-chart geometry (SVG user units): width, label's right edge, bars' left edge and width.
_W, _LABEL_X, _BAR_X, _BAR_W = 640, 258, 268, 300


def bar_chart(
    ident: str,
    title: str,
    desc: str,
    rows: Sequence[Bar],
    *,
    lo: float = 0.0,
    hi: float = 100.0,
    ticks: Sequence[float] = (0, 25, 50, 75, 100),
    reverse: bool = False,
    marker: float | None = None,
) -> str:
    """Horizontal bars (or whiskers) on one scale from ``lo`` to ``hi``; ``reverse`` puts
    ``lo`` on the right (ranks: 1 on the right, the best end). ``marker`` draws a dashed line
    at that value (a target)."""
    span = (hi - lo) or 1.0

    def x(v: float) -> float:
        frac = min(max((v - lo) / span, 0.0), 1.0)
        return _BAR_X + _BAR_W * ((1 - frac) if reverse else frac)

    step = 10 + 16 * max(1, max((len(r.bars) for r in rows), default=1))
    top = 8
    height = top + step * len(rows) + 24
    out = []
    for t in ticks:
        out.append(
            f'<line class="grid-line" x1="{x(t):.1f}" y1="{top - 4}" x2="{x(t):.1f}" '
            f'y2="{height - 20}"/><text class="tick" x="{x(t):.1f}" y="{height - 6}" '
            f'text-anchor="middle">{esc(f"{t:g}")}</text>'
        )
    for i, row in enumerate(rows):
        y = top + step * i
        out.append(
            f'<text x="{_LABEL_X}" y="{y + 13}" text-anchor="end">{esc(clip(row.label, 34))}</text>'
        )
        end: float = _BAR_X
        if row.interval is not None:
            low, mid, high = row.interval
            x1, x2 = sorted((x(low), x(high)))
            out.append(
                f'<line class="whisker" x1="{x1:.1f}" y1="{y + 8}" x2="{x2:.1f}" y2="{y + 8}"/>'
                f'<line class="whisker" x1="{x1:.1f}" y1="{y + 2}" x2="{x1:.1f}" y2="{y + 14}"/>'
                f'<line class="whisker" x1="{x2:.1f}" y1="{y + 2}" x2="{x2:.1f}" y2="{y + 14}"/>'
                f'<circle class="whisker-mid" cx="{x(mid):.1f}" cy="{y + 8}" r="5"/>'
            )
            end = max(x1, x2)
        for k, (cls, value) in enumerate(row.bars):
            yb = y + 16 * k
            if value is None:
                out.append(
                    f'<rect class="bar-none" x="{_BAR_X}" y="{yb}" width="{_BAR_W}" height="13"/>'
                )
                continue
            x0, x1 = sorted((x(max(lo, 0.0) if lo < 0 < hi else lo), x(value)))
            out.append(
                f'<rect class="{cls}" x="{x0:.1f}" y="{yb}" width="{max(x1 - x0, 1.0):.1f}" '
                'height="13"/>'
            )
            end = max(end, x1)
        if row.text:
            out.append(f'<text x="{min(end + 6, _W - 60):.1f}" y="{y + 13}">{esc(row.text)}</text>')
    if marker is not None:
        out.append(
            f'<line class="target-line" x1="{x(marker):.1f}" y1="{top - 4}" '
            f'x2="{x(marker):.1f}" y2="{height - 20}"/>'
        )
    return svg(ident, _W, height, title, desc, "".join(out))
