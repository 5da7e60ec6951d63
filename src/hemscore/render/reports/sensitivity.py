"""Rendering of ``hemscore sensitivity``: table, json, html."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from hemscore.analysis.sensitivity import Interval, SensitivityResult
from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import Bar, CellMarkup, esc
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
from hemscore.render.reports.html import (
    Row,
    _cell,
    _f,
    _g,
    _group,
    _items,
    _lang,
    _n,
    _numbers_table,
    _section,
    _who,
    _whole,
    say,
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
    """The HTML page (below)."""

    return sensitivity_page(r, options)


def render(r: SensitivityResult, fmt: str, options: RenderOptions) -> str:
    """The analysis in format ``fmt`` (one of :data:`FORMATS`)."""
    return {"table": render_table, "json": render_json, "html": render_html}[fmt](r, options)


# --- the HTML page ----------------------------------------------------------------------


# --- sensitivity ---------------------------------------------------------------------------


def sensitivity_page(r: SensitivityResult, options: RenderOptions) -> str:

    lang = _lang(options)
    extra = []
    if r.common is not None:
        from hemscore.analysis.common import common_note

        years = [p.assessment.profile.year for p in r.profiles]
        extra.append(common_note(lang, r.common, len(r.profiles), years))
    if any(p.score is None for p in r.profiles):
        extra.append(label(lang, "unscored_note"))
    return sensitivity_from_dict(to_dict(r), lang, extra)


def sensitivity_from_dict(d: Mapping[str, Any], lang: str, notes: Sequence[str] = ()) -> str:
    """The sensitivity page from the report's JSON object (see the module's docstring)."""
    profiles = [p for p in d.get("profiles", []) if isinstance(p, Mapping)]
    names = [str(p.get("label") or p.get("name") or "") for p in profiles]
    parts = []
    ranked = [i for i, p in enumerate(profiles) if isinstance(p.get("rank"), Mapping)]
    if ranked:
        ranked.sort(key=lambda i: (_n(profiles[i]["rank"].get("median")) or 0.0, i))
        top = max([len(profiles), *[_n(profiles[i]["rank"].get("high")) or 0 for i in ranked]])
        step = max(1, math.ceil(top / 10))
        ticks = [1, *range(1 + step, int(top) + 1, step)]
        bars: list[Bar] = []
        desc: list[str] = []
        rows: list[Row] = []
        for i in ranked:
            rk = profiles[i]["rank"]
            med, low, high = (_n(rk.get(k)) for k in ("median", "low", "high"))
            if med is None or low is None or high is None:
                continue
            bars.append(Bar(names[i], interval=(low, med, high), text=f"{med:g}"))
            desc.append(
                say(
                    lang,
                    "interval_row",
                    name=names[i],
                    median=f"{med:g}",
                    low=f"{low:g}",
                    high=f"{high:g}",
                )
            )
            nominal = profiles[i].get("nominal", {})
            rows.append(
                (
                    esc(names[i]),
                    [
                        (
                            "num",
                            esc(_g(nominal.get("rank") if isinstance(nominal, Mapping) else None)),
                        ),
                        ("num", f"{med:g}"),
                        ("num", f"{low:g}–{high:g}"),
                    ],
                )
            )
        chart = page.bar_chart(
            "rank-c",
            say(lang, "rank_title"),
            say(lang, "rank_desc", rows=page.listing_sep(lang).join(desc)),
            bars,
            lo=1,
            hi=max(top, 2),
            ticks=ticks,
        )
        heads = [
            label(lang, "profile"),
            label(lang, "rank"),
            label(lang, "median_rank"),
            label(lang, "rank_interval"),
        ]
        parts.append(
            _section(
                "ranks",
                say(lang, "rank_interval"),
                page.chart_pair("ranks-h", chart, _numbers_table(heads, rows, lang, "rank-c")),
            )
        )
    bars = []
    desc = []
    rows = []

    def best_first(i: int) -> tuple[bool, float, int]:
        sc = profiles[i].get("score")
        median = _n(sc.get("median")) if isinstance(sc, Mapping) else None
        return (median is None, -(median or 0.0), i)

    for i in sorted(range(len(profiles)), key=best_first):
        p = profiles[i]
        sc = p.get("score")
        nominal = p.get("nominal", {})
        nom = _n(nominal.get("score")) if isinstance(nominal, Mapping) else None
        cells: list[CellMarkup] = [("num", num(nom))]
        if isinstance(sc, Mapping) and None not in (
            _n(sc.get(k)) for k in ("median", "low", "high")
        ):
            med, low, high = (float(sc[k]) for k in ("median", "low", "high"))
            bars.append(Bar(names[i], interval=(low, med, high), text=num(med)))
            desc.append(
                say(
                    lang,
                    "interval_row",
                    name=names[i],
                    median=num(med),
                    low=num(low),
                    high=num(high),
                )
            )
            cells += [("num", num(med)), ("num", f"{num(low)}–{num(high)}")]
        else:
            bars.append(Bar(names[i], bars=(("bar-none", None),), text="–"))
            desc.append(f"{names[i]}: –")
            cells += [("num", "–"), ("num", "–")]
        runs = p.get("scored_runs", sc.get("runs_scored") if isinstance(sc, Mapping) else None)
        cells.append(("num", esc(_g(runs))))
        rows.append((esc(names[i]), cells))
    chart = page.bar_chart(
        "score-c",
        say(lang, "score_title"),
        say(lang, "score_desc", rows=page.listing_sep(lang).join(desc)),
        bars,
    )
    heads = [
        label(lang, "profile"),
        label(lang, "nominal"),
        label(lang, "median"),
        label(lang, "interval"),
        say(lang, "scored_runs"),
    ]
    parts.append(
        _section(
            "scores",
            say(lang, "score_interval"),
            page.chart_pair("scores-h", chart, _numbers_table(heads, rows, lang, "score-c")),
        )
    )
    sobol = _sobol_section(d, names, lang)
    if sobol:
        parts.append(_section("sobol", say(lang, "sobol"), sobol))
    loo = _leave_one_out(d, names, lang)
    if loo:
        parts.append(_section("loo", say(lang, "leave_one_out"), loo))
    lines = [*_settings_lines(d, lang), *notes]
    parts.append(_section("notes", say(lang, "notes"), _items(lines)))
    title = label(lang, "sensitivity")
    return _whole(lang, title, title, _who(names, lang), "".join(parts))


def _settings_lines(d: Mapping[str, Any], lang: str) -> list[str]:
    """How the runs were made, and (the variance-based analysis) how stable the ranks are."""
    settings = d.get("settings")
    if not isinstance(settings, Mapping):
        return []
    lines = []
    try:
        if "weight_factor" in settings:
            lines.append(
                label(
                    lang,
                    "settings",
                    runs=settings["runs"],
                    seed=settings["seed"],
                    low=f"{settings['weight_factor']['low']:g}",
                    high=f"{settings['weight_factor']['high']:g}",
                    geo=settings["aggregation_runs"]["geometric"],
                )
            )
        elif "samples" in settings:
            lines.append(
                say(
                    lang,
                    "sobol_settings",
                    samples=f"{settings['samples']:,}",
                    runs=f"{settings['runs']:,}",
                    seed=settings["seed"],
                )
            )
        band = d.get("summary", {}).get("rank_within_band") or {}
        nominal, interval = band.get("nominal_rank"), band.get("rank_interval")
        if isinstance(nominal, Mapping) and isinstance(interval, Mapping):
            lines.append(
                say(
                    lang,
                    "within_band",
                    band=settings.get("rank_band", 3),
                    n=nominal["profiles"],
                    m=interval["profiles"],
                    of=nominal["of"],
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # a report without these keys: its notes say less
    return lines


#: The outputs a Sobol index is of, in the order drawn.
_OUTPUTS = ("score", "rank")

#: A factor group's indices: (group, first order, its interval, total, its interval).
SobolRow = tuple[
    str, float | None, tuple[float, float] | None, float | None, tuple[float, float] | None
]


def _ci_of(x: Any) -> tuple[float, float] | None:
    if isinstance(x, Sequence) and not isinstance(x, str) and len(x) == 2:
        lo, hi = _n(x[0]), _n(x[1])
        return None if lo is None or hi is None else (lo, hi)
    return None


def _index_rows(indices: Any, first: str = "first", total: str = "total") -> list[SobolRow]:
    """``{group: {first, first_ci, total, total_ci}}`` as rows (nothing for anything else)."""
    if not isinstance(indices, Mapping):
        return []
    return [
        (
            str(g),
            _n(x.get(first)),
            _ci_of(x.get(f"{first}_ci")),
            _n(x.get(total)),
            _ci_of(x.get(f"{total}_ci")),
        )
        for g, x in indices.items()
        if isinstance(x, Mapping)
    ]


def _sobol_section(d: Mapping[str, Any], names: Sequence[str], lang: str) -> str:
    """The Sobol part: per output, the indices' means over the profiles as bars; with a few
    profiles, each profile's too; and for each profile the group that moves it most."""
    profiles = [p if isinstance(p, Mapping) else {} for p in d.get("profiles", [])]
    summary = d.get("summary")
    blocks: list[tuple[str, list[SobolRow]]] = []
    if isinstance(summary, Mapping):
        for out in _OUTPUTS:
            rows = _index_rows(summary.get(out), "first_mean", "total_mean")
            if rows:
                what = say(lang, "sobol_mean", n=len(profiles), output=label(lang, out))
                blocks.append((what, rows))
    per_profile = [
        (f"{name} · {label(lang, out)}", _index_rows(p.get(out, {}).get("indices")))
        for name, p in zip(names, profiles, strict=False)
        for out in _OUTPUTS
        if isinstance(p.get(out), Mapping)
    ]
    per_profile = [(what, rows) for what, rows in per_profile if rows]
    if not blocks and not per_profile:
        return ""
    if len(profiles) <= 4 or not blocks:
        blocks += per_profile
    parts = [f'<p class="legend">{esc(say(lang, "sobol_note"))}</p>\n']
    parts += [_sobol_chart(k, what, rows, lang) for k, (what, rows) in enumerate(blocks)]
    if per_profile:
        drivers: list[Row] = []
        for name, p in zip(names, profiles, strict=False):
            cells: list[CellMarkup] = []
            for out in _OUTPUTS:
                rows = _index_rows((p.get(out) or {}).get("indices"))
                known = [(t, g) for g, _, _, t, _ in rows if t is not None]
                if known:
                    t, g = max(known)
                    cells.append(esc(f"{_group(lang, g)} {t:.2f}"))
                else:
                    cells.append("–")
            drivers.append((esc(name), cells))
        heads = [label(lang, "profile"), *[say(lang, f"driver_{out}") for out in _OUTPUTS]]
        parts.append(page.table(heads, drivers, caption=say(lang, "drivers")))
    return "".join(parts)


