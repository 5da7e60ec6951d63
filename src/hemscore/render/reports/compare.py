"""Rendering of ``hemscore compare``: table, json, csv, markdown, html."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from hemscore.analysis.compare import Cell, Comparison, Row
from hemscore.base.messages import clause, colon, listing
from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import Bar, CellMarkup, esc
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
    profile_labels,
)
from hemscore.render.reports.html import (
    Row as PageRow,
)
from hemscore.render.reports.html import (
    _items,
    _lang,
    _numbers_table,
    _section,
    _who,
    _whole,
    say,
)

FORMATS: tuple[str, ...] = ("table", "json", "csv", "markdown", "html")


def _labels(c: Comparison) -> list[str]:
    profiles = [a.profile for a in c.assessments]
    if c.reference is not None and c.reference_index is None:
        profiles.append(c.reference.profile)
    return profile_labels(profiles)


def _title(c: Comparison, row: Row, lang: str) -> str:
    if row.level == "overall":
        return label(lang, "overall")
    rs = c.assessments[0].ruleset
    if row.level == "diagnostic":
        return next(d for d in rs.diagnostics if d.id == row.id).text(lang, "title")
    rule = rs.rule(row.id)
    return f"{row.id} {rule.text(lang, 'title') if rule else ''}".strip()


def _ref_label(c: Comparison, labels: list[str]) -> str | None:
    if c.reference is None:
        return None
    return labels[c.reference_index] if c.reference_index is not None else labels[-1]


def _cell_dict(cell: Cell, profile: str) -> dict[str, Any]:
    return {
        "profile": profile,
        "score": jnum(cell.score),
        "rank": cell.rank,
        "status": cell.status,
        "relative": jnum(cell.relative),
        "band": cell.band,
        "value": jvalue(cell.value),
    }


def to_dict(c: Comparison, lang: str = "en") -> dict[str, Any]:
    """The JSON object of a comparison."""
    labels = _labels(c)
    n = len(c.assessments)
    ref = None
    if c.reference is not None:
        ref = {
            **profile_dict(c.reference.profile, _ref_label(c, labels)),
            "compared": c.reference_index is not None,
        }
    rows = []
    for row in c.rows:
        item: dict[str, Any] = {
            "id": row.id,
            "level": row.level,
            "diagnostic": row.diagnostic,
            "title": _title(c, row, lang),
            "leaders": [labels[i] for i in row.leaders],
            "cells": [_cell_dict(cell, labels[i]) for i, cell in enumerate(row.cells)],
        }
        if row.reference is not None:
            item["reference"] = _cell_dict(row.reference, labels[n])
        rows.append(item)
    rs = c.assessments[0].ruleset
    out: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "compare",
        "ruleset": {"name": rs.name, "version": rs.version},
        "aggregation": c.assessments[0].aggregation,
        "profiles": [profile_dict(a.profile, labels[i]) for i, a in enumerate(c.assessments)],
        "reference": ref,
        "rows": rows,
    }
    if c.common is not None:  # only with --common, so other reports keep their shape
        out["common_rules"] = list(c.common)
        out["years"] = sorted({a.profile.year for a in c.assessments})
    return out


def render_json(c: Comparison, options: RenderOptions) -> str:
    return dumps(to_dict(c, options.lang))


def render_csv(c: Comparison, options: RenderOptions) -> str:
    """One line per row and profile (tidy data), the reference's lines marked ``reference``."""
    from hemscore.render.formats.csv import row as csv_row

    data = to_dict(c, options.lang)
    out = [
        csv_row(
            [
                "row",
                "level",
                "title",
                "profile",
                "score",
                "rank",
                "status",
                "relative",
                "band",
                "leader",
                "reference",
            ]
        )
    ]
    for row in data["rows"]:
        cells = [(cell, False) for cell in row["cells"]]
        if "reference" in row:
            cells.append((row["reference"], True))
        for cell, is_ref in cells:
            out.append(
                csv_row(
                    [
                        row["id"],
                        row["level"],
                        row["title"],
                        cell["profile"],
                        cell["score"],
                        cell["rank"],
                        cell["status"],
                        cell["relative"],
                        cell["band"] or "",
                        "true" if cell["profile"] in row["leaders"] and not is_ref else "false",
                        "true"
                        if is_ref
                        or (data["reference"] and cell["profile"] == data["reference"]["label"])
                        else "false",
                    ]
                )
            )
    return "".join(out)


