"""The assessment as a self-contained HTML report, for reading in a browser and printing.

One file with its stylesheet inline (``html.css`` beside this module, shipped in the package):
no script, no font, no picture or style is fetched, and a Content-Security-Policy forbids it.
Charts are inline SVG, each with a ``<title>``, a ``<desc>`` and a table of its numbers.

Markup is built by small functions, not a template engine (see docs/formats.md, "HTML report"):
every text that comes from a profile or a rule file goes through :func:`esc` on its way in
(control characters shown as escapes, as in every hemscore output, then HTML-escaped).

The report streams: :func:`begin` writes the head, :func:`item` one ``<section>`` per profile as
it is assessed, and :func:`end` the overview (list of profiles and heat map), which needs every
profile and so comes last. What the overview needs of a profile (its name, grade and a few
numbers) is all that is kept between calls, so memory stays flat in the batch size.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from hemscore.base import messages
from hemscore.base.messages import clause, colon, label
from hemscore.engine.assessment import Assessment, RuleResult
from hemscore.model.rules import RuleSet
from hemscore.render import html_page as page
from hemscore.render.formats import _text as tx
from hemscore.render.formats.options import RenderOptions
from hemscore.render.html_page import CSP, esc, shown, stylesheet
from hemscore.render.html_page import clip as _clip
from hemscore.render.html_page import pct as _pct

__all__ = ["CSP", "esc", "shown", "stylesheet"]  # the page's helpers, kept at their old address

#: Items depend on the ones before them (section numbers, the overview): ``--jobs`` renders
#: them in one process, in order (see :mod:`hemscore.formats`).
IN_ORDER = True

# --- words ---------------------------------------------------------------------------------


#: This report's text ``html.<key>`` in ``lang``, else the common text ``key``.
say = page.word


def paper(sections: Sequence[str], lang: str) -> str:
    """Paper sections under a "Paper" heading: ``§1.2, §3.2`` (``引言``/``intro`` for the intro)."""
    return _paper(tuple(sections), lang)


@cache
def _paper(sections: tuple[str, ...], lang: str) -> str:
    # The same rules' sections, once per profile: written once per run.
    return messages.paper(sections, lang, short=True)


def _reason(r: RuleResult, lang: str) -> str:
    """Why a rule has no score, in the report's language (the engine states it in English)."""
    why = r.reason or ""
    if why == "no value in the profile":
        return say(lang, "reason_no_value")
    if why.startswith("the table holds only a residual share"):
        return say(lang, "reason_residual")
    if why.startswith("the series needs two positive values"):
        years = re.search(r"within (\d+) years", why)
        return say(lang, "reason_series", n=int(years.group(1)) if years else 3)
    if why == "the series has no positive peak":
        return say(lang, "reason_no_peak")
    return why


# --- the page ------------------------------------------------------------------------------


def _lang(options: RenderOptions) -> str:
    return page.page_lang(options.lang)


def _head(options: RenderOptions, name: str | None) -> str:
    """The document up to ``<main>``; ``name`` (one profile's) goes into the page title."""
    lang = _lang(options)
    title = label(lang, "report") + (f" — {name}" if name is not None else "")
    skip = (
        f'<p class="skip"><a href="#overview">{say(lang, "to_overview")}</a></p>\n'
        if options.many
        else ""
    )
    return page.head(
        lang,
        title,
        label(lang, "report"),
        f'<p class="legend">{esc(say(lang, "legend"))}</p>\n{skip}',
    )


def begin(options: RenderOptions) -> str:
    # The head is written with the first profile, whose name titles a one-profile page.
    _RUNS[id(options)] = _Run()
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    lang = _lang(options)
    anchor = f"p{index + 1}"
    run = _RUNS.setdefault(id(options), _Run())
    head = "" if run.rows else _head(options, None if options.many else a.profile.name)
    run.add(a, anchor, lang)
    parts = [
        head,
        f'<section class="profile" id="{anchor}" aria-labelledby="{anchor}-h">\n',
        _header(a, lang, anchor),
        _warnings(a, lang, anchor),
        _diagnostics(a, lang, anchor),
        _benchmark(a, lang, anchor),
        _rules(a, lang, anchor),
        _series(a, lang, anchor),
        _highlights(a, lang, anchor),
        _waivers(a, lang, anchor),
        _recommendations(a, lang, anchor),
    ]
    if options.many:
        parts.append(f'<p class="back"><a href="#overview">{say(lang, "back")}</a></p>\n')
    parts.append("</section>\n")
    return "".join(parts)


