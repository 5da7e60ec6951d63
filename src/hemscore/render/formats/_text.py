"""Shared wording of values, targets and statuses for the human-readable formats."""

from __future__ import annotations

import re

from hemscore.base import messages, numbers
from hemscore.base.messages import bracketed, colon, comma, label
from hemscore.engine.assessment import Assessment, DiagnosticScore, RuleResult

#: A value (``2.5``, ``1,500``) and a score (``63``) in a report (:mod:`hemscore.base.numbers`).
num = numbers.short
score = numbers.whole


def unit(r: RuleResult, lang: str, metrics: dict) -> str:  # type: ignore[type-arg]
    u = r.rule.scoring.unit(lang)  # the unit of a measure that is not the metric's value
    if u is not None:
        return u
    m = metrics.get(r.rule.metric)
    if m is None or m.type == "bool":
        return ""
    if r.rule.metric.endswith("_pct"):
        return "%"
    return ""


def value(r: RuleResult, lang: str, metrics: dict) -> str:  # type: ignore[type-arg]
    if r.value is None:
        return "–"
    if isinstance(r.value, bool):
        return label(lang, "yes" if r.value else "no")
    text = num(r.value, 2 if abs(r.value) < 10 else 1) + _spaced(unit(r, lang, metrics))
    if r.input is not None and r.input.is_target:
        text += PLANNED_MARK  # a target set by `hemscore plan`, whatever its source said
    elif r.input is not None and r.input.is_estimate:
        text += "*"
    return text


#: The mark of a planned value (``target = true``, written by ``hemscore plan --write``).
PLANNED_MARK = "†"


def is_planned(r: RuleResult) -> bool:
    """Whether the rule's value is a planned target, not a measurement."""
    return r.input is not None and r.input.is_target


def planned_source(r: RuleResult, lang: str) -> str:
    """What stands in a planned value's source column: that it is a target, and the value that
    was measured (``was``); never the measured value's source, which does not vouch for it."""
    was = r.input.was if r.input is not None else None
    shown = (
        "–"
        if was is None
        else label(lang, "yes" if was else "no")
        if isinstance(was, bool)
        else num(float(was), 2)
        if isinstance(was, (int, float))
        else str(was)
    )
    return label(lang, "planned_source", was=shown)


def target(r: RuleResult, lang: str, metrics: dict) -> str:  # type: ignore[type-arg]
    want = r.rule.target
    if isinstance(want, bool):
        return label(lang, "yes" if want else "no")
    op = "≥" if r.rule.scoring.higher_is_better else "≤"
    u = unit(r, lang, metrics)
    return f"{op} {num(want, 2)}{'%' if u.startswith('%') else ''}"


def _spaced(u: str) -> str:
    return u if not u or u.startswith("%") else " " + u


def status(r: RuleResult, lang: str) -> str:
    return label(lang, r.status)


def diag_score(d: DiagnosticScore, lang: str) -> str:
    if d.score is None:
        return label(lang, d.status)
    return score(d.score)


def paper(sections: tuple[str, ...], lang: str) -> str:
    """Paper sections in a line of text: ``paper §1.2, paper §3.2``."""
    return messages.paper(sections, lang)


def source_line(r: RuleResult, lang: str = "en") -> str:
    """The value's source and year: ``World Bank WDI, 2021``; the year once if the source
    already names it. A planned value's line says it is a target (:func:`planned_source`)."""
    mv = r.input
    if mv is None:
        return ""
    if mv.is_target:
        return planned_source(r, lang)
    year = str(mv.year) if mv.year else None
    if year and mv.source and re.search(rf"(?<!\d){year}(?!\d)", mv.source):
        year = None
    return comma(lang).join(p for p in (mv.source, year) if p)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(series: dict[int, float]) -> str:
    """A year → value series as one block character per year, lowest ▁ to highest █."""
    values = [series[y] for y in sorted(series)]
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - lo) / (hi - lo) * (len(SPARKS) - 1))] for v in values)


def trend_line(series: dict[int, float], lang: str) -> str:
    """The sparkline of a series with its span and peak year: ``▁▃▅█▆ 2015–2019, peak 2018``."""
    years = sorted(series)
    peak = max(years, key=lambda y: (series[y], y))
    return f"{sparkline(series)} {years[0]}–{years[-1]}{comma(lang)}{label(lang, 'peak')} {peak}"


def highlight(r: RuleResult, lang: str, metrics: dict) -> str:  # type: ignore[type-arg]
    """A strength or weakness on one line: ``TE-03 Core-component self-sufficiency 16.7% (10)``."""
    title = r.rule.text(lang, "title")
    return f"{r.id} {title}{colon(lang)}{value(r, lang, metrics)} ({score(r.score)})"


def waiver_why(why: str | None, lang: str) -> str:
    """Why a waiver did not take effect, in words."""
    return label(lang, f"waiver_{why}") if why else ""


def guidance(a: Assessment, lang: str) -> list[tuple[str, list[str]]]:
    """The coverage guidance as plain text (escape it for where it goes): one heading per
    diagnostic or overall score below the floor, and one line per metric, heaviest first."""
    titles = {d.id: d.title(lang) for d in a.diagnostics}
    out = []
    for lift in a.guidance:
        target = label(lang, "overall") if lift.target == "overall" else titles[lift.target]
        head = label(
            lang,
            "guidance_target",
            target=target,
            now=numbers.percent(lift.coverage),
            after=numbers.percent(lift.coverage_after),
            floor=numbers.percent(a.min_coverage),
        )
        items = []
        for mid, w in zip(lift.metrics, lift.weights, strict=True):
            m = a.ruleset.metrics.get(mid)
            title = m.text(lang, "title") if m else mid
            unit_ = m.text(lang, "unit") if m else ""
            weight = label(lang, "guidance_weight", w=f"{w:g}")
            items.append(f"{mid} {title}{bracketed(lang, f'{unit_}{comma(lang)}{weight}')}")
        if not lift.enough:
            items.append(label(lang, "guidance_short"))
        out.append((head, items))
    return out