def _cell_text(cell: Cell, lang: str, relative: bool) -> str:
    if cell.score is None:
        text = label(lang, "not_applicable") if cell.status == "not_applicable" else "–"
    else:
        text = num(cell.score) + (f" #{cell.rank}" if cell.rank is not None else "")
    if relative and cell.relative is not None:
        text += f" · {cell.relative:.0f}% {label(lang, 'band_' + (cell.band or 'emerging'))}"
    return text


def _notes(c: Comparison, labels: list[str], lang: str) -> list[str]:
    notes = [label(lang, "not_scored_note")]
    if c.reference is not None:
        notes.append(label(lang, "relative_note", ref=_ref_label(c, labels)))
    if c.common is not None:
        from hemscore.analysis.common import common_note

        years = [a.profile.year for a in c.assessments]
        notes.append(common_note(lang, c.common, len(c.assessments), years))
    return notes


def render_markdown(c: Comparison, options: RenderOptions) -> str:
    lang = options.lang
    labels = _labels(c)
    n = len(c.assessments)
    rel = c.reference is not None
    heads = [md_cell(lab) for lab in labels[:n]]
    separate = rel and c.reference_index is None
    if separate:
        heads.append(md_cell(f"{labels[n]} ({label(lang, 'reference')})"))
    out = [
        f"## {label(lang, 'compare')}",
        "",
        "| | " + " | ".join(heads) + f" | {label(lang, 'leader')} |",
        "|---|" + "---:|" * len(heads) + "---|",
    ]
    for row in c.rows:
        title = md_cell(_title(c, row, lang))
        if row.level == "overall":
            title = f"**{title}**"
        elif row.level == "diagnostic":
            title = f"*{title}*"
        cells = [_cell_text(cell, lang, rel) for cell in row.cells]
        if separate and row.reference is not None:
            cells.append(_cell_text(row.reference, lang, rel))
        leaders = listing(lang).join(labels[i] for i in row.leaders) or "–"
        out.append(
            f"| {title} | " + " | ".join(md_cell(x) for x in cells) + f" | {md_cell(leaders)} |"
        )
    out.append("")
    out.append(
        "  \n".join(_notes(c, [md_cell(x) for x in labels], lang))
    )  # a Markdown hard line break between notes
    return "\n".join(out) + "\n"


def _short_title(c: Comparison, row: Row, lang: str) -> str:
    """A column header: the diagnostic's id in English (the full titles are in the leader line)."""
    if lang == "en" and row.level == "diagnostic":
        return row.id.capitalize()
    return _title(c, row, lang)


