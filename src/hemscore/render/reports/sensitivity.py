"""Rendering of ``hemscore sensitivity``: table, json, html."""

from __future__ import annotations

import io
from typing import Any

from hemscore.analysis.sensitivity import Interval, SensitivityResult
from hemscore.render.formats import RenderOptions
from hemscore.render.reports import REPORT_SCHEMA_VERSION
from hemscore.render.reports._common import (
    dumps,
    jnum,
    label,
    num,
    print_fitted,
    profile_dict,
    profile_labels,
)

FORMATS: tuple[str, ...] = ("table", "json", "html")


def _interval(i: Interval | None) -> dict[str, Any] | None:
    return (
        None if i is None else {"median": jnum(i.median), "low": jnum(i.low), "high": jnum(i.high)}
    )


def to_dict(r: SensitivityResult) -> dict[str, Any]:
    """The JSON object of a sensitivity analysis."""
    labels = profile_labels([p.assessment.profile for p in r.profiles])
    rs = r.profiles[0].assessment.ruleset
    out: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "sensitivity",
        "ruleset": {"name": rs.name, "version": rs.version},
        "settings": {
            "runs": r.runs,
            "seed": r.seed,
            "weight_factor": {"low": jnum(r.low), "high": jnum(r.high)},
            "aggregation_runs": {
                "arithmetic": r.runs - r.geometric_runs,
                "geometric": r.geometric_runs,
            },
            "quantiles": [0.05, 0.5, 0.95],
        },
        "profiles": [
            {
                **profile_dict(p.assessment.profile, labels[i]),
                "nominal": {
                    "score": jnum(p.nominal_score),
                    "rank": p.nominal_rank,
                    "aggregation": p.assessment.aggregation,
                },
                "score": _interval(p.score),
                "rank": _interval(p.rank),
                "scored_runs": p.scored_runs,
            }
            for i, p in enumerate(r.profiles)
        ],
    }
    if r.common is not None:  # only with --common, so other reports keep their shape
        out["common_rules"] = list(r.common)
        out["years"] = sorted({p.assessment.profile.year for p in r.profiles})
    return out


def render_json(r: SensitivityResult, options: RenderOptions) -> str:
    return dumps(to_dict(r))


def _range(i: Interval | None, digits: int = 1) -> str:
    return "–" if i is None else f"{i.low:.{digits}f}–{i.high:.{digits}f}"


def _rank(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:g}"


def render_table(r: SensitivityResult, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.base.safe_text import terminal
    from hemscore.render.formats.table import console

    lang = options.lang
    labels = [terminal(x) for x in profile_labels([p.assessment.profile for p in r.profiles])]
    many = len(r.profiles) > 1
    t = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        title=label(lang, "sensitivity"),
        title_justify="left",
        title_style="bold",
    )
    t.add_column(label(lang, "profile"), ratio=1, overflow="fold")
    t.add_column(label(lang, "nominal"), justify="right")
    t.add_column(label(lang, "median"), justify="right")
    t.add_column(label(lang, "interval"), justify="right")
    if many:
        t.add_column(label(lang, "rank"), justify="right")
        t.add_column(label(lang, "median_rank"), justify="right")
        t.add_column(label(lang, "rank_interval"), justify="right")
    for i, p in enumerate(r.profiles):
        cells = [
            labels[i],
            num(p.nominal_score),
            num(p.score.median if p.score else None),
            _range(p.score),
        ]
        if many:
            cells += [
                _rank(p.nominal_rank),
                _rank(p.rank.median if p.rank else None),
                "–" if p.rank is None else f"{p.rank.low:g}–{p.rank.high:g}",
            ]
        t.add_row(*cells)
    buf = io.StringIO()
    con = console(options, buf)
    print_fitted(con, t)
    con.print(
        Text(
            label(
                lang,
                "settings",
                runs=r.runs,
                seed=r.seed,
                low=f"{r.low:g}",
                high=f"{r.high:g}",
                geo=r.geometric_runs,
            ),
            style="dim",
        )
    )
    if any(p.score is None for p in r.profiles):
        con.print(Text(label(lang, "unscored_note"), style="dim"))
    if r.common is not None:
        from hemscore.analysis.common import common_note

        years = [p.assessment.profile.year for p in r.profiles]
        con.print(Text(common_note(lang, r.common, len(r.profiles), years), style="dim"))
    return buf.getvalue()


def render_html(r: SensitivityResult, options: RenderOptions) -> str:
    """The HTML page (:mod:`hemscore.render.reports.html`)."""
    from hemscore.render.reports.html import sensitivity_page

    return sensitivity_page(r, options)


def render(r: SensitivityResult, fmt: str, options: RenderOptions) -> str:
    """The analysis in format ``fmt`` (one of :data:`FORMATS`)."""
    return {"table": render_table, "json": render_json, "html": render_html}[fmt](r, options)
