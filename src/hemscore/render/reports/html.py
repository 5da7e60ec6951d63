"""The analysis reports as HTML pages: compare, plan, diff, audit and sensitivity.

Each page is built on :mod:`hemscore.render.html_page`, as the assessment report is: the same
stylesheet and shell, nothing fetched, every text from a file escaped by ``esc``, every chart
an inline SVG with a title and a description beside the table of its numbers.

The words of these pages are the message catalogue's ``pages.*`` texts
(:mod:`hemscore.render.messages`); factor groups take their ``uncertainty.group.*`` names.

The sensitivity page is drawn from the report's JSON object (``to_dict`` of the Monte Carlo run
and, with ``--factor``, of the variance-based analysis), so what that object gains shows here
without a second reading of the analysis. Parts drawn when their keys are present, and left out
when absent:

- ``summary.score`` / ``summary.rank``: ``{group: {"first_mean", "total_mean"}}``, the Sobol
  indices' means over the profiles, as paired bars per factor group;
- ``profiles[i].score.indices`` / ``.rank.indices``: ``{group: {"first", "first_ci", "total",
  "total_ci"}}``; as bars for up to four profiles, and for every profile the group with the
  largest total index;
- ``leave_one_out``: ``[{"rule", "title", "largest_shift", "mean_abs_shift",
  "profiles_moved", "shifts"}]``, a table, each profile's shift a column when there are few;
- ``summary.rank_within_band``: the share of profiles whose rank stays within the band.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import Bar, CellMarkup, esc
from hemscore.render.messages import EN, colon, first, listing
from hemscore.render.messages import label as text
from hemscore.render.reports._common import label, num, signed

#: A table row: its header (markup) and cells.
Row = tuple[str, list[CellMarkup]]

if TYPE_CHECKING:
    from hemscore.analysis.audit import AuditResult
    from hemscore.analysis.compare import Cell, Comparison
    from hemscore.analysis.diffing import Diff, RuleChange, RuleSnap
    from hemscore.analysis.plan import Plan
    from hemscore.analysis.sensitivity import SensitivityResult


def say(lang: str, key: str, **fmt: object) -> str:
    """These pages' text ``pages.<key>`` in ``lang`` (the catalogue's), else an analysis
    report's (``_common.label``)."""
    if "pages." + key in EN:
        return first(lang, ("pages." + key, key), **fmt)
    return label(lang, key, **fmt)


def _group(lang: str, name: str) -> str:
    """A factor group's name in ``lang`` (the catalogue's), else as the report names it."""
    key = "uncertainty.group." + name
    return text(lang, key) if key in EN else name


def _lang(options: RenderOptions) -> str:
    return page.page_lang(options.lang)


def _section(ident: str, heading: str, body: str) -> str:
    return (
        f'<section class="block" id="{ident}" aria-labelledby="{ident}-h">\n'
        f'<h2 id="{ident}-h">{esc(heading)}</h2>\n{body}</section>\n'
    )


def _items(lines: Sequence[str], cls: str = "notes") -> str:
    """Plain-text lines as a list."""
    if not lines:
        return ""
    return f'<ul class="{cls}">\n' + "".join(f"<li>{esc(x)}</li>\n" for x in lines) + "</ul>\n"


def _whole(lang: str, title: str, heading: str, subtitle: str, body: str) -> str:
    extra = f'<p class="muted">{esc(subtitle)}</p>\n' if subtitle else ""
    return page.head(lang, title, heading, extra) + body + page.tail(lang)


def _who(names: Sequence[str], lang: str) -> str:
    """The profiles a page is about: their names, or for many, how many."""
    if len(names) > 8:
        return say(lang, "n_profiles", n=len(names))
    return listing(lang).join(names)


def _facts(items: Sequence[tuple[str, str]]) -> str:
    """Key figures as a definition list (keys plain text, values markup)."""
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return f'<div class="profile-head"><dl class="facts">{dl}</dl></div>\n'


def _numbers_table(
    heads: Sequence[str], rows: Sequence[tuple[str, Sequence[CellMarkup]]], lang: str, ident: str
) -> str:
    return page.table(
        heads,
        rows,
        cls="chart-data",
        caption=page.word(lang, "chart_numbers"),
        describedby=f"{ident}-t",
    )


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


# --- compare -------------------------------------------------------------------------------


def compare_page(c: Comparison, options: RenderOptions) -> str:
    from hemscore.render.reports.compare import _labels, _notes, _ref_label, _title

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
    heat_rows: list[Row] = []
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


# --- sensitivity ---------------------------------------------------------------------------


def sensitivity_page(r: SensitivityResult, options: RenderOptions) -> str:
    from hemscore.render.reports.sensitivity import to_dict

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