def end(options: RenderOptions, count: int) -> str:
    lang = _lang(options)
    run = _RUNS.pop(id(options), None) or _Run()
    overview = _overview(run, lang) if (options.many or count > 1) and run.rows else ""
    head = "" if run.rows else _head(options, None)
    return head + page.tail(lang, overview)


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    if options.many is None:
        options = replace(options, many=len(assessments) != 1)
    parts = [begin(options)]
    parts += [item(a, options, i) for i, a in enumerate(assessments)]
    parts.append(end(options, len(assessments)))
    return "".join(parts)


# --- what the overview keeps of each profile -------------------------------------------------


@dataclass(slots=True)
class _Row:
    anchor: str
    name: str  # escaped
    overall: tuple[str, str]  # (shade class, text)
    grade: str  # escaped
    cells: tuple[tuple[str, str], ...]  # per diagnostic: (shade class, text)
    summary: str  # the overall score and grade, for the list of profiles


@dataclass(slots=True)
class _Run:
    rows: list[_Row]
    diagnostics: tuple[str, ...]  # escaped titles, from the first profile's rule set

    def __init__(self) -> None:
        self.rows = []
        self.diagnostics = ()

    def add(self, a: Assessment, anchor: str, lang: str) -> None:
        if not self.diagnostics:
            self.diagnostics = tuple(esc(d.title(lang)) for d in a.diagnostics)
        cells = tuple(
            (_shade(a, d.score), tx.score(d.score) if d.score is not None else "–")
            for d in a.diagnostics
        )
        overall = (_shade(a, a.score), tx.score(a.score) if a.score is not None else "–")
        summary = (
            f"{overall[1]} ({esc(a.grade)})"
            if a.score is not None
            else f"{esc(label(lang, 'insufficient_data'))} ({esc(a.grade)})"
        )
        self.rows.append(_Row(anchor, esc(a.profile.name), overall, esc(a.grade), cells, summary))


#: id(options) -> the overview's rows of the page being written with those options.
_RUNS: dict[int, _Run] = {}


def _shade(a: Assessment, score: float | None) -> str:
    """The heat-map class of a score: h4 for the best grade band down to h0, hn for none."""
    return page.shade(score, a.ruleset.grades)


def _overview(run: _Run, lang: str) -> str:
    items = "".join(
        f'<li><a href="#{r.anchor}">{r.name}</a> — {r.summary}</li>\n' for r in run.rows
    )
    head = "".join(f'<th scope="col">{t}</th>' for t in run.diagnostics)
    body = []
    for r in run.rows:
        cells = "".join(f'<td class="{c}">{t}</td>' for c, t in r.cells)
        body.append(
            f'<tr><th scope="row"><a href="#{r.anchor}">{r.name}</a></th>'
            f'<td class="{r.overall[0]}">{r.overall[1]}</td><td>{r.grade}</td>{cells}</tr>\n'
        )
    return (
        '<section class="overview" id="overview" aria-labelledby="overview-h">\n'
        f'<h2 id="overview-h">{esc(say(lang, "overview"))}</h2>\n'
        f'<nav aria-labelledby="nav-h">\n<h3 id="nav-h">{esc(say(lang, "profiles"))}</h3>\n'
        f"<ol>\n{items}</ol>\n</nav>\n"
        f'<h3 id="heat-h">{esc(say(lang, "heatmap"))}</h3>\n'
        f'<p class="legend" id="heat-note">{esc(say(lang, "heatmap_note"))}</p>\n'
        '<table class="heat" aria-labelledby="heat-h" aria-describedby="heat-note">\n'
        f'<thead><tr><th scope="col">{esc(label(lang, "profile"))}</th>'
        f'<th scope="col">{esc(label(lang, "overall"))}</th>'
        f'<th scope="col">{esc(label(lang, "grade"))}</th>{head}</tr></thead>\n'
        f"<tbody>\n{''.join(body)}</tbody>\n</table>\n</section>\n"
    )


