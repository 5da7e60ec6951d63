"""Rendering of ``hemscore diff``: table, json, markdown, html."""

from __future__ import annotations

import io
from typing import Any

from hemscore.analysis.diffing import DiagSnap, Diff, RuleChange, RuleSnap, Snapshot
from hemscore.base.messages import clause, colon, listing
from hemscore.base.messages import label as base_label
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
    signed,
)
from hemscore.render.reports.html import (
    Row,
    _delta_class,
    _facts,
    _items,
    _lang,
    _numbers_table,
    _section,
    _whole,
    say,
)

FORMATS: tuple[str, ...] = ("table", "json", "markdown", "html")


def _side(s: Snapshot) -> dict[str, Any]:
    return {
        "name": s.name,
        "kind": s.kind,
        "year": s.year,
        "path": s.path,
        "ruleset": s.ruleset,
        "score": jnum(s.score),
        "grade": s.grade,
        "coverage": jnum(s.coverage),
    }


def _rule(r: RuleSnap | None) -> dict[str, Any] | None:
    return (
        None
        if r is None
        else {"status": r.status, "score": jnum(r.score), "value": jvalue(r.value)}
    )


def _diag(d: DiagSnap | None) -> dict[str, Any] | None:
    return None if d is None else {"status": d.status, "score": jnum(d.score)}


def to_dict(d: Diff) -> dict[str, Any]:
    """The JSON object of a diff."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "diff",
        "old": _side(d.old),
        "new": _side(d.new),
        "overall_delta": jnum(d.overall_delta),
        "diagnostics": [
            {
                "id": c.id,
                "title": c.title,
                "old": _diag(c.old),
                "new": _diag(c.new),
                "delta": jnum(c.delta),
                "changed": c.changed,
            }
            for c in d.diagnostics
        ],
        "rules": [
            {
                "id": c.id,
                "title": c.title,
                "diagnostic": c.diagnostic,
                "old": _rule(c.old),
                "new": _rule(c.new),
                "delta": jnum(c.delta),
                "newly_failing": c.newly_failing,
                "fixed": c.fixed,
            }
            for c in d.rules
        ],
        "unchanged_rules": d.unchanged_rules,
        "newly_failing": [c.id for c in d.newly_failing],
        "fixed": [c.id for c in d.fixed],
        "regression": bool(d.regressions()),
        "regression_reasons": d.regressions(),
    }


def render_json(d: Diff, options: RenderOptions) -> str:
    return dumps(to_dict(d))


def _value(v: Any, lang: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return base_label(lang, "yes" if v else "no")
    if isinstance(v, float):
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(v)


def _status(r: RuleSnap | None, lang: str) -> str:
    return label(lang, "removed") if r is None else base_label(lang, r.status)


def _rule_cells(c: RuleChange, lang: str) -> list[str]:
    o, n = c.old, c.new
    return [
        c.id,
        c.title,
        f"{_value(o.value if o else None, lang)} → {_value(n.value if n else None, lang)}",
        f"{num(o.score if o else None)} → {num(n.score if n else None)}",
        signed(c.delta),
        f"{_status(o, lang) if o else label(lang, 'added')} → {_status(n, lang)}",
    ]


def _headline(d: Diff, lang: str) -> str:
    return (
        f"{label(lang, 'overall_change')} {num(d.old.score)} ({d.old.grade}) → "
        f"{num(d.new.score)} ({d.new.grade}) · {signed(d.overall_delta)}"
    )


def _summary(d: Diff, lang: str) -> list[str]:
    lines = []
    if d.old.ruleset != d.new.ruleset:
        lines.append(label(lang, "ruleset_differs", old=d.old.ruleset, new=d.new.ruleset))
    if d.empty:
        lines.append(label(lang, "no_changes"))
    if d.newly_failing:
        lines.append(
            f"{label(lang, 'newly_failing')}{colon(lang)}"
            + listing(lang).join(f"{c.id} {c.title}" for c in d.newly_failing)
        )
    if d.fixed:
        lines.append(
            f"{label(lang, 'fixed')}{colon(lang)}"
            + listing(lang).join(f"{c.id} {c.title}" for c in d.fixed)
        )
    reasons = _reasons(d, lang)
    lines.append(
        f"{label(lang, 'regression')}{colon(lang)}" + clause(lang).join(reasons)
        if reasons
        else label(lang, "no_regression")
    )
    return lines


def _reasons(d: Diff, lang: str) -> list[str]:
    """:meth:`Diff.regressions` in the report's language."""
    reasons = []
    if d.old.score is not None and d.new.score is None:
        reasons.append(label(lang, "reason_gone"))
    elif d.overall_delta is not None and d.overall_delta < 0:
        reasons.append(label(lang, "reason_fell", n=f"{-d.overall_delta:.1f}"))
    if d.newly_failing:
        reasons.append(
            label(
                lang,
                "reason_fails",
                n=len(d.newly_failing),
                ids=listing(lang).join(c.id for c in d.newly_failing),
            )
        )
    return reasons


