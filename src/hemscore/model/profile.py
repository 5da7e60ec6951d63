"""Reading TOML profiles into validated :class:`Profile` records.

Validation derives from the metric catalogue: each value is checked against its metric's type,
range and kinds. Every problem in a file is collected and reported at once, each with the file,
the key path and, where it can be found, the line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hemscore.base.errors import HemscoreError, ProfileError, ProfileErrors, did_you_mean
from hemscore.model.catalogue import KINDS, Metric
from hemscore.reading.tomlsource import TomlDocument

if TYPE_CHECKING:
    from hemscore.model.rules import RuleSet

PROVENANCE_KEYS: tuple[str, ...] = ("value", "year", "source", "note", "target", "was")
HEADER_KEYS: tuple[str, ...] = ("name", "kind", "year", "country", "description")
SHARES_TOLERANCE = 1.0
#: Problems reported per file; past this, validation stops (a key's line is found by a scan,
#: so reporting every one of tens of thousands of bad keys would take minutes).
MAX_PROBLEMS = 50
_YEAR = re.compile(r"1[89]\d\d|20\d\d|2100")  # a whole key: fullmatch, as "$" passes "2019\n"


@dataclass(frozen=True)
class MetricValue:
    """A profile's value for one metric, with its provenance."""

    metric: str
    value: Any  # float | int | bool | dict[str, float] | dict[int, float]
    year: int | None = None
    source: str | None = None
    note: str | None = None
    is_target: bool = False
    was: Any = None
    line: int | None = None

    @property
    def is_estimate(self) -> bool:
        """Whether the source starts with the documented mark ``estimate:`` (any case).

        Only the prefix with its colon counts: "Estimates of R&D expenditure, NBS bulletin" is a
        published source, not an estimate. A planned value (``target = true``) is neither: it is
        a target, whatever the source of the value it replaced said.
        """
        if self.is_target:
            return False
        return bool(self.source and self.source.lstrip()[:9].lower() == "estimate:")


@dataclass(frozen=True)
class Profile:
    """A validated profile: who it describes and the values measured for it."""

    name: str
    kind: str
    year: int
    path: str
    country: str | None = None
    description: str | None = None
    values: dict[str, MetricValue] = field(default_factory=dict)
    waivers: dict[str, str] = field(default_factory=dict)


def validate_profile(doc: TomlDocument, rules: RuleSet | Mapping[str, Metric]) -> Profile:
    """Validate a parsed profile document against the catalogue, and its waivers against the
    rule set when given one; every problem at once."""
    ruleset = None if isinstance(rules, Mapping) else rules
    metrics: Mapping[str, Metric] = rules if isinstance(rules, Mapping) else rules.metrics
    problems: list[HemscoreError] = []

    def problem(msg: str, *keys: str | int) -> None:
        if len(problems) >= MAX_PROBLEMS:
            raise _TooManyProblems
        problems.append(
            ProfileError(
                msg,
                path=doc.path,
                line=doc.line_of(*keys) if keys else None,
                key=".".join(str(k) for k in keys) or None,
            )
        )

    data = doc.data
    if not data:
        raise ProfileError(
            "empty profile: expected a [profile] table and metric tables", path=doc.path
        )
    try:
        return _validate(doc, metrics, ruleset, problem, problems)
    except _TooManyProblems:
        problems.append(
            ProfileError(
                f"too many problems: stopped after the first {MAX_PROBLEMS}", path=doc.path
            )
        )
        raise ProfileErrors(problems) from None


class _TooManyProblems(Exception):
    """Raised inside validation once MAX_PROBLEMS problems are recorded."""


