"""``hemscore assess``: score profiles and write the report in one of nine formats.

Options in, the batch scored by :mod:`hemscore.render.batch` (in this process or in worker
processes), each item written as it comes, messages on stderr, the exit code out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hemscore.base.errors import UsageError
from hemscore.cli.console import (
    EXIT_ERROR,
    EXIT_GATE,
    progress,
    read_inputs,
    say,
    term_width,
    use_color,
)
from hemscore.cli.options import (
    Aggregation,
    AggregationOpt,
    Color,
    CommonOpt,
    ForceOpt,
    Lang,
    LangOpt,
    MinCoverageOpt,
    OutputFormat,
    ProfilesArg,
    QuietOpt,
    RulesOpt,
    Severity,
    StrictOpt,
    WarningsOpt,
    float_option,
)
from hemscore.render.formats import RenderOptions

if TYPE_CHECKING:
    from hemscore.reading.inputs import Source

ASSESS_EXAMPLES = """
Examples:

  hemscore assess examples/china-2022.toml

  hemscore assess examples/ --format jsonl | jq -c '{name: .profile.name, score: .overall.score}'

  cat profile.toml | hemscore assess - --format json | jq .overall

  hemscore assess profiles/ --fail-under 60 --fail-on high --format github   # a CI gate

  hemscore assess profiles/ --format junit -o report.xml

  hemscore assess p.toml --lang zh --format markdown -o report.md

Formats: table (terminal), json (one object for one file, a list for several paths or a
directory), jsonl (one line per profile, streamed), csv (one row per profile; --detail: per
rule), markdown, junit, github (workflow annotations), html, svg.