# --- one profile ---------------------------------------------------------------------------


def _header(a: Assessment, lang: str, anchor: str) -> str:
    p = a.profile
    sub = [esc(label(lang, p.kind)), str(p.year)]
    if p.country:
        sub.append(esc(p.country))
    if a.score is None:
        overall = esc(label(lang, "insufficient_data"))
        overall_cls = ' class="small"'
    else:
        overall = f'{tx.score(a.score)} <span class="muted">{say(lang, "out_of")}</span>'
        overall_cls = ""
    facts = [
        (label(lang, "overall"), overall, overall_cls),
        (label(lang, "grade"), esc(a.grade), ""),
        (label(lang, "coverage"), _pct(a.coverage), ""),
        (
            label(lang, "ruleset"),
            f"{esc(a.ruleset.name)} {esc(a.ruleset.version)}",
            ' class="small"',
        ),
        (label(lang, "aggregation"), esc(label(lang, a.aggregation)), ' class="small"'),
    ]
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd{c}>{v}</dd></div>" for k, v, c in facts)
    description = f'<p class="description">{esc(p.description)}</p>\n' if p.description else ""
    return (
        f'<header class="profile-head">\n<h2 id="{anchor}-h">{esc(p.name)}</h2>\n'
        f'<p class="muted">{" · ".join(sub)}</p>\n<dl class="facts">{dl}</dl>\n</header>\n'
        f"{description}"
    )


def _warnings(a: Assessment, lang: str, anchor: str) -> str:
    """Data-quality warnings (each naming its metric and line) and the coverage guidance;
    nothing when the assessment has neither."""
    parts = []
    if a.warnings:
        items = "".join(
            f"<li>{esc(w.metric)}{esc(colon(lang))}{esc(w.text(lang))}"
            + (f" ({esc(label(lang, 'line'))} {w.line})" if w.line is not None else "")
            + "</li>\n"
            for w in a.warnings
        )
        parts.append(
            f'<section class="hook" aria-labelledby="{anchor}-w">\n'
            f'<h3 id="{anchor}-w">{esc(say(lang, "warnings"))}</h3>\n<ul>\n{items}</ul>\n</section>\n'
        )
    guidance = tx.guidance(a, lang)
    if guidance:
        items = "".join(
            f"<li>{esc(head)}<ul>\n" + "".join(f"<li>{esc(i)}</li>\n" for i in sub) + "</ul></li>\n"
            for head, sub in guidance
        )
        parts.append(
            f'<section class="hook" aria-labelledby="{anchor}-g">\n'
            f'<h3 id="{anchor}-g">{esc(label(lang, "coverage_guidance"))}</h3>\n<ul>\n{items}</ul>\n</section>\n'
        )
    return "".join(parts)


# Diagnostics chart geometry (SVG user units)
_W, _LABEL_X, _BAR_X, _BAR_W, _ROW, _TOP = 640, 258, 268, 320, 46, 8


def _bar_class(score: float) -> str:
    return "bar-high" if score >= 65 else "bar-mid" if score >= 35 else "bar-low"


