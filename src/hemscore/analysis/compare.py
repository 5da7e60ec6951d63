"""Profiles side by side: each score with its rank, the leader of each row, and optionally each
score relative to a reference profile, banded like the EU Innovation Scoreboard.

Pure: takes assessments, returns a :class:`Comparison` (and, for the command's options, the
reference, the common rules and the kinds check). Ranks are competition ranks: 1 is the
best, tied scores share a rank and the next rank is skipped (1, 1, 3). A profile with no score
on a row (no data, insufficient coverage, a rule that does not apply) gets no rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hemscore.engine.assessment import Assessment, RuleResult
from hemscore.model.rules import RuleSet

Level = Literal["overall", "diagnostic", "rule"]

#: EU Innovation Scoreboard performance groups, relative to the reference (= 100):
#: leader above 125, strong 100–125, moderate 70–100, emerging below 70.
BANDS: tuple[tuple[str, float], ...] = (("leader", 125.0), ("strong", 100.0), ("moderate", 70.0))
LOWEST_BAND = "emerging"
_TIE_DIGITS = 6  # scores equal to 6 decimals are tied: float noise never splits a tie


@dataclass(frozen=True)
class Cell:
    """One profile's entry in one row."""

    score: float | None
    rank: int | None
    status: str  # overall/diagnostic: scored, insufficient_data, no_rules; rule: pass, fail, missing, waived, not_applicable
    relative: float | None = None  # score as % of the reference's score
    band: str | None = None
    value: float | bool | None = None  # rule rows: the measured value


