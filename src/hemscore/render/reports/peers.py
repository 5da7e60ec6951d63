"""Rendering of ``hemscore compare PROFILE --peers PANEL``: table, json, csv, markdown."""

from __future__ import annotations

import io
from typing import Any

from hemscore.analysis.peers import PeerComparison, PeerRow
from hemscore.base import numbers
from hemscore.base.messages import label
from hemscore.render.formats import RenderOptions
from hemscore.render.reports import REPORT_SCHEMA_VERSION
from hemscore.render.reports._common import dumps, jnum, md_cell, profile_dict

FORMATS: tuple[str, ...] = ("table", "json", "csv", "markdown")


def _t(lang: str, key: str, **fmt: object) -> str:
    return label(lang, "peers." + key, **fmt)


#: A measure for people: thousands grouped, else four significant digits.
value_text = numbers.measure


def _years(c: PeerComparison) -> str:
    return ", ".join(str(y) for y in c.years) or "–"


def _title(c: PeerComparison, lang: str) -> str:
    p = c.assessment.profile
    return _t(lang, "title", name=p.name, year=p.year, panel=c.panel, n=c.peers, years=_years(c))


def _row_title(row: PeerRow, lang: str) -> str:
    return f"{row.rule.id} {row.rule.text(lang, 'title')}"


def _nearest(row: PeerRow) -> str:
    return ", ".join(f"{p.name} {value_text(p.value)}" for p in row.nearest)


def _notes(c: PeerComparison, lang: str) -> list[str]:
    notes = [_t(lang, "note")]
    if c.unplaced:
        notes.append(_t(lang, "unplaced", ids=", ".join(c.unplaced)))
    if not c.rows:
        notes.append(_t(lang, "none"))
    return notes


def to_dict(c: PeerComparison, lang: str = "en") -> dict[str, Any]:
    """The JSON object of a peer comparison."""
    rs = c.assessment.ruleset
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "peers",
        "ruleset": {"name": rs.name, "version": rs.version},
        "profile": profile_dict(c.assessment.profile),
        "panel": {
            "name": c.panel,
            "peers": c.peers,
            "years": list(c.years),
            "kinds": list(c.kinds),
        },
        "rows": [
            {
                "rule": row.rule.id,
                "title": row.rule.text(lang, "title"),
                "metric": row.rule.metric,
                "measure": row.rule.measure,
                "value": jnum(row.value),
                "better": "higher" if row.higher_is_better else "lower",
                "rank": row.rank,
                "of": row.of,
                "percentile": jnum(row.percentile),
                "nearest": [{"name": p.name, "value": jnum(p.value)} for p in row.nearest],
                "best": {"name": row.best.name, "value": jnum(row.best.value)},
                "worst": {"name": row.worst.name, "value": jnum(row.worst.value)},
            }
            for row in c.rows
        ],
        "unplaced": list(c.unplaced),
    }


def render_json(c: PeerComparison, options: RenderOptions) -> str:
    return dumps(to_dict(c, options.lang))


def render_csv(c: PeerComparison, options: RenderOptions) -> str:
    """One line per rule (cells quoted and guarded as in every hemscore CSV)."""
    from hemscore.render.formats.csv import row as csv_row

    out = [csv_row(["rule", "metric", "value", "better", "rank", "of", "percentile", "nearest"])]
    for row in c.rows:
        out.append(
            csv_row(
                [
                    row.rule.id,
                    row.rule.metric,
                    jnum(row.value),
                    "higher" if row.higher_is_better else "lower",
                    row.rank,
                    row.of,
                    jnum(row.percentile),
                    "; ".join(f"{p.name} {jnum(p.value)}" for p in row.nearest),
                ]
            )
        )
    return "".join(out)


def render_markdown(c: PeerComparison, options: RenderOptions) -> str:
    lang = options.lang
    out = [
        f"## {md_cell(_title(c, lang))}",
        "",
        (
            f"| {_t(lang, 'rule')} | {_t(lang, 'value')} | {_t(lang, 'rank')} | "
            f"{_t(lang, 'percentile')} | {_t(lang, 'nearest')} | {_t(lang, 'range')} |"
        ),
        "|---|---:|---:|---:|---|---|",
    ]
    for row in c.rows:
        out.append(
            f"| {md_cell(_row_title(row, lang))} | {value_text(row.value)} | "
            f"{row.rank} / {row.of} | {row.percentile:.0f} | {md_cell(_nearest(row))} | "
            f"{md_cell(f'{row.best.name} {value_text(row.best.value)}')} / "
            f"{md_cell(f'{row.worst.name} {value_text(row.worst.value)}')} |"
        )
    out.append("")
    out.append("  \n".join(md_cell(n) for n in _notes(c, lang)))
    return "\n".join(out) + "\n"


def render_table(c: PeerComparison, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.base.safe_text import terminal
    from hemscore.render.formats.table import console

    lang = options.lang
    t = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        title=terminal(_title(c, lang)),
        title_justify="left",
        title_style="bold",
    )
    t.add_column(_t(lang, "rule"), ratio=2, overflow="fold", min_width=20)
    t.add_column(_t(lang, "value"), justify="right", no_wrap=True)
    t.add_column(_t(lang, "rank"), justify="right", no_wrap=True)
    t.add_column(_t(lang, "percentile"), justify="right", no_wrap=True)
    t.add_column(_t(lang, "nearest"), ratio=2, overflow="fold", min_width=16)
    for row in c.rows:
        direction = _t(lang, "better_higher" if row.higher_is_better else "better_lower")
        t.add_row(
            Text(f"{terminal(_row_title(row, lang))}\n") + Text(direction, style="dim"),
            value_text(row.value),
            f"{row.rank} / {row.of}",
            f"{row.percentile:.0f}",
            terminal(_nearest(row)),
        )
    buf = io.StringIO()
    con = console(options, buf)
    con.print(t)
    for note in _notes(c, lang):
        con.print(Text(terminal(note), style="dim"))
    return buf.getvalue()


def render(c: PeerComparison, fmt: str, options: RenderOptions) -> str:
    """The peer comparison in format ``fmt`` (one of :data:`FORMATS`)."""
    return {
        "table": render_table,
        "json": render_json,
        "csv": render_csv,
        "markdown": render_markdown,
    }[fmt](c, options)
