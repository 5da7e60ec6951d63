"""The engine: evaluate every rule on a profile and aggregate into an :class:`Assessment`.

Pure: takes a validated profile and rule set, returns immutable records. It never prints,
exits or reads files. A missing value is never scored 0: it leaves the weighted mean and lowers
the coverage. Below the minimum coverage a diagnostic is "insufficient data", not a number.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from hemscore.model.methods.base import NoMeasure
from hemscore.model.profile import MetricValue, Profile, check_waivers
from hemscore.model.rules import Diagnostic, Rule, RuleSet
from hemscore.model.scoring import mean

if TYPE_CHECKING:
    from hemscore.engine.quality import DataWarning, Lift

Status = Literal["pass", "fail", "missing", "waived"]
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
DEFAULT_MIN_COVERAGE = 0.5


@dataclass(slots=True)
class RuleResult:
    """One rule evaluated on one profile.

    Not frozen, but never changed once :func:`assess` returns: a batch makes millions of these,
    and a frozen dataclass pays a call per field to build one. The engine sets
    ``contribution`` while it assesses.
    """

    rule: Rule
    status: Status
    value: float | bool | None = None  # the measure the rule scores (e.g. HHI for shares)
    score: float | None = None
    passed: bool | None = None
    gap: float | None = None
    contribution: float | None = None  # points this rule adds to its diagnostic score
    input: MetricValue | None = None
    detail: dict[str, Any] | None = None  # e.g. the years a growth rate spans
    reason: str | None = None  # why the rule is missing or waived
    # the rule's share of the overall score (sums to 1 over the assessed rules of the scored
    # diagnostics); None when there is no overall score
    effective_weight: float | None = None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def weight(self) -> float:
        return self.rule.weight

    @property
    def assessed(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class DiagnosticScore:
    """A diagnostic's score: the weighted mean of its assessed rules.

    ``declared`` is the diagnostic as the rule set declares it (title, summary, paper
    sections): renderers take its texts from here.
    """

    id: str
    score: float | None
    coverage: float  # assessed weight / applicable weight
    assessed_weight: float
    applicable_weight: float
    weight: float  # weight in the overall mean
    rules: tuple[RuleResult, ...]
    declared: Diagnostic

    def title(self, lang: str) -> str:
        """The diagnostic's title in ``lang`` (English when missing, else its id)."""
        return self.declared.text(lang, "title")

    @property
    def status(self) -> str:
        if self.applicable_weight == 0:
            return "no_rules"
        return "scored" if self.score is not None else "insufficient_data"


@dataclass(frozen=True)
class Recommendation:
    """A failing rule, with what fixing it would gain."""

    rule: Rule
    priority: float  # weight × (100 − score): breaks ties of gain
    gain: float | None  # overall points if the rule reached its target: the ranking key
    result: RuleResult


@dataclass(frozen=True)
class Assessment:
    """Everything the engine concluded about one profile."""

    profile: Profile
    ruleset: RuleSet
    aggregation: str
    min_coverage: float
    score: float | None
    grade: str
    coverage: float
    diagnostics: tuple[DiagnosticScore, ...]
    recommendations: tuple[Recommendation, ...]
    strict: bool = False

    @property
    def results(self) -> tuple[RuleResult, ...]:
        return tuple(r for d in self.diagnostics for r in d.rules)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The documented JSON object of this assessment (``--format json``)."""
        from hemscore.engine.record import assessment_to_dict

        return assessment_to_dict(self, lang)

    def to_json(self, lang: str = "en", *, compact: bool = False) -> str:
        """This assessment's ``--format jsonl`` line, without the newline."""
        from hemscore.engine.record import json_line

        return json_line(self, lang, compact=compact)[:-1]

    def to_records(self, lang: str = "en") -> list[dict[str, Any]]:
        """One flat record per rule, for ``pandas.DataFrame``."""
        from hemscore.engine.record import to_records

        return to_records(self, lang)

    @cached_property
    def warnings(self) -> tuple[DataWarning, ...]:
        """Data-quality warnings about the profile's values (:mod:`hemscore.quality`); they
        never change a score."""
        from hemscore.engine.quality import check

        return check(self.profile, self.ruleset.metrics)

    @cached_property
    def guidance(self) -> tuple[Lift, ...]:
        """For each diagnostic, and the overall score, below the coverage floor: the missing
        metrics that would lift it over the floor (:func:`hemscore.quality.lifts`)."""
        from hemscore.engine.quality import lifts

        return lifts(self)

    @property
    def waived(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.status == "waived")

    def failing(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.status == "fail")

    @property
    def strengths(self) -> tuple[RuleResult, ...]:
        """The best assessed rules, best first (see :func:`highlights`)."""
        return self._highlights[0]

    @property
    def weaknesses(self) -> tuple[RuleResult, ...]:
        """The worst assessed rules, worst first (see :func:`highlights`)."""
        return self._highlights[1]

    @cached_property
    def _highlights(self) -> tuple[tuple[RuleResult, ...], tuple[RuleResult, ...]]:
        return highlights(self.results)

    @property
    def waiver_notes(self) -> tuple[WaiverNote, ...]:
        """Every waiver the profile declares, and whether it took effect."""
        applied = {r.id for r in self.waived}
        notes = []
        for rid, reason in self.profile.waivers.items():
            rule = self.ruleset.rule(rid)
            if rid in applied:
                why = None
            elif rule is None:
                why = "unknown_rule"
            elif self.strict:
                why = "strict"
            elif rule in self.ruleset.left_out:
                why = "not_scored"  # left out of this run (--common)
            else:
                why = "not_applicable"  # the rule does not apply to this kind of profile
            notes.append(WaiverNote(rid, reason, why is None, why))
        return tuple(notes)


