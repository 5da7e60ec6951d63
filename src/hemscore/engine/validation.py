"""``hemscore validate``: check profiles and rule files without scoring anything.

A TOML file with a top-level ``[[rules]]``, ``[ruleset]``, ``[metrics]`` or ``[diagnostics]``
table is a rule file; any other is a profile. Profiles are checked against the metric catalogue
of the rule set in use (``--rules``, else the built-in library), exactly as ``assess`` reads
them. Rule files are checked together, with the ``--rules`` files, since a rule may score a
metric another file declares. Pure: returns records, prints nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hemscore.base.errors import HemscoreError, ProfileError
from hemscore.engine import quality
from hemscore.model.profile import Profile, validate_profile
from hemscore.model.rules import RuleSet, build_ruleset
from hemscore.reading.inputs import Source
from hemscore.reading.tomlsource import TomlDocument, read_toml

RULE_TABLES: frozenset[str] = frozenset({"rules", "ruleset", "metrics", "diagnostics"})


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


def is_rule_file(doc: TomlDocument) -> bool:
    """Whether a parsed TOML document is a rule file rather than a profile."""
    return bool(RULE_TABLES & doc.data.keys())


def read_source(src: Source) -> TomlDocument:
    """Parse one input (a path, or stdin's text); raises :class:`ProfileError` when unreadable."""
    if src.error is not None:
        raise src.error
    if src.path is None:
        return read_toml(src.name, text=src.text, error=ProfileError)
    try:  # a file name that is not UTF-8: read it by its bytes, name it escaped
        doc = read_toml(src.path, error=ProfileError)
    except HemscoreError as err:
        err.path = src.name
        raise
    return TomlDocument(src.name, doc.text, doc.data)


def check_profile(doc: TomlDocument, ruleset: RuleSet) -> Profile:
    """Validate a profile document as ``assess`` would, waivers included."""
    return validate_profile(doc, ruleset)


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
