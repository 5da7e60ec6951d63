"""``hemscore validate``: check profiles and rule files without scoring anything.

A TOML file with a top-level ``[[rules]]``, ``[ruleset]``, ``[metrics]`` or ``[diagnostics]``
table is a rule file; any other is a profile. Profiles are checked against the metric catalogue
of the rule set in use (``--rules``, else the built-in library), exactly as ``assess`` reads
them. Rule files are checked together, with the ``--rules`` files, since a rule may score a
metric another file declares. Each profile is read and checked by the one loader
(:mod:`hemscore.engine.loader`), so ``validate`` refuses exactly what ``assess`` and the
library refuse. Pure: returns records, prints nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hemscore.base.errors import HemscoreError, RuleError
from hemscore.engine import quality
from hemscore.engine.loader import check_profile, is_rule_file, read_source
from hemscore.model.rules import RuleSet, build_ruleset, load_ruleset, rule_files
from hemscore.reading.inputs import Source
from hemscore.reading.tomlsource import TomlDocument, read_toml

# Reading and checking one profile is the loader's (hemscore.engine.loader); these names stay
# importable from here for the modules that use them by this address.
__all__ = [
    "Checked",
    "base_rules",
    "check_profile",
    "check_rule_files",
    "check_sources",
    "missing_rules",
    "read_source",
]


@dataclass(frozen=True)
class Checked:
    """The outcome for one input: what it was taken for, and its error if it has one."""

    name: str
    kind: Literal["profile", "rules", "unreadable"]
    error: HemscoreError | None = None
    warnings: tuple[str, ...] = ()  # data-quality warnings, "FILE:LINE: KEY: message"

    @property
    def ok(self) -> bool:
        return self.error is None


def base_rules(paths: Sequence[str | Path] | None) -> tuple[list[TomlDocument], RuleSet]:
    """The ``--rules`` files as documents, and the rule set profiles are checked against.

    Without paths: no documents, and the built-in library. With paths, a set with no rules is
    accepted here (rule files may come as inputs); :func:`missing_rules` says when it is not.
    """
    if not paths:
        return [], load_ruleset()
    base = [read_toml(f, error=RuleError) for f in rule_files(paths)]
    return base, build_ruleset(base, require_rules=False)


def missing_rules(
    base: Sequence[TomlDocument], ruleset: RuleSet, checked: Sequence[Checked]
) -> RuleError | None:
    """The problem of a ``--rules`` set that gave metrics at most when no rule file came as an
    input: ``assess`` would refuse it."""
    if base and not ruleset.rules and not any(c.kind == "rules" for c in checked):
        return RuleError("no rules found", path=base[0].path)
    return None


def check_rule_files(
    docs: Sequence[TomlDocument], base: Sequence[TomlDocument] = ()
) -> list[Checked]:
    """Check rule documents together with ``base`` (the ``--rules`` files); one record each.

    The loader stops at the first problem, so a file with a problem is set aside and the rest
    are checked again, until the remainder loads: each file gets its own first problem, and a
    file is only reported ok when it loads with every other good file.
    """
    mine = {_key(d) for d in docs}
    others = [d for d in base if _key(d) not in mine]
    pending = list(docs)
    failed: dict[str, HemscoreError] = {}
    while pending:
        try:
            build_ruleset([*others, *pending], require_rules=False)
            break
        except HemscoreError as err:
            culprit = next((d for d in pending if d.path == err.path), None)
            if culprit is None:  # a clash with a --rules file: it concerns every pending file
                for d in pending:
                    failed[d.path] = err
                break
            failed[culprit.path] = err
            pending.remove(culprit)
    return [Checked(d.path, "rules", failed.get(d.path)) for d in docs]


def _key(doc: TomlDocument) -> str:
    try:
        return str(Path(doc.path).resolve())
    except OSError:
        return doc.path


def check_sources(
    sources: Iterable[Source], ruleset: RuleSet, base: Sequence[TomlDocument] = ()
) -> Iterator[Checked]:
    """Check every input. Profiles are yielded as they are read; rule files, checked together,
    come after them."""
    rule_docs: list[TomlDocument] = []
    for src in sources:
        try:
            doc = read_source(src)
        except HemscoreError as err:
            yield Checked(src.name, "unreadable", err)
            continue
        if is_rule_file(doc):
            rule_docs.append(doc)
            continue
        try:
            profile = check_profile(doc, ruleset)
        except HemscoreError as err:
            yield Checked(src.name, "profile", err)
        else:
            found = quality.check(profile, ruleset.metrics)
            yield Checked(src.name, "profile", warnings=tuple(quality.lines(src.name, found)))
    if rule_docs:
        yield from check_rule_files(rule_docs, base)
