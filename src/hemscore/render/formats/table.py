"""The terminal report, drawn with Rich. The only module that imports Rich."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from hemscore.base.messages import colon, label
from hemscore.base.numbers import percent
from hemscore.base.safe_text import has_unsafe, terminal, terminal_lines
from hemscore.engine.assessment import Assessment
from hemscore.render.formats import _text as tx
from hemscore.render.formats.options import RenderOptions

BAR_WIDTH = 20
STATUS_STYLE = {"pass": "green", "fail": "red", "missing": "dim", "waived": "yellow"}


def _bar(score: float | None) -> Text:
    if score is None:
        return Text("·" * BAR_WIDTH, style="dim")
    full = round(score / 100 * BAR_WIDTH)
    style = "green" if score >= 65 else "yellow" if score >= 35 else "red"
    return Text("█" * full, style=style) + Text("░" * (BAR_WIDTH - full), style="dim")


def _header(a: Assessment, lang: str) -> Group:
    p = a.profile
    title = Text(f"{label(lang, 'report')} — ", style="bold") + Text(
        terminal(p.name), style="bold cyan"
    )
    sub = Text(
        f"{label(lang, p.kind)} · {p.year}" + (f" · {terminal(p.country)}" if p.country else ""),
        style="dim",
    )
    overall = Text()
    overall.append(f"{label(lang, 'overall')} ", style="bold")
    if a.score is None:
        overall.append(label(lang, "insufficient_data") + "   ", style="bold")
    else:
        overall.append(tx.score(a.score), style="bold")
        overall.append(" / 100   ")
    overall.append(f"{label(lang, 'grade')} ", style="bold")
    overall.append(a.grade, style="bold magenta")
    overall.append(f"   {label(lang, 'coverage')} {percent(a.coverage)}")
    meta = Text(
        f"{label(lang, 'ruleset')} {terminal(a.ruleset.name)} {terminal(a.ruleset.version)} · "
        f"{label(lang, 'aggregation')}{colon(lang)}{label(lang, a.aggregation)}",
        style="dim",
    )
    return Group(title, sub, overall, meta)


def _diagnostics(a: Assessment, lang: str) -> Table:
    t = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
    t.add_column(label(lang, "diagnostic"))
    t.add_column("", no_wrap=True)
    t.add_column(label(lang, "score"), justify="right")
    t.add_column(label(lang, "coverage"), justify="right")
    for d in a.diagnostics:
        title = terminal(d.title(lang))
        t.add_row(title, _bar(d.score), tx.diag_score(d, lang), percent(d.coverage))
    return t


def _share(w: float | None) -> str:
    """A rule's effective weight as a percentage of the overall score ("-" without one)."""
    return "-" if w is None else f"{w * 100:.1f}%"


def _rules(a: Assessment, lang: str, detail: bool) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_header=True, header_style="bold", pad_edge=False)
    t.add_column(label(lang, "rule"), no_wrap=True)
    t.add_column(label(lang, "metric"), ratio=1, overflow="fold")
    t.add_column(label(lang, "value"), justify="right")
    t.add_column(label(lang, "target"), justify="right", no_wrap=True)
    t.add_column(label(lang, "score"), justify="right")
    t.add_column(label(lang, "status"), no_wrap=True)
    if detail:
        t.add_column(label(lang, "effective_weight"), justify="right", no_wrap=True)
    metrics = a.ruleset.metrics
    drawn: set[str] = set()  # a series scored by several trend rules is drawn once
    for d in a.diagnostics:
        if not d.rules:
            continue
        t.add_row("", Text(terminal(d.title(lang)), style="bold underline"))
        for r in d.rules:
            t.add_row(
                terminal(r.id),
                terminal(r.rule.text(lang, "title")),
                terminal(tx.value(r, lang, metrics)),
                tx.target(r, lang, metrics),
                tx.score(r.score),
                Text(tx.status(r, lang), style=STATUS_STYLE[r.status]),
                *([_share(r.effective_weight)] if detail else []),
            )
            if detail and r.input is not None and (r.input.source or r.input.is_target):
                line = f"{label(lang, 'source')}{colon(lang)}{terminal(tx.source_line(r, lang))}"
                t.add_row("", Text(line, style="dim"))
            if (
                getattr(metrics.get(r.rule.metric), "type", None) == "series"
                and r.input is not None
                and r.rule.metric not in drawn
                and isinstance(r.input.value, dict)
                and r.input.value
            ):
                drawn.add(r.rule.metric)
                t.add_row("", Text(tx.trend_line(r.input.value, lang), style="cyan"))
    return t


def _highlights(a: Assessment, lang: str) -> Group | None:
    if not a.strengths and not a.weaknesses:
        return None
    metrics = a.ruleset.metrics
    lines: list[Text] = []
    for key, results, style in (
        ("strengths", a.strengths, "green"),
        ("weaknesses", a.weaknesses, "red"),
    ):
        if results:
            lines.append(Text(label(lang, key), style="bold"))
            lines += [
                Text("  ") + Text(terminal(tx.highlight(r, lang, metrics)), style=style)
                for r in results
            ]
    return Group(*lines)


