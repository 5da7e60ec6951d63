"""A plan written back as a profile (``hemscore plan --write``), and the target a grade names.

The planned profile is the original file's TOML with the planned values written in
(:func:`hemscore.analysis.plan.changed_document`), under a comment saying where it came from.
Before it is handed back for writing, it is read again through the one loader and assessed
with the same settings: a profile that would not reach the target is an error, never a file.
Pure: text in, text out; the caller writes it.
"""

from __future__ import annotations

from hemscore.analysis.plan import Plan, changed_document
from hemscore.base.errors import HemscoreError, UsageError
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import RuleSet
from hemscore.reading.tomlsource import TomlDocument


def grade_target(ruleset: RuleSet, grade: str) -> float:
    """The lowest overall score of ``grade`` in ``ruleset``; a usage error for an unknown one."""
    floors = dict(ruleset.grades)
    if grade not in floors:
        raise UsageError(
            f"unknown grade {grade!r}: {ruleset.name} has grades "
            f"{', '.join(g for g, _ in ruleset.grades)}"
        )
    return floors[grade]


def planned_text(
    doc: TomlDocument, name: str, result: Plan, target: float, grade: str | None
) -> str:
    """The profile ``doc`` (shown as ``name``) with the plan's values written in, as TOML."""
    import tomli_w

    goal = f"grade {grade} ({target:g})" if grade is not None else f"{target:g}"
    header = (
        f"# Planned by `hemscore plan --target {target:g}` from {name}: overall "
        f"{result.before.score:.1f} -> {result.after.score:.1f}, goal {goal}.\n"
        "# Values marked target = true are targets, not data; `was` holds the measured value.\n\n"
    )
    return header + tomli_w.dumps(changed_document(doc.data, result))


def check_planned(
    text: str,
    path: str,
    ruleset: RuleSet,
    result: Plan,
    *,
    aggregation: str,
    min_coverage: float,
    strict: bool,
) -> None:
    """Read the planned profile (to be written to ``path``) through the one loader and assess
    it again; raise when it does not reach the plan's target."""
    again = assess(
        load_profile(text, ruleset, name=path),
        ruleset,
        aggregation=aggregation,
        min_coverage=min_coverage,
        strict=strict,
    )
    if again.score is None or again.score < result.target:
        raise HemscoreError(
            f"the written profile scores {again.score} instead of reaching "
            f"{result.target:g}; nothing written (please report this)",
            path=path,
        )


def planned_profile(
    doc: TomlDocument,
    name: str,
    result: Plan,
    *,
    path: str,
    ruleset: RuleSet,
    grade: str | None,
    aggregation: str,
    min_coverage: float,
    strict: bool,
) -> str:
    """The text of the planned profile, checked to reach the target when read back from
    ``path`` (:func:`planned_text`, then :func:`check_planned`)."""
    text = planned_text(doc, name, result, result.target, grade)
    check_planned(
        text,
        path,
        ruleset,
        result,
        aggregation=aggregation,
        min_coverage=min_coverage,
        strict=strict,
    )
    return text