@dataclass(frozen=True)
class Row:
    """One line of the comparison: the overall score, a diagnostic or a rule."""

    id: str
    level: Level
    diagnostic: str | None
    cells: tuple[Cell, ...]  # one per compared profile, in the order given
    leaders: tuple[int, ...]  # indices of the profiles ranked 1
    reference: Cell | None = None  # the reference's own cell, when it is not a compared profile


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`."""

    assessments: tuple[Assessment, ...]
    rows: tuple[Row, ...]
    reference: Assessment | None = None
    reference_index: int | None = None  # the reference's position among the compared, if any
    common: tuple[str, ...] | None = None  # --common: the only rules scored (see common.py)

    def row(self, row_id: str) -> Row | None:
        for r in self.rows:
            if r.id == row_id:
                return r
        return None


def band(relative: float | None) -> str | None:
    """The EU Innovation Scoreboard band of a score relative to a reference (reference = 100)."""
    if relative is None:
        return None
    for name, floor in BANDS:
        if relative > floor if name == "leader" else relative >= floor:
            return name
    return LOWEST_BAND


def ranks(scores: Sequence[float | None]) -> list[int | None]:
    """Competition ranks, 1 = best; ties share the rank; ``None`` scores get no rank."""
    keyed = [None if s is None else round(s, _TIE_DIGITS) for s in scores]
    present = [s for s in keyed if s is not None]
    return [None if s is None else 1 + sum(1 for o in present if o > s) for s in keyed]


def relative_to(score: float | None, ref: float | None) -> float | None:
    """``score`` as a percentage of ``ref``; None when either is missing or ``ref`` is 0."""
    if score is None or ref is None or ref <= 0:
        return None
    return 100.0 * score / ref


def _overall_cell(a: Assessment) -> Cell:
    return Cell(a.score, None, "scored" if a.score is not None else "insufficient_data")


def _diag_cell(a: Assessment, did: str) -> Cell:
    d = next(x for x in a.diagnostics if x.id == did)
    return Cell(d.score, None, d.status)


def _rule_cell(a: Assessment, rid: str) -> Cell:
    r: RuleResult | None = next((x for x in a.results if x.id == rid), None)
    if r is None:
        return Cell(None, None, "not_applicable")
    return Cell(r.score, None, r.status, value=r.value)


def _row(
    row_id: str,
    level: Level,
    diagnostic: str | None,
    cells: list[Cell],
    ref_cell: Cell | None,
    separate_ref: bool,
) -> Row:
    rk = ranks([c.score for c in cells])
    ref_score = ref_cell.score if ref_cell is not None else None
    out = []
    for c, r in zip(cells, rk):
        rel = relative_to(c.score, ref_score) if ref_cell is not None else None
        out.append(Cell(c.score, r, c.status, rel, band(rel), c.value))
    leaders = tuple(i for i, r in enumerate(rk) if r == 1)
    reference = None
    if ref_cell is not None and separate_ref:
        rel = relative_to(ref_cell.score, ref_score)
        reference = Cell(ref_cell.score, None, ref_cell.status, rel, band(rel), ref_cell.value)
    return Row(row_id, level, diagnostic, tuple(out), leaders, reference)


def compare(
    assessments: Sequence[Assessment],
    *,
    reference: Assessment | None = None,
    rules: bool = False,
) -> Comparison:
    """Compare assessments made with one rule set: overall, each diagnostic, optionally each rule.

    ``reference`` may be one of ``assessments`` (matched by profile path) or a separate
    assessment; in the second case it is shown but not ranked.
    """
    items = tuple(assessments)
    ref_index = None
    if reference is not None:
        ref_index = next(
            (
                i
                for i, a in enumerate(items)
                if a is reference or a.profile.path == reference.profile.path
            ),
            None,
        )
        if ref_index is not None:
            reference = items[ref_index]
    separate = reference is not None and ref_index is None
    rows = [
        _row(
            "overall",
            "overall",
            None,
            [_overall_cell(a) for a in items],
            _overall_cell(reference) if reference else None,
            separate,
        )
    ]
    ruleset = items[0].ruleset if items else None
    if ruleset is not None:
        for diag in ruleset.diagnostics:
            rows.append(
                _row(
                    diag.id,
                    "diagnostic",
                    diag.id,
                    [_diag_cell(a, diag.id) for a in items],
                    _diag_cell(reference, diag.id) if reference else None,
                    separate,
                )
            )
            if not rules:
                continue
            applicable = {r.id for a in items for r in a.results}
            for rule in ruleset.rules:
                if rule.diagnostic != diag.id or rule.id not in applicable:
                    continue
                rows.append(
                    _row(
                        rule.id,
                        "rule",
                        diag.id,
                        [_rule_cell(a, rule.id) for a in items],
                        _rule_cell(reference, rule.id) if reference else None,
                        separate,
                    )
                )
    return Comparison(items, tuple(rows), reference, ref_index)


def mixed_kinds(assessments: Sequence[Assessment], allowed: bool) -> list[str]:
    """The kinds of the profiles when they differ (for a note), [] when they do not; a usage
    error when they differ and ``allowed`` (``--mixed-kinds``) is not given: profiles of
    different kinds are scored on different rules."""
    from hemscore.base.errors import UsageError

    kinds = sorted({a.profile.kind for a in assessments})
    if len(kinds) < 2:
        return []
    if not allowed:
        raise UsageError(
            f"the profiles are of different kinds ({', '.join(kinds)}) and are scored on "
            "different rules; compare like with like, or add --mixed-kinds to rank them anyway"
        )
    return kinds


def find_reference(assessments: Sequence[Assessment], path: str) -> Assessment | None:
    """The assessment of the file ``path`` names (``--relative-to``), when it is compared."""
    import os

    def same(a: str, b: str) -> bool:
        return a == b or (
            a != "<stdin>" and b != "-" and os.path.realpath(a) == os.path.realpath(b)
        )

    return next((a for a in assessments if same(a.profile.path, path)), None)


def on_common_rules(
    assessments: Sequence[Assessment], reference: Assessment | None, ruleset: RuleSet
) -> tuple[list[Assessment], Assessment | None, tuple[str, ...]]:
    """``compare --common``: the profiles and the reference scored on the rules every compared
    profile has data for (a reference outside the compared set is scored on them too, but
    does not choose them), and those rules' ids."""
    from hemscore.analysis.common import common_assessments

    separate = reference is not None and reference not in assessments
    extra = [reference] if separate and reference is not None else []
    again, extra, shared = common_assessments(assessments, ruleset, extra=extra)
    if reference is not None:
        reference = extra[0] if extra else again[list(assessments).index(reference)]
    return again, reference, shared