def _diagnostics(a: Assessment, lang: str, anchor: str) -> str:
    height = _TOP + _ROW * len(a.diagnostics) + 24
    svg = []
    for tick in (0, 25, 50, 75, 100):
        x = _BAR_X + _BAR_W * tick / 100
        svg.append(
            f'<line class="grid-line" x1="{x:g}" y1="{_TOP - 4}" x2="{x:g}" y2="{height - 20}"/>'
            f'<text class="tick" x="{x:g}" y="{height - 6}" text-anchor="middle">{tick}</text>'
        )
    rows_desc = []
    for i, d in enumerate(a.diagnostics):
        y = _TOP + _ROW * i
        title = d.title(lang)
        score_text = tx.diag_score(d, lang)
        cov = _pct(d.coverage)
        rows_desc.append(say(lang, "chart_row", title=title, score=score_text, coverage=cov))
        svg.append(
            f'<text x="{_LABEL_X}" y="{y + 13}" text-anchor="end">{esc(_clip(title))}</text>'
            f'<text class="cov-label" x="{_LABEL_X}" y="{y + 29}" text-anchor="end">'
            f"{esc(say(lang, 'coverage_short', coverage=cov))}</text>"
        )
        if d.score is None:
            svg.append(
                f'<rect class="bar-none" x="{_BAR_X}" y="{y}" width="{_BAR_W}" height="16"/>'
                f'<text x="{_BAR_X + 8}" y="{y + 13}">{esc(score_text)}</text>'
            )
        else:
            w = _BAR_W * max(0.0, min(d.score, 100.0)) / 100
            svg.append(
                f'<rect class="{_bar_class(d.score)}" x="{_BAR_X}" y="{y}" width="{w:.1f}" '
                f'height="16"/><text x="{_BAR_X + w + 5:.1f}" y="{y + 13}">{score_text}</text>'
            )
        svg.append(
            f'<rect class="cov-track" x="{_BAR_X}" y="{y + 21}" width="{_BAR_W}" height="6"/>'
            f'<rect class="cov-fill" x="{_BAR_X}" y="{y + 21}" '
            f'width="{_BAR_W * d.coverage:.1f}" height="6"/>'
        )
    name = a.profile.name
    chart = (
        f'<svg class="chart" viewBox="0 0 {_W} {height}" width="{_W}" height="{height}" '
        f'role="img" aria-labelledby="{anchor}-ct {anchor}-cd" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{anchor}-ct">{esc(say(lang, "chart_title", name=name))}</title>'
        f'<desc id="{anchor}-cd">'
        f"{esc(say(lang, 'chart_desc', rows=clause(lang).join(rows_desc)))}"
        f"</desc>{''.join(svg)}</svg>"
    )
    table_rows = "".join(
        f'<tr><th scope="row">{esc(d.title(lang))}</th>'
        f'<td class="num">{esc(tx.diag_score(d, lang))}</td>'
        f'<td class="num">{_pct(d.coverage)}</td><td class="num">{tx.num(d.weight, 2)}</td></tr>'
        for d in a.diagnostics
    )
    table = (
        f'<table class="chart-data" aria-describedby="{anchor}-ct">'
        f"<caption>{esc(say(lang, 'chart_numbers'))}</caption>"
        f'<thead><tr><th scope="col">{esc(label(lang, "diagnostic"))}</th>'
        f'<th scope="col">{esc(label(lang, "score"))}</th>'
        f'<th scope="col">{esc(label(lang, "coverage"))}</th>'
        f'<th scope="col">{esc(label(lang, "weight"))}</th></tr></thead>'
        f"<tbody>{table_rows}</tbody></table>"
    )
    return (
        f'<h3 id="{anchor}-d">{esc(label(lang, "diagnostics"))}</h3>\n'
        f'<div class="chart-pair">\n<figure aria-labelledby="{anchor}-d">{chart}</figure>\n'
        f"{table}\n</div>\n"
    )


# --- reference panel ------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelRow:
    """One indicator of the benchmark strip chart: the profile's measure among the panel's."""

    title: str
    unit: str
    value: float
    peers: tuple[float, ...]
    higher_is_better: bool = True


#: Profile kinds placed among the reference panel, whose profiles are economies.
PANEL_KINDS = ("country",)


def panel_rows(a: Assessment, lang: str = "en") -> tuple[PanelRow, ...]:
    """The indicators on which ``a``'s profile can be placed among the reference panel (the
    economies shipped in reference/panel/2017): every rule scored on a number that a panel
    economy also has, with the economies' measures. None for other kinds of profile, or when
    the panel is not installed or does not fit the rule set in use."""
    if a.profile.kind not in PANEL_KINDS:
        return ()
    measures = _panel_measures(a.ruleset)
    if not measures:
        return ()
    from hemscore.analysis.peers import LOWER_IS_BETTER

    me = os.path.realpath(a.profile.path) if a.profile.path != "<stdin>" else None
    rows = []
    for r in a.results:
        if r.score is None or isinstance(r.value, bool) or r.value is None:
            continue
        values = tuple(v for path, v in measures.get(r.rule.id, ()) if path != me)
        if not values:
            continue
        metric = a.ruleset.metrics.get(r.rule.metric)
        rows.append(
            PanelRow(
                f"{r.id} {r.rule.text(lang, 'title')}",
                tx.unit(r, lang, a.ruleset.metrics),
                float(r.value),
                values,
                metric is None or metric.better not in LOWER_IS_BETTER,
            )
        )
    return tuple(rows)


