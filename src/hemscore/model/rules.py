"""Rule models and the loading of rule files into a :class:`RuleSet`.

Rule files are TOML and pure data: they are parsed as TOML (tomli) and checked field by field;
nothing in them is evaluated. Every problem names the file, the rule and, where it can, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hemscore.base.errors import RuleError, did_you_mean
from hemscore.base.limits import weight_problem
from hemscore.model.catalogue import (
    KINDS,
    LANGS,
    RESERVED_NAMES,
    Metric,
    builtin_catalogue,
    builtin_diagnostics,
    is_diagnostic_id,
    parse_metrics,
    parse_texts,
    unknown_diagnostic,
)
from hemscore.model.methods import (
    method_named,
    method_names,
    parameter_keys,
    registry_generation,
    scale_class,
    scale_kinds,
)
from hemscore.model.methods.base import RuleContext, Scale, ScoringMethod, is_number
from hemscore.reading.inputs import special_file, toml_files
from hemscore.reading.tomlsource import TomlDocument, parse_text, read_text

#: What ``--fail-on`` gates on, most severe first. A severity says how serious a failure is;
#: it no longer sets a rule's weight in the average (rule set 2.0, see docs/methodology.md).
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
#: The rank of each severity for ``--fail-on`` (higher = more severe).
SEVERITY_RANK: dict[str, int] = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}
#: A rule's weight in its diagnostic when it states none: equal weights within a diagnostic.
DEFAULT_WEIGHT = 1.0
#: The one calibration method rule files may name (docs/calibration.md).
CALIBRATION_METHOD = "panel-percentiles"
PAPER_SECTIONS: tuple[str, ...] = (
    "intro",
    "1",
    "1.1",
    "1.2",
    "1.3",
    "2",
    "2.1",
    "2.2",
    "3",
    "3.1",
    "3.2",
    "3.3",
)
TEXT_FIELDS: tuple[str, ...] = ("title", "what", "why", "recommendation")
BASES: tuple[str, ...] = ("published", "design", "panel")

#: The keys every rule may have; a method and its scale read others (``method_named(...).keys``).
_RULE_KEYS = {
    "id",
    "metric",
    "diagnostic",
    "kinds",
    "severity",
    "weight",
    "method",
    "paper",
    "basis",
    "source",
    "calibration",
    "group",
    "en",
    "zh",
}
BUILTIN_RULES_DIRNAME = "rules"


@dataclass(frozen=True)
class Calibration:
    """Where a ``basis = "panel"`` rule's goalposts come from (docs/calibration.md)."""

    method: str
    panel: str  # the panel folder, relative to the shipped reference data's parent
    year: int
    economies: int  # panel economies with a value
    worst_percentile: float
    best_percentile: float
    target_percentile: float | None  # None when the target is a policy target
    target_policy: str | None


@dataclass(frozen=True)
class Rule:
    """One scoring rule, validated."""

    id: str
    metric: str
    diagnostic: str
    kinds: tuple[str, ...]
    severity: str | None
    weight: float
    scoring: ScoringMethod  # the method with this rule's parameters (hemscore.model.methods)
    paper: tuple[str, ...]
    basis: str
    source: str
    texts: dict[str, dict[str, str]] = field(compare=False, hash=False)
    path: str = field(default="", compare=False)
    calibration: Calibration | None = None
    group: str | None = None  # rules that share one budget of weight (e.g. chip dependence)

    def text(self, lang: str, key: str) -> str:
        """A text of the rule in ``lang``, falling back to English."""
        return self.texts.get(lang, {}).get(key) or self.texts.get("en", {}).get(key, "")

    @property
    def method(self) -> str:
        return self.scoring.name

    @property
    def measure(self) -> str | None:
        return self.scoring.measure_name

    @property
    def scale(self) -> Scale | None:
        return self.scoring.scale

    @property
    def target(self) -> float | bool:
        return self.scoring.target


