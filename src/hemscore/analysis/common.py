"""Scoring profiles on common ground: only the rules every profile has data for (``--common``).

Profiles scored on different rules are not comparable: one economy's overall score may rest on
four indicators and another's on ten. With ``--common``, ``assess``, ``compare`` and
``sensitivity`` first find the rules that have a score in every given profile, then score every
profile with those rules alone, so coverage is computed over them and each profile is judged on
the same evidence. Pure: takes assessments and rule sets, returns rule ids and rule sets;
:func:`common_sources` reads the inputs of ``assess --common`` once, through the one loader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from hemscore.base.errors import HemscoreError, UsageError
from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import check_profile, read_source
from hemscore.model.rules import RuleSet
from hemscore.reading.inputs import Source


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
    from hemscore.base.messages import label

    return label(
        lang,
        "common.note",
        n=len(rule_ids),
        m=profiles,
        ids=", ".join(rule_ids),
        years=years_text(years),
    )


def _restricted(
    assessments: Sequence[Assessment], ruleset: RuleSet
) -> tuple[RuleSet, tuple[str, ...]]:
    ids = common_rule_ids(assessments)
    if not ids:
        raise UsageError(
            f"--common: no rule has data in every one of the {len(assessments)} profile(s)"
        )
    return restrict(ruleset, ids), ids


def common_sources(
    sources: Iterable[Source],
    ruleset: RuleSet,
    *,
    aggregation: str,
    min_coverage: float,
    strict: bool,
    lang: str = "en",
) -> tuple[list[Source], RuleSet, str]:
    """Read every input once; return them (as text), the rule set of common rules, and the
    note naming those rules (empty when no input could be assessed).

    An input that cannot be read or validated is passed on unchanged, for the real run to
    report; it does not take part in finding the common rules.
    """
    kept: list[Source] = []
    found: list[Assessment] = []
    for src in sources:
        try:
            doc = read_source(src)
        except HemscoreError:
            kept.append(src)
            continue
        kept.append(Source(src.name, text=doc.text))
        try:
            profile = check_profile(doc, ruleset)
        except HemscoreError:
            continue
        found.append(
            assess(
                profile, ruleset, aggregation=aggregation, min_coverage=min_coverage, strict=strict
            )
        )
    if not found:
        return kept, ruleset, ""
    restricted, ids = _restricted(found, ruleset)
    note = common_note(lang, ids, len(found), [a.profile.year for a in found])
    return kept, restricted, note


def common_assessments(
    assessments: Sequence[Assessment],
    ruleset: RuleSet,
    *,
    extra: Sequence[Assessment] = (),
) -> tuple[list[Assessment], list[Assessment], tuple[str, ...]]:
    """The assessments again, scored with the common rules only; ``extra`` (e.g. a reference
    outside the compared set) is scored with the same rules but does not choose them."""
    restricted, ids = _restricted(assessments, ruleset)

    def again(a: Assessment) -> Assessment:
        return assess(
            a.profile,
            restricted,
            aggregation=a.aggregation,
            min_coverage=a.min_coverage,
            strict=a.strict,
        )

    return [again(a) for a in assessments], [again(a) for a in extra], ids