#: id(rule set) -> (rule set, rule id -> [(panel file, measure)]): the panel is read once.
_PANEL: dict[int, tuple[object, dict[str, list[tuple[str, float]]]]] = {}


def _panel_measures(ruleset: RuleSet) -> dict[str, list[tuple[str, float]]]:
    hit = _PANEL.get(id(ruleset))
    if hit is not None and hit[0] is ruleset:
        return hit[1]
    from hemscore.base.errors import HemscoreError
    from hemscore.engine.assessment import evaluate_rule
    from hemscore.engine.validation import check_profile, read_source
    from hemscore.importers.panel import panel_dir
    from hemscore.reading.inputs import expand

    found: dict[str, list[tuple[str, float]]] = {}
    folder = panel_dir()
    try:
        profiles = (
            [
                (os.path.realpath(src.name), check_profile(read_source(src), ruleset))
                for src in expand([str(folder)])
            ]
            if folder.is_dir()
            else []
        )
    except HemscoreError:  # a rule set whose catalogue the panel does not fit
        profiles = []
    for rule in ruleset.rules:
        for path, p in profiles:
            if p.kind not in rule.kinds:
                continue
            r = evaluate_rule(rule, p.values.get(rule.metric))
            if r.score is not None and r.value is not None and not isinstance(r.value, bool):
                found.setdefault(rule.id, []).append((path, float(r.value)))
    _PANEL[id(ruleset)] = (ruleset, found)
    return found


def _benchmark(a: Assessment, lang: str, anchor: str) -> str:
    rows = panel_rows(a, lang)
    return strip_chart(rows, a.profile.name, lang, anchor) if rows else ""


def strip_chart(rows: Sequence[PanelRow], name: str, lang: str, anchor: str) -> str:
    """A strip plot per indicator: the panel's values as dots, the profile's highlighted."""
    width, left, right, step = 640, 258, 620, 30
    height = step * len(rows) + 10
    svg: list[str] = []
    desc: list[str] = []
    table: list[tuple[str, list[page.CellMarkup]]] = []
    for i, row in enumerate(rows):
        y = 18 + step * i
        values = (*row.peers, row.value)
        lo, hi = min(values), max(values)
        span = (hi - lo) or 1.0

        def x_of(
            v: float, lo: float = lo, span: float = span, flip: bool = not row.higher_is_better
        ) -> float:
            frac = (v - lo) / span
            return left + (right - left) * (1 - frac if flip else frac)

        better = sum(
            1 for p in row.peers if (p < row.value) == row.higher_is_better and p != row.value
        )
        pct = f"{100 * better / len(row.peers):.0f}" if row.peers else "–"
        shown = tx.num(row.value, 2) + ("" if not row.unit or row.unit.startswith("%") else " ")
        shown += row.unit
        desc.append(say(lang, "benchmark_row", title=row.title, value=shown, pct=pct))
        svg.append(
            f'<text x="{left - 10}" y="{y + 4}" text-anchor="end">{esc(_clip(row.title, 32))}</text>'
            f'<line class="strip-axis" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
        )
        svg += [
            f'<circle class="strip-peer" cx="{x_of(p):.1f}" cy="{y}" r="3"/>' for p in row.peers
        ]
        svg.append(f'<circle class="strip-self" cx="{x_of(row.value):.1f}" cy="{y}" r="6"/>')
        lo_hi = f"{tx.num(min(row.peers, default=row.value), 2)}–"
        lo_hi += tx.num(max(row.peers, default=row.value), 2)
        table.append((esc(row.title), [("num", esc(shown)), ("num", f"{pct}%"), ("num", lo_hi)]))
    title = say(lang, "benchmark_title", name=name, n=max((len(r.peers) for r in rows), default=0))
    chart = page.svg(
        f"{anchor}-b",
        width,
        height,
        title,
        say(lang, "benchmark_desc", name=name, rows=page.listing_sep(lang).join(desc)),
        "".join(svg),
    )
    heads = (
        say(lang, "indicator"),
        label(lang, "value"),
        say(lang, "better_than"),
        say(lang, "panel_range"),
    )
    numbers = page.table(
        heads,
        table,
        cls="chart-data",
        caption=say(lang, "chart_numbers"),
        describedby=f"{anchor}-b-t",
    )
    return f'<h3 id="{anchor}-b">{esc(say(lang, "benchmark"))}</h3>\n' + page.chart_pair(
        f"{anchor}-b", chart, numbers
    )


