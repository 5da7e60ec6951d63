"""Rendering of ``hemscore sensitivity --factor ...`` (the variance-based analysis).

Formats: table, json, html (the sensitivity page of :mod:`hemscore.render.reports.sensitivity`).

Its texts (English and Chinese) are kept here, beside the report that uses them.
"""

from __future__ import annotations

import io
from typing import Any

from hemscore.analysis.uncertainty import (
    CONFIDENCE,
    QUANTILES,
    RANK_BAND,
    Index,
    Interval,
    Output,
    UncertaintyResult,
)
from hemscore.base import messages
from hemscore.render.formats import RenderOptions
from hemscore.render.reports import REPORT_SCHEMA_VERSION
from hemscore.render.reports._common import dumps, jnum, label, num, print_fitted, profile_dict
from hemscore.render.reports._common import profile_labels as _profile_labels

FORMATS: tuple[str, ...] = ("table", "json", "html")


def text(lang: str, key: str, **fmt: object) -> str:
    return messages.label(lang, "uncertainty." + key, **fmt)


def group_name(lang: str, name: str) -> str:
    """A factor group's name: its id in English, translated in the catalogues."""
    key = f"uncertainty.group.{name}"
    return messages.label(lang, key) if key in messages.EN else name


def _interval(i: Interval | None) -> dict[str, Any]:
    if i is None:
        return {"median": None, "low": None, "high": None}
    return {"median": jnum(i.median), "low": jnum(i.low), "high": jnum(i.high)}


def _ci(ci: tuple[float, float] | None) -> list[float | None] | None:
    return None if ci is None else [jnum(ci[0]), jnum(ci[1])]


def _index(x: Index) -> dict[str, Any]:
    return {
        "first": jnum(x.first),
        "first_ci": _ci(x.first_ci),
        "total": jnum(x.total),
        "total_ci": _ci(x.total_ci),
    }


def _output(o: Output | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        **_interval(o.interval),
        "runs_scored": o.runs_scored,
        "variance": jnum(o.variance),
        "indices": None if o.indices is None else {g: _index(x) for g, x in o.indices.items()},
    }


def _means(r: UncertaintyResult, which: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in r.factors:
        firsts, totals = [], []
        for p in r.profiles:
            o = p.score if which == "score" else p.rank
            if o is not None and o.indices is not None:
                firsts.append(o.indices[f.name].first)
                totals.append(o.indices[f.name].total)
        out[f.name] = {
            "first_mean": jnum(sum(firsts) / len(firsts)) if firsts else None,
            "total_mean": jnum(sum(totals) / len(totals)) if totals else None,
            "profiles": len(firsts),
        }
    return out


def _share(pair: tuple[int, int] | None) -> dict[str, Any] | None:
    if pair is None:
        return None
    n, of = pair
    return {"profiles": n, "of": of, "share": jnum(n / of) if of else None}


def to_dict(r: UncertaintyResult) -> dict[str, Any]:
    """The JSON object of a variance-based sensitivity analysis."""
    first = r.profiles[0].assessment
    rs = first.ruleset
    labels = _profile_labels([p.assessment.profile for p in r.profiles])
    ids = [p.assessment.profile for p in r.profiles]
    loo = []
    for lo in r.leave_one_out:
        moved = [abs(s) for s in lo.shifts if s is not None]
        loo.append(
            {
                "rule": lo.rule.id,
                "title": lo.rule.text("en", "title"),
                "largest_shift": max(moved) if moved else None,
                "mean_abs_shift": jnum(sum(moved) / len(moved)) if moved else None,
                "profiles_moved": sum(1 for s in moved if s),
                "shifts": list(lo.shifts),
            }
        )
    out: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "sensitivity",
        "method": "sobol",
        "ruleset": {"name": rs.name, "version": rs.version},
        "settings": {
            "groups": [f.spec() for f in r.factors],
            "samples": r.samples,
            "runs": r.runs,
            "seed": r.seed,
            "sampling": "Saltelli design, scrambled Sobol' points (scipy.stats.qmc.Sobol)",
            "estimators": "scipy.stats.sobol_indices (Saltelli 2010 first order, Jansen total)",
            "bootstrap": {
                "resamples": r.resamples,
                "method": "percentile (scipy.stats.bootstrap)",
                "confidence": CONFIDENCE,
            },
            "library": r.library,
            "quantiles": list(QUANTILES),
            "intervals_over": "the 2N runs of the base matrices A and B",
            "rank_band": RANK_BAND,
            "nominal": {
                "aggregation": first.aggregation,
                "min_coverage": first.min_coverage,
                "strict": first.strict,
            },
        },
        "summary": {
            "rank_within_band": {
                "nominal_rank": _share(r.within_nominal),
                "rank_interval": _share(r.within_interval),
            },
            "score": _means(r, "score"),
            "rank": _means(r, "rank") if len(r.profiles) > 1 else None,
        },
        "profiles": [
            {
                **profile_dict(ids[i], labels[i]),
                "nominal": {"score": jnum(p.nominal_score), "rank": p.nominal_rank},
                "score": _output(p.score),
                "rank": _output(p.rank),
            }
            for i, p in enumerate(r.profiles)
        ],
        "leave_one_out": loo,
    }
    if r.common is not None:
        out["common_rules"] = list(r.common)
        out["years"] = sorted({p.assessment.profile.year for p in r.profiles})
    return out