def _n(x: Any) -> float | None:
    """A finite number from JSON data, else None."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def _g(x: Any) -> str:
    n = _n(x)
    return "–" if n is None else f"{n:g}"


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


def _cell(v: Any) -> CellMarkup:
    n = _n(v)
    if n is not None:
        return ("num", f"{n:g}" if n.is_integer() else f"{n:.2f}")
    return ("num", "–") if v is None or isinstance(v, bool) else esc(v)


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
    from hemscore.render.reports.diff import _reasons, _status, _summary, _value

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


def _delta_class(x: float | None) -> str:
    return "up" if x is not None and x > 0 else "down" if x is not None and x < 0 else "same"


# --- plan ----------------------------------------------------------------------------------


def plan_page(plan: Plan, options: RenderOptions, written: str | None = None) -> str:
    from hemscore.render.reports.plan import _metric_title, _value, blocker_lines, outcome_lines

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
                    say(lang, "flag_distribution", x=d.rule, skew=_f(d.skew), kurt=_f(d.kurtosis)),
                    say(lang, "do_distribution"),
                )
            )
    for p in r.pairs:
        for f in p.flags:
            out.append(
                (say(lang, "flag_correlation", x=p.a, y=p.b, r=_f(p.pearson)), say(lang, f"do_{f}"))
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
                        own=_f(b.own),
                        other=other,
                        other_r=_f(b.best_other_r),
                    ),
                    say(lang, "do_belonging", other=other),
                )
            )
    for c in r.consistency:
        if c.flagged:
            out.append(
                (
                    say(lang, "flag_consistency", x=c.diagnostic, alpha=_f(c.alpha)),
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
                        i=_f(i.importance_share),
                        w=_f(i.nominal_weight),
                    ),
                    say(lang, "do_importance"),
                )
            )
    return out


def audit_page(r: AuditResult, options: RenderOptions) -> str:
    from hemscore.analysis.audit import ALPHA_THRESHOLD
    from hemscore.render.reports.audit import _s as numbered

    def _s(lang: str, key: str, **kw: Any) -> str:  # the terminal's section numbers left out
        return re.sub(r"^\d+\. ", "", numbered(lang, key, **kw))

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
            cells.append((f"{_r_class(v)}{within}", _f(v)))
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
                text=f"{_f(c.alpha)} / {_f(c.first_component_share)}",
            )
        )
        desc.append(
            say(
                lang,
                "consistency_row",
                d=c.diagnostic,
                alpha=_f(c.alpha),
                pc1=_f(c.first_component_share),
            )
        )
        rows2.append(
            (
                esc(c.diagnostic),
                [
                    ("num", str(len(c.indicators))),
                    ("num", str(c.complete_cases)),
                    ("num", _f(c.alpha)),
                    ("num", _f(c.first_component_share)),
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
        label(lang, "diagnostic"),
        say(lang, "indicators"),
        say(lang, "complete"),
        say(lang, "alpha"),
        say(lang, "pc1"),
        say(lang, "flag"),
    ]
    parts.append(
        _section(
            "consistency",
            _s(lang, "consistency", a=ALPHA_THRESHOLD),
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
                text=f"{_f(i.nominal_weight)} / {_f(i.importance_share)}",
            )
        )
        desc.append(
            say(
                lang,
                "importance_row",
                rule=i.rule,
                w=_f(i.nominal_weight),
                i=_f(i.importance_share),
            )
        )
        rows3.append(
            (
                esc(i.rule),
                [
                    esc(i.diagnostic),
                    ("num", _f(i.nominal_weight)),
                    ("num", _f(i.importance_share)),
                    ("num", _f(i.eta2_diagnostic)),
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
        label(lang, "rule"),
        label(lang, "diagnostic"),
        say(lang, "weight_share"),
        say(lang, "importance_share"),
        "η²",
        say(lang, "flag"),
    ]
    parts.append(
        _section(
            "importance",
            _s(lang, "importance"),
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
        body += f'<p class="legend">{esc(_s(lang, "not_auditable", ids=", ".join(r.not_auditable)))}</p>\n'
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
        label(lang, "rule"),
        say(lang, "with_data"),
        say(lang, "share"),
        say(lang, "flag"),
    ]
    more.append(
        page.table(avail_heads, avail, caption=_s(lang, "availability", t=AVAILABILITY_THRESHOLD))
    )
    dist: list[Row] = []
    for d in r.distributions:
        treat = []
        for name, t in d.treatments.items():
            if isinstance(t, Mapping):
                treat.append(
                    f"{name}: {say(lang, 'skew')} {_f(t.get('skew'))}, {say(lang, 'kurtosis')} {_f(t.get('kurtosis'))}"
                )
        dist.append(
            (
                esc(d.rule),
                [
                    ("num", str(d.n)),
                    ("num", _f(d.skew)),
                    ("num", _f(d.kurtosis)),
                    "⚑" if d.flagged else "",
                    esc("; ".join(treat)),
                ],
            )
        )
    more.append(
        page.table(
            [
                label(lang, "rule"),
                "n",
                say(lang, "skew"),
                say(lang, "kurtosis"),
                say(lang, "flag"),
                say(lang, "treatment"),
            ],
            dist,
            caption=_s(lang, "distributions", s=SKEW_THRESHOLD, k=KURTOSIS_THRESHOLD),
        )
    )
    belong: list[Row] = [
        (
            esc(b.rule),
            [
                ("num", _f(b.own)),
                esc(b.best_other or "–"),
                ("num", _f(b.best_other_r)),
                "⚑" if b.flagged else "",
            ],
        )
        for b in r.belonging
    ]
    if belong:
        more.append(
            page.table(
                [
                    label(lang, "rule"),
                    say(lang, "own_r"),
                    say(lang, "other"),
                    say(lang, "other_r"),
                    say(lang, "flag"),
                ],
                belong,
                caption=_s(lang, "belonging"),
            )
        )
    parts.append(_section("more", say(lang, "more_numbers"), "".join(more)))
    title = _s(lang, "title")
    sub = say(
        lang,
        "audit_sub",
        p=len(r.profiles),
        kind=label(lang, r.kind),
        ruleset=r.ruleset,
        n=len(r.indicators),
    )
    return _whole(lang, title, title, sub, "".join(parts))