# --- rules ---------------------------------------------------------------------------------

#: (id of rule, lang) -> (rule, its cells that do not depend on the profile). A batch renders
#: the same few dozen rules for every profile, so these are built once per process.
_STATIC: dict[tuple[int, str], tuple[object, tuple[str, str, str]]] = {}


def _static(r: RuleResult, lang: str, metrics: dict) -> tuple[str, str, str]:  # type: ignore[type-arg]
    """The row's id and title cells, its target cell and its paper cell, escaped."""
    hit = _STATIC.get((id(r.rule), lang))
    if hit is not None and hit[0] is r.rule:
        return hit[1]
    rule = r.rule
    cells = (
        f'<th scope="row">{esc(rule.id)}</th><td>{esc(rule.text(lang, "title"))}</td>',
        f'<td class="num">{esc(tx.target(r, lang, metrics))}</td>',
        f"<td>{esc(paper(rule.paper, lang))}</td>",
    )
    _STATIC[(id(rule), lang)] = (rule, cells)
    return cells


_ICONS = {s: say("en", f"icon_{s}") for s in ("pass", "fail", "missing", "waived")}


def _value(r: RuleResult, lang: str, metrics: dict) -> str:  # type: ignore[type-arg]
    """The value with its unit, then a * for an estimate or a † for a planned target."""
    v = r.value
    if v is None:
        return "–"
    if isinstance(v, bool):
        text = esc(label(lang, "yes" if v else "no"))
    else:
        u = tx.unit(r, lang, metrics)
        text = tx.num(v, 2 if abs(v) < 10 else 1) + ("" if not u or u.startswith("%") else " ") + u
    mv = r.input
    if mv is not None and mv.is_target:
        text += f'<span class="mark">{tx.PLANNED_MARK}</span>'
    elif mv is not None and mv.is_estimate:
        text += '<span class="mark">*</span>'
    return text


def _notes(r: RuleResult, lang: str) -> str:
    notes = []
    mv = r.input
    if mv is not None and mv.is_target:
        notes.append(
            f'<span class="badge">{tx.PLANNED_MARK} {esc(say(lang, "planned_badge"))}</span>'
        )
    elif mv is not None and mv.is_estimate:
        notes.append(f'<span class="badge">* {esc(say(lang, "estimate_badge"))}</span>')
    if r.status == "waived":
        notes.append(esc(say(lang, "waived_because", reason=r.reason or "")))
    elif r.status == "missing" and r.reason and mv is not None:
        notes.append(esc(_reason(r, lang)))
    d = r.detail
    if d:
        if "from_year" in d:
            notes.append(esc(say(lang, "years_span", **d)))
        if "peak_year" in d:
            notes.append(esc(say(lang, "peak_year", **d)))
        if "label" in d:
            notes.append(esc(say(lang, "largest_label", label=d["label"])))
        if "residual_pct" in d:
            notes.append(esc(say(lang, "residual", pct=tx.num(d["residual_pct"]))))
    return " ".join(notes)


def _source(r: RuleResult, lang: str) -> str:
    mv = r.input
    if mv is None:
        return ""
    text = esc(tx.source_line(r, lang))  # a planned value's says it is a target, not measured
    if mv.note and not mv.is_target:
        text += f'<span class="note-text">{esc(mv.note)}</span>'
    return text


def _status(r: RuleResult, lang: str) -> str:
    return (
        f'<td class="status st-{r.status}"><span class="icon" aria-hidden="true">'
        f"{_ICONS[r.status]}</span> {esc(label(lang, r.status))}</td>"
    )


_THEAD: dict[str, str] = {}


def _thead(lang: str) -> str:
    hit = _THEAD.get(lang)
    if hit is None:
        cols = (
            label(lang, "rule"),
            say(lang, "indicator"),
            label(lang, "value"),
            label(lang, "target"),
            label(lang, "score"),
            label(lang, "status"),
            label(lang, "source"),
            say(lang, "notes"),
            label(lang, "paper"),
        )
        hit = "<thead><tr>" + "".join(f'<th scope="col">{esc(c)}</th>' for c in cols)
        hit += "</tr></thead>"
        _THEAD[lang] = hit
    return hit


