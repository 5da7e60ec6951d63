"""Rendering of ``hemscore audit``: table, json, markdown, html."""

from __future__ import annotations

import io
from typing import Any

from hemscore.analysis.audit import AuditResult, to_dict
from hemscore.base import numbers
from hemscore.base.safe_text import markdown_entities, terminal
from hemscore.render.formats import RenderOptions
from hemscore.render.messages import label
from hemscore.render.reports import REPORT_SCHEMA_VERSION
from hemscore.render.reports._common import dumps

FORMATS: tuple[str, ...] = ("table", "json", "markdown", "html")

#: File text (profile names, rule titles) for a terminal and for a Markdown table cell.
_plain = terminal
_md = markdown_entities


def _f(x: float | None, places: int = 2) -> str:
    return numbers.fixed(x, places)


def _s(lang: str, key: str, **kw: Any) -> str:
    return label(lang, "audit." + key, **kw)


def to_json(r: AuditResult) -> dict[str, Any]:
    return {"schema_version": REPORT_SCHEMA_VERSION, "report": "audit", **to_dict(r)}


def render_json(r: AuditResult, options: RenderOptions) -> str:
    return dumps(to_json(r))


def _rows(r: AuditResult, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report as (heading, header, rows) sections, shared by table and markdown."""
    from hemscore.analysis.audit import (
        ALPHA_THRESHOLD,
        AVAILABILITY_THRESHOLD,
        HIGH_R,
        KURTOSIS_THRESHOLD,
        REDUNDANT_R,
        SKEW_THRESHOLD,
    )

    out = []
    out.append(
        (
            _s(lang, "availability", t=AVAILABILITY_THRESHOLD),
            ["rule", "with data", "share", "flag"],
            [
                [a.name, f"{a.count}/{a.total}", f"{a.share:.0%}", "⚑" if a.flagged else ""]
                for a in r.availability_indicators
            ],
        )
    )
    low = [
        a for a in sorted(r.availability_profiles, key=lambda a: (a.share, a.name)) if a.flagged
    ][:10]
    out.append(
        (
            _s(lang, "availability_profiles"),
            ["profile", "with data", "share", "flag"],
            [
                [a.name, f"{a.count}/{a.total}", f"{a.share:.0%}", "⚑" if a.flagged else ""]
                for a in low
            ],
        )
    )
    dist_rows = []
    for d in r.distributions:
        treat = []
        if "log" in d.treatments:
            t = d.treatments["log"]
            treat.append(f"log: skew {_f(t['skew'])}, kurt {_f(t['kurtosis'])}")
        if "winsorised" in d.treatments:
            t = d.treatments["winsorised"]
            treat.append(
                f"winsorise {t['values_changed']}: skew {_f(t['skew'])}, kurt {_f(t['kurtosis'])}"
            )
        note = "constant" if d.constant else ("no data" if d.n == 0 else "; ".join(treat))
        dist_rows.append(
            [d.rule, str(d.n), _f(d.skew), _f(d.kurtosis), "⚑" if d.flagged else "", note]
        )
    out.append(
        (
            _s(lang, "distributions", s=SKEW_THRESHOLD, k=KURTOSIS_THRESHOLD),
            ["rule", "n", "skew", "kurtosis", "flag", "treatment"],
            dist_rows,
        )
    )
    pairs = sorted(r.pairs, key=lambda p: (-abs(p.pearson), p.a, p.b))
    shown = [p for p in pairs if p.flags or abs(p.pearson) > 0.5][:30]
    out.append(
        (
            _s(lang, "correlations", r=REDUNDANT_R, h=HIGH_R),
            ["a", "b", "within", "n", "pearson", "spearman", "flags"],
            [
                [
                    p.a,
                    p.b,
                    "yes" if p.same_diagnostic else "",
                    str(p.n),
                    _f(p.pearson),
                    _f(p.spearman),
                    ", ".join(p.flags),
                ]
                for p in shown
            ],
        )
    )
    out.append(
        (
            _s(lang, "belonging"),
            ["rule", "own r", "other", "other r"],
            [
                [b.rule, _f(b.own), b.best_other or "–", _f(b.best_other_r)]
                for b in r.belonging
                if b.flagged
            ],
        )
    )
    out.append(
        (
            _s(lang, "consistency", a=ALPHA_THRESHOLD),
            ["diagnostic", "indicators", "complete", "alpha", "PC1 share", "flag"],
            [
                [
                    c.diagnostic,
                    str(len(c.indicators)),
                    str(c.complete_cases),
                    _f(c.alpha),
                    _f(c.first_component_share),
                    "⚑" if c.flagged else (c.note or ""),
                ]
                for c in r.consistency
            ],
        )
    )
    out.append(
        (
            _s(lang, "importance"),
            [
                "rule",
                "diagnostic",
                "weight",
                "effective",
                "η² diag",
                "η² overall",
                "η² share",
                "flag",
            ],
            [
                [
                    i.rule,
                    i.diagnostic,
                    _f(i.nominal_weight),
                    _f(i.effective_weight),
                    _f(i.eta2_diagnostic),
                    _f(i.eta2_overall),
                    _f(i.importance_share),
                    "⚑" if i.flagged else "",
                ]
                for i in r.importance
            ],
        )
    )
    return out


def _header(r: AuditResult) -> str:
    return f"{len(r.profiles)} profiles · {r.kind} · {r.ruleset} · {len(r.indicators)} indicators"


def render_markdown(r: AuditResult, options: RenderOptions) -> str:
    lang = options.lang
    lines = [f"# {_s(lang, 'title')}", "", _md(_header(r)), ""]
    for heading, header, rows in _rows(r, lang):
        lines += [f"## {_md(heading)}", ""]
        if not rows:
            lines += [_s(lang, "none"), ""]
            continue
        lines.append("| " + " | ".join(_md(h) for h in header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        lines.append("")
    if r.not_auditable:
        lines += [_md(_s(lang, "not_auditable", ids=", ".join(r.not_auditable))), ""]
    flags = r.flags()
    lines.append(_s(lang, "flags", n=len(flags)) if flags else _s(lang, "no_flags"))
    return "\n".join(lines) + "\n"


def render_table(r: AuditResult, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.render.formats.table import console

    lang = options.lang
    buf = io.StringIO()
    con = console(options, buf)
    con.print(Text(_s(lang, "title"), style="bold"))
    con.print(Text(_plain(_header(r)), style="dim"))
    for heading, header, rows in _rows(r, lang):
        con.print()
        con.print(Text(heading, style="bold"))
        if not rows:
            con.print(Text(_s(lang, "none"), style="dim"))
            continue
        t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        for i, h in enumerate(header):
            t.add_column(h, justify="left" if i < 2 else "right", overflow="fold")
        for row in rows:
            t.add_row(*[Text(_plain(c)) for c in row])
        con.print(t)
    if r.not_auditable:
        con.print(Text(_s(lang, "not_auditable", ids=", ".join(r.not_auditable)), style="yellow"))
    flags = r.flags()
    con.print(
        Text(_s(lang, "flags", n=len(flags)) if flags else _s(lang, "no_flags"), style="bold")
    )
    return buf.getvalue()


def render_html(r: AuditResult, options: RenderOptions) -> str:
    """The HTML page (:mod:`hemscore.render.reports.html`)."""
    from hemscore.render.reports.html import audit_page

    return audit_page(r, options)


def render(r: AuditResult, fmt: str, options: RenderOptions) -> str:
    """The audit in format ``fmt`` (one of :data:`FORMATS`)."""
    return {
        "table": render_table,
        "json": render_json,
        "markdown": render_markdown,
        "html": render_html,
    }[fmt](r, options)