def _recommendations(a: Assessment, lang: str, top: int) -> Group:
    heading = Text(label(lang, "recommendations"), style="bold")
    heading.append(f" ({label(lang, 'ranked_by')})", style="dim")
    if not a.recommendations:
        return Group(heading, Text(label(lang, "no_recs")))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")  # CJK text has no spaces to wrap at
    for n, rec in enumerate(a.recommendations[:top], start=1):
        head = Text(terminal(rec.rule.id), style="bold") + Text(
            f" {terminal(rec.rule.text(lang, 'title'))}"
        )
        if rec.gain is not None:
            head.append("  " + label(lang, "gain_if_met", gain=f"{rec.gain:.1f}"), style="green")
        body = Text(terminal(rec.rule.text(lang, "recommendation")))
        body.append(f" ({tx.paper(rec.rule.paper, lang)})", style="dim")
        grid.add_row(f"{n}.", Group(head, body))
    parts: list[Table | Text] = [heading, grid]
    rest = len(a.recommendations) - top
    if rest > 0:
        parts.append(Text(label(lang, "more_recs", n=rest), style="dim"))
    return Group(*parts)


def _guidance(a: Assessment, lang: str) -> Group | None:
    guidance = tx.guidance(a, lang)
    if not guidance:
        return None
    lines: list[Text] = [Text(label(lang, "coverage_guidance"), style="bold")]
    for head, items in guidance:
        lines.append(Text("  " + terminal(head)))
        lines += [Text("    " + terminal(item)) for item in items]
    return Group(*lines)


def _waivers(a: Assessment, lang: str) -> Group | None:
    from rich.padding import Padding
    from rich.table import Table

    notes = a.waiver_notes
    if not notes:
        return None
    # A grid, so that a long reason wraps under its own first word, not back to column 0.
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for w in notes:
        reason = Text(terminal(w.reason))
        if not w.applied:
            reason.append(f"  ({tx.waiver_why(w.why_not, lang)})", style="dim")
        grid.add_row(terminal(w.rule), reason)
    return Group(
        Text(label(lang, "waivers"), style="bold"), Padding(grid, (0, 0, 0, 2), expand=False)
    )


def render_one(a: Assessment, options: RenderOptions) -> Group:
    lang = options.lang
    parts: list[RenderableType] = [
        _header(a, lang),
        Text(),
        _diagnostics(a, lang),
        _rules(a, lang, options.detail),
    ]
    if any(r.input is not None and r.input.is_estimate for r in a.results):
        parts.append(Text("* " + label(lang, "estimate"), style="dim"))
    if any(tx.is_planned(r) for r in a.results):
        parts.append(Text(f"{tx.PLANNED_MARK} {label(lang, 'planned')}", style="dim"))
    highlights = _highlights(a, lang)
    if highlights is not None:
        parts += [highlights, Text()]
    waivers = _waivers(a, lang)
    if waivers is not None:
        parts += [waivers, Text()]
    guidance = _guidance(a, lang)
    if guidance is not None:
        parts += [guidance, Text()]
    parts.append(_recommendations(a, lang, options.top))
    return Group(*parts)


class SafeConsole(Console):
    """A console that never writes a control character from the text it draws.

    Rich drops only BEL, BS, VT, FF and CR from text; ESC (and so CSI and OSC sequences), NUL,
    the C1 controls and bidirectional overrides would reach the terminal. Every segment of text
    is passed through :func:`hemscore.safe_text.terminal_lines` after layout, so they show as
    ``\\x1b``-style escapes whichever renderable carried them; Rich's own styles and line breaks
    are untouched.
    """

    _depth = 0

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        if self._depth:  # a nested renderable: the outermost call cleans its segments
            yield from super().render(renderable, options)
            return
        self._depth += 1
        try:
            for segment in super().render(renderable, options):
                if not segment.control and has_unsafe(segment.text):
                    segment = Segment(terminal_lines(segment.text), segment.style)
                yield segment
        finally:
            self._depth -= 1


def console(options: RenderOptions, file: io.StringIO) -> Console:
    return SafeConsole(
        file=file,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )


def render(assessments: Sequence[Assessment], options: RenderOptions) -> str:
    buf = io.StringIO()
    con = console(options, buf)
    for n, a in enumerate(assessments):
        if n:
            con.rule()
        con.print(render_one(a, options))
    return buf.getvalue()


# Streaming: each report is drawn as soon as its profile is assessed (same bytes as ``render``).


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    buf = io.StringIO()
    con = console(options, buf)
    if index:
        con.rule()
    con.print(render_one(a, options))
    return buf.getvalue()


def end(options: RenderOptions, count: int) -> str:
    return ""
