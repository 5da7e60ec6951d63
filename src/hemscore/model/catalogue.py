"""The metric catalogue: every metric a profile may set, declared once as data.

The built-in catalogue (``catalogue.toml`` beside this module, catalogue v2: v1 and
five country measures from the World Bank WDI) is read here;
rule files may declare further metrics in the same shape. Profile validation, the JSON Schema,
the ``init`` template and the docs all derive from the :class:`Metric` records built here.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# The one data window (how old a value may be), declared in datawindow.py, re-exported here
# beside the metrics it governs.
from hemscore.base.datawindow import DATA_WINDOW_YEARS, in_data_window  # noqa: F401
from hemscore.base.errors import HemscoreError, RuleError, did_you_mean
from hemscore.base.limits import goalpost_problem

KINDS: tuple[str, ...] = ("country", "region", "cluster", "firm")
TYPES: tuple[str, ...] = ("number", "integer", "bool", "shares", "series")
BETTER: tuple[str, ...] = ("higher", "lower", "true", "growing", "less-concentrated")
LANGS: tuple[str, ...] = ("en", "zh")


CATALOGUE_VERSION = "2"
CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

MetricType = Literal["number", "integer", "bool", "shares", "series"]


@dataclass(frozen=True)
class Plausible:
    """Where a metric's values are expected to lie: outside, a value is likely a mistake.

    A value outside the plausible range is still valid (the hard ``min``/``max`` decide that);
    it only draws a warning. ``panel``: the range is the reference panel's observed range
    widened by the rule in :mod:`hemscore.quality`; otherwise a design range, and ``basis``
    says why. ``kinds``: the profile kinds the range is checked for.
    """

    min: float
    max: float
    basis: str
    panel: bool
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    """One metric: its id, value type, allowed range and the profile kinds it applies to."""

    id: str
    type: MetricType
    kinds: tuple[str, ...]
    better: str
    min: float | None = None
    max: float | None = None
    texts: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, hash=False)
    origin: str = "catalogue v1"
    plausible: Plausible | None = field(default=None, compare=False, hash=False)

    @property
    def diagnostic(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]

    def text(self, lang: str, key: str) -> str:
        """A text of the metric in ``lang``, falling back to English."""
        return self.texts.get(lang, {}).get(key) or self.texts.get("en", {}).get(key, "")


def default_range(metric_id: str, type_: str) -> tuple[float | None, float | None]:
    """Ranges implied by a metric's suffix: ``_pct`` 0–100, ``_count`` ≥ 0."""
    if metric_id.endswith("_pct"):
        return 0.0, 100.0
    if metric_id.endswith(("_count", "_ratio", "_per_million")) or type_ == "integer":
        return 0.0, None
    return None, None


def _finite(v: float) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


_METRIC_KEYS = {"type", "kinds", "better", "min", "max", "plausible", "en", "zh"}
_PLAUSIBLE_KEYS = {"min", "max", "basis", "panel", "kinds"}
_TEXT_KEYS = {"title", "unit", "description"}


def parse_texts(
    spec: dict[str, Any], allowed: Collection[str], fail: Any
) -> dict[str, dict[str, str]]:
    """The ``en`` and ``zh`` text tables of a metric or rule: known keys, non-empty strings."""
    texts: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        block = spec.get(lang, {})
        if not isinstance(block, dict):
            raise fail("must be a table of texts", lang)
        for key, value in block.items():
            if key not in allowed:
                raise fail(f"unknown key{did_you_mean(key, allowed)}", lang, key)
            if not isinstance(value, str) or not value.strip():
                raise fail("must be a non-empty string", lang, key)
        texts[lang] = dict(block)
    return texts


def parse_metric(metric_id: str, spec: Any, *, path: str, line_of: Any = None) -> Metric:
    """Validate one ``[metrics."<id>"]`` table into a :class:`Metric`."""

    def fail(msg: str, *keys: str) -> RuleError:
        line = line_of("metrics", metric_id, *keys) if line_of else None
        key = ".".join(["metrics", f'"{metric_id}"', *keys])
        return RuleError(msg, path=path, line=line, key=key)

    if not isinstance(spec, dict):
        raise fail("a metric declaration must be a table")
    diag, dot, name = metric_id.partition(".")
    if not diag or not dot or not name or "." in name:
        raise fail("a metric id is <diagnostic>.<name>")
    for key in spec:
        if key not in _METRIC_KEYS:
            raise fail(f"unknown key{did_you_mean(key, _METRIC_KEYS)}", key)
    type_ = spec.get("type")
    if type_ not in TYPES:
        raise fail(f"type must be one of {', '.join(TYPES)}", "type")
    kinds = spec.get("kinds", list(KINDS))
    if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
        raise fail(f"kinds must be a non-empty list of {', '.join(KINDS)}", "kinds")
    better = spec.get("better")
    if better not in BETTER:
        raise fail(f"better must be one of {', '.join(BETTER)}", "better")
    lo, hi = default_range(metric_id, type_)
    for bound in ("min", "max"):
        v = spec.get(bound)
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, (int, float)) or not _finite(v)
        ):
            raise fail(f"{bound} must be a finite number", bound)
        problem = None if v is None else goalpost_problem(bound, v)
        if problem:
            raise fail(problem, bound)
    lo = float(spec["min"]) if "min" in spec else lo
    hi = float(spec["max"]) if "max" in spec else hi
    if lo is not None and hi is not None and lo > hi:
        raise fail("min is above max", "min")
    texts = parse_texts(spec, _TEXT_KEYS, fail)
    if not texts["en"].get("title"):
        raise fail("en.title is required", "en")
    plausible = None
    if "plausible" in spec:
        plausible = _parse_plausible(spec["plausible"], type_, kinds, lo, hi, fail)
    return Metric(
        id=metric_id,
        type=type_,
        kinds=tuple(k for k in KINDS if k in kinds),
        better=better,
        min=lo,
        max=hi,
        texts=texts,
        origin=path,
        plausible=plausible,
    )


