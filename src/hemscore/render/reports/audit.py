"""Rendering of ``hemscore audit``: table, json, markdown, html."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from hemscore.analysis.audit import AuditResult, to_dict
from hemscore.base import numbers
from hemscore.base.messages import label
from hemscore.base.safe_text import markdown_entities, terminal
from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import Bar, CellMarkup, esc
from hemscore.render.reports import REPORT_SCHEMA_VERSION
from hemscore.render.reports._common import dumps
from hemscore.render.reports._common import label as page_label
from hemscore.render.reports.html import (
    Row,
    _items,
    _lang,
    _numbers_table,
    _section,
    _whole,
    say,
)
from hemscore.render.reports.html import (
    _f as _page_f,
)

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
    """The HTML page (below)."""

    return audit_page(r, options)


def render(r: AuditResult, fmt: str, options: RenderOptions) -> str:
    """The audit in format ``fmt`` (one of :data:`FORMATS`)."""
    return {
        "table": render_table,
        "json": render_json,
        "markdown": render_markdown,
        "html": render_html,
    }[fmt](r, options)


# --- the HTML page ----------------------------------------------------------------------


# --- audit ---------------------------------------------------------------------------------

#: Correlation shading: (lowest r, class), checked in order.
_R_BANDS = ((0.7, "r3"), (0.4, "r2"), (0.1, "r1"), (-0.1, "r0"), (-0.4, "rm1"), (-0.7, "rm2"))


def _r_class(r: float | None) -> str:
    if r is None:
        return "hn"
    for lowest, cls in _R_BANDS:
        if r >= lowest:
            return cls
    return "rm3"


def _flags(r: AuditResult, lang: str) -> list[tuple[str, str]]:
    """Every flag (plain text) with what to do about it, in the page's language."""
    out = []
    for a in r.availability_indicators:
        if a.flagged:
            out.append(
                (
                    say(lang, "flag_availability_indicator", x=a.name, share=page.pct(a.share)),
                    say(lang, "do_availability_indicator"),
                )
            )
    for a in r.availability_profiles:
        if a.flagged:
            out.append(
                (
                    say(lang, "flag_availability_profile", x=a.name, share=page.pct(a.share)),
                    say(lang, "do_availability_profile"),
                )
            )
    for d in r.distributions:
        if d.flagged:
            out.append(
                (
                    say(
                        lang,
                        "flag_distribution",
                        x=d.rule,
                        skew=_page_f(d.skew),
                        kurt=_page_f(d.kurtosis),
                    ),
                    say(lang, "do_distribution"),
                )
            )
    for p in r.pairs:
        for f in p.flags:
            out.append(
                (
                    say(lang, "flag_correlation", x=p.a, y=p.b, r=_page_f(p.pearson)),
                    say(lang, f"do_{f}"),
                )
            )
    for b in r.belonging:
        if b.flagged:
            other = b.best_other or "–"
            out.append(
                (
                    say(
                        lang,
                        "flag_belonging",
                        x=b.rule,
                        own=_page_f(b.own),
                        other=other,
                        other_r=_page_f(b.best_other_r),
                    ),
                    say(lang, "do_belonging", other=other),
                )
            )
    for c in r.consistency:
        if c.flagged:
            out.append(
                (
                    say(lang, "flag_consistency", x=c.diagnostic, alpha=_page_f(c.alpha)),
                    say(lang, "do_consistency"),
                )
            )
    for i in r.importance:
        if i.flagged:
            out.append(
                (
                    say(
                        lang,
                        "flag_importance",
                        x=i.rule,
                        i=_page_f(i.importance_share),
                        w=_page_f(i.nominal_weight),
                    ),
                    say(lang, "do_importance"),
                )
            )
    return out


