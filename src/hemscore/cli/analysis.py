"""The analysis commands: ``compare``, ``plan``, ``sensitivity``, ``diff``, ``audit`` and
``export``.

Each command parses its options, calls a pure core (:mod:`hemscore.analysis`), renders with
:mod:`hemscore.render.reports` and decides the exit code: 0 done, 1 a gate failed (a plan that
cannot reach its target, a regression with ``--fail-on-regression``, an audit flag with
``--fail-on-flag``), 2 bad input or usage. Heavy modules are imported inside the commands, so
start-up stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hemscore.base.errors import HemscoreError, UsageError
from hemscore.base.limits import MAX_FACTOR
from hemscore.cli.console import (
    EXIT_ERROR,
    EXIT_GATE,
    read_inputs,
    report_error,
    report_options,
    say,
    write_output,
)
from hemscore.cli.options import (
    Aggregation,
    AggregationOpt,
    Color,
    ColorOpt,
    CommonOpt,
    ForceOpt,
    Lang,
    LangOpt,
    MinCoverageOpt,
    MixedKindsOpt,
    OutputOpt,
    ProfilesArg,
    RulesOpt,
    StrictManyOpt,
    float_option,
)

if TYPE_CHECKING:
    from hemscore.engine.assessment import Assessment
    from hemscore.model.profile import Profile
    from hemscore.model.rules import RuleSet


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"


class PlanFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class SensitivityFormat(str, Enum):
    table = "table"
    json = "json"
    html = "html"


DiffFormat = PlanFormat


def _check_kinds(assessments: list[Assessment], mixed: bool, lang: Lang) -> None:
    """Refuse to rank profiles of different kinds together unless ``--mixed-kinds`` asks to."""
    from hemscore.analysis.compare import mixed_kinds

    kinds = mixed_kinds(assessments, mixed)
    if kinds:
        from hemscore.render.reports._common import label

        say(f"hemscore: note: {label(lang.value, 'kinds_differ', kinds=', '.join(kinds))}")


def _load_all(paths: list[str], ruleset: RuleSet) -> list[Profile]:
    """Read every input; report each bad one on stderr and exit 2 if there was any."""
    from hemscore.engine.loader import load_profile
    from hemscore.reading.inputs import expand

    profiles = []
    failed = 0
    for src in expand(paths, notify=say):
        try:
            profiles.append(load_profile(src, ruleset))
        except HemscoreError as err:
            report_error(err)
            failed += 1
    if failed:
        raise typer.Exit(EXIT_ERROR)
    if not profiles:
        raise UsageError("no profiles to read")
    return profiles


def _assess_all(
    paths: list[str], ruleset: RuleSet, aggregation: Aggregation, min_coverage: float, strict: bool
) -> list[Assessment]:
    """Assess every input; report each bad one on stderr and exit 2 if there was any."""
    from hemscore.engine.assessment import assess

    return [
        assess(p, ruleset, aggregation=aggregation.value, min_coverage=min_coverage, strict=strict)
        for p in _load_all(paths, ruleset)
    ]


COMPARE_EXAMPLES = """
Examples:

  hemscore compare examples/china-2022.toml examples/japan-2022.toml examples/us-2014.toml

  hemscore compare examples/china-2022.toml examples/japan-2022.toml --detail --format markdown

  hemscore compare examples/china-2022.toml examples/japan-2022.toml --relative-to examples/japan-2022.toml

  hemscore compare examples/ --mixed-kinds --format csv > ranks.csv   # countries, clusters, firms

  hemscore compare reference/panel/2017 --common     # rank the 44 economies on shared rules

  hemscore compare examples/china-2022.toml --peers panel   # China among the 44 economies