Exit codes: 0 every profile assessed and every gate passed; 1 a gate failed (--fail-under,
--fail-on); 2 an input, the rules or the options could not be used. The report goes to stdout
(or --output), messages to stderr. With exit 2, --output leaves an existing file unchanged.
"""


def many_inputs(paths: list[str]) -> bool:
    """Whether the paths name a batch: several paths, or a directory (JSON gives a list)."""
    return len(paths) > 1 or any(p != "-" and Path(p).is_dir() for p in paths)


def assess(
    profiles: ProfilesArg,
    rules: RulesOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = "table",  # type: ignore[assignment]
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (atomically; left unchanged when the run fails with exit 2) instead of stdout.",
        ),
    ] = None,
    aggregation: AggregationOpt = Aggregation.arithmetic,
    min_coverage: MinCoverageOpt = 0.5,
    fail_under: Annotated[
        float | None,
        float_option(
            "--fail-under",
            help="Gate: exit 1 when any profile's overall score is below this (or cannot be computed).",
        ),
    ] = None,
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            "--fail-on",
            help="Gate: exit 1 when any profile fails a rule of this severity or higher.",
        ),
    ] = None,
    lang: LangOpt = Lang.en,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail", "-d", help="Table: show the source of every value. CSV: one row per rule."
        ),
    ] = False,
    top: Annotated[
        int,
        typer.Option("--top", min=0, help="How many recommendations the table and markdown show."),
    ] = 5,
    strict: StrictOpt = False,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            help="Colour in the table report (auto: when stdout is a terminal; NO_COLOR and FORCE_COLOR are honoured).",
        ),
    ] = Color.auto,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    compact: Annotated[
        bool,
        typer.Option(
            "--compact",
            help="With --format jsonl: scores and values only, without rule texts (docs/pipelines.md).",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            max=256,
            help="Score in this many worker processes (0: one per processor). The report is the same, byte for byte.",
        ),
    ] = 1,
    common: CommonOpt = False,
    warnings_as_errors: WarningsOpt = False,
) -> None:
    """Score profiles with the rule library and print the report."""
    from hemscore.engine.gates import Gates
    from hemscore.model.rules import load_ruleset
    from hemscore.reading.inputs import expand
    from hemscore.reading.output import ReportSink
    from hemscore.render.batch import Job, default_jobs, item_text, outcomes
    from hemscore.render.formats import renderer, streaming

    if compact and fmt.value != "jsonl":
        raise UsageError("--compact goes with --format jsonl")
    ruleset = load_ruleset(rules or None)
    module = renderer(fmt.value)
    stream = streaming(module)
    options = RenderOptions(
        compact=compact,
        lang=lang.value,
        color=fmt.value == "table" and output is None and use_color(color, sys.stdout),
        width=term_width(),
        detail=detail,
        top=top,
        many=many_inputs(profiles),
    )
    gates = Gates(fail_under, fail_on.value if fail_on else None)
    job = Job(ruleset, aggregation.value, min_coverage, strict, gates, fmt.value, options)
    assessed = failed = gate_failed = warned = 0
    begun = False
    # A format that reports an input it could not use (JUnit: an <error> test case).
    error_item = getattr(module, "error_item", None) if stream is not None else None
    batch = []  # only for formats that need every assessment at once (html, svg)
    notify = None if quiet else say

    def to_score() -> Iterable[Source]:
        # Called once the sink is entered, so a --common failure leaves no temporary file.
        nonlocal job
        found: Iterable[Source] = expand(profiles, notify=notify)
        if common:
            import dataclasses

            from hemscore.analysis.common import common_sources

            found, scoring, note = common_sources(
                found,
                ruleset,
                aggregation=aggregation.value,
                min_coverage=min_coverage,
                strict=strict,
                lang=lang.value,
            )
            job = dataclasses.replace(job, scoring=scoring)
            if note and not quiet:
                say(f"hemscore: note: {note}")
        if fmt.value == "svg":  # one picture in memory: its size is bounded before any work
            from hemscore.base import limits

            found = list(found)
            if len(found) > limits.MAX_SVG_PROFILES:
                raise UsageError(
                    f"--format svg draws at most {limits.MAX_SVG_PROFILES} profiles in one "
                    f"picture and this run names {len(found)}: split the batch, or use "
                    "--format html or jsonl"
                )
        return found

    with (
        ReportSink(output, inputs=read_inputs(profiles, rules), force=force, on_wait=say) as sink,
        progress(to_score(), quiet, "assessing") as sources,
    ):
        for out in outcomes(sources, job, jobs or default_jobs()):
            if out.errors:
                for line in out.errors:
                    say(f"hemscore: error: {line}")
                if error_item is not None and stream is not None:
                    if not begun:
                        sink.write(stream.begin(options))
                        begun = True
                    sink.write(error_item(out.name, out.errors, options, assessed + failed))
                failed += 1
                continue
            if out.warnings:
                warned += 1
                if warnings_as_errors or not quiet:
                    for line in out.warnings:
                        say(f"hemscore: warning: {line}")
            if stream is None:
                assert out.assessment is not None
                batch.append(out.assessment)
            else:
                if not begun:
                    sink.write(stream.begin(options))
                    begun = True
                sink.write(item_text(out, job, stream, assessed))
            assessed += 1
            for reason in out.gate_failures:
                say(f"hemscore: gate failed: {reason}")
            gate_failed += bool(out.gate_failures)
        if stream is not None and begun:
            sink.write(stream.end(options, assessed))
        elif batch:
            sink.write(module.render(batch, options))
        refused = failed + (warned if warnings_as_errors else 0)
        if not refused:
            sink.commit()
        elif output is not None and failed:
            say(f"hemscore: {output} not written: {failed} input(s) could not be used")
        elif output is not None:
            say(f"hemscore: {output} not written: {warned} profile(s) drew warnings")
    if not quiet and assessed + failed > 1:
        parts = [f"{assessed} profile(s) assessed"]
        if failed:
            parts.append(f"{failed} could not be read or validated")
        if gate_failed:
            parts.append(f"{gate_failed} failed a gate")
        if warned:
            parts.append(f"{warned} drew warnings")
        say("hemscore: " + ", ".join(parts))
    if failed or (warned and warnings_as_errors):
        raise typer.Exit(EXIT_ERROR)
    if gate_failed:
        raise typer.Exit(EXIT_GATE)
