"""The Python API: the same loader, engine and reports as the command line, as plain data.

Everything here is also reachable as ``hemscore.NAME`` (see ``docs/api.md``, whose every example
the tests run). Inputs are read and checked by the command line's own loader
(:mod:`hemscore.engine.loader`), so they are refused exactly as the command line refuses them,
with :class:`hemscore.errors.HemscoreError` (``ProfileError``, ``RuleError``, ``UsageError``; a
``ProfileErrors`` lists several problems). Results are immutable records that pickle, so they
cross process boundaries; the ``*_dict`` results are the documented JSON contracts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from hemscore.base.errors import UsageError
from hemscore.engine.assessment import DEFAULT_MIN_COVERAGE, Assessment
from hemscore.engine.assessment import assess as _assess
from hemscore.model.catalogue import Metric
from hemscore.model.profile import Profile
from hemscore.model.rules import RuleSet
from hemscore.model.rules import load_ruleset as _load_ruleset

ProfileSource = str | Path | bytes | Mapping[str, Any] | Profile


@lru_cache(maxsize=1)
def _builtin() -> RuleSet:
    return _load_ruleset()


def load_ruleset(paths: Sequence[str | Path] | None = None) -> RuleSet:
    """Rule files and folders (the built-in library when ``paths`` is empty) as a RuleSet."""
    return _builtin() if not paths else _load_ruleset(paths)


def load_profile(
    source: ProfileSource,
    ruleset: RuleSet | Mapping[str, Metric] | None = None,
    *,
    name: str | None = None,
) -> Profile:
    """A profile, checked as ``hemscore assess`` checks it (waivers included, given a rule set).

    ``source`` is a path (``str`` or ``Path``), TOML text (a ``str`` holding a newline), bytes of
    a TOML file, or a mapping shaped like a profile file (``{"profile": {...}, "technology":
    {...}}``). ``name`` is how messages and reports name it (default: the path, or
    ``<text>``/``<mapping>``). ``ruleset`` defaults to the built-in library; given only a
    metric catalogue (``ruleset.metrics``), waivers are not checked here but by :func:`assess`.
    """
    from hemscore.engine.loader import load_profile as load

    return load(source, load_ruleset() if ruleset is None else ruleset, name=name)


def assess(
    profile: ProfileSource,
    ruleset: RuleSet | None = None,
    *,
    aggregation: str = "arithmetic",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    strict: bool = False,
) -> Assessment:
    """Assess one profile (loaded first when given as a path, text, bytes or mapping)."""
    rs = load_ruleset() if ruleset is None else ruleset
    p = load_profile(profile, rs)
    if aggregation not in ("arithmetic", "geometric"):
        raise UsageError(f"aggregation must be arithmetic or geometric, not {aggregation!r}")
    return _assess(p, rs, aggregation=aggregation, min_coverage=min_coverage, strict=strict)


def assess_many(
    sources: Iterable[ProfileSource],
    ruleset: RuleSet | None = None,
    *,
    jobs: int = 1,
    aggregation: str = "arithmetic",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    strict: bool = False,
) -> list[Assessment]:
    """Assess many profiles, in ``jobs`` worker processes (0: one per processor), in order.

    The first profile that cannot be used stops the batch with its error (the command line,
    which reports every input, is the place for partial batches).
    """
    rs = load_ruleset() if ruleset is None else ruleset
    settings = {"aggregation": aggregation, "min_coverage": min_coverage, "strict": strict}
    items = list(sources)
    if jobs == 1 or len(items) < 2:
        return [assess(s, rs, **settings) for s in items]  # type: ignore[arg-type]
    from hemscore.render.batch import _context, default_jobs

    with _context().Pool(processes=jobs or default_jobs()) as pool:
        return list(pool.starmap(_assess_one, [(s, rs, settings) for s in items], chunksize=8))


def _assess_one(source: ProfileSource, ruleset: RuleSet, settings: dict[str, Any]) -> Assessment:
    return assess(source, ruleset, **settings)


def iter_profiles(paths: Sequence[str | Path]) -> Iterator[str]:
    """Every profile file the command line would read for ``paths`` (directories walked)."""
    from hemscore.reading.inputs import expand

    for src in expand([str(p) for p in paths]):
        if src.error is not None:
            raise src.error
        yield src.read_path


# -- results as plain data ---------------------------------------------------------------------


def to_dict(a: Assessment, lang: str = "en") -> dict[str, Any]:
    """An assessment as the documented JSON object (``hemscore assess --format json``)."""
    from hemscore.engine.record import assessment_to_dict

    return assessment_to_dict(a, lang)


def to_json(a: Assessment, lang: str = "en", *, compact: bool = False) -> str:
    """An assessment as its line of ``--format jsonl`` (``compact``: of ``--compact``), without
    the newline: byte for byte what the command line writes."""
    from hemscore.engine.record import json_line

    return json_line(a, lang, compact=compact)[:-1]


def to_records(a: Assessment, lang: str = "en") -> list[dict[str, Any]]:
    """One flat record per rule, ready for ``pandas.DataFrame(records)``."""
    from hemscore.engine.record import to_records as records

    return records(a, lang)


def compare(
    assessments: Sequence[Assessment],
    *,
    reference: Assessment | None = None,
    rules: bool = False,
    lang: str = "en",
) -> dict[str, Any]:
    """Assessments side by side with ranks: the JSON of ``hemscore compare``."""
    from hemscore.analysis.compare import compare as run
    from hemscore.render.reports.compare import to_dict as as_dict

    if not assessments:
        raise UsageError("no assessments to compare")
    return as_dict(run(assessments, reference=reference, rules=rules), lang)


def plan(
    profile: ProfileSource,
    target: float,
    ruleset: RuleSet | None = None,
    *,
    aggregation: str = "arithmetic",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    strict: bool = False,
    lang: str = "en",
) -> dict[str, Any]:
    """The least-effort changes that reach ``target``: the JSON of ``hemscore plan``."""
    from hemscore.analysis.plan import make_plan
    from hemscore.render.reports.plan import to_dict as as_dict

    rs = load_ruleset() if ruleset is None else ruleset
    p = load_profile(profile, rs)
    result = make_plan(
        p, rs, target, aggregation=aggregation, min_coverage=min_coverage, strict=strict
    )
    return as_dict(result, lang)


def sensitivity(
    assessments: Sequence[Assessment],
    *,
    runs: int = 1000,
    seed: int = 0,
    factors: Sequence[str] | None = None,
    samples: int = 1024,
    bootstrap: int = 200,
    **options: Any,
) -> dict[str, Any]:
    """Monte Carlo over weights and aggregation: the JSON of ``hemscore sensitivity``.

    With ``factors`` (the values of ``--factor``, e.g. ``["weights=0.5", "normalisation"]``):
    the variance-based analysis of ``sensitivity --factor`` (needs the ``stats`` extra)."""
    if not assessments:
        raise UsageError("no assessments to analyse")
    if factors:
        from hemscore.analysis import uncertainty as unc
        from hemscore.render.reports.uncertainty import to_dict as sobol_dict

        if options or runs != 1000:
            raise UsageError("runs, low and high belong to the Monte Carlo run without factors")
        try:
            parsed = [unc.parse_factor(f) for f in factors]
            result = unc.run(assessments, parsed, samples=samples, seed=seed, resamples=bootstrap)
        except unc.FactorError as e:
            raise UsageError(str(e)) from None
        return sobol_dict(result)
    from hemscore.analysis.sensitivity import run
    from hemscore.render.reports.sensitivity import to_dict as as_dict

    return as_dict(run(assessments, runs=runs, seed=seed, **options))


def audit(assessments: Sequence[Assessment], **options: Any) -> dict[str, Any]:
    """The statistical audit (needs the ``stats`` extra): the JSON of ``hemscore audit``."""
    from hemscore.analysis.audit import audit as run
    from hemscore.render.reports.audit import to_json

    return to_json(run(assessments, **options))