@dataclass(frozen=True)
class WaiverNote:
    """One waiver of a profile: the rule, the reason given, and whether it took effect."""

    rule: str
    reason: str
    applied: bool
    #: "strict" (--strict), "not_applicable" (kind), "not_scored" (--common), "unknown_rule"
    why_not: str | None = None


HIGHLIGHTS = 3


def highlights(
    results: Sequence[RuleResult], n: int = HIGHLIGHTS
) -> tuple[tuple[RuleResult, ...], tuple[RuleResult, ...]]:
    """Strengths and weaknesses: the ``n`` best and ``n`` worst assessed rules (COINr style).

    Ranked by score; ties go to the heavier rule, then to the smaller id. The two lists never
    share a rule: with fewer than ``2n`` assessed rules, strengths take the better half
    (rounded up) and weaknesses the rest.
    """
    assessed = [r for r in results if r.score is not None]
    n_best = min(n, (len(assessed) + 1) // 2)
    n_worst = min(n, len(assessed) // 2)
    # Sort keys built inline and looked up by index: no Python call per rule (a batch does this
    # for every profile).
    best_keys = [(-r.score, -r.rule.weight, r.rule.id) for r in assessed]  # type: ignore[operator]
    worst_keys = [(r.score, -r.rule.weight, r.rule.id) for r in assessed]
    best = heapq.nsmallest(n_best, range(len(assessed)), key=best_keys.__getitem__)
    strengths = tuple([assessed[i] for i in best])
    worst = heapq.nsmallest(n_worst + n_best, range(len(assessed)), key=worst_keys.__getitem__)
    weaknesses = tuple([assessed[i] for i in worst if i not in best][:n_worst])
    return strengths, weaknesses


def evaluate_rule(rule: Rule, mv: MetricValue | None) -> RuleResult:
    """Score one rule on one value (None: the profile has no value for the metric)."""
    if mv is None:
        return RuleResult(rule, "missing", reason="no value in the profile")
    scoring = rule.scoring
    m = scoring.measure(mv.value)
    if isinstance(m, NoMeasure):
        return RuleResult(rule, "missing", input=mv, reason=str(m))
    measure, detail = m
    score, passed, gap = scoring.score(measure)
    return RuleResult(
        rule, "pass" if passed else "fail", measure, score, passed, gap, None, mv, detail
    )


def _diagnostic(
    declared: Diagnostic, results: list[RuleResult], min_coverage: float
) -> DiagnosticScore:
    applicable = sum(r.weight for r in results if r.status != "waived")
    assessed = [r for r in results if r.assessed]
    assessed_w = sum(r.weight for r in assessed)
    coverage = assessed_w / applicable if applicable else 0.0
    score = None
    if assessed_w > 0 and coverage + 1e-12 >= min_coverage:
        # min: rounding can take a weighted mean of 100s to 100.00000000000001
        score = min(100.0, sum(r.weight * (r.score or 0.0) for r in assessed) / assessed_w)
    if assessed_w > 0:
        for r in assessed:
            # The results were made a moment ago in this assessment and nobody holds them yet.
            r.contribution = r.weight * (r.score or 0.0) / assessed_w
    return DiagnosticScore(
        declared.id,
        score,
        coverage,
        assessed_w,
        applicable,
        declared.weight,
        tuple(results),
        declared,
    )


def _scored(
    diags: Sequence[DiagnosticScore],
) -> tuple[list[DiagnosticScore], list[float], list[float]]:
    """The diagnostics the overall score counts (scored, weight > 0), their scores and weights."""
    counted = [d for d in diags if d.score is not None and d.weight > 0]
    return counted, [d.score for d in counted], [d.weight for d in counted]  # type: ignore[misc]


def _overall(diags: Sequence[DiagnosticScore], how: str) -> float | None:
    """Mean of the scored diagnostics (of weight > 0)."""
    _, scores, weights = _scored(diags)
    return mean(scores, weights, how)


def assess(
    profile: Profile,
    ruleset: RuleSet,
    *,
    aggregation: str = "arithmetic",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    strict: bool = False,
) -> Assessment:
    """Assess one profile with one rule set."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}")
    if profile.waivers:
        check_waivers(profile, ruleset)  # what loading with the rule set would have refused
    waivers = {} if strict else profile.waivers
    by_diag: dict[str, list[RuleResult]] = {d.id: [] for d in ruleset.diagnostics}
    for rule in ruleset.rules:
        if profile.kind not in rule.kinds:
            continue
        if rule.id in waivers:
            result = RuleResult(
                rule, "waived", reason=waivers[rule.id], input=profile.values.get(rule.metric)
            )
        else:
            result = evaluate_rule(rule, profile.values.get(rule.metric))
        by_diag[rule.diagnostic].append(result)
    diags = tuple(_diagnostic(d, by_diag[d.id], min_coverage) for d in ruleset.diagnostics)
    counted = [d for d in diags if d.weight > 0]
    applicable = sum(d.applicable_weight for d in counted)
    coverage = sum(d.assessed_weight for d in counted) / applicable if applicable else 0.0
    # The overall score obeys the same coverage floor as each diagnostic: one well-measured
    # diagnostic must not pass for the whole profile.
    overall = _overall(diags, aggregation) if coverage + 1e-12 >= min_coverage else None
    if overall is not None:
        _set_effective_weights(diags)
    recommendations = _recommend(diags, overall, aggregation)
    return Assessment(
        profile=profile,
        ruleset=ruleset,
        aggregation=aggregation,
        min_coverage=min_coverage,
        score=overall,
        grade=ruleset.grade(overall),
        coverage=coverage,
        diagnostics=diags,
        recommendations=recommendations,
        strict=strict,
    )


def _set_effective_weights(diags: Sequence[DiagnosticScore]) -> None:
    """Each rule's share of the overall score: its diagnostic's share of the diagnostics'
    weight times the rule's share of the diagnostic's assessed weight (0 for a rule that is not
    assessed or whose diagnostic is not counted). For the geometric mean these are the
    exponents."""
    counted, _scores, weights = _scored(diags)
    total = sum(weights)
    in_overall = {d.id for d in counted}
    for d in diags:
        for r in d.rules:
            if d.id in in_overall and r.assessed and total > 0 and d.assessed_weight > 0:
                r.effective_weight = (d.weight / total) * (r.weight / d.assessed_weight)
            else:
                r.effective_weight = 0.0


def _recommend(
    diags: Sequence[DiagnosticScore], overall: float | None, how: str
) -> tuple[Recommendation, ...]:
    # The overall score with one diagnostic's score changed, as _overall would compute it: the
    # scored diagnostics' scores in order, with the one at ``pos`` replaced.
    counted, scores, weights = _scored(diags)
    position = {d.id: i for i, d in enumerate(counted)}
    recs = []
    for d in diags:
        pos = position.get(d.id)
        for r in d.rules:
            if r.status != "fail" or r.score is None:
                continue
            target_score = r.rule.scoring.pass_score
            gain = None
            if overall is not None and d.score is not None and d.assessed_weight > 0:
                if pos is None:  # a diagnostic of weight 0 does not move the overall score
                    new_overall = mean(scores, weights, how)
                else:
                    changed = scores.copy()
                    changed[pos] = d.score + r.weight * (target_score - r.score) / d.assessed_weight
                    new_overall = mean(changed, weights, how)
                gain = None if new_overall is None else new_overall - overall
            recs.append(Recommendation(r.rule, r.weight * (100.0 - r.score), gain, r))
    # Ranked by what meeting the rule would add to the overall score; equal gains by weight ×
    # shortfall, then id. Without an overall score there are no gains: weight × shortfall alone.
    recs.sort(key=lambda x: (x.gain is None, -(x.gain or 0.0), -x.priority, x.rule.id))
    return tuple(recs)