"""


def compare(
    profiles: ProfilesArg,
    relative_to: Annotated[
        str | None,
        typer.Option(
            "--relative-to",
            help="Show every score as % of this profile's (= 100), banded like the EU Innovation Scoreboard.",
        ),
    ] = None,
    rules: RulesOpt = None,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail",
            "-d",
            help="Compare every rule too, not only the overall and diagnostic scores.",
        ),
    ] = False,
    fmt: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CompareFormat.table,
    output: OutputOpt = None,
    aggregation: AggregationOpt = Aggregation.arithmetic,
    min_coverage: MinCoverageOpt = 0.5,
    strict: StrictManyOpt = False,
    lang: LangOpt = Lang.en,
    color: ColorOpt = Color.auto,
    force: ForceOpt = False,
    common: CommonOpt = False,
    mixed_kinds: MixedKindsOpt = False,
    peers: Annotated[
        str | None,
        typer.Option(
            "--peers",
            help="Place the one PROFILE among peers on every rule they share (rank, percentile, "
            "nearest peers): panel (the 44 economies shipped with hemscore, 2017), panel-latest, "
            "or a folder of profiles.",
        ),
    ] = None,
) -> None:
    """Profiles side by side: overall and diagnostic scores with ranks (1 = best) and leaders."""
    from hemscore.analysis.compare import compare as run_compare
    from hemscore.analysis.compare import find_reference, on_common_rules
    from hemscore.model.rules import load_ruleset
    from hemscore.render.reports.compare import render

    if peers is not None and (common or relative_to is not None):
        raise UsageError("--peers does not go with --common or --relative-to")
    if peers is not None and fmt is CompareFormat.html:
        raise UsageError("--peers has no html format yet: use table, json, csv or markdown")
    ruleset = load_ruleset(rules or None)
    assessments = _assess_all(profiles, ruleset, aggregation, min_coverage, strict)
    if peers is not None:
        from hemscore.analysis.peers import compare_with_peers, panel_path
        from hemscore.render.reports.peers import render as render_peers

        placed = compare_with_peers(assessments, peers, ruleset)
        write_output(
            render_peers(placed, fmt.value, report_options(fmt.value, lang.value, color, output)),
            output,
            inputs=read_inputs([*profiles, panel_path(peers)[0]], rules),
            force=force,
        )
        return
    reference = None
    if relative_to is not None:
        reference = find_reference(assessments, relative_to)
        if reference is None:
            reference = _assess_all([relative_to], ruleset, aggregation, min_coverage, strict)[0]
        if reference.score is None:
            say(
                f"hemscore: note: {relative_to}: the reference has no overall score; relative values "
                "are shown only where it has a score"
            )
    shared = None
    if common:
        assessments, reference, shared = on_common_rules(assessments, reference, ruleset)
    _check_kinds(
        assessments
        + ([reference] if reference is not None and reference not in assessments else []),
        mixed_kinds,
        lang,
    )
    result = run_compare(assessments, reference=reference, rules=detail)
    if shared is not None:
        import dataclasses

        result = dataclasses.replace(result, common=shared)
    inputs = read_inputs([*profiles, *([relative_to] if relative_to else [])], rules)
    write_output(
        render(result, fmt.value, report_options(fmt.value, lang.value, color, output, detail)),
        output,
        inputs=inputs,
        force=force,
    )


PLAN_EXAMPLES = """
Examples:

  hemscore plan examples/china-2022.toml --target 70

  hemscore plan examples/china-2022.toml --grade B --write china-grade-b.toml

  hemscore assess china-grade-b.toml     # the plan is checked: this reaches grade B