def _heads(lang: str) -> list[str]:
    return [
        base_label(lang, "rule"),
        base_label(lang, "metric"),
        base_label(lang, "value"),
        base_label(lang, "score"),
        label(lang, "delta"),
        base_label(lang, "status"),
    ]


def render_markdown(d: Diff, options: RenderOptions) -> str:
    lang = options.lang
    out = [
        f"## {label(lang, 'diff')}{colon(lang)}{md_cell(d.old.name)} ({d.old.year}) → {md_cell(d.new.name)} ({d.new.year})",
        "",
        _headline(d, lang),
        "",
        f"| {base_label(lang, 'diagnostic')} | {label(lang, 'old')} | {label(lang, 'new')} | {label(lang, 'delta')} |",
        "|---|---:|---:|---:|",
    ]
    for c in d.diagnostics:
        out.append(
            f"| {md_cell(c.title)} | {num(c.old.score if c.old else None)} | "
            f"{num(c.new.score if c.new else None)} | {signed(c.delta)} |"
        )
    out += ["", f"### {label(lang, 'changed_rules', n=len(d.rules), same=d.unchanged_rules)}", ""]
    if d.rules:
        out += ["| " + " | ".join(_heads(lang)) + " |", "|---|---|---:|---:|---:|---|"]
        out += ["| " + " | ".join(md_cell(x) for x in _rule_cells(c, lang)) + " |" for c in d.rules]
        out.append("")
    out += [f"- {md_cell(line)}" for line in _summary(d, lang)]
    return "\n".join(out) + "\n"