def _sobol_chart(k: int, what: str, rows: list[SobolRow], lang: str) -> str:
    ident = f"sobol{k}"
    rows = [(_group(lang, g), a, aci, b, bci) for g, a, aci, b, bci in rows]
    bars = [
        Bar(g, (("bar-a", a), ("bar-b", b)), text=f"{_f(a)} / {_f(b)}") for g, a, _, b, _ in rows
    ]
    desc = page.listing_sep(lang).join(
        say(lang, "sobol_row", group=g, first=_f(a), total=_f(b)) for g, a, _, b, _ in rows
    )
    chart = page.bar_chart(
        ident,
        say(lang, "sobol_title", what=what),
        say(lang, "sobol_desc", rows=desc),
        bars,
        lo=0.0,
        hi=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1),
    )
    heads = [
        say(lang, "factor_group"),
        say(lang, "first_order"),
        say(lang, "ci"),
        say(lang, "total_index"),
        say(lang, "ci"),
    ]
    table_rows: list[Row] = [
        (esc(g), [("num", _f(a)), ("num", _ci(aci)), ("num", _f(b)), ("num", _ci(bci))])
        for g, a, aci, b, bci in rows
    ]
    return f'<h3 id="{ident}-h">{esc(what)}</h3>\n' + page.chart_pair(
        f"{ident}-h", chart, _numbers_table(heads, table_rows, lang, ident)
    )