Exit codes: 0 the target is reached (or already was), 1 it cannot be reached, 2 bad input.
"""


def plan(
    profile: Annotated[
        str,
        typer.Argument(
            help="The profile to plan for (a file, or - for stdin).", show_default=False
        ),
    ],
    target: Annotated[
        float | None,
        float_option("--target", "-t", min=0.0, max=100.0, help="The overall score to reach."),
    ] = None,
    grade: Annotated[
        str | None,
        typer.Option("--grade", "-g", help="The grade to reach (its lowest score is the target)."),
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            "-w",
            help="Write the changed profile here (a new TOML file; every provenance kept, changed values marked target = true with the old value in was).",
        ),
    ] = None,
    rules: RulesOpt = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PlanFormat.table,
    aggregation: AggregationOpt = Aggregation.arithmetic,
    min_coverage: MinCoverageOpt = 0.5,
    strict: StrictManyOpt = False,
    lang: LangOpt = Lang.en,
    color: ColorOpt = Color.auto,
    force: ForceOpt = False,
) -> None:
    """The least-effort changes of metric values that reach a target overall score or grade.

    Under arithmetic aggregation (the default) the plan is the least effort over every
    combination of planned values (an exact search); under geometric aggregation it is found
    greedily, and a plan of less effort may exist.
    """
    from hemscore.analysis.plan import make_plan
    from hemscore.analysis.planfile import grade_target, planned_profile
    from hemscore.engine.loader import check_profile, one_source, read_source
    from hemscore.model.rules import load_ruleset
    from hemscore.render.reports.plan import render

    if (target is None) == (grade is None):
        raise UsageError("give exactly one of --target SCORE or --grade G")
    ruleset = load_ruleset(rules or None)
    if grade is not None:
        target = grade_target(ruleset, grade)
    assert target is not None
    src = one_source(profile, "plan takes one profile file")
    doc = read_source(src)
    result = make_plan(
        check_profile(doc, ruleset),
        ruleset,
        target,
        aggregation=aggregation.value,
        min_coverage=min_coverage,
        strict=strict,
    )
    written = None
    if write is not None and result.reached:
        text = planned_profile(
            doc,
            src.name,
            result,
            path=str(write),
            ruleset=ruleset,
            grade=grade,
            aggregation=aggregation.value,
            min_coverage=min_coverage,
            strict=strict,
        )
        write_output(text, write, inputs=read_inputs([profile], rules), force=force)
        written = str(write)
    options = report_options(fmt.value, lang.value, color, None)
    sys.stdout.write(render(result, fmt.value, options, written))
    if not result.reached:
        if write is not None:
            say(f"hemscore: nothing written to {write}: the plan does not reach {target:g}")
        raise typer.Exit(EXIT_GATE)


SENSITIVITY_EXAMPLES = """
Examples:

  hemscore sensitivity examples/china-2022.toml examples/japan-2022.toml examples/us-2014.toml

  hemscore sensitivity reference/panel/2017 --common --runs 5000 --seed 7 --format json

  hemscore sensitivity p.toml --low 0.8 --high 1.2     # milder weight changes

  hemscore sensitivity reference/panel/2017 --common --factor weights --factor goalposts=0.2 \
      --factor normalisation --factor aggregation --factor inclusion --format json
      # Sobol' indices of each choice (needs the stats extra); see docs/sensitivity.md
