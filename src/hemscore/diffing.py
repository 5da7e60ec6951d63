"""What changed between two assessments, e.g. two years of one region.

Either side is a :class:`Snapshot`, taken from an :class:`Assessment` or from the JSON that
``hemscore assess --format json`` wrote, so a stored report can be compared with a fresh one.
Rules and diagnostics are matched by id, never by position. Numbers are compared at the JSON's
precision (4 decimals), so a profile and its own JSON report never differ.

Pure: no files, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .assessment import Assessment
from .errors import ProfileError

DIGITS = 4  # the precision of the JSON report


def _r(x: float | None) -> float | None:
    if x is None:
        return None
    v = round(float(x), DIGITS)
    return 0.0 if v == 0 else v


def _value(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return _r(v)
    return v


@dataclass(frozen=True)
class RuleSnap:
    """A rule's outcome on one side of a diff."""

    id: str
    title: str
    diagnostic: str
    status: str  # pass, fail, missing, waived
    score: float | None
    value: Any


@dataclass(frozen=True)
class DiagSnap:
    """A diagnostic's outcome on one side of a diff."""

    id: str
    title: str
    status: str
    score: float | None


@dataclass(frozen=True)
class Snapshot:
    """The parts of an assessment a diff compares."""

    name: str
    path: str
    kind: str
    year: int | None
    ruleset: str  # "name version"
    score: float | None
    grade: str
    coverage: float | None
    diagnostics: dict[str, DiagSnap]
    rules: dict[str, RuleSnap]


def snapshot(a: Assessment, lang: str = "en") -> Snapshot:
    """Take a snapshot of an assessment."""
    diags = {}
    rules = {}
    for i, d in enumerate(a.diagnostics):
        title = a.ruleset.diagnostics[i].text(lang, "title")
        diags[d.id] = DiagSnap(d.id, title, d.status, _r(d.score))
        for r in d.rules:
            rules[r.id] = RuleSnap(
                r.id, r.rule.text(lang, "title"), d.id, r.status, _r(r.score), _value(r.value)
            )
    p = a.profile
    return Snapshot(
        p.name,
        p.path,
        p.kind,
        p.year,
        f"{a.ruleset.name} {a.ruleset.version}",
        _r(a.score),
        a.grade,
        _r(a.coverage),
        diags,
        rules,
    )


def snapshot_from_json(data: Any, path: str) -> Snapshot:
    """A snapshot from one assessment object of ``hemscore assess --format json``."""

    def bad(msg: str) -> ProfileError:
        return ProfileError(f"not a hemscore assessment: {msg}", path=path)

    if isinstance(data, list):
        if len(data) != 1:
            raise ProfileError(
                f"holds {len(data)} assessments; diff compares one with one "
                "(assess a single profile, or pick one with jq '.[N]')",
                path=path,
            )
        data = data[0]
    if not isinstance(data, Mapping) or "schema_version" not in data:
        raise bad("expected the JSON object written by 'hemscore assess --format json'")
    try:
        prof, overall, rs = data["profile"], data["overall"], data["ruleset"]
        diags: dict[str, DiagSnap] = {}
        rules: dict[str, RuleSnap] = {}
        for d in data["diagnostics"]:
            diags[d["id"]] = DiagSnap(d["id"], d.get("title", d["id"]), d["status"], _r(d["score"]))
            for r in d["rules"]:
                rules[r["id"]] = RuleSnap(
                    r["id"],
                    r.get("title", r["id"]),
                    d["id"],
                    r["status"],
                    _r(r["score"]),
                    _value(r.get("value")),
                )
        return Snapshot(
            str(prof["name"]),
            str(prof.get("path") or path),
            str(prof["kind"]),
            prof.get("year"),
            f"{rs['name']} {rs['version']}",
            _r(overall["score"]),
            str(overall["grade"]),
            _r(overall.get("coverage")),
            diags,
            rules,
        )
    except (KeyError, TypeError) as exc:
        raise bad(f"missing or malformed {exc}") from None