def audit_page(r: AuditResult, options: RenderOptions) -> str:
    from hemscore.analysis.audit import ALPHA_THRESHOLD

    def _plain(lang: str, key: str, **kw: Any) -> str:  # the terminal's section numbers left out
        return re.sub(r"^\d+\. ", "", _s(lang, key, **kw))

    lang = _lang(options)
    parts = []

    # correlations: indicators grouped by diagnostic
    diag_of = {}
    for c in r.consistency:
        for rid in c.indicators:
            diag_of[rid] = c.diagnostic
    for i in r.importance:
        diag_of.setdefault(i.rule, i.diagnostic)
    pearson = {}
    for p in r.pairs:
        pearson[(p.a, p.b)] = pearson[(p.b, p.a)] = p.pearson
    # the indicators with a correlation to show, grouped by diagnostic, in the rule set's order
    paired = {x for pair in pearson for x in pair}
    groups = list(dict.fromkeys(diag_of.values()))
    ids = sorted(
        (x for x in r.indicators if x in paired),
        key=lambda x: (
            groups.index(diag_of[x]) if x in diag_of else len(groups),
            r.indicators.index(x),
        ),
    )
    rows: list[Row] = []
    for a in ids:
        cells: list[CellMarkup] = []
        for b in ids:
            v = 1.0 if a == b else pearson.get((a, b))
            within = " within" if a in diag_of and diag_of.get(a) == diag_of.get(b) else ""
            cells.append((f"{_r_class(v)}{within}", _page_f(v)))
        rows.append((esc(a), cells))
    note = f'<p class="legend" id="corr-note">{esc(say(lang, "corr_note"))}</p>\n'
    corr = page.table(
        ["", *ids], rows, cls="heat corr", labelledby="corr-h", describedby="corr-note"
    )
    parts.append(_section("corr", say(lang, "corr"), note + f'<div class="wide">{corr}</div>\n'))

    # consistency: alpha and first-component share
    bars: list[Bar] = []
    desc: list[str] = []
    rows2: list[Row] = []
    for c in r.consistency:
        bars.append(
            Bar(
                c.diagnostic,
                (("bar-a", c.alpha), ("bar-b", c.first_component_share)),
                text=f"{_page_f(c.alpha)} / {_page_f(c.first_component_share)}",
            )
        )
        desc.append(
            say(
                lang,
                "consistency_row",
                d=c.diagnostic,
                alpha=_page_f(c.alpha),
                pc1=_page_f(c.first_component_share),
            )
        )
        rows2.append(
            (
                esc(c.diagnostic),
                [
                    ("num", str(len(c.indicators))),
                    ("num", str(c.complete_cases)),
                    ("num", _page_f(c.alpha)),
                    ("num", _page_f(c.first_component_share)),
                    "⚑" if c.flagged else ("" if c.auditable else esc(say(lang, "too_few"))),
                ],
            )
        )
    chart = page.bar_chart(
        "cons-c",
        say(lang, "consistency_title"),
        say(
            lang,
            "consistency_desc",
            floor=f"{ALPHA_THRESHOLD:g}",
            rows=page.listing_sep(lang).join(desc),
        ),
        [
            Bar(
                b.label,
                tuple((cls, None if v is None else max(0.0, v)) for cls, v in b.bars),
                text=b.text,
            )
            for b in bars
        ],
        lo=0.0,
        hi=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1),
        marker=ALPHA_THRESHOLD,
    )
    heads = [
        page_label(lang, "diagnostic"),
        say(lang, "indicators"),
        say(lang, "complete"),
        say(lang, "alpha"),
        say(lang, "pc1"),
        say(lang, "flag"),
    ]
    parts.append(
        _section(
            "consistency",
            _plain(lang, "consistency", a=ALPHA_THRESHOLD),
            page.figure("consistency-h", chart) + _numbers_table(heads, rows2, lang, "cons-c"),
        )
    )

    # importance against weight
    bars = []
    desc = []
    rows3: list[Row] = []
    for i in r.importance:
        bars.append(
            Bar(
                i.rule,
                (("bar-b", i.nominal_weight), ("bar-a", i.importance_share)),
                text=f"{_page_f(i.nominal_weight)} / {_page_f(i.importance_share)}",
            )
        )
        desc.append(
            say(
                lang,
                "importance_row",
                rule=i.rule,
                w=_page_f(i.nominal_weight),
                i=_page_f(i.importance_share),
            )
        )
        rows3.append(
            (
                esc(i.rule),
                [
                    esc(i.diagnostic),
                    ("num", _page_f(i.nominal_weight)),
                    ("num", _page_f(i.importance_share)),
                    ("num", _page_f(i.eta2_diagnostic)),
                    "⚑" if i.flagged else "",
                ],
            )
        )
    chart = page.bar_chart(
        "imp-c",
        say(lang, "importance_title"),
        say(lang, "importance_desc", rows=page.listing_sep(lang).join(desc)),
        bars,
        lo=0.0,
        hi=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1),
    )
    heads = [
        page_label(lang, "rule"),
        page_label(lang, "diagnostic"),
        say(lang, "weight_share"),
        say(lang, "importance_share"),
        "η²",
        say(lang, "flag"),
    ]
    parts.append(
        _section(
            "importance",
            _plain(lang, "importance"),
            page.figure("importance-h", chart) + _numbers_table(heads, rows3, lang, "imp-c"),
        )
    )

    # flags, grouped by what to do about them
    grouped: dict[str, list[str]] = {}
    for what, todo in _flags(r, lang):
        grouped.setdefault(todo, []).append(what)
    body = "".join(
        f'<h3 class="todo" id="do{k}">{esc(todo)}</h3>\n' + _items(items, "flagged")
        for k, (todo, items) in enumerate(grouped.items())
    )
    if not grouped:
        body = f"<p>{esc(say(lang, 'no_flags'))}</p>\n"
    if r.not_auditable:
        body += f'<p class="legend">{esc(_plain(lang, "not_auditable", ids=", ".join(r.not_auditable)))}</p>\n'
    parts.append(_section("flags", say(lang, "flags"), body))

    # the rest, as tables: availability, distributions, belonging
    from hemscore.analysis.audit import AVAILABILITY_THRESHOLD, KURTOSIS_THRESHOLD, SKEW_THRESHOLD

    more = []
    avail: list[Row] = [
        (
            esc(a.name),
            [("num", f"{a.count}/{a.total}"), ("num", page.pct(a.share)), "⚑" if a.flagged else ""],
        )
        for a in r.availability_indicators
    ]
    avail_heads = [
        page_label(lang, "rule"),
        say(lang, "with_data"),
        say(lang, "share"),
        say(lang, "flag"),
    ]
    more.append(
        page.table(
            avail_heads, avail, caption=_plain(lang, "availability", t=AVAILABILITY_THRESHOLD)
        )
    )
    dist: list[Row] = []
    for d in r.distributions:
        treat = []
        for name, t in d.treatments.items():
            if isinstance(t, Mapping):
                treat.append(
                    f"{name}: {say(lang, 'skew')} {_page_f(t.get('skew'))}, {say(lang, 'kurtosis')} {_page_f(t.get('kurtosis'))}"
                )
        dist.append(
            (
                esc(d.rule),
                [
                    ("num", str(d.n)),
                    ("num", _page_f(d.skew)),
                    ("num", _page_f(d.kurtosis)),
                    "⚑" if d.flagged else "",
                    esc("; ".join(treat)),
                ],
            )
        )
    more.append(
        page.table(
            [
                page_label(lang, "rule"),
                "n",
                say(lang, "skew"),
                say(lang, "kurtosis"),
                say(lang, "flag"),
                say(lang, "treatment"),
            ],
            dist,
            caption=_plain(lang, "distributions", s=SKEW_THRESHOLD, k=KURTOSIS_THRESHOLD),
        )
    )
    belong: list[Row] = [
        (
            esc(b.rule),
            [
                ("num", _page_f(b.own)),
                esc(b.best_other or "–"),
                ("num", _page_f(b.best_other_r)),
                "⚑" if b.flagged else "",
            ],
        )
        for b in r.belonging
    ]
    if belong:
        more.append(
            page.table(
                [
                    page_label(lang, "rule"),
                    say(lang, "own_r"),
                    say(lang, "other"),
                    say(lang, "other_r"),
                    say(lang, "flag"),
                ],
                belong,
                caption=_plain(lang, "belonging"),
            )
        )
    parts.append(_section("more", say(lang, "more_numbers"), "".join(more)))
    title = _plain(lang, "title")
    sub = say(
        lang,
        "audit_sub",
        p=len(r.profiles),
        kind=page_label(lang, r.kind),
        ruleset=r.ruleset,
        n=len(r.indicators),
    )
    return _whole(lang, title, title, sub, "".join(parts))