def _rules(a: Assessment, lang: str, anchor: str) -> str:
    metrics = a.ruleset.metrics
    out = [f'<h3 id="{anchor}-r">{esc(label(lang, "rules"))}</h3>\n']
    thead = _thead(lang)
    for i, d in enumerate(a.diagnostics):
        if not d.rules:
            continue
        title = d.title(lang)
        caption = (
            f"{esc(title)} — {esc(tx.diag_score(d, lang))}"
            f"{' ' + say(lang, 'out_of') if d.score is not None else ''} · "
            f"{esc(say(lang, 'coverage_short', coverage=_pct(d.coverage)))}"
        )
        rows = []
        for r in d.rules:
            head, target, paper = _static(r, lang, metrics)
            rows.append(
                f'<tr>{head}<td class="num">{_value(r, lang, metrics)}</td>'
                f'{target}<td class="num">{tx.score(r.score)}</td>'
                f'{_status(r, lang)}<td class="src">{_source(r, lang)}</td>'
                f'<td class="notes">{_notes(r, lang)}</td>{paper}</tr>\n'
            )
        out.append(
            f'<table class="rules"><caption>{caption}</caption>{thead}\n'
            f"<tbody>\n{''.join(rows)}</tbody></table>\n"
        )
    return "".join(out)


# --- series --------------------------------------------------------------------------------

_SW, _SH, _SP = 180, 40, 5


def sparkline(series: dict[int, float], title: str, desc: str, ident: str) -> str:
    """An inline-SVG line through a year → value series, its peak marked."""
    years = sorted(series)
    values = [float(series[y]) for y in years]
    lo, hi = min(values), max(values)
    span = hi - lo
    n = len(values)
    pts = []
    for k, v in enumerate(values):
        x = _SP + (_SW - 2 * _SP) * (k / (n - 1) if n > 1 else 0.5)
        y = _SH / 2 if span == 0 else _SP + (_SH - 2 * _SP) * (1 - (v - lo) / span)
        pts.append((x, y))
    peak = max(range(n), key=lambda k: (values[k], years[k]))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    body = (
        f'<polyline class="spark" points="{line}"/>'
        f'<circle class="spark-dot" cx="{pts[-1][0]:.1f}" cy="{pts[-1][1]:.1f}" r="2.5"/>'
        f'<circle class="spark-peak" cx="{pts[peak][0]:.1f}" cy="{pts[peak][1]:.1f}" r="3"/>'
    )
    return page.svg(ident, _SW, _SH, title, desc, body, cls="sparkline")


def _series(a: Assessment, lang: str, anchor: str) -> str:
    drawn: dict[str, tuple[RuleResult, dict[int, float]]] = {}
    for r in a.results:
        mv = r.input
        if (
            getattr(a.ruleset.metrics.get(r.rule.metric), "type", None) == "series"
            and mv is not None
            and isinstance(mv.value, dict)
            and mv.value
            and r.rule.metric not in drawn
        ):
            drawn[r.rule.metric] = (r, mv.value)
    if not drawn:
        return ""
    out = [f'<h3 id="{anchor}-s">{esc(say(lang, "series"))}</h3>\n']
    for k, (metric_id, (r, series)) in enumerate(drawn.items()):
        metric = a.ruleset.metrics.get(metric_id)
        title = metric.text(lang, "title") if metric is not None else metric_id
        years = sorted(series)
        lo_y = min(years, key=lambda y: (series[y], y))
        hi_y = max(years, key=lambda y: (series[y], y))
        ident = f"{anchor}-s{k}"
        caption = say(lang, "spark_title", title=title, first=years[0], last=years[-1])
        desc = say(
            lang,
            "spark_desc",
            n=len(years),
            first=years[0],
            last=years[-1],
            lo=tx.num(series[lo_y], 2),
            lo_year=lo_y,
            hi=tx.num(series[hi_y], 2),
            hi_year=hi_y,
            latest=tx.num(series[years[-1]], 2),
        )
        ths = "".join(f'<th scope="col">{y}</th>' for y in years)
        tds = "".join(f'<td class="num">{tx.num(series[y], 2)}</td>' for y in years)
        marks = _value(r, lang, a.ruleset.metrics)
        out.append(
            f'<figure class="series" aria-labelledby="{ident}-c"><figcaption id="{ident}-c">'
            f"{esc(caption)}</figcaption>{sparkline(series, caption, desc, ident)}"
            f'<table class="series-table" aria-describedby="{ident}-c"><thead><tr>'
            f'<th scope="col">{esc(say(lang, "year_col"))}</th>{ths}</tr></thead><tbody><tr>'
            f'<th scope="row">{esc(label(lang, "value"))}</th>{tds}</tr></tbody></table>'
            f'<p class="legend">{esc(r.rule.id)}: {marks}</p></figure>\n'
        )
    return "".join(out)