def _validate(
    doc: TomlDocument,
    metrics: Mapping[str, Metric],
    ruleset: RuleSet | None,
    problem: Any,
    problems: list[HemscoreError],
) -> Profile:
    data = doc.data
    header = data.get("profile")
    name = kind = None
    year = 0
    country = description = None
    if not isinstance(header, dict):
        problem(
            "missing [profile] table (name, kind, year)" if header is None else "must be a table",
            *(["profile"] if header is not None else []),
        )
    else:
        for key in header:
            if key not in HEADER_KEYS:
                problem(f"unknown key{did_you_mean(key, HEADER_KEYS)}", "profile", key)
        name = header.get("name")
        if not isinstance(name, str) or not name.strip():
            problem("name is required (a string)", "profile", "name")
        kind = header.get("kind")
        if kind not in KINDS:
            problem(
                f"kind must be one of {', '.join(KINDS)}"
                + (did_you_mean(kind, KINDS) if isinstance(kind, str) else ""),
                "profile",
                "kind",
            )
            kind = None
        raw_year = header.get("year")
        if (
            isinstance(raw_year, int)
            and not isinstance(raw_year, bool)
            and 1900 <= raw_year <= 2100
        ):
            year = raw_year
        else:
            problem("year is required (a whole number, 1900–2100)", "profile", "year")
        country = header.get("country")
        if country is not None and not isinstance(country, str):
            problem("country must be a string", "profile", "country")
        description = header.get("description")
        if description is not None and not isinstance(description, str):
            problem("description must be a string", "profile", "description")

    values: dict[str, MetricValue] = {}
    waivers: dict[str, str] = {}
    diagnostics: list[str] = []  # the sections metrics live in: filled when first needed

    def is_diagnostic(section: str) -> bool:
        if not diagnostics:
            diagnostics.extend(dict.fromkeys(m.partition(".")[0] for m in metrics))
        return section in diagnostics

    for section, table in data.items():
        if section == "profile":
            continue
        if section == "waivers":
            if not isinstance(table, dict):
                problem("must be a table of rule id = reason", section)
                continue
            for rid, reason in table.items():
                if not isinstance(reason, str) or not reason.strip():
                    problem("a waiver needs a reason (a non-empty string)", section, rid)
                else:
                    waivers[rid] = reason.strip()
                if ruleset is not None and ruleset.rule(rid) is None:
                    problem(unknown_waiver(rid, ruleset), section, rid)
            continue
        # The first key's metric is known in every good section: the full test only otherwise.
        quick = isinstance(table, dict) and table and f"{section}.{next(iter(table))}" in metrics
        if not quick and not is_diagnostic(section):
            sections = ("profile", *diagnostics, "waivers")
            problem(f"unknown section{did_you_mean(section, sections)}", section)
            continue
        if not isinstance(table, dict):
            problem("must be a table of metrics", section)
            continue
        for key, raw in table.items():
            metric_id = f"{section}.{key}"
            metric = metrics.get(metric_id)
            if metric is None:
                known = [m.split(".", 1)[1] for m in metrics if m.startswith(section + ".")]
                problem(
                    f"unknown metric{did_you_mean(key, known) or did_you_mean(metric_id, metrics)}",
                    section,
                    key,
                )
                continue
            if kind is not None and kind not in metric.kinds:
                problem(
                    f"does not apply to a {kind} profile (applies to: {', '.join(metric.kinds)})",
                    section,
                    key,
                )
                continue
            mv = _metric_value(metric, raw, doc, problem)
            if mv is not None:
                values[metric_id] = mv

    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise ProfileErrors(problems)
    assert name is not None and kind is not None
    return Profile(
        name=name.strip(),
        kind=kind,
        year=year,
        path=doc.path,
        country=country,
        description=description,
        values=values,
        waivers=waivers,
    )


def unknown_waiver(rid: str, ruleset: RuleSet) -> str:
    """The message for a waiver naming no rule of ``ruleset``."""
    return (
        f"waiver names no rule of {ruleset.name}{did_you_mean(rid, [r.id for r in ruleset.rules])}"
    )


def check_waivers(profile: Profile, ruleset: RuleSet) -> None:
    """Raise when a waiver of an already validated profile names no rule of ``ruleset``."""
    for rid in profile.waivers:
        if ruleset.rule(rid) is None:
            raise ProfileError(
                unknown_waiver(rid, ruleset), path=profile.path, key=f"waivers.{rid}"
            )


def _metric_value(metric: Metric, raw: Any, doc: TomlDocument, problem: Any) -> MetricValue | None:
    section, key = metric.diagnostic, metric.name
    keys: tuple[str, ...] = (section, key)
    prov: dict[str, Any] = {}
    value = raw
    if isinstance(raw, dict) and _is_provenance(metric, raw):
        for k in raw:
            if k not in PROVENANCE_KEYS:
                problem(f"unknown key{did_you_mean(k, PROVENANCE_KEYS)}", *keys, k)
                return None
        if "value" not in raw:
            problem("a table with provenance needs a value", *keys)
            return None
        value = raw["value"]
        prov = raw
        y = prov.get("year")
        if y is not None and (
            not isinstance(y, int) or isinstance(y, bool) or not 1900 <= y <= 2100
        ):
            problem("year must be a whole number, 1900–2100", *keys, "year")
            return None
        for k in ("source", "note"):
            if k in prov and not isinstance(prov[k], str):
                problem(f"{k} must be a string", *keys, k)
                return None
        if "target" in prov and not isinstance(prov["target"], bool):
            problem("target must be true or false", *keys, "target")
            return None
        keys = (*keys, "value")
    checked = check_value(metric, value)
    if isinstance(checked, _Invalid):
        problem(checked.message, *keys, *checked.keys)
        return None
    return MetricValue(
        metric=metric.id,
        value=checked,
        year=prov.get("year"),
        source=prov.get("source"),
        note=prov.get("note"),
        is_target=bool(prov.get("target", False)),
        was=prov.get("was"),
        line=doc.line_of(metric.diagnostic, metric.name),
    )


