"""CSV: one row per profile (overall, grade, coverage and each diagnostic's score), or with
``--detail`` one row per rule. Written as each profile is assessed; the summary's header, which
names the rule set's diagnostics, comes with the first row (alone when no profile was scored).

Numbers are rounded as in the JSON output (4 decimals); a score that cannot be computed is an
empty cell; booleans are ``true``/``false``; coverage is a fraction 0–1. Rows end in ``\\n``.
A text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or CR) gets
a leading apostrophe, so a profile name or source cannot become a formula. A cell holding a
comma, a quote, CR or LF is quoted (CR too, though rows end in LF: a spreadsheet also ends a
row at a bare CR), so text after a line break stays in its cell; other control characters are
shown as escapes. A formula start after a line break inside a cell gets the apostrophe too, for
readers that split lines before quotes. All of it is :func:`hemscore.base.safe_text.csv_cell`
and :func:`~hemscore.base.safe_text.csv_quoted`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hemscore.base.numbers import round4
from hemscore.base.safe_text import csv_cell, csv_quoted
from hemscore.engine.assessment import Assessment
from hemscore.model.catalogue import builtin_diagnostics
from hemscore.render.formats import _text as tx
from hemscore.render.formats.options import RenderOptions

#: The summary's columns, followed by one per diagnostic of the rule set.
SUMMARY_COLUMNS: tuple[str, ...] = ("path", "name", "kind", "year", "overall", "grade", "coverage")
DETAIL_COLUMNS: tuple[str, ...] = (
    "path",
    "name",
    "kind",
    "year",
    "diagnostic",
    "rule",
    "title",
    "metric",
    "severity",
    "weight",
    "status",
    "value",
    "target",
    "score",
    "gap",
    "contribution",
    "estimate",
    "source",
    "line",
    "planned",
)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        n = round4(v)
        return "" if n is None else repr(n)
    return csv_cell(str(v))


def row(values: Sequence[Any]) -> str:
    """One CSV row: each value as a guarded cell, quoted where needed, ending in LF."""
    if len(values) == 1 and _cell(values[0]) == "":
        return '""\n'  # a bare empty line would read as no cell at all
    return ",".join(csv_quoted(_cell(v)) for v in values) + "\n"


def _rows(rows: list[list[Any]]) -> str:
    return "".join(row(r) for r in rows)


def begin(options: RenderOptions) -> str:
    return _rows([list(DETAIL_COLUMNS)]) if options.detail else ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    p = a.profile
    head = [p.path, p.name, p.kind, p.year]
    if not options.detail:
        scores = [d.score for d in a.diagnostics]
        line = [[*head, a.score, a.grade, a.coverage, *scores]]
        if index == 0:
            return _rows([[*SUMMARY_COLUMNS, *(d.id for d in a.diagnostics)], *line])
        return _rows(line)
    rows = []
    for d in a.diagnostics:
        for r in d.rules:
            mv = r.input
            rows.append(
                [
                    *head,
                    d.id,
                    r.id,
                    r.rule.text(options.lang, "title"),
                    r.rule.metric,
                    r.rule.severity,
                    r.weight,
                    r.status,
                    r.value,
                    r.rule.target,
                    r.score,
                    r.gap,
                    r.contribution,
                    None if mv is None else mv.is_estimate,
                    None
                    if mv is None
                    else tx.source_line(r, options.lang)
                    if mv.is_target
                    else mv.source,
                    None if mv is None else mv.line,
                    None if mv is None else mv.is_target,
                ]
            )
    return _rows(rows)


def end(options: RenderOptions, count: int) -> str:
    if count or options.detail:
        return ""
    return _rows([[*SUMMARY_COLUMNS, *builtin_diagnostics()]])  # no row: the header alone