@dataclass(frozen=True)
class Diagnostic:
    """A diagnostic as the rule set declares it."""

    id: str
    weight: float
    paper: tuple[str, ...]
    texts: dict[str, dict[str, str]] = field(compare=False, hash=False)

    def text(self, lang: str, key: str) -> str:
        return self.texts.get(lang, {}).get(key) or self.texts.get("en", {}).get(key, self.id)


@dataclass(frozen=True)
class RuleSet:
    """A named, versioned set of rules with the metrics they score and the grade bands."""

    name: str
    version: str
    rules: tuple[Rule, ...]
    metrics: dict[str, Metric]
    diagnostics: tuple[Diagnostic, ...]
    grades: tuple[tuple[str, float], ...]  # (grade, lowest score), best first
    sources: tuple[str, ...] = ()
    #: Rules of the full set this run does not score (``--common`` keeps only the shared
    #: ones): still known, so a waiver naming one is valid, but never evaluated.
    left_out: tuple[Rule, ...] = ()

    def grade(self, score: float | None) -> str:
        if score is None:
            return "?"
        for grade, lowest in self.grades:
            if score >= lowest:
                return grade
        return chr(ord(self.grades[-1][0]) + 1) if self.grades else "?"

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, scored or left out of this run; None when there is none."""
        for r in (*self.rules, *self.left_out):
            if r.id == rule_id:
                return r
        return None


def builtin_rules_dir() -> Path:
    """The built-in rule library: inside the installed package, or the repo's ``rules/``."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / BUILTIN_RULES_DIRNAME
    if packaged.is_dir():
        return packaged
    return package.parent.parent / BUILTIN_RULES_DIRNAME


DEFAULT_META: dict[str, Any] = {
    "ruleset": {
        "name": "custom",
        "version": "0",
        "target_score": 70,
        "grades": {"A": 80, "B": 65, "C": 50, "D": 35},
    },
}