def _parse_plausible(
    spec: Any, type_: str, kinds: list[str], lo: float | None, hi: float | None, fail: Any
) -> Plausible:
    """A metric's ``plausible = { min, max, basis[, panel][, kinds] }``, inside its hard range."""
    if type_ not in ("number", "integer"):
        raise fail("plausible goes with number and integer metrics only", "plausible")
    if not isinstance(spec, dict):
        raise fail("plausible must be a table { min, max, basis }", "plausible")
    for key in spec:
        if key not in _PLAUSIBLE_KEYS:
            raise fail(f"unknown key{did_you_mean(key, _PLAUSIBLE_KEYS)}", "plausible", key)
    bounds = []
    for bound in ("min", "max"):
        v = spec.get(bound)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not _finite(v):
            raise fail(f"{bound} must be a finite number", "plausible", bound)
        bounds.append(float(v))
    p_lo, p_hi = bounds
    if p_lo > p_hi:
        raise fail("min is above max", "plausible", "min")
    if (lo is not None and p_lo < lo) or (hi is not None and p_hi > hi):
        raise fail("the plausible range must lie within min and max", "plausible")
    basis = spec.get("basis")
    if not isinstance(basis, str) or not basis.strip():
        raise fail("basis must be a non-empty string", "plausible", "basis")
    panel = spec.get("panel", False)
    if not isinstance(panel, bool):
        raise fail("panel must be true or false", "plausible", "panel")
    p_kinds = spec.get("kinds", kinds)
    if not isinstance(p_kinds, list) or not p_kinds or any(k not in kinds for k in p_kinds):
        raise fail("kinds must be a non-empty list of the metric's kinds", "plausible", "kinds")
    return Plausible(p_lo, p_hi, basis, panel, tuple(k for k in KINDS if k in p_kinds))


def parse_metrics(table: Any, *, path: str, line_of: Any = None) -> dict[str, Metric]:
    """Validate a ``[metrics]`` table into metrics keyed by id."""
    if not isinstance(table, dict):
        raise RuleError("metrics must be a table", path=path, key="metrics")
    return {mid: parse_metric(mid, spec, path=path, line_of=line_of) for mid, spec in table.items()}


_ID_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz")
_ID_CHARS = _ID_FIRST | frozenset("0123456789_")


def is_diagnostic_id(text: object) -> bool:
    """Whether ``text`` may be a diagnostic id (``[a-z][a-z0-9_]*``): it names a profile
    section and a JSON and CSV field. (No regular expression: this runs at every start.)"""
    return isinstance(text, str) and text[:1] in _ID_FIRST and all(c in _ID_CHARS for c in text)


#: Names no diagnostic may take: the other sections of a profile, the overall score (a target
#: of the coverage guidance) and the CSV summary's other columns.
RESERVED_NAMES: tuple[str, ...] = (
    "profile",
    "waivers",
    "overall",
    "path",
    "name",
    "kind",
    "year",
    "grade",
    "coverage",
)


def unknown_diagnostic(metric: Metric, known: Collection[str]) -> str | None:
    """The message when ``metric`` belongs to none of the ``known`` diagnostics, else None."""
    if metric.diagnostic in known:
        return None
    return f'unknown diagnostic "{metric.diagnostic}"{did_you_mean(metric.diagnostic, known)}'


_BUILTIN: tuple[dict[str, Metric], tuple[str, ...]] | None = None


def _read_builtin() -> tuple[dict[str, Metric], tuple[str, ...]]:
    """The built-in catalogue and its diagnostics, read once per process."""
    global _BUILTIN
    if _BUILTIN is None:
        from hemscore.reading.tomlsource import read_toml

        doc = read_toml(CATALOGUE_PATH, error=RuleError)
        unknown = set(doc.data) - {"metrics"}
        if unknown:
            raise HemscoreError(f"unknown table {min(unknown)}", path=doc.path)
        metrics = parse_metrics(doc.data.get("metrics", {}), path=doc.path, line_of=doc.line_of)
        diagnostics = tuple(dict.fromkeys(mid.partition(".")[0] for mid in metrics))
        for did in diagnostics:
            if not is_diagnostic_id(did):
                mid = next(m for m in metrics if m.partition(".")[0] == did)
                raise HemscoreError(
                    "a diagnostic id is lower-case letters, digits and _, starting with a letter",
                    path=doc.path,
                    line=doc.line_of("metrics", mid),
                    key=f'metrics."{mid}"',
                )
        _BUILTIN = metrics, diagnostics
    return _BUILTIN


def builtin_catalogue() -> dict[str, Metric]:
    """The built-in catalogue (v2), read once per process."""
    return _read_builtin()[0]


def builtin_diagnostics() -> tuple[str, ...]:
    """The diagnostics the built-in catalogue's metrics belong to, in the order they first
    appear in ``catalogue.toml`` (the order of reports).

    A rule set gives them their titles and weights (``[diagnostics.<id>]``) and may declare
    more; :attr:`hemscore.model.rules.RuleSet.diagnostics` is the list a run uses.
    """
    return _read_builtin()[1]


#: The built-in diagnostics as a constant, for the one caller that needs them before any file is
#: read: the command line's ``rules --diagnostic`` choices. Everything else takes the diagnostics
#: from the rule set; ``tests/test_diagnostics_data.py`` checks that this equals
#: :func:`builtin_diagnostics`. (To go once that option takes any id the rule set declares.)
DIAGNOSTICS: tuple[str, ...] = ("cluster", "technology", "exports", "talent", "policy")