def _ci(ci: tuple[float, float] | None) -> str:
    return "–" if ci is None else f"{ci[0]:.2f}–{ci[1]:.2f}"


#: The leave-one-out record's columns, in order, and the most profiles whose own shifts are
#: columns too (past that the table would be wider than a page; the JSON has them).
_LOO_COLUMNS = ("largest_shift", "mean_abs_shift", "profiles_moved")
_LOO_SPREAD = 8


def _leave_one_out(d: Mapping[str, Any], names: Sequence[str], lang: str) -> str:
    """``leave_one_out``: one row per rule left out, its largest and mean rank shift, the
    profiles it moves and, for a few profiles, each one's shift."""
    records = d.get("leave_one_out")
    if not isinstance(records, Sequence) or isinstance(records, str) or not records:
        return ""
    spread = len(names) <= _LOO_SPREAD
    body: list[Row] = []
    for rec in records:
        if not isinstance(rec, Mapping):
            continue
        head = " ".join(str(rec[k]) for k in ("rule", "title") if rec.get(k) is not None)
        cells = [_cell(rec.get(k)) for k in _LOO_COLUMNS]
        shifts = rec.get("shifts")
        if spread:
            values = list(shifts) if isinstance(shifts, Sequence) else []
            cells += [_cell(values[i] if i < len(values) else None) for i in range(len(names))]
        body.append((esc(head), cells))
    heads = [say(lang, "left_out"), *[say(lang, f"loo_{k}") for k in _LOO_COLUMNS]]
    if spread:
        heads += list(names)
    return page.table(heads, body, cls="records", caption=say(lang, "loo_note"))
