"""``--common`` for ``assess``, ``compare`` and ``sensitivity``: the command-line half.

The pure half is :mod:`hemscore.common`. Here the inputs are read once, every profile is
assessed with the full rule set to find the rules they all have data for, and the rule set is
cut down to those rules before the real run. Imported only when ``--common`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hemscore.analysis.common import common_note, common_rule_ids, restrict
from hemscore.base.errors import HemscoreError, UsageError
from hemscore.engine.assessment import Assessment, assess
from hemscore.model.rules import RuleSet
from hemscore.reading.inputs import Source


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
    from hemscore.engine.validation import check_profile, read_source

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
