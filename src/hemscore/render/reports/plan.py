"""Rendering of ``hemscore plan``: table, json, markdown, html."""

from __future__ import annotations

import io
from typing import Any

from hemscore.analysis.plan import Change, Plan
from hemscore.base.messages import colon, listing
from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import Bar, esc
from hemscore.render.reports import REPORT_SCHEMA_VERSION
from hemscore.render.reports._common import (
    dumps,
    jnum,
    jvalue,
    label,
    md_cell,
    num,
    print_fitted,
    profile_dict,
    signed,
)
from hemscore.render.reports.html import (
    Row,
    _facts,
    _items,
    _lang,
    _numbers_table,
    _section,
    _whole,
    say,
)

FORMATS: tuple[str, ...] = ("table", "json", "markdown", "html")
WHY_ORDER = ("missing", "table", "conflict")


def _metric_title(plan: Plan, metric: str, lang: str) -> str:
    m = plan.before.ruleset.metrics.get(metric)
    return m.text(lang, "title") if m is not None else metric


def _value(v: Any, lang: str) -> str:
    if isinstance(v, bool):
        return label(lang, "yes" if v else "no")
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def outcome_lines(plan: Plan, lang: str, written: str | None = None) -> list[str]:
    """What the plan concluded, in sentences: reached, already there, or why not."""
    lines = []
    if plan.before.score is not None and plan.before.score >= plan.target:
        lines.append(
            label(lang, "already", score=num(plan.before.score), target=f"{plan.target:g}")
        )
    elif plan.reached:
        lines.append(label(lang, "reached", after=num(plan.after.score), target=f"{plan.target:g}"))
    elif plan.before.score is None:
        lines.append(
            label(
                lang,
                "no_score",
                coverage=f"{plan.before.coverage * 100:.0f}",
                minimum=f"{plan.before.min_coverage * 100:.0f}",
            )
        )
    else:
        lines.append(
            label(lang, "unreachable", target=f"{plan.target:g}", best=num(plan.after.score))
        )
    if plan.changes and not plan.least:
        geometric = plan.before.aggregation == "geometric"
        lines.append(label(lang, "greedy" if geometric else "limited"))
    if written is not None:
        lines.append(label(lang, "written", path=written))
    return lines


def blocker_lines(plan: Plan, lang: str) -> list[str]:
    """What the plan could not act on, grouped by reason (rules and their metrics)."""
    lines = []
    if not plan.reached and plan.held_back:
        lines.append(
            f"{label(lang, 'held_back')}{colon(lang)}"
            + listing(lang).join(f"{rid} ({s:.0f})" for rid, s in plan.held_back)
        )
    for why in WHY_ORDER:
        items = [n for n in plan.not_planned if n.why == why]
        if items:
            rules = listing(lang).join(n.rule for n in items)
            lines.append(f"{label(lang, 'why_' + why)}{colon(lang)}{rules}")
    if plan.unscored_diagnostics:
        titles = [
            d.text(lang, "title")
            for d in plan.before.ruleset.diagnostics
            if d.id in plan.unscored_diagnostics
        ]
        lines.append(f"{label(lang, 'why_unscored')}{colon(lang)}{listing(lang).join(titles)}")
    return lines


def _change_dict(plan: Plan, c: Change, lang: str) -> dict[str, Any]:
    return {
        "metric": c.metric,
        "title": _metric_title(plan, c.metric, lang),
        "rules": list(c.rules),
        "from": jvalue(c.old),
        "to": jvalue(c.new),
        "effort": jnum(c.effort),
        "gain": jnum(c.gain),
    }


def to_dict(plan: Plan, lang: str = "en", written: str | None = None) -> dict[str, Any]:
    """The JSON object of a plan."""
    b, a = plan.before, plan.after
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "plan",
        "ruleset": {"name": b.ruleset.name, "version": b.ruleset.version},
        "profile": profile_dict(b.profile),
        "target": jnum(plan.target),
        "reached": plan.reached,
        "before": {"score": jnum(b.score), "grade": b.grade},
        "after": {"score": jnum(a.score), "grade": a.grade},
        "effort": jnum(plan.effort),
        "changes": [_change_dict(plan, c, lang) for c in plan.changes],
        "not_planned": [
            {"rule": n.rule, "metric": n.metric, "why": n.why} for n in plan.not_planned
        ],
        "unscored_diagnostics": list(plan.unscored_diagnostics),
        "held_back": [{"rule": rid, "score": jnum(s)} for rid, s in plan.held_back],
        "written": written,
        "summary": outcome_lines(plan, lang, written),
    }


def render_json(plan: Plan, options: RenderOptions, written: str | None = None) -> str:
    return dumps(to_dict(plan, options.lang, written))


def _headline(plan: Plan, lang: str) -> str:
    b, a = plan.before, plan.after
    return (
        f"{label(lang, 'overall')} {num(b.score)} ({b.grade}) → {num(a.score)} ({a.grade}) · "
        f"{label(lang, 'target')} {plan.target:g} · {label(lang, 'effort')} {plan.effort:.2f}"
    )