# --- strengths, waivers, recommendations ---------------------------------------------------


def _highlights(a: Assessment, lang: str, anchor: str) -> str:
    if not a.strengths and not a.weaknesses:
        return ""
    metrics = a.ruleset.metrics
    cols = []
    for key, results in (("strengths", a.strengths), ("weaknesses", a.weaknesses)):
        items = "".join(
            f"<li><strong>{esc(r.id)}</strong> {esc(r.rule.text(lang, 'title'))}"
            f"{colon(lang)}{_value(r, lang, metrics)}"
            f"{'（' if lang == 'zh' else ' ('}{tx.score(r.score)}{'）' if lang == 'zh' else ')'}"
            "</li>\n"
            for r in results
        )
        cols.append(
            f'<div class="{key}"><h3 id="{anchor}-{key}">{esc(label(lang, key))}</h3>\n'
            f"<ul>\n{items}</ul></div>\n"
        )
    return f'<div class="highlights">\n{"".join(cols)}</div>\n'


def _waivers(a: Assessment, lang: str, anchor: str) -> str:
    notes = a.waiver_notes
    if not notes:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{esc(w.rule)}</th><td>{esc(w.reason)}</td>'
        f"<td>{esc(say(lang, 'applied') if w.applied else tx.waiver_why(w.why_not, lang))}</td></tr>\n"
        for w in notes
    )
    return (
        f'<h3 id="{anchor}-w8">{esc(label(lang, "waivers"))}</h3>\n<table class="waivers">'
        f'<thead><tr><th scope="col">{esc(label(lang, "rule"))}</th>'
        f'<th scope="col">{esc(label(lang, "reason"))}</th>'
        f'<th scope="col">{esc(label(lang, "status"))}</th></tr></thead>\n'
        f"<tbody>\n{rows}</tbody></table>\n"
    )


def _recommendations(a: Assessment, lang: str, anchor: str) -> str:
    heading = (
        f'<h3 id="{anchor}-rec">{esc(label(lang, "recommendations"))} '
        f'<span class="muted">({esc(label(lang, "ranked_by"))})</span></h3>\n'
    )
    if not a.recommendations:
        return f"{heading}<p>{esc(label(lang, 'no_recs'))}</p>\n"
    rows = []
    for n, rec in enumerate(a.recommendations, start=1):
        rule = rec.rule
        gain = "–" if rec.gain is None else f"+{rec.gain:.1f}"
        rows.append(
            f'<tr><th scope="row">{n}</th><td><strong>{esc(rule.id)}</strong> '
            f'{esc(rule.text(lang, "title"))}</td><td class="num">{gain}</td>'
            f"<td>{esc(rule.text(lang, 'recommendation'))}</td>"
            f"<td>{esc(paper(rule.paper, lang))}</td></tr>\n"
        )
    return (
        f'{heading}<table class="recommendations"><thead><tr>'
        f'<th scope="col">{esc(say(lang, "rank"))}</th>'
        f'<th scope="col">{esc(label(lang, "rule"))}</th>'
        f'<th scope="col">{esc(say(lang, "gain_col"))}</th>'
        f'<th scope="col">{esc(label(lang, "recommendation"))}</th>'
        f'<th scope="col">{esc(label(lang, "paper"))}</th></tr></thead>\n'
        f"<tbody>\n{''.join(rows)}</tbody></table>\n"
    )