@dataclass(frozen=True)
class RuleChange:
    """A rule whose status, score or value differs between the two sides."""

    id: str
    title: str
    diagnostic: str
    old: RuleSnap | None  # None: the rule is new (it did not apply, or the rule set grew)
    new: RuleSnap | None  # None: the rule is gone

    @property
    def delta(self) -> float | None:
        return _delta(self.old, self.new)

    @property
    def newly_failing(self) -> bool:
        return (
            self.new is not None
            and self.new.status == "fail"
            and (self.old is None or self.old.status != "fail")
        )

    @property
    def fixed(self) -> bool:
        return (
            self.old is not None
            and self.old.status == "fail"
            and (self.new is None or self.new.status != "fail")
        )


def _delta(old: RuleSnap | DiagSnap | None, new: RuleSnap | DiagSnap | None) -> float | None:
    """new − old score, or None when either side has no score."""
    if old is None or new is None or old.score is None or new.score is None:
        return None
    return _r(new.score - old.score)


def _key(d: DiagSnap | None) -> tuple[str, float | None] | None:
    return None if d is None else (d.status, d.score)


@dataclass(frozen=True)
class DiagnosticChange:
    """A diagnostic on both sides; ``changed`` when its status or score differs."""

    id: str
    title: str
    old: DiagSnap | None
    new: DiagSnap | None

    @property
    def delta(self) -> float | None:
        return _delta(self.old, self.new)

    @property
    def changed(self) -> bool:
        return _key(self.old) != _key(self.new)


@dataclass(frozen=True)
class Diff:
    """Everything that changed from ``old`` to ``new``."""

    old: Snapshot
    new: Snapshot
    rules: tuple[RuleChange, ...]  # changed rules only, in rule-id order
    diagnostics: tuple[DiagnosticChange, ...]  # every diagnostic of either side
    unchanged_rules: int

    @property
    def overall_delta(self) -> float | None:
        if self.old.score is None or self.new.score is None:
            return None
        return _r(self.new.score - self.old.score)

    @property
    def newly_failing(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rules if c.newly_failing)

    @property
    def fixed(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rules if c.fixed)

    @property
    def empty(self) -> bool:
        """Nothing changed: no rule, no diagnostic, the same overall score and grade."""
        return (
            not self.rules
            and not any(d.changed for d in self.diagnostics)
            and self.old.score == self.new.score
            and self.old.grade == self.new.grade
        )

    def regressions(self) -> list[str]:
        """Why this is a regression (empty list: it is not): overall fell, or a rule newly fails."""
        reasons = []
        if self.old.score is not None and self.new.score is None:
            reasons.append("the overall score can no longer be computed")
        elif self.overall_delta is not None and self.overall_delta < 0:
            reasons.append(f"overall fell by {-self.overall_delta:.1f}")
        fails = [c.id for c in self.newly_failing]
        if fails:
            reasons.append(f"{len(fails)} rule(s) newly failing: {', '.join(fails)}")
        return reasons


def diff(old: Snapshot, new: Snapshot) -> Diff:
    """Compare two snapshots, matching rules and diagnostics by id."""
    changes = []
    unchanged = 0
    for rid in sorted(set(old.rules) | set(new.rules)):
        o, n = old.rules.get(rid), new.rules.get(rid)
        if (
            o is not None
            and n is not None
            and (o.status, o.score, o.value) == (n.status, n.score, n.value)
        ):
            unchanged += 1
            continue
        ref = n or o
        assert ref is not None
        changes.append(RuleChange(rid, ref.title, ref.diagnostic, o, n))
    order = list(old.diagnostics) + [d for d in new.diagnostics if d not in old.diagnostics]
    diags = []
    for did in order:
        o2, n2 = old.diagnostics.get(did), new.diagnostics.get(did)
        ref2 = n2 or o2
        assert ref2 is not None
        diags.append(DiagnosticChange(did, ref2.title, o2, n2))
    return Diff(old, new, tuple(changes), tuple(diags), unchanged)