def render_json(r: UncertaintyResult, options: RenderOptions) -> str:
    return dumps(to_dict(r))


def _driver(o: Output | None, lang: str) -> str:
    if o is None or o.interval is None:
        return "–"
    if o.indices is None:
        return text(lang, "no_spread") if o.variance == 0 else "–"
    name, best = max(o.indices.items(), key=lambda kv: (kv[1].total, kv[0]))
    return f"{group_name(lang, name)} {best.total:.2f}"


def render_table(r: UncertaintyResult, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from hemscore.base.safe_text import terminal
    from hemscore.render.formats.table import console

    lang = options.lang
    labels = [terminal(x) for x in _profile_labels([p.assessment.profile for p in r.profiles])]
    many = len(r.profiles) > 1
    buf = io.StringIO()
    con = console(options, buf)

    def table(title: str) -> Any:
        return Table(
            box=box.SIMPLE_HEAD,
            header_style="bold",
            pad_edge=False,
            title=title,
            title_justify="left",
            title_style="bold",
        )

    t = table(text(lang, "title"))
    t.add_column(label(lang, "profile"), ratio=1, overflow="fold")
    for key in ("nominal", "median", "interval"):
        t.add_column(label(lang, key), justify="right")
    if many:
        for key in ("rank", "median_rank", "rank_interval"):
            t.add_column(label(lang, key), justify="right")
        t.add_column(text(lang, "driver"))
    for i, p in enumerate(r.profiles):
        s = p.score.interval
        cells = [
            labels[i],
            num(p.nominal_score),
            num(s.median if s else None),
            "–" if s is None else f"{s.low:.1f}–{s.high:.1f}",
        ]
        if many:
            ri = p.rank.interval if p.rank else None
            cells += [
                "–" if p.nominal_rank is None else str(p.nominal_rank),
                "–" if ri is None else f"{ri.median:g}",
                "–" if ri is None else f"{ri.low:g}–{ri.high:g}",
                _driver(p.rank, lang),
            ]
        t.add_row(*cells)
    print_fitted(con, t)

    g = table(text(lang, "groups_title"))
    g.add_column(text(lang, "group"))
    cols = ["score_first", "score_total"] + (["rank_first", "rank_total"] if many else [])
    for key in cols:
        g.add_column(text(lang, key), justify="right")
    score_means, rank_means = _means(r, "score"), _means(r, "rank")
    for f in r.factors:
        row = [group_name(lang, f.name)]
        for which in (score_means, rank_means) if many else (score_means,):
            row += [num(which[f.name]["first_mean"], 2), num(which[f.name]["total_mean"], 2)]
        g.add_row(*row)
    print_fitted(con, g)

    if r.leave_one_out:
        lt = table(text(lang, "loo_title"))
        lt.add_column(text(lang, "rule"))
        for key in ("largest", "mean_shift", "moved"):
            lt.add_column(text(lang, key), justify="right")
        for lo in r.leave_one_out:
            moved = [abs(s) for s in lo.shifts if s is not None]
            lt.add_row(
                f"{terminal(lo.rule.id)} {terminal(lo.rule.text(lang, 'title'))}",
                str(max(moved)) if moved else "–",
                num(sum(moved) / len(moved), 1) if moved else "–",
                str(sum(1 for s in moved if s)),
            )
        print_fitted(con, lt)

    con.print(
        Text(
            text(
                lang,
                "settings",
                samples=f"{r.samples:,}",
                groups=len(r.factors),
                runs=f"{r.runs:,}",
                seed=r.seed,
                resamples=f"{r.resamples:,}",
                library=r.library,
            ),
            style="dim",
        )
    )
    if r.within_nominal and r.within_interval:
        n, of = r.within_nominal
        m, _ = r.within_interval
        con.print(
            Text(
                text(
                    lang,
                    "within",
                    band=RANK_BAND,
                    n=n,
                    m=m,
                    of=of,
                    pct=round(100 * n / of),
                    pct2=round(100 * m / of),
                ),
                style="dim",
            )
        )
    if any(p.score.runs_scored < r.runs and p.score.interval is not None for p in r.profiles):
        con.print(Text(text(lang, "unscored"), style="dim"))
    if r.common is not None:
        from hemscore.analysis.common import common_note

        years = [p.assessment.profile.year for p in r.profiles]
        con.print(Text(common_note(lang, r.common, len(r.profiles), years), style="dim"))
    return buf.getvalue()


def render_html(r: UncertaintyResult, options: RenderOptions) -> str:
    """The HTML page (``sensitivity_from_dict``), drawn from the JSON object."""
    from hemscore.render.html_page import page_lang
    from hemscore.render.reports.sensitivity import sensitivity_from_dict

    lang = page_lang(options.lang)
    notes = []
    if r.common is not None:
        from hemscore.analysis.common import common_note

        years = [p.assessment.profile.year for p in r.profiles]
        notes.append(common_note(lang, r.common, len(r.profiles), years))
    return sensitivity_from_dict(to_dict(r), lang, notes)


def render(r: UncertaintyResult, fmt: str, options: RenderOptions) -> str:
    """The analysis in format ``fmt`` (one of :data:`FORMATS`)."""
    return {"table": render_table, "json": render_json, "html": render_html}[fmt](r, options)