def _is_provenance(metric: Metric, raw: dict[str, Any]) -> bool:
    if metric.type in ("shares", "series"):
        return isinstance(raw.get("value"), dict)
    return True


@dataclass(frozen=True)
class _Invalid:
    message: str
    keys: tuple[str, ...] = ()


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _show(v: float) -> str:
    """``v`` briefly, unless brevity would hide why it is out of range (100.00000000000001)."""
    short = f"{v:g}"
    return short if float(short) == v else repr(v)


def _too_large(v: float) -> bool:
    """True for an integer too large to become a float (TOML integers are unbounded)."""
    try:
        float(v)
    except OverflowError:
        return True
    return False


def _range_problem(metric: Metric, v: float) -> str | None:
    if _too_large(v):
        return "is too large a number"
    if isinstance(v, float) and math.isnan(v):
        return "must be a number, not NaN"
    if isinstance(v, float) and math.isinf(v):
        return "must be a finite number, not infinity"
    lo, hi = metric.min, metric.max
    if lo is not None and v < lo:
        if lo == 0:
            return f"must not be negative (got {_show(v)})"
        return f"must be at least {lo:g} (got {_show(v)})"
    if hi is not None and v > hi:
        return f"must be at most {hi:g} (got {_show(v)})"
    return None


def check_value(metric: Metric, value: Any) -> Any:
    """The value converted to its metric's type, or an :class:`_Invalid` saying why not."""
    t = metric.type
    if t == "bool":
        if not isinstance(value, bool):
            return _Invalid(f"expected true or false, got {_type_name(value)}")
        return value
    if t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            if isinstance(value, float) and value.is_integer():
                return _Invalid(f"expected a whole number, got {value!r} (write {int(value)})")
            return _Invalid(f"expected a whole number, got {_type_name(value)}")
        msg = _range_problem(metric, value)
        return _Invalid(msg) if msg else value
    if t == "number":
        if not _number(value):
            return _Invalid(f"expected a number, got {_type_name(value)}")
        msg = _range_problem(metric, value)
        return _Invalid(msg) if msg else float(value)
    if not isinstance(value, dict):
        return _Invalid(
            f"expected a table of {'label = percent' if t == 'shares' else 'year = value'}, got {_type_name(value)}"
        )
    if not value:
        return _Invalid("must not be empty")
    if t == "shares":
        out: dict[str, float] = {}
        for label, v in value.items():
            if not _number(v):
                return _Invalid(f"expected a percentage, got {_type_name(v)}", (label,))
            if _too_large(v) or math.isnan(v) or math.isinf(v):
                return _Invalid("must be a finite number", (label,))
            if not 0 <= v <= 100:
                return _Invalid(f"a share must lie in 0–100 (got {_show(v)})", (label,))
            out[label] = float(v)
        total = sum(out.values())
        if abs(total - 100.0) > SHARES_TOLERANCE:
            return _Invalid(
                f"shares must sum to 100 ± {SHARES_TOLERANCE:g} (they sum to {_show(total)})"
            )
        return out
    series: dict[int, float] = {}
    for label, v in value.items():
        if not _YEAR.fullmatch(label):
            return _Invalid(f'series keys must be years such as 2019, got "{label}"', (label,))
        if not _number(v):
            return _Invalid(f"expected a number, got {_type_name(v)}", (label,))
        msg = _range_problem(metric, v)
        if msg:
            return _Invalid(msg, (label,))
        series[int(label)] = float(v)
    return dict(sorted(series.items()))


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "a whole number"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return f'a string ("{v[:30]}")'
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "an array"
    return f"a {type(v).__name__}"  # a date, a datetime or a time
