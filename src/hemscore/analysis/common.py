"""Scoring profiles on common ground: only the rules every profile has data for (``--common``).

Profiles scored on different rules are not comparable: one economy's overall score may rest on
four indicators and another's on ten. With ``--common``, ``assess``, ``compare`` and
``sensitivity`` first find the rules that have a score in every given profile, then score every
profile with those rules alone, so coverage is computed over them and each profile is judged on
the same evidence. Pure: takes assessments and rule sets, returns rule ids and rule sets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from hemscore.engine.assessment import Assessment
from hemscore.model.rules import RuleSet

NOTES = {
    "en": "Common rules: only the {n} rule(s) with data for all {m} profile(s) are scored, "
    "and coverage is computed over them: {ids}. Profile year(s): {years}.",
    "zh": "共同规则：只对全部 {m} 个评估对象都有数据的 {n} 条规则评分，覆盖率也只按这些规则计算："
    "{ids}。评估年份：{years}。",
}


def common_rule_ids(assessments: Sequence[Assessment]) -> tuple[str, ...]:
    """Ids of the rules with a score in every assessment, in rule-set order.

    A rule that is missing, waived or does not apply in any one profile is left out.
    """
    if not assessments:
        return ()
    scored = [{r.id for r in a.results if r.score is not None} for a in assessments]
    shared = set.intersection(*scored)
    return tuple(r.id for r in assessments[0].ruleset.rules if r.id in shared)


def restrict(ruleset: RuleSet, rule_ids: Iterable[str]) -> RuleSet:
    """The rule set with only the given rules (diagnostics, grades and metrics unchanged)."""
    keep = set(rule_ids)
    return dataclasses.replace(
        ruleset,
        rules=tuple(r for r in ruleset.rules if r.id in keep),
        left_out=(*ruleset.left_out, *(r for r in ruleset.rules if r.id not in keep)),
    )


def years_text(years: Iterable[int]) -> str:
    """Profile years for a note: ``2017``, or ``2014, 2022``."""
    return ", ".join(str(y) for y in sorted(set(years)))


def common_note(lang: str, rule_ids: Sequence[str], profiles: int, years: Iterable[int]) -> str:
    """The sentence every ``--common`` report carries: which rules, for how many, which years."""
    return NOTES.get(lang, NOTES["en"]).format(
        n=len(rule_ids), m=profiles, ids=", ".join(rule_ids), years=years_text(years)
    )
