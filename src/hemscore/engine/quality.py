"""Data-quality warnings: values that are valid but probably wrong.

A warning never changes a score and never refuses a profile (errors do that); it names a value
and why it looks wrong. Four checks, each against data declared once:

- ``implausible``: the value lies outside its metric's plausible range (``plausible`` in the
  catalogue); ``fraction`` instead when the metric is a percentage (``_pct``) and the value
  times 100 lies inside the range: a fraction typed for a percent.
- ``future``: the value is dated after the profile's year.
- ``old``: the value is dated before the data window (:mod:`hemscore.datawindow`).
- ``no_source``: the value names no source.

The plausible range of a metric the reference panel carries is the panel's observed range
(both folders, every economy) widened by :func:`widen`; :func:`panel_ranges` recomputes it and a
test holds the catalogue to it. Pure: returns records, prints nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hemscore.base.datawindow import DATA_WINDOW_YEARS, in_window
from hemscore.model.catalogue import Metric
from hemscore.model.profile import Profile

#: Significant figures the widened panel bounds are rounded to (outwards).
FIGURES = 2


@dataclass(frozen=True)
class DataWarning:
    """One warning about one value of a profile."""

    metric: str
    kind: str  # implausible | fraction | future | old | no_source
    message: str  # in English: stderr lines and the Python API
    line: int | None = None
    #: The facts the message states, as texts, to write it in another language: they fill the
    #: catalogue's ``warning.<kind>`` (:mod:`hemscore.base.messages`). None: a message of its
    #: own, the same in every language.
    facts: tuple[tuple[str, str], ...] | None = None

    def text(self, lang: str) -> str:
        """The message in ``lang`` (English when the language has none)."""
        if lang == "en" or self.facts is None:
            return self.message
        return _say(lang, self.kind, dict(self.facts))


def _say(lang: str, kind: str, facts: dict[str, str]) -> str:
    from hemscore.base.messages import label

    if "lo" in facts:  # a plausible range, and where it comes from
        where = label(lang, "warning.range_panel" if facts.pop("panel") else "warning.range_design")
        facts["span"] = label(
            lang, "warning.span", lo=facts.pop("lo"), hi=facts.pop("hi"), where=where
        )
    return label(lang, f"warning.{kind}", **facts)


def _warning(metric: str, kind: str, line: int | None, **facts: str) -> DataWarning:
    pairs = tuple(facts.items())
    return DataWarning(metric, kind, _say("en", kind, dict(pairs)), line, pairs)


def _show(v: float) -> str:
    return f"{v:g}"


def _outward(x: float, up: bool) -> float:
    """``x`` rounded to :data:`FIGURES` significant figures, away from the observed range."""
    if x == 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(abs(x))) - FIGURES + 1)
    n = math.ceil(x / step - 1e-9) if up else math.floor(x / step + 1e-9)
    return float(round(n * step, 12))


def widen(lo: float, hi: float, metric: Metric) -> tuple[float, float]:
    """The plausible range from an observed range of non-negative values: half the least,
    one and a half times the greatest, rounded outwards to two significant figures and clipped
    to the metric's hard range."""
    p_lo, p_hi = _outward(lo / 2, up=False), _outward(hi * 1.5, up=True)
    if metric.min is not None:
        p_lo = max(p_lo, metric.min)
    if metric.max is not None:
        p_hi = min(p_hi, metric.max)
    return p_lo, p_hi


def observed(profiles: Iterable[Profile]) -> dict[str, tuple[float, float]]:
    """The least and greatest value of every number metric over ``profiles``."""
    seen: dict[str, tuple[float, float]] = {}
    for p in profiles:
        for mid, mv in p.values.items():
            if isinstance(mv.value, bool) or not isinstance(mv.value, (int, float)):
                continue
            v = float(mv.value)
            lo, hi = seen.get(mid, (v, v))
            seen[mid] = (min(lo, v), max(hi, v))
    return seen


def panel_ranges(
    metrics: Mapping[str, Metric], folders: Iterable[Path] | None = None
) -> dict[str, tuple[float, float]]:
    """The plausible range the widening rule gives every number metric the shipped panel
    carries (``folders``: the panel's folders, by default both shipped ones)."""
    from hemscore.engine.loader import load_profile
    from hemscore.importers.panel import panel_dir

    dirs = list(folders) if folders is not None else [panel_dir("2017"), panel_dir("latest")]
    profiles = [load_profile(str(f), metrics) for d in dirs for f in sorted(d.glob("*.toml"))]
    return {
        mid: widen(lo, hi, metrics[mid])
        for mid, (lo, hi) in sorted(observed(profiles).items())
        if metrics[mid].type in ("number", "integer")
    }


def _range_warning(metric: Metric, mv: Any, kind: str) -> DataWarning | None:
    p = metric.plausible
    if p is None or kind not in p.kinds:
        return None
    v = mv.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if p.min <= v <= p.max:
        return None
    span = {"lo": _show(p.min), "hi": _show(p.max), "panel": "yes" if p.panel else ""}
    if metric.id.endswith("_pct") and p.min <= v * 100 <= p.max:
        return _warning(metric.id, "fraction", mv.line, v=_show(v), v100=_show(v * 100), **span)
    return _warning(metric.id, "implausible", mv.line, v=_show(v), **span)