def rule_files(paths: Sequence[str | Path]) -> list[Path]:
    """Expand files and directories (every ``*.toml`` below, in sorted order)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = [Path(f) for f in toml_files(p)]
            if not found:
                raise RuleError("no *.toml rule files in this directory", path=str(p))
            for f in found:
                if special_file(f):  # a named pipe would block the read
                    raise RuleError(
                        "not a regular file (a named pipe, socket or device)", path=str(f)
                    )
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise RuleError("no such file or directory", path=str(p))
    return out


#: Rule sets this process has built, by the exact text of their files and the state of the
#: method registries: loading the same files again (a library caller, a test, a batch of
#: commands run in one process) gives the same RuleSet without parsing them again. A file whose
#: text changed is another key, so an edit is always read; nothing is kept between processes.
_BUILT: dict[tuple[Any, ...], RuleSet] = {}
_BUILT_KEEP = 8


def load_ruleset(paths: Sequence[str | Path] | None = None) -> RuleSet:
    """Load rule files (the built-in library when ``paths`` is empty) into a RuleSet."""
    files = rule_files(paths or [builtin_rules_dir()])
    texts = tuple((str(f), read_text(f, RuleError)) for f in files)
    key = (registry_generation(), texts)
    built = _BUILT.get(key)
    if built is None:
        built = build_ruleset([parse_text(name, text, RuleError) for name, text in texts])
        if len(_BUILT) >= _BUILT_KEEP:
            del _BUILT[next(iter(_BUILT))]  # the oldest
        _BUILT[key] = built
    return built


def build_ruleset(docs: Iterable[TomlDocument], *, require_rules: bool = True) -> RuleSet:
    """Validate parsed rule documents into one RuleSet (pure: no file access).

    ``require_rules=False`` accepts documents without any ``[[rules]]`` (``hemscore validate``
    checks a ``ruleset.toml`` or a file of metric declarations on its own).
    """
    docs = list(docs)
    metrics = dict(builtin_catalogue())
    meta: dict[str, Any] | None = None
    meta_doc: TomlDocument | None = None
    diag_specs: dict[str, tuple[Any, TomlDocument]] = {}
    declared_metrics: list[tuple[str, TomlDocument]] = []  # from rule files, with their file
    rule_specs: list[tuple[int, Any, TomlDocument]] = []
    for doc in docs:
        for key, value in doc.data.items():
            if key == "ruleset":
                if meta is not None:
                    raise RuleError(
                        f"[ruleset] is declared again (first in {meta_doc.path if meta_doc else '?'})",
                        path=doc.path,
                        line=doc.line_of("ruleset"),
                        key="ruleset",
                    )
                meta, meta_doc = value, doc
            elif key == "diagnostics":
                if not isinstance(value, dict):
                    raise RuleError("must be a table", path=doc.path, key=key)
                for did, spec in value.items():
                    diag_specs[did] = (spec, doc)
            elif key == "rules":
                if not isinstance(value, list):
                    raise RuleError(
                        "rules must be an array of tables ([[rules]])",
                        path=doc.path,
                        line=doc.line_of(key),
                        key=key,
                    )
                rule_specs.extend((i, spec, doc) for i, spec in enumerate(value))
            elif key == "metrics":
                for mid, metric in parse_metrics(value, path=doc.path, line_of=doc.line_of).items():
                    if mid in metrics:
                        raise RuleError(
                            f"metric {mid} is already declared in {metrics[mid].origin}",
                            path=doc.path,
                            line=doc.line_of("metrics", mid),
                            key=f'metrics."{mid}"',
                        )
                    metrics[mid] = metric
                    declared_metrics.append((mid, doc))
            else:
                raise RuleError(
                    f"unknown table{did_you_mean(key, ['ruleset', 'diagnostics', 'rules', 'metrics'])}",
                    path=doc.path,
                    line=doc.line_of(key),
                    key=key,
                )
    if meta is None:
        meta, meta_doc = DEFAULT_META["ruleset"], None
    name, version, target_score, grades = _parse_meta(meta, meta_doc)
    known = list(dict.fromkeys([*builtin_diagnostics(), *diag_specs]))
    for mid, doc in declared_metrics:
        problem = unknown_diagnostic(metrics[mid], known)
        if problem:
            raise RuleError(
                problem, path=doc.path, line=doc.line_of("metrics", mid), key=f'metrics."{mid}"'
            )
    diagnostics = _parse_diagnostics(diag_specs, metrics, rule_specs)
    declared = {d.id for d in diagnostics}
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    params = parameter_keys() if rule_specs else frozenset()  # the keys methods and scales read
    for index, spec, doc in rule_specs:
        rule = _parse_rule(spec, index, doc, metrics, target_score, declared, params)
        if rule.id in seen:
            raise RuleError(
                f"duplicate rule id {rule.id} (first in {seen[rule.id]})",
                path=doc.path,
                line=doc.line_of("rules", index, "id"),
                key=rule.id,
            )
        seen[rule.id] = doc.path
        rules.append(rule)
    if not rules and require_rules:
        raise RuleError("no rules found", path=docs[0].path if docs else None)
    rules.sort(key=lambda r: r.id)  # rule order never changes a result
    return RuleSet(
        name=name,
        version=version,
        rules=tuple(rules),
        metrics=metrics,
        diagnostics=diagnostics,
        grades=grades,
        sources=tuple(d.path for d in docs),
    )


def _parse_meta(
    meta: Any, doc: TomlDocument | None
) -> tuple[str, str, float, tuple[tuple[str, float], ...]]:
    path = doc.path if doc else None

    def fail(msg: str, *keys: str) -> RuleError:
        return RuleError(
            msg,
            path=path,
            line=doc.line_of("ruleset", *keys) if doc else None,
            key=".".join(["ruleset", *keys]),
        )

    if not isinstance(meta, dict):
        raise fail("must be a table")
    for key in meta:
        if key not in {"name", "version", "target_score", "grades"}:
            raise fail(
                f"unknown key{did_you_mean(key, ['name', 'version', 'target_score', 'grades'])}",
                key,
            )
    name, version = meta.get("name"), meta.get("version")
    if not isinstance(name, str) or not name:
        raise fail("name is required", "name")
    if not isinstance(version, str) or not version:
        raise fail("version is required (a string)", "version")
    ts = meta.get("target_score", 70)
    if not _is_number(ts) or not 0 < ts < 100:
        raise fail("target_score must be a number between 0 and 100", "target_score")
    raw = meta.get("grades", DEFAULT_META["ruleset"]["grades"])
    if not isinstance(raw, dict) or not raw:
        raise fail("grades must be a table grade = lowest score", "grades")
    grades = []
    for g, lowest in raw.items():
        if not _is_number(lowest) or not 0 <= lowest <= 100:
            raise fail("a grade's lowest score must be 0–100", "grades", g)
        grades.append((g, float(lowest)))
    ordered = sorted(grades, key=lambda t: -t[1])
    if [g for g, _ in ordered] != [g for g, _ in grades]:
        raise fail("grades must be listed best first, with falling scores", "grades")
    return name, version, float(ts), tuple(grades)


def _parse_diagnostics(
    specs: dict[str, tuple[Any, TomlDocument]],
    metrics: dict[str, Metric],
    rule_specs: list[tuple[int, Any, TomlDocument]],
) -> tuple[Diagnostic, ...]:
    """The rule set's diagnostics: the built-in catalogue's, in its order, then those the rule
    files declare anew, in the order they come. A declared one configures a built-in one
    (title, weight...); a new one needs a metric or a rule that belongs to it."""
    builtin = builtin_diagnostics()
    out = [_parse_diagnostic(did, *specs.get(did, ({}, None))) for did in builtin]
    new = [did for did in specs if did not in builtin]
    used = set()
    if new:  # what a new diagnostic needs: a metric or a rule in it
        used = {mid.partition(".")[0] for mid in metrics} | {
            str(spec.get("diagnostic")) for _i, spec, _doc in rule_specs if isinstance(spec, dict)
        }
    for did in new:
        spec, doc = specs[did]

        def fail(msg: str, did: str = did, doc: TomlDocument = doc) -> RuleError:
            return RuleError(
                msg,
                path=doc.path,
                line=doc.line_of("diagnostics", did),
                key=f"diagnostics.{did}",
            )

        if not is_diagnostic_id(did):
            raise fail(
                "a diagnostic id is lower-case letters, digits and _, starting with a letter"
            )
        if did in RESERVED_NAMES:
            raise fail(f"{did} cannot name a diagnostic (reserved: {', '.join(RESERVED_NAMES)})")
        if did not in used:
            known = [*builtin, *specs]
            raise fail(
                "unknown diagnostic: no metric or rule belongs to it"
                + did_you_mean(did, [k for k in known if k != did])
            )
        out.append(_parse_diagnostic(did, spec, doc))
    return tuple(out)


def _parse_diagnostic(did: str, spec: Any, doc: TomlDocument | None) -> Diagnostic:
    def fail(msg: str, *keys: str) -> RuleError:
        return RuleError(
            msg,
            path=doc.path if doc else None,
            line=doc.line_of("diagnostics", did, *keys) if doc else None,
            key=".".join(["diagnostics", did, *keys]),
        )

    if not isinstance(spec, dict):
        raise fail("must be a table")
    for key in spec:
        if key not in {"weight", "paper", "en", "zh", "enabled"}:
            raise fail(
                f"unknown key{did_you_mean(key, ['weight', 'paper', 'en', 'zh', 'enabled'])}", key
            )
    weight = spec.get("weight", 1.0)
    if not _is_number(weight) or weight < 0:
        raise fail("weight must be a number ≥ 0", "weight")
    problem = weight_problem(weight)
    if problem:
        raise fail(problem, "weight")
    if spec.get("enabled", True) is False:
        weight = 0.0
    paper = _parse_paper(spec.get("paper", []), fail)
    texts: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        block = spec.get(lang, {})
        if not isinstance(block, dict) or any(not isinstance(v, str) for v in block.values()):
            raise fail("must be a table of texts", lang)
        texts[lang] = dict(block)
    return Diagnostic(did, float(weight), paper, texts)


def _parse_paper(value: Any, fail: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or any(not isinstance(s, str) for s in value):
        raise fail("paper must be a list of section numbers", "paper")
    for s in value:
        if s.removeprefix("§") not in PAPER_SECTIONS:
            raise fail(
                f'paper section "{s}" does not exist (sections: {", ".join(PAPER_SECTIONS)})',
                "paper",
            )
    return tuple(s.removeprefix("§") for s in value)


_is_number = is_number


#: What a rule id may hold. Ids are matched exactly (waivers, ``rules show``, diff), so a
#: look-alike (Cyrillic С for C, a zero-width space) would load as a different rule.
_ID = re.compile(r"[A-Za-z0-9_-]+")


def _char_name(ch: str) -> str:
    import unicodedata

    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _parse_rule(
    spec: Any,
    index: int,
    doc: TomlDocument,
    metrics: dict[str, Metric],
    default_target_score: float,
    diagnostics: set[str],
    params: frozenset[str],
) -> Rule:
    rid = spec.get("id") if isinstance(spec, dict) else None
    # An id that is not plain ASCII is named by its position, not by look-alike text.
    label = rid if isinstance(rid, str) and _ID.fullmatch(rid) else f"rules[{index}]"

    def fail(msg: str, *keys: str) -> RuleError:
        return RuleError(
            msg,
            path=doc.path,
            line=doc.line_of("rules", index, *keys),
            key=".".join([label, *keys]) if keys else label,
        )

    if not isinstance(spec, dict):
        raise fail("a rule must be a table")
    known = _RULE_KEYS | params
    for key in spec:
        if key not in known:
            raise fail(f"unknown key{did_you_mean(key, known)}", key)
    if not isinstance(rid, str) or not rid.strip():
        raise fail("id is required")
    bad = _ID.sub("", rid)
    if bad:
        raise fail(
            f'rule id "{rid}" may hold only ASCII letters, digits, - and _ (found {_char_name(bad[0])})',
            "id",
        )
    metric_id = spec.get("metric")
    if not isinstance(metric_id, str):
        raise fail("metric is required", "metric")
    metric = metrics.get(metric_id)
    if metric is None:
        raise fail(f'unknown metric "{metric_id}"{did_you_mean(metric_id, metrics)}', "metric")
    diagnostic = spec.get("diagnostic", metric.diagnostic)
    if not isinstance(diagnostic, str) or diagnostic not in diagnostics:
        raise fail(
            f'unknown diagnostic "{diagnostic}"{did_you_mean(str(diagnostic), diagnostics)}',
            "diagnostic",
        )
    kinds = spec.get("kinds", list(metric.kinds))
    if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
        raise fail(f"kinds must be a non-empty list of {', '.join(KINDS)}", "kinds")
    outside = [k for k in kinds if k not in metric.kinds]
    if outside:
        raise fail(f"metric {metric_id} does not apply to kind {outside[0]}", "kinds")
    severity = spec.get("severity")
    if severity is not None and (not isinstance(severity, str) or severity not in SEVERITIES):
        raise fail(f"severity must be one of {', '.join(SEVERITIES)} (or left out)", "severity")
    weight = spec.get("weight", DEFAULT_WEIGHT)
    if not _is_number(weight) or weight <= 0:
        raise fail("weight must be a number > 0", "weight")
    problem = weight_problem(weight)
    if problem:
        raise fail(problem, "weight")
    weight = float(weight)
    group = spec.get("group")
    if group is not None and (not isinstance(group, str) or not group.strip()):
        raise fail("group must be a non-empty string", "group")
    method = spec.get("method")
    cls = method_named(method) if isinstance(method, str) else None
    if cls is None:
        names = method_names()
        raise fail(
            f'unknown scoring method "{method}"{did_you_mean(str(method), names)}'
            f" (methods: {', '.join(names)})",
            "method",
        )
    if metric.type not in cls.metric_types:
        raise fail(
            f"method {method} cannot score metric {metric_id} of type {metric.type}", "method"
        )
    ctx = RuleContext(fail, metric, default_target_score, scale_class, scale_kinds)
    scoring = cls.parse(spec, ctx)
    stray = sorted((set(spec) & params) - scoring.used_keys())
    if stray:
        raise fail(f"{stray[0]} does not apply to method {method}", stray[0])
    paper = _parse_paper(spec.get("paper", []), fail)
    if not paper:
        raise fail("paper is required: the sections that ground the rule", "paper")
    basis = spec.get("basis")
    if basis not in BASES:
        raise fail("basis must be published, design or panel", "basis")
    calibration = None
    if basis == "panel":
        if scoring.goalposts is None:
            raise fail("basis panel needs the linear method (goalposts)", "basis")
        calibration = _parse_calibration(spec.get("calibration"), fail)
    elif "calibration" in spec:
        raise fail('calibration applies only to basis = "panel"', "calibration")
    source = spec.get("source")
    if not isinstance(source, str) or not source.strip():
        raise fail(
            "source is required: the publication, or the reason for a design choice", "source"
        )
    texts = parse_texts(spec, TEXT_FIELDS, fail)
    for key in TEXT_FIELDS:
        if key not in texts["en"]:
            raise fail(f"en.{key} is required", "en")
    return Rule(
        id=rid.strip(),
        metric=metric_id,
        diagnostic=diagnostic,
        kinds=tuple(k for k in KINDS if k in kinds),
        severity=severity,
        weight=weight,
        scoring=scoring,
        paper=paper,
        basis=basis,
        source=source.strip(),
        texts=texts,
        path=doc.path,
        calibration=calibration,
        group=group.strip() if group else None,
    )


_CALIBRATION_KEYS = {
    "method",
    "panel",
    "year",
    "economies",
    "worst_percentile",
    "best_percentile",
    "target_percentile",
    "target_policy",
}


def _parse_calibration(spec: Any, fail: Any) -> Calibration:
    if not isinstance(spec, dict):
        raise fail("basis panel needs a [rules.calibration] table", "calibration")
    for key in spec:
        if key not in _CALIBRATION_KEYS:
            raise fail(f"unknown key{did_you_mean(key, _CALIBRATION_KEYS)}", "calibration", key)
    if spec.get("method") != CALIBRATION_METHOD:
        raise fail(f'method must be "{CALIBRATION_METHOD}"', "calibration", "method")
    panel = spec.get("panel")
    if not isinstance(panel, str) or not panel.strip():
        raise fail("panel is required (the panel folder)", "calibration", "panel")
    counts = {}
    for key in ("year", "economies"):
        v = spec.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise fail(f"{key} is required (a whole number > 0)", "calibration", key)
        counts[key] = v
    pct = {}
    for key in ("worst_percentile", "best_percentile", "target_percentile"):
        v = spec.get(key)
        if v is None and key == "target_percentile":
            continue
        if not _is_number(v) or not 0 <= v <= 100:
            raise fail(f"{key} must be a number from 0 to 100", "calibration", key)
        pct[key] = float(v)
    policy = spec.get("target_policy")
    if policy is not None and (not isinstance(policy, str) or not policy.strip()):
        raise fail("target_policy must be a non-empty string", "calibration", "target_policy")
    if (policy is None) == ("target_percentile" not in pct):
        raise fail(
            "give exactly one of target_percentile and target_policy", "calibration", "target"
        )
    return Calibration(
        method=CALIBRATION_METHOD,
        panel=panel.strip(),
        year=counts["year"],
        economies=counts["economies"],
        worst_percentile=pct["worst_percentile"],
        best_percentile=pct["best_percentile"],
        target_percentile=pct.get("target_percentile"),
        target_policy=policy.strip() if policy else None,
    )