def render_table(d: Diff, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.base.safe_text import terminal
    from hemscore.render.formats.table import console

    lang = options.lang
    buf = io.StringIO()
    con = console(options, buf)
    con.print(
        Text(f"{label(lang, 'diff')} — ", style="bold")
        + Text(
            terminal(f"{d.old.name} ({d.old.year}) → {d.new.name} ({d.new.year})"),
            style="bold cyan",
        )
    )
    con.print(Text(_headline(d, lang)))
    diags = Table(box=None, header_style="bold", pad_edge=False)
    diags.add_column(base_label(lang, "diagnostic"))
    for h in (label(lang, "old"), label(lang, "new"), label(lang, "delta")):
        diags.add_column(h, justify="right")
    for c in d.diagnostics:
        style = (
            ""
            if not c.changed
            else ("green" if (c.delta or 0) > 0 else "red" if (c.delta or 0) < 0 else "yellow")
        )
        diags.add_row(
            terminal(c.title),
            num(c.old.score if c.old else None),
            num(c.new.score if c.new else None),
            Text(signed(c.delta), style=style),
        )
    print_fitted(con, diags)
    con.print(
        Text(label(lang, "changed_rules", n=len(d.rules), same=d.unchanged_rules), style="bold")
    )
    if d.rules:
        t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        for i, h in enumerate(_heads(lang)):
            t.add_column(
                h,
                justify="right" if i in (2, 3, 4) else "left",
                ratio=1 if i == 1 else None,
                overflow="fold",
            )
        for rc in d.rules:
            cells = [terminal(x) for x in _rule_cells(rc, lang)]
            delta_style = "green" if (rc.delta or 0) > 0 else "red" if (rc.delta or 0) < 0 else ""
            status_style = "red" if rc.newly_failing else ("green" if rc.fixed else "")
            t.add_row(
                *cells[:4], Text(cells[4], style=delta_style), Text(cells[5], style=status_style)
            )
        print_fitted(con, t)
    for line in _summary(d, lang):
        con.print(Text(terminal(line)))
    return buf.getvalue()


def render_html(d: Diff, options: RenderOptions) -> str:
    """The HTML page (below)."""

    return diff_page(d, options)


def render(d: Diff, fmt: str, options: RenderOptions) -> str:
    """The diff in format ``fmt`` (one of :data:`FORMATS`)."""
    return {
        "table": render_table,
        "json": render_json,
        "markdown": render_markdown,
        "html": render_html,
    }[fmt](d, options)


# --- the HTML page ----------------------------------------------------------------------


# --- diff ----------------------------------------------------------------------------------


def _regressions_first(d: Diff) -> list[RuleChange]:
    def key(c: RuleChange) -> tuple[int, float, str]:
        if c.newly_failing:
            return (0, c.delta or 0.0, c.id)
        if c.delta is not None and c.delta < 0:
            return (1, c.delta, c.id)
        if c.fixed:
            return (3, -(c.delta or 0.0), c.id)
        return (2, -(c.delta or 0.0), c.id)

    return sorted(d.rules, key=key)


def diff_page(d: Diff, options: RenderOptions) -> str:

    lang = _lang(options)
    delta_cls = _delta_class(d.overall_delta)
    regression = bool(_reasons(d, lang))
    facts = _facts(
        [
            (label(lang, "old"), f"{num(d.old.score)} ({esc(d.old.grade)})"),
            (label(lang, "new"), f"{num(d.new.score)} ({esc(d.new.grade)})"),
            (label(lang, "delta"), f'<span class="{delta_cls}">{signed(d.overall_delta)}</span>'),
            (label(lang, "regression"), esc(say(lang, "yes") if regression else "–")),
        ]
    )
    bars: list[Bar] = []
    desc: list[str] = []
    rows: list[Row] = []
    for c in d.diagnostics:
        old = c.old.score if c.old else None
        new = c.new.score if c.new else None
        bars.append(Bar(c.title, (("bar-b", old), ("bar-a", new)), text=f"{num(old)} → {num(new)}"))
        desc.append(say(lang, "old_new_row", title=c.title, old=num(old), new=num(new)))
        rows.append(
            (
                esc(c.title),
                [
                    ("num", num(old)),
                    ("num", num(new)),
                    (f"num {_delta_class(c.delta)}", signed(c.delta)),
                ],
            )
        )
    chart = page.bar_chart(
        "diag-c",
        say(lang, "old_new_title"),
        say(lang, "old_new_desc", rows=page.listing_sep(lang).join(desc)),
        bars,
    )
    heads = [
        label(lang, "diagnostic"),
        label(lang, "old"),
        label(lang, "new"),
        label(lang, "delta"),
    ]
    parts = [
        facts,
        _section(
            "diagnostics",
            label(lang, "diagnostics"),
            page.chart_pair("diagnostics-h", chart, _numbers_table(heads, rows, lang, "diag-c")),
        ),
    ]

    def st(s: RuleSnap | None, fallback: str) -> str:
        if s is None:
            return f'<span class="st-missing">{esc(fallback)}</span>'
        return f'<span class="st-{s.status}">{esc(_status(s, lang))}</span>'

    moved: list[Row] = []
    for rc in _regressions_first(d):
        o, n = rc.old, rc.new

        moved.append(
            (
                esc(rc.id),
                [
                    esc(rc.title),
                    (
                        "num",
                        f"{esc(_value(o.value if o else None, lang))} → {esc(_value(n.value if n else None, lang))}",
                    ),
                    ("num", f"{num(o.score if o else None)} → {num(n.score if n else None)}"),
                    (f"num {_delta_class(rc.delta)}", signed(rc.delta)),
                    ("status", f"{st(o, label(lang, 'added'))} → {st(n, label(lang, 'removed'))}"),
                ],
            )
        )
    heading = label(lang, "changed_rules", n=len(d.rules), same=d.unchanged_rules)
    if moved:
        table = page.table(
            [
                label(lang, "rule"),
                say(lang, "title"),
                label(lang, "value"),
                label(lang, "score"),
                label(lang, "delta"),
                label(lang, "status"),
            ],
            moved,
            cls="moved",
            caption=say(lang, "what_moved"),
        )
    else:
        table = ""
    parts.append(_section("rules", heading, table))
    parts.append(_section("summary", say(lang, "summary"), _items(_summary(d, lang))))
    title = label(lang, "diff")
    sub = f"{d.old.name} ({d.old.year}) → {d.new.name} ({d.new.year})"
    return _whole(lang, f"{title} — {sub}", title, sub, "".join(parts))