def check(profile: Profile, metrics: Mapping[str, Metric]) -> tuple[DataWarning, ...]:
    """Every warning about ``profile``'s values, in the order of their lines in the file."""
    found: list[DataWarning] = []
    for mid, mv in profile.values.items():
        metric = metrics.get(mid)
        if metric is not None:
            w = _range_warning(metric, mv, profile.kind)
            if w is not None:
                found.append(w)
        if mv.year is not None and mv.year > profile.year:
            found.append(
                _warning(mid, "future", mv.line, year=str(mv.year), profile_year=str(profile.year))
            )
        elif mv.year is not None and not in_window(mv.year, profile.year):
            found.append(
                _warning(
                    mid,
                    "old",
                    mv.line,
                    year=str(mv.year),
                    window=str(DATA_WINDOW_YEARS),
                    profile_year=str(profile.year),
                    start=str(profile.year - DATA_WINDOW_YEARS),
                )
            )
        if not (mv.source or "").strip():
            found.append(_warning(mid, "no_source", mv.line))
    found.sort(key=lambda w: w.line if w.line is not None else 1 << 62)
    return tuple(found)


def lines(path: str, warnings: Iterable[DataWarning]) -> list[str]:
    """Each warning as ``FILE:LINE: KEY: message`` (the CLI prefixes ``hemscore: warning:``)."""
    out = []
    for w in warnings:
        where = f"{path}:{w.line}" if w.line is not None else path
        out.append(f"{where}: {w.metric}: {w.message}")
    return out


@dataclass(frozen=True)
class Lift:
    """What would lift a diagnostic (or the overall score, ``target`` ``"overall"``) over the
    coverage floor: the missing metrics, heaviest first, and the coverage they would give."""

    target: str
    coverage: float
    metrics: tuple[str, ...]
    weights: tuple[float, ...]  # the rule weight each metric would bring, in the same order
    coverage_after: float
    enough: bool  # False when even every missing metric would not reach the floor


def _gains(diags: Iterable[Any], have: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Rule weight a missing metric would bring, per diagnostic: {metric: {diagnostic: w}}."""
    gains: dict[str, dict[str, float]] = {}
    for d in diags:
        for r in d.rules:
            if r.status == "missing" and r.rule.metric not in have:
                per = gains.setdefault(r.rule.metric, {})
                per[d.id] = per.get(d.id, 0.0) + r.weight
    return gains


def _ranked(gains: Mapping[str, Mapping[str, float]]) -> list[str]:
    return sorted(gains, key=lambda m: (-sum(gains[m].values()), m))


def lifts(a: Any) -> tuple[Lift, ...]:
    """Coverage guidance for an :class:`~hemscore.assessment.Assessment`: one :class:`Lift` per
    diagnostic below the floor (in the rule set's order), then one for the overall score.

    Metrics are added heaviest first (the rule weight they would bring; ties by id) until the
    coverage reaches the floor; for the overall score, also until one counted diagnostic would
    be scored, since the overall score is the mean of the scored ones.
    """
    floor = a.min_coverage - 1e-12
    have = a.profile.values
    out: list[Lift] = []
    for d in a.diagnostics:
        if d.status != "insufficient_data":
            continue
        gains = _gains([d], have)
        added, picked = 0.0, []
        for m in _ranked(gains):
            if (d.assessed_weight + added) / d.applicable_weight >= floor and added:
                break
            picked.append(m)
            added += gains[m][d.id]
        after = (d.assessed_weight + added) / d.applicable_weight
        out.append(
            Lift(
                d.id,
                d.coverage,
                tuple(picked),
                tuple(gains[m][d.id] for m in picked),
                after,
                after >= floor and d.assessed_weight + added > 0,
            )
        )
    counted = [d for d in a.diagnostics if d.weight > 0 and d.applicable_weight > 0]
    applicable = sum(d.applicable_weight for d in counted)
    if a.score is None and applicable > 0:
        gains = _gains(counted, have)
        extra: dict[str, float] = {d.id: 0.0 for d in counted}

        def reached() -> bool:
            total = sum(d.assessed_weight + extra[d.id] for d in counted)
            scored = any(
                d.assessed_weight + extra[d.id] > 0
                and (d.assessed_weight + extra[d.id]) / d.applicable_weight >= floor
                for d in counted
            )
            return total / applicable >= floor and scored

        picked = []
        for m in _ranked(gains):
            if reached():
                break
            picked.append(m)
            for did, w in gains[m].items():
                extra[did] += w
        after = sum(d.assessed_weight + extra[d.id] for d in counted) / applicable
        out.append(
            Lift(
                "overall",
                a.coverage,
                tuple(picked),
                tuple(sum(gains[m].values()) for m in picked),
                after,
                reached(),
            )
        )
    return tuple(out)