"""


def sensitivity(
    ctx: typer.Context,
    profiles: ProfilesArg,
    runs: Annotated[
        int, typer.Option("--runs", "-n", min=1, max=1_000_000, help="Monte Carlo runs.")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same output.")
    ] = 0,
    low: Annotated[
        float,
        float_option(
            "--low", min=0.0, max=MAX_FACTOR, help="Lowest factor a rule weight is scaled by."
        ),
    ] = 0.5,
    high: Annotated[
        float,
        float_option(
            "--high", min=0.0, max=MAX_FACTOR, help="Highest factor a rule weight is scaled by."
        ),
    ] = 1.5,
    rules: RulesOpt = None,
    fmt: Annotated[
        SensitivityFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SensitivityFormat.table,
    output: OutputOpt = None,
    aggregation: Annotated[
        Aggregation, typer.Option(help="Aggregation of the nominal score (the runs draw both).")
    ] = Aggregation.arithmetic,
    min_coverage: MinCoverageOpt = 0.5,
    strict: StrictManyOpt = False,
    lang: LangOpt = Lang.en,
    color: ColorOpt = Color.auto,
    force: ForceOpt = False,
    common: CommonOpt = False,
    mixed_kinds: MixedKindsOpt = False,
    factor: Annotated[
        list[str] | None,
        typer.Option(
            "--factor",
            help="Switch a factor group on for a variance-based (Sobol') analysis: weights[=SHARE"
            "|LOW:HIGH], diagnostic-weights[=...], goalposts[=SHARE|LOW:HIGH], normalisation"
            "[=goalposts,minmax,rank], aggregation, missing, inclusion, estimates. Repeat it.",
            show_default=False,
        ),
    ] = None,
    samples: Annotated[
        int,
        typer.Option("--samples", help="With --factor: Saltelli base samples N, a power of 2."),
    ] = 1024,
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap", help="With --factor: bootstrap resamples of the indices (0: none)."
        ),
    ] = 200,
) -> None:
    """How much scores and ranks move when rule weights and the aggregation change (Monte Carlo).

    With --factor: which modelling choices move them (Sobol' indices, the stats extra)."""
    from hemscore.analysis.sensitivity import budget_problem, run
    from hemscore.model.rules import load_ruleset
    from hemscore.render.reports.sensitivity import render

    if factor:
        for name in ("runs", "low", "high"):
            if _given(ctx, name):
                raise UsageError(
                    f"--{name} belongs to the Monte Carlo run without --factor; with --factor "
                    "set ranges in the factor (e.g. --factor weights=0.8:1.2) and the runs "
                    "with --samples"
                )
        _sobol(
            profiles,
            factor,
            samples,
            bootstrap,
            seed,
            rules,
            fmt,
            output,
            aggregation,
            min_coverage,
            strict,
            lang,
            color,
            force,
            common,
            mixed_kinds,
        )
        return
    for name in ("samples", "bootstrap"):
        if _given(ctx, name):
            raise UsageError(f"--{name} needs --factor (the variance-based analysis)")

    if low > high:
        raise UsageError(f"--low ({low:g}) must not be above --high ({high:g})")
    if high == 0:
        raise UsageError(
            "--high must be above 0: a run with every rule weight scaled by 0 scores nothing"
        )
    ruleset = load_ruleset(rules or None)
    assessments = _assess_all(profiles, ruleset, aggregation, min_coverage, strict)
    _check_kinds(assessments, mixed_kinds, lang)
    shared = None
    if common:
        from hemscore.analysis.common import common_assessments

        assessments, _, shared = common_assessments(assessments, ruleset)
    problem = budget_problem(runs, len(assessments), len(ruleset.rules))
    if problem:
        raise UsageError(problem)
    result = run(assessments, runs=runs, seed=seed, low=low, high=high)
    if shared is not None:
        import dataclasses

        result = dataclasses.replace(result, common=shared)
    write_output(
        render(result, fmt.value, report_options(fmt.value, lang.value, color, output)),
        output,
        inputs=read_inputs(profiles, rules),
        force=force,
    )


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was given (on the command line or by the environment)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _sobol(
    profiles: list[str],
    factor: list[str],
    samples: int,
    resamples: int,
    seed: int,
    rules: RulesOpt,
    fmt: SensitivityFormat,
    output: Path | None,
    aggregation: Aggregation,
    min_coverage: float,
    strict: bool,
    lang: Lang,
    color: Color,
    force: bool,
    common: bool,
    mixed_kinds: bool,
) -> None:
    """``sensitivity --factor``: the variance-based analysis (analysis/uncertainty.py)."""
    from hemscore.analysis import uncertainty as unc
    from hemscore.model.rules import load_ruleset

    try:
        factors = [unc.parse_factor(f) for f in factor]
        unc.check_factors(factors)
        unc.check_samples(samples)
        unc.check_resamples(resamples)
    except unc.FactorError as e:
        raise UsageError(str(e)) from None
    ruleset = load_ruleset(rules or None)
    assessments = _assess_all(profiles, ruleset, aggregation, min_coverage, strict)
    _check_kinds(assessments, mixed_kinds, lang)
    shared = None
    if common:
        from hemscore.analysis.common import common_assessments

        assessments, _, shared = common_assessments(assessments, ruleset)
    try:
        import numpy  # noqa: F401
        import scipy  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise UsageError("--factor needs NumPy and SciPy: pip install 'hemscore[stats]'") from None
    try:
        result = unc.run(assessments, factors, samples=samples, seed=seed, resamples=resamples)
    except unc.FactorError as e:
        raise UsageError(str(e)) from None
    if shared is not None:
        import dataclasses

        result = dataclasses.replace(result, common=shared)
    from hemscore.render.reports.uncertainty import render

    write_output(
        render(result, fmt.value, report_options(fmt.value, lang.value, color, output)),
        output,
        inputs=read_inputs(profiles, rules),
        force=force,
    )


DIFF_EXAMPLES = """
Examples:

  hemscore diff region-2021.toml region-2022.toml

  hemscore assess p.toml --format json > before.json   # later:
  hemscore diff before.json p.toml --fail-on-regression

Exit codes: 0 done, 1 a regression with --fail-on-regression, 2 bad input.
"""


def diff(
    old: Annotated[
        str,
        typer.Argument(
            help="The earlier profile (.toml) or assessment (.json from assess --format json).",
            show_default=False,
        ),
    ],
    new: Annotated[
        str, typer.Argument(help="The later profile or assessment.", show_default=False)
    ],
    fail_on_regression: Annotated[
        bool,
        typer.Option(
            "--fail-on-regression",
            help="Gate: exit 1 when the overall score fell or a rule newly fails.",
        ),
    ] = False,
    rules: RulesOpt = None,
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiffFormat.table,
    output: OutputOpt = None,
    aggregation: AggregationOpt = Aggregation.arithmetic,
    min_coverage: MinCoverageOpt = 0.5,
    strict: StrictManyOpt = False,
    lang: LangOpt = Lang.en,
    color: ColorOpt = Color.auto,
    force: ForceOpt = False,
) -> None:
    """What changed between two profiles or assessments, rule by rule (matched by id)."""
    from hemscore.analysis.diffing import diff as run_diff
    from hemscore.analysis.diffing import load_side
    from hemscore.render.reports.diff import render

    if old == "-" and new == "-":
        raise UsageError("only one side of a diff can be read from stdin")
    state: dict[str, RuleSet] = {}

    def ruleset() -> RuleSet:  # loaded only when a side is a profile
        if "rs" not in state:
            from hemscore.model.rules import load_ruleset

            state["rs"] = load_ruleset(rules or None)
        return state["rs"]

    sides = []
    failed = 0
    for path in (old, new):
        try:
            sides.append(
                load_side(
                    path,
                    ruleset,
                    aggregation=aggregation.value,
                    min_coverage=min_coverage,
                    strict=strict,
                    lang=lang.value,
                )
            )
        except HemscoreError as err:
            report_error(err)
            failed += 1
    if failed:
        raise typer.Exit(EXIT_ERROR)
    result = run_diff(sides[0], sides[1])
    write_output(
        render(result, fmt.value, report_options(fmt.value, lang.value, color, output)),
        output,
        inputs=read_inputs([old, new], rules),
        force=force,
    )
    old_side, new_side = sides
    if (old_side.name, old_side.kind) != (new_side.name, new_side.kind):
        # After the report: a refused --output says so alone, as compare's checks do.
        from hemscore.render.reports._common import label

        which = {
            side: f"{s.name} ({s.kind}{f' {s.year}' if s.year else ''})"
            for side, s in (("old", old_side), ("new", new_side))
        }
        say(f"hemscore: note: {label(lang.value, 'entities_differ', **which)}")
    reasons = result.regressions()
    if fail_on_regression and reasons:
        say(f"hemscore: gate failed: regression from {old} to {new}: {'; '.join(reasons)}")
        raise typer.Exit(EXIT_GATE)


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


AUDIT_EXAMPLES = """
Examples:

  hemscore audit --common                         # the reference panel (2017)

  hemscore audit panel-latest --common            # the panel's latest values

  hemscore audit my-regions/ --rules my-rules/ --format json | jq '.flags'

  hemscore audit my-regions/ --rules my-rules/ --fail-on-flag     # a CI gate on a rule set

Needs numpy: pip install 'hemscore\\[stats]'. Exit codes: 0 done (flags are reported), 1 a flag
with --fail-on-flag, 2 bad input or usage (fewer than four profiles, several kinds).
"""


def audit(
    profiles: Annotated[
        list[str] | None,
        typer.Argument(
            help="Profiles of one kind: files, directories (every *.toml below), - for stdin, "
            "or panel / panel-latest for the reference panel (the default: panel).",
            show_default=False,
        ),
    ] = None,
    rules: RulesOpt = None,
    common: Annotated[
        bool,
        typer.Option(
            "--common",
            help="Score and audit only the rules every profile has data for (as compare "
            "--common does): on the panel, the only way its diagnostics get scores.",
        ),
    ] = False,
    threshold: Annotated[
        float,
        float_option(
            "--threshold",
            min=0.0,
            max=1.0,
            help="Least share of data for an indicator or a profile (COIN's rule of thumb: 0.65).",
        ),
    ] = 0.65,
    fail_on_flag: Annotated[
        bool, typer.Option("--fail-on-flag", help="Gate: exit 1 when the audit flags anything.")
    ] = False,
    fmt: Annotated[
        AuditFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AuditFormat.table,
    output: OutputOpt = None,
    aggregation: AggregationOpt = Aggregation.arithmetic,
    min_coverage: MinCoverageOpt = 0.5,
    strict: StrictManyOpt = False,
    lang: LangOpt = Lang.en,
    color: ColorOpt = Color.auto,
    force: ForceOpt = False,
) -> None:
    """The statistical coherence of a rule set on a set of profiles: data availability,
    distributions, correlations, consistency of each diagnostic, importance against weight."""
    from hemscore.analysis.audit import audit as run_audit
    from hemscore.analysis.audit import numpy
    from hemscore.model.rules import load_ruleset
    from hemscore.render.reports.audit import render

    numpy()  # say at once, in one line, when the stats extra is missing
    from hemscore.analysis.peers import BUILTIN_PANELS, panel_path

    paths = [panel_path(p)[0] if p in BUILTIN_PANELS else p for p in (profiles or ["panel"])]
    ruleset = load_ruleset(rules or None)
    assessments = _assess_all(paths, ruleset, aggregation, min_coverage, strict)
    chosen = None
    if common:
        from hemscore.analysis.common import common_assessments, common_note

        assessments, _, ids = common_assessments(assessments, ruleset)
        chosen = list(ids)
        say(
            "hemscore: note: "
            + common_note(lang.value, ids, len(assessments), [a.profile.year for a in assessments])
        )
    result = run_audit(assessments, threshold=threshold, rules=chosen)
    if result.not_auditable:
        say(
            "hemscore: warning: not auditable (fewer than two indicators with data): "
            + ", ".join(result.not_auditable)
        )
    write_output(
        render(result, fmt.value, report_options(fmt.value, lang.value, color, output)),
        output,
        inputs=read_inputs(paths, rules),
        force=force,
    )
    flags = result.flags()
    if fail_on_flag and flags:
        for f in flags:
            say(f"hemscore: gate failed: {f}")
        raise typer.Exit(EXIT_GATE)


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


EXPORT_EXAMPLES = """
Examples:

  hemscore export examples/ > profiles.csv

  hemscore export provinces/ --format xlsx -o provinces.xlsx

  hemscore import table provinces.xlsx --out provinces/     # and back

One row per profile: name, kind, year, country, description, then each metric's value (a
shares table or series as one column per item, METRIC[LABEL]) with its .year, .source and
.note columns, and waiver.RULE columns. Importing the export gives back the same profiles.
"""


def export(
    profiles: ProfilesArg,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv or xlsx (xlsx needs --output).")
    ] = ExportFormat.csv,
    output: OutputOpt = None,
    rules: RulesOpt = None,
    force: ForceOpt = False,
) -> None:
    """The raw values of profiles as one wide table (CSV or XLSX), with their provenance."""
    from hemscore.importers.tables import export_csv, export_rows, export_xlsx
    from hemscore.model.rules import load_ruleset

    if fmt is ExportFormat.xlsx and output is None:
        raise UsageError("--format xlsx writes a file: give --output FILE.xlsx")
    ruleset = load_ruleset(rules or None)
    rows = export_rows(_load_all(profiles, ruleset), ruleset.metrics)
    data: str | bytes = export_xlsx(rows) if fmt is ExportFormat.xlsx else export_csv(rows)
    write_output(data, output, inputs=read_inputs(profiles, rules), force=force)
