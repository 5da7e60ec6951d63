"""What changed between two assessments, e.g. two years of one region.

Either side is a :class:`Snapshot`, taken from an :class:`Assessment` or from the JSON that
``hemscore assess --format json`` wrote, so a stored report can be compared with a fresh one.
Rules and diagnostics are matched by id, never by position. Numbers are compared at the JSON's
precision (4 decimals), so a profile and its own JSON report never differ.

The snapshots and the diff are pure; :func:`load_side` reads one side through the one
loader (:mod:`hemscore.engine.loader`). Nothing here prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hemscore.base.errors import ProfileError
from hemscore.base.numbers import round4
from hemscore.engine.assessment import Assessment

if TYPE_CHECKING:
    from hemscore.model.rules import RuleSet

#: Numbers as the JSON report rounds them (4 places), so that a stored report and a fresh
#: assessment compare equal.
_r = round4


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
    for d in a.diagnostics:
        diags[d.id] = DiagSnap(d.id, d.title(lang), d.status, _r(d.score))
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
    """A snapshot from one assessment object of ``hemscore assess --format json``.

    The JSON is input like any other: every field the diff reads is checked for its type and
    range, and a problem is reported with its key (``diagnostics[1].rules[0].score``).
    """
    if isinstance(data, list):
        if len(data) != 1:
            raise ProfileError(
                f"holds {len(data)} assessments; diff compares one with one "
                "(assess a single profile, or pick one with jq '.[N]')",
                path=path,
            )
        data = data[0]
    if not isinstance(data, Mapping) or "schema_version" not in data:
        raise ProfileError(
            "not a hemscore assessment: expected the JSON object written by "
            "'hemscore assess --format json'",
            path=path,
        )
    j = _Json(path)
    prof = j.obj(data, "profile")
    overall = j.obj(data, "overall")
    rs = j.obj(data, "ruleset")
    diags: dict[str, DiagSnap] = {}
    rules: dict[str, RuleSnap] = {}
    for i, d in enumerate(j.items(data, "diagnostics")):
        at = f"diagnostics[{i}]"
        did = j.string(d, "id", at)
        diags[did] = DiagSnap(
            did,
            j.string(d, "title", at, default=did),
            j.choice(d, "status", at, DIAGNOSTIC_STATUSES),
            _r(j.score(d, "score", at)),
        )
        for k, r in enumerate(j.items(d, "rules", at)):
            rat = f"{at}.rules[{k}]"
            rid = j.string(r, "id", rat)
            rules[rid] = RuleSnap(
                rid,
                j.string(r, "title", rat, default=rid),
                did,
                j.choice(r, "status", rat, RULE_STATUSES),
                _r(j.score(r, "score", rat)),
                _value(j.value(r, "value", rat)),
            )
    return Snapshot(
        j.string(prof, "name", "profile"),
        j.string(prof, "path", "profile", default=None) or path,
        j.string(prof, "kind", "profile"),
        j.year(prof, "year", "profile"),
        f"{j.string(rs, 'name', 'ruleset')} {j.string(rs, 'version', 'ruleset')}",
        _r(j.score(overall, "score", "overall")),
        j.string(overall, "grade", "overall"),
        _r(j.score(overall, "coverage", "overall", top=1.0, default=None)),
        diags,
        rules,
    )


RULE_STATUSES = ("pass", "fail", "missing", "waived")
DIAGNOSTIC_STATUSES = ("scored", "insufficient_data", "no_rules")
_REQUIRED = object()


def _kind(v: Any) -> str:
    """What a JSON value is, for a message."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return f'a string ("{v[:30]}")'
    return "an array" if isinstance(v, list) else "an object"


def _finite_number(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer beyond any float
        return False


class _Json:
    """Typed reads of a parsed JSON assessment; a wrong field raises with its key path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ProfileError:
        return ProfileError(message, path=self.path, key=key)

    def get(self, obj: Any, name: str, at: str | None, default: Any) -> tuple[str, Any]:
        key = f"{at}.{name}" if at else name
        if name not in obj:
            if default is _REQUIRED:
                raise self.fail(key, "missing")
            return key, default
        return key, obj[name]

    def obj(self, parent: Any, name: str) -> Mapping[str, Any]:
        key, v = self.get(parent, name, None, _REQUIRED)
        if not isinstance(v, Mapping):
            raise self.fail(key, f"expected an object, got {_kind(v)}")
        return v

    def items(self, parent: Any, name: str, at: str | None = None) -> list[Mapping[str, Any]]:
        key, v = self.get(parent, name, at, _REQUIRED)
        if not isinstance(v, list):
            raise self.fail(key, f"expected an array, got {_kind(v)}")
        for i, item in enumerate(v):
            if not isinstance(item, Mapping):
                raise self.fail(f"{key}[{i}]", f"expected an object, got {_kind(item)}")
        return v

    def string(self, obj: Any, name: str, at: str, default: Any = _REQUIRED) -> Any:
        key, v = self.get(obj, name, at, default)
        if not isinstance(v, str) and not (v is default and default is not _REQUIRED):
            raise self.fail(key, f"expected a string, got {_kind(v)}")
        return v

    def choice(self, obj: Any, name: str, at: str, allowed: tuple[str, ...]) -> str:
        key, v = self.get(obj, name, at, _REQUIRED)
        if v not in allowed:
            got = f'"{v[:30]}"' if isinstance(v, str) else _kind(v)
            raise self.fail(key, f"expected one of {', '.join(allowed)}, got {got}")
        return str(v)

    def score(
        self, obj: Any, name: str, at: str, top: float = 100.0, default: Any = _REQUIRED
    ) -> float | None:
        key, v = self.get(obj, name, at, default)
        if v is None:
            return None
        if not _finite_number(v) or not 0 <= v <= top:
            got = f"{v:g}" if _finite_number(v) else _kind(v)
            raise self.fail(key, f"expected a number from 0 to {top:g} or null, got {got}")
        return float(v)

    def year(self, obj: Any, name: str, at: str) -> int | None:
        key, v = self.get(obj, name, at, None)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise self.fail(key, f"expected a whole number or null, got {_kind(v)}")
        return v

    def value(self, obj: Any, name: str, at: str) -> float | bool | None:
        key, v = self.get(obj, name, at, None)
        if v is None or isinstance(v, bool) or _finite_number(v):
            return v  # type: ignore[no-any-return]
        got = "a number too large for a float" if isinstance(v, int) else _kind(v)
        raise self.fail(key, f"expected a number, true, false or null, got {got}")


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


def load_side(
    path: str,
    ruleset: Callable[[], RuleSet],
    *,
    aggregation: str,
    min_coverage: float,
    strict: bool,
    lang: str,
) -> Snapshot:
    """One side of a diff: a JSON assessment as ``assess --format json`` wrote it, or a profile
    assessed now with ``ruleset()`` (called only for a profile, so a diff of two stored
    assessments reads no rules)."""
    from hemscore.engine.assessment import assess
    from hemscore.engine.loader import load_profile, one_source, read_text
    from hemscore.reading.inputs import Source
    from hemscore.reading.jsontext import loads, looks_like_json

    src = one_source(path, "diff compares one file with one file")
    text = read_text(src, "a profile or a JSON assessment")
    if looks_like_json(path, text):
        return snapshot_from_json(loads(text, src.name, ProfileError), src.name)
    rs = ruleset()
    profile = load_profile(Source(src.name, text=text), rs)
    return snapshot(
        assess(profile, rs, aggregation=aggregation, min_coverage=min_coverage, strict=strict),
        lang,
    )