def render_markdown(plan: Plan, options: RenderOptions, written: str | None = None) -> str:
    lang = options.lang
    p = plan.before.profile
    out = [f"## {label(lang, 'plan')}{colon(lang)}{md_cell(p.name)}", "", _headline(plan, lang), ""]
    if plan.changes:
        out += [
            (
                f"| # | {label(lang, 'metric')} | {label(lang, 'from')} | {label(lang, 'to')} | "
                f"{label(lang, 'effort')} | {label(lang, 'gain')} | {label(lang, 'rules')} |"
            ),
            "|---:|---|---:|---:|---:|---:|---|",
        ]
        for i, c in enumerate(plan.changes, start=1):
            out.append(
                f"| {i} | {md_cell(_metric_title(plan, c.metric, lang))} ({md_cell(c.metric)}) | "
                f"{_value(c.old, lang)} | {_value(c.new, lang)} | {c.effort:.2f} | "
                f"{signed(c.gain)} | {md_cell(', '.join(c.rules))} |"
            )
        out.append("")
    out += [f"- {md_cell(line)}" for line in outcome_lines(plan, lang, written)]
    out += [f"- {md_cell(line)}" for line in blocker_lines(plan, lang)]
    return "\n".join(out) + "\n"


def render_table(plan: Plan, options: RenderOptions, written: str | None = None) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.base.safe_text import terminal
    from hemscore.render.formats.table import console

    lang = options.lang
    p = plan.before.profile
    buf = io.StringIO()
    con = console(options, buf)
    con.print(
        Text(f"{label(lang, 'plan')} — ", style="bold") + Text(terminal(p.name), style="bold cyan")
    )
    con.print(Text(_headline(plan, lang)))
    if plan.changes:
        t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        t.add_column("#", justify="right")
        t.add_column(label(lang, "metric"), ratio=1, overflow="fold")
        t.add_column(label(lang, "from"), justify="right")
        t.add_column(label(lang, "to"), justify="right")
        t.add_column(label(lang, "effort"), justify="right")
        t.add_column(label(lang, "gain"), justify="right")
        t.add_column(label(lang, "rules"))
        for i, c in enumerate(plan.changes, start=1):
            metric = Text(terminal(_metric_title(plan, c.metric, lang))) + Text(
                f" {terminal(c.metric)}", style="dim"
            )
            t.add_row(
                str(i),
                metric,
                _value(c.old, lang),
                Text(_value(c.new, lang), style="bold"),
                f"{c.effort:.2f}",
                Text(signed(c.gain), style="green"),
                terminal(", ".join(c.rules)),
            )
        print_fitted(con, t)
    ok = plan.reached
    for line in outcome_lines(plan, lang, written):
        con.print(Text(terminal(line), style="green" if ok else "yellow"))
    for line in blocker_lines(plan, lang):
        con.print(Text("· " + terminal(line), style="dim"))
    return buf.getvalue()


def render_html(plan: Plan, options: RenderOptions, written: str | None = None) -> str:
    """The HTML page (below)."""

    return plan_page(plan, options, written)


def render(plan: Plan, fmt: str, options: RenderOptions, written: str | None = None) -> str:
    """The plan in format ``fmt`` (one of :data:`FORMATS`)."""
    return {
        "table": render_table,
        "json": render_json,
        "markdown": render_markdown,
        "html": render_html,
    }[fmt](plan, options, written)


# --- the HTML page ----------------------------------------------------------------------


# --- plan ----------------------------------------------------------------------------------


def plan_page(plan: Plan, options: RenderOptions, written: str | None = None) -> str:

    lang = _lang(options)
    b, a = plan.before, plan.after
    facts = _facts(
        [
            (label(lang, "before"), f"{num(b.score)} ({esc(b.grade)})"),
            (label(lang, "after"), f"{num(a.score)} ({esc(a.grade)})"),
            (label(lang, "target"), f"{plan.target:g}"),
            (label(lang, "effort"), f"{plan.effort:.2f}"),
        ]
    )
    parts = [facts]
    if plan.changes:
        score = b.score
        bars = [Bar(say(lang, "before_bar"), (("bar-b", score),), text=num(score))]
        desc = [say(lang, "step_row", label=say(lang, "before_bar"), score=num(score))]
        rows: list[Row] = []
        for i, c in enumerate(plan.changes, start=1):
            score = None if score is None else score + c.gain
            if i == len(plan.changes) and a.score is not None:
                score = a.score  # the engine's own score of the changed profile
            title = _metric_title(plan, c.metric, lang)
            bars.append(Bar(f"{i}. {title}", (("bar-a", score),), text=num(score)))
            desc.append(say(lang, "step_row", label=f"{i}. {title}", score=num(score)))
            rows.append(
                (
                    esc(f"{i}. {title}"),
                    [
                        esc(c.metric),
                        ("num", esc(_value(c.old, lang))),
                        ("num", esc(_value(c.new, lang))),
                        ("num", f"{c.effort:.2f}"),
                        ("num up", signed(c.gain)),
                        ("num", num(score)),
                        esc(", ".join(c.rules)),
                    ],
                )
            )
        chart = page.bar_chart(
            "steps-c",
            say(lang, "steps_title"),
            say(
                lang,
                "steps_desc",
                target=f"{plan.target:g}",
                rows=page.listing_sep(lang).join(desc),
            ),
            bars,
            marker=plan.target,
        )
        heads = [
            label(lang, "metric"),
            "id",
            label(lang, "from"),
            label(lang, "to"),
            label(lang, "effort"),
            label(lang, "gain"),
            say(lang, "reached_col"),
            label(lang, "rules"),
        ]
        body = page.figure("steps-h", chart) + _numbers_table(heads, rows, lang, "steps-c")
    else:
        body = f"<p>{esc(say(lang, 'no_changes_planned'))}</p>\n"
    parts.append(_section("steps", say(lang, "steps"), body))
    parts.append(
        _section("outcome", say(lang, "summary"), _items(outcome_lines(plan, lang, written)))
    )
    blockers = blocker_lines(plan, lang)
    if blockers:
        parts.append(_section("blockers", say(lang, "blockers"), _items(blockers)))
    title = label(lang, "plan")
    name = b.profile.name
    return _whole(lang, f"{title} — {name}", title, name, "".join(parts))
