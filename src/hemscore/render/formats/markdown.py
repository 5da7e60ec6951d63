"""The report as Markdown, for pasting into a document or a pull request."""

from __future__ import annotations

from collections.abc import Sequence

from hemscore.base.messages import colon, label
from hemscore.base.numbers import percent
from hemscore.base.safe_text import markdown as _cell
from hemscore.engine.assessment import Assessment
from hemscore.render.formats import _text as tx
from hemscore.render.formats.options import RenderOptions


def render_one(a: Assessment, options: RenderOptions) -> str:
    lang = options.lang
    p = a.profile
    metrics = a.ruleset.metrics
    c = colon(lang)
    out = [f"## {label(lang, 'report')}{c}{_cell(p.name)}", ""]
    overall = tx.score(a.score) if a.score is not None else label(lang, "insufficient_data")
    out += [
        f"- **{label(lang, 'kind')}**{c}{label(lang, p.kind)} · **{label(lang, 'year')}**{c}{p.year}",
        (
            f"- **{label(lang, 'overall')}**{c}{overall}{' / 100' if a.score is not None else ''}"
            f" · **{label(lang, 'grade')}**{c}{a.grade} · **{label(lang, 'coverage')}**{c}"
            f"{percent(a.coverage)}"
        ),
        (
            f"- **{label(lang, 'ruleset')}**{c}{_cell(a.ruleset.name)} {_cell(a.ruleset.version)}"
            f" · **{label(lang, 'aggregation')}**{c}{label(lang, a.aggregation)}"
        ),
        "",
        f"### {label(lang, 'diagnostics')}",
        "",
        f"| {label(lang, 'diagnostic')} | {label(lang, 'score')} | {label(lang, 'coverage')} |",
        "|---|---:|---:|",
    ]
    for d in a.diagnostics:
        out.append(f"| {_cell(d.title(lang))} | {tx.diag_score(d, lang)} | {percent(d.coverage)} |")
    out += [
        "",
        f"### {label(lang, 'rules')}",
        "",
        (
            f"| {label(lang, 'rule')} | {label(lang, 'metric')} | {label(lang, 'value')} | "
            f"{label(lang, 'target')} | {label(lang, 'score')} | {label(lang, 'status')} | "
            f"{label(lang, 'source')} | {label(lang, 'paper')} |"
        ),
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for d in a.diagnostics:
        for r in d.rules:
            out.append(
                f"| {_cell(r.id)} | {_cell(r.rule.text(lang, 'title'))} | {_cell(tx.value(r, lang, metrics))} | "
                f"{_cell(tx.target(r, lang, metrics))} | {tx.score(r.score)} | {tx.status(r, lang)} | "
                f"{_cell(tx.source_line(r, lang))} | {_cell(tx.paper(r.rule.paper, lang))} |"
            )
    if any(r.input is not None and r.input.is_estimate for r in a.results):
        out += ["", f"\\* {label(lang, 'estimate')}"]
    if any(tx.is_planned(r) for r in a.results):
        out += ["", f"{tx.PLANNED_MARK} {label(lang, 'planned')}"]
    for key, results in (("strengths", a.strengths), ("weaknesses", a.weaknesses)):
        if results:
            out += ["", f"### {label(lang, key)}", ""]
            out += [f"- {_cell(tx.highlight(r, lang, metrics))}" for r in results]
    if a.waiver_notes:
        out += ["", f"### {label(lang, 'waivers')}", ""]
        out += [
            f"- **{_cell(w.rule)}**{c}{_cell(w.reason)}"
            + ("" if w.applied else f" ({tx.waiver_why(w.why_not, lang)})")
            for w in a.waiver_notes
        ]
    guidance = tx.guidance(a, lang)
    if guidance:
        out += ["", f"### {label(lang, 'coverage_guidance')}", ""]
        for head, items in guidance:
            out.append(f"- {_cell(head)}")
            out += [f"  - {_cell(item)}" for item in items]
    out += ["", f"### {label(lang, 'recommendations')} ({label(lang, 'ranked_by')})", ""]
    if not a.recommendations:
        out.append(label(lang, "no_recs"))
    for n, rec in enumerate(a.recommendations[: options.top], start=1):
        gain = (
            f" ({label(lang, 'gain_if_met', gain=f'{rec.gain:.1f}')})"
            if rec.gain is not None
            else ""
        )
        out.append(
            f"{n}. **{_cell(rec.rule.id)}** {_cell(rec.rule.text(lang, 'title'))}{gain}{c}"
            f"{_cell(rec.rule.text(lang, 'recommendation'))} ({tx.paper(rec.rule.paper, lang)})"
        )
    rest = len(a.recommendations) - options.top
    if rest > 0:
        out += ["", label(lang, "more_recs", n=rest)]
    return "\n".join(out) + "\n"


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    return "\n".join(render_one(a, options) for a in assessments)


# Streaming: each report is written as soon as its profile is assessed (same bytes as ``render``).


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    return ("\n" if index else "") + render_one(a, options)


def end(options: RenderOptions, count: int) -> str:
    return ""