def _short(text: str, width: int = 14) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(c: Comparison, options: RenderOptions) -> str:
    """Two tables: profiles × (overall, diagnostics), then with ``detail`` rules × profiles."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.base.safe_text import terminal
    from hemscore.render.formats.table import console

    lang = options.lang
    labels = [terminal(x) for x in _labels(c)]
    n = len(c.assessments)
    rel = c.reference is not None
    separate = rel and c.reference_index is None
    band_style = {
        "leader": "bold green",
        "strong": "green",
        "moderate": "yellow",
        "emerging": "red",
    }

    def cell_text(cell: Cell | None, band_word: bool = True) -> Text:
        if cell is None:
            return Text("–")
        if cell.score is None:
            return Text(
                label(lang, "not_applicable") if cell.status == "not_applicable" else "–",
                style="dim",
            )
        text = Text(num(cell.score), style="bold green" if cell.rank == 1 else "")
        if cell.rank is not None:
            text.append(f" #{cell.rank}", style="dim")
        if rel and cell.relative is not None:
            word = f" {label(lang, 'band_' + (cell.band or 'emerging'))}" if band_word else ""
            text.append(f"\n{cell.relative:.0f}%{word}", style=band_style.get(cell.band or "", ""))
        return text

    summary_rows = [r for r in c.rows if r.level != "rule"]
    t = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        title=label(lang, "compare"),
        title_justify="left",
        title_style="bold",
    )
    t.add_column(label(lang, "profile"), ratio=1, overflow="fold", min_width=12)
    for row in summary_rows:
        t.add_column(
            terminal(_short_title(c, row, lang)), justify="right", min_width=8, overflow="fold"
        )
    for i in range(n):
        t.add_row(labels[i], *[cell_text(row.cells[i]) for row in summary_rows])
    if separate:
        t.add_row(
            Text(f"{labels[n]} ({label(lang, 'reference')})", style="dim"),
            *[cell_text(row.reference) for row in summary_rows],
        )
    buf = io.StringIO()
    con = console(options, buf)
    print_fitted(con, t)
    leaders = [
        f"{terminal(_title(c, row, lang))}{colon(lang)}"
        f"{listing(lang).join(labels[i] for i in row.leaders)}"
        for row in summary_rows
        if row.leaders
    ]
    if leaders:
        con.print(Text(f"{label(lang, 'leader')} — " + clause(lang).join(leaders)))
    rule_rows = [r for r in c.rows if r.level == "rule"]
    if rule_rows:
        d = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        d.add_column(label(lang, "rule"), ratio=1, overflow="fold", min_width=24)
        for i in range(n):
            d.add_column(_short(labels[i]), justify="right", no_wrap=True)
        if separate:
            d.add_column(
                _short(f"{labels[n]} ({label(lang, 'reference')})"), justify="right", no_wrap=True
            )
        current = None
        for row in rule_rows:
            if row.diagnostic != current:
                current = row.diagnostic
                title = next(
                    x for x in c.assessments[0].ruleset.diagnostics if x.id == current
                ).text(lang, "title")
                d.add_row(Text(terminal(title), style="bold underline"))
            cells = [cell_text(cell, band_word=False) for cell in row.cells]
            if separate:
                cells.append(cell_text(row.reference, band_word=False))
            d.add_row(terminal(_title(c, row, lang)), *cells)
        con.print()
        print_fitted(con, d)
    for note in _notes(c, labels, lang):
        con.print(Text(terminal(note), style="dim"))
    return buf.getvalue()


def render_html(c: Comparison, options: RenderOptions) -> str:
    """The HTML page (below)."""

    return compare_page(c, options)


def render(c: Comparison, fmt: str, options: RenderOptions) -> str:
    """The comparison in format ``fmt`` (one of :data:`FORMATS`)."""
    return {
        "table": render_table,
        "json": render_json,
        "csv": render_csv,
        "markdown": render_markdown,
        "html": render_html,
    }[fmt](c, options)


# --- the HTML page ----------------------------------------------------------------------


# --- compare -------------------------------------------------------------------------------


def compare_page(c: Comparison, options: RenderOptions) -> str:

    lang = _lang(options)
    labels = _labels(c)
    n = len(c.assessments)
    rs = c.assessments[0].ruleset
    rel = c.reference is not None
    separate = rel and c.reference_index is None
    overall = next(r for r in c.rows if r.level == "overall")
    order = sorted(
        range(n), key=lambda i: (overall.cells[i].rank is None, overall.cells[i].rank or 0, i)
    )

    # 1. the ranking: a bar per profile and the ranked table
    bars = [
        Bar(labels[i], (("bar-a", overall.cells[i].score),), text=num(overall.cells[i].score))
        for i in order
    ]
    desc = page.listing_sep(lang).join(f"{labels[i]}: {num(overall.cells[i].score)}" for i in order)
    chart = page.bar_chart(
        "rank-c", say(lang, "ranking_title"), say(lang, "ranking_desc", rows=desc), bars
    )
    heads = [
        label(lang, "profile"),
        label(lang, "rank"),
        label(lang, "overall"),
        label(lang, "grade"),
    ]
    if rel:
        heads += [say(lang, "relative"), say(lang, "band")]
    rows: list[tuple[str, list[CellMarkup]]] = []
    for i in order:
        cell = overall.cells[i]
        cells: list[CellMarkup] = [
            ("num", "–" if cell.rank is None else str(cell.rank)),
            ("num", num(cell.score)),
            esc(c.assessments[i].grade),
        ]
        if rel:
            cells += _relative(cell, lang)
        rows.append((esc(labels[i]), cells))
    if separate and c.reference is not None and overall.reference is not None:
        ref = overall.reference
        ref_cells: list[CellMarkup] = ["–", ("num", num(ref.score)), esc(c.reference.grade)]
        ref_cells += _relative(ref, lang)
        rows.append((esc(f"{labels[n]} ({label(lang, 'reference')})"), ref_cells))
    ranking = _section(
        "ranking",
        say(lang, "ranking"),
        page.chart_pair("ranking-h", chart, _numbers_table(heads, rows, lang, "rank-c")),
    )

    # 2. the heat map: profiles × overall and diagnostics
    summary = [r for r in c.rows if r.level != "rule"]
    heat_rows: list[PageRow] = []
    for i in range(n):
        heat_rows.append(
            (esc(labels[i]), [_heat_cell(r.cells[i], rs.grades, lang, rel) for r in summary])
        )
    if separate:
        heat_rows.append(
            (
                esc(f"{labels[n]} ({label(lang, 'reference')})"),
                [_heat_cell(r.reference, rs.grades, lang, rel) for r in summary],
            )
        )
    heat = page.table(
        [label(lang, "profile"), *[_title(c, r, lang) for r in summary]],
        heat_rows,
        cls="heat",
        labelledby="heat-h",
        describedby="heat-note",
    )
    note = f'<p class="legend" id="heat-note">{esc(say(lang, "heat_note"))}</p>\n'
    parts = [ranking, _section("heat", say(lang, "heat_diag"), note + heat)]

    # 3. with --detail: indicators × profiles, one table per diagnostic
    rule_rows = [r for r in c.rows if r.level == "rule"]
    if rule_rows:
        cols = [label(lang, "rule"), *labels[:n]]
        if separate:
            cols.append(f"{labels[n]} ({label(lang, 'reference')})")
        tables = []
        for d in rs.diagnostics:
            mine = [r for r in rule_rows if r.diagnostic == d.id]
            if not mine:
                continue
            body = []
            for r in mine:
                cells = [_heat_cell(cell, rs.grades, lang, rel) for cell in r.cells]
                if separate:
                    cells.append(_heat_cell(r.reference, rs.grades, lang, rel))
                body.append((esc(_title(c, r, lang)), cells))
            tables.append(page.table(cols, body, cls="heat by-rule", caption=d.text(lang, "title")))
        parts.append(_section("rules", say(lang, "heat_rules"), "".join(tables)))

    # 4. with --common: the rules every profile was scored on
    if c.common is not None:
        used = []
        for rid in c.common:
            rule = rs.rule(rid)
            used.append((esc(rid), [esc(rule.text(lang, "title") if rule else "")]))
        parts.append(
            _section(
                "common",
                say(lang, "rules_used"),
                page.table([label(lang, "rule"), say(lang, "rule_title")], used),
            )
        )
    parts.append(_section("notes", say(lang, "notes"), _items(_notes(c, labels, lang))))
    title = label(lang, "compare")
    ref_name = _ref_label(c, labels)
    subtitle = _who(labels[:n], lang)
    if ref_name is not None:
        subtitle += f" · {label(lang, 'reference')}{colon(lang)}{ref_name}"
    return _whole(lang, title, title, subtitle, "".join(parts))


def _relative(cell: Cell, lang: str) -> list[CellMarkup]:
    if cell.relative is None:
        return [("num", "–"), "–"]
    return [
        ("num", f"{cell.relative:.0f}%"),
        esc(label(lang, "band_" + (cell.band or "emerging"))),
    ]


def _heat_cell(
    cell: Cell | None, grades: Sequence[tuple[str, float]], lang: str, rel: bool
) -> CellMarkup:
    if cell is None:
        return ("hn", "–")
    if cell.score is None:
        text = label(lang, "not_applicable") if cell.status == "not_applicable" else "–"
        return ("hn", esc(text))
    text = num(cell.score) + (f" #{cell.rank}" if cell.rank is not None else "")
    if rel and cell.relative is not None:
        text += f" · {cell.relative:.0f}%"
    return (page.shade(cell.score, grades), esc(text))
