"""The command line: Typer commands that parse options, call the core, pick a renderer and map
outcomes to exit codes. Nothing below this module prints or exits.

Exit codes: 0 assessed and every gate passed; 1 a gate failed; 2 bad input, rules or usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar

import typer

from hemscore._version import __version__
from hemscore.base.errors import HemscoreError, UsageError
from hemscore.cli.options import float_option
from hemscore.model.catalogue import DIAGNOSTICS, KINDS
from hemscore.render.formats import REGISTRY, RenderOptions

if TYPE_CHECKING:
    from hemscore.model.profile import Profile
    from hemscore.reading.inputs import Source

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2

OutputFormat = Enum("OutputFormat", {name: name for name in REGISTRY}, type=str)  # type: ignore[misc]


Kind = Enum("Kind", {k: k for k in KINDS}, type=str)  # type: ignore[misc]
DiagnosticId = Enum("DiagnosticId", {d: d for d in DIAGNOSTICS}, type=str)  # type: ignore[misc]


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class Aggregation(str, Enum):
    arithmetic = "arithmetic"
    geometric = "geometric"


class Lang(str, Enum):
    en = "en"
    zh = "zh"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


MAIN_EXAMPLES = """
Examples:

  hemscore assess examples/china-2022.toml

  hemscore assess profiles/ --format json --output report.json --fail-under 50

  hemscore rules show TE-03

  hemscore init --kind region > my-region.toml

  hemscore plan examples/china-2022.toml --target 70

Run hemscore COMMAND --help for each command's options and examples.
"""

app = typer.Typer(
    name="hemscore",
    epilog=MAIN_EXAMPLES,
    help="Score countries, regions, clusters and firms on the health of their high-end "
    "manufacturing.\n\nExit codes: 0 passed, 1 a gate failed, 2 bad input or usage. "
    "Add --debug to any command to see the traceback of an internal error.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hemscore {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = None,
) -> None:
    """Score countries, regions, clusters and firms on the health of their high-end manufacturing."""


def say(message: str) -> None:
    """A message for the user: always stderr, never mixed into the report.

    A file name that is not UTF-8 is shown with its bytes escaped; file names, keys and values
    show line breaks and control characters as escapes (:func:`hemscore.safe_text.one_line`),
    so no text from a file can forge a line. A closed or broken stderr loses the message but
    never changes the exit code.
    """
    from hemscore.base.safe_text import one_line

    text = message.rstrip("\n")
    try:  # a name read from the file system: its undecodable bytes come back as \xNN
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    line = one_line(text) + "\n"
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def report_error(err: HemscoreError) -> None:
    for line in err.lines():
        say(f"hemscore: error: {line}")


def use_color(choice: Color, stream: object) -> bool:
    """Whether the table report on ``stream`` is drawn in colour.

    ``auto`` asks Rich's own detection, so NO_COLOR, FORCE_COLOR, TERM=dumb (or unknown) and a
    stream that is not a terminal are read as Rich reads them. Rich is imported only when the
    answer is not fixed by the choice or by the stream not being a terminal.
    """
    if choice is Color.always:
        return True
    if choice is Color.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    if not os.environ.get("FORCE_COLOR") and not (isatty and isatty()):
        return False
    from rich.console import Console

    con = Console(file=stream)  # type: ignore[arg-type]
    return con.is_terminal and con.color_system is not None and not con.no_color


def term_width() -> int:
    try:
        return max(60, int(os.environ["COLUMNS"]))
    except (KeyError, ValueError):
        pass
    if sys.stdout.isatty():
        import shutil

        return max(60, shutil.get_terminal_size((100, 24)).columns)
    return 100


def write_output(
    text: str | bytes,
    output: Path | None,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
) -> None:
    """Write the report to stdout, or to ``output`` by the rules of :mod:`hemscore.output`."""
    from hemscore.reading.output import write_atomic

    write_atomic(text, output, inputs=inputs, force=force, on_wait=say)


def read_inputs(paths: Iterable[str], rules: list[Path] | None) -> list[str | Path]:
    """Everything a run reads, which no output of it may replace: its inputs and rule files."""
    from hemscore.model.rules import builtin_rules_dir

    return [*paths, *(rules or [builtin_rules_dir()])]


RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", "-r", help="Rule file or directory (repeatable). Default: the built-in library."
    ),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the report: en or zh.")]

ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Replace a read-only --output file."),
]

QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print nothing on stderr but errors and gate failures (warnings too with --warnings-as-errors).",
    ),
]
WarningsOpt = Annotated[
    bool,
    typer.Option(
        "--warnings-as-errors",
        help="Exit 2 when a profile draws a data-quality warning (docs/pipelines.md).",
    ),
]
MixedKindsOpt = Annotated[
    bool,
    typer.Option(
        "--mixed-kinds",
        help="Rank profiles of different kinds (country, region, cluster, firm) together; "
        "without it such a run stops (exit 2), as they are scored on different rules.",
    ),
]

CommonOpt = Annotated[
    bool,
    typer.Option(
        "--common",
        help="Score only the rules every given profile has data for (coverage over those); "
        "the report names them.",
    ),
]

#: A batch with more inputs than this shows a progress bar (when stderr is a terminal).
PROGRESS_MIN_INPUTS = 20

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


@contextmanager
def progress(sources: Iterable[Source], quiet: bool, verb: str) -> Iterator[Iterable[Source]]:
    """The inputs, with a progress bar on stderr for a batch when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        yield sources
        return
    items = list(sources)
    if len(items) <= PROGRESS_MIN_INPUTS:
        yield items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn(verb),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # Report text to a terminal stdout must pass above the bar; to a pipe or file it must not
        # be touched (Rich would send it to the bar's stream).
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=True,
    )

    def advancing() -> Iterator[Source]:
        for src in items:
            yield src
            bar.advance(task)

    with bar:
        task = bar.add_task(verb, total=len(items))
        yield advancing()


@app.command(epilog=ASSESS_EXAMPLES)
def assess(
    profiles: Annotated[
        list[str],
        typer.Argument(
            help="Profile files, directories (every *.toml below), or - for stdin.",
            show_default=False,
        ),
    ],
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
    aggregation: Annotated[
        Aggregation, typer.Option(help="How diagnostics combine into the overall score.")
    ] = Aggregation.arithmetic,
    min_coverage: Annotated[
        float,
        float_option(
            "--min-coverage",
            min=0.0,
            max=1.0,
            help="Least share of a diagnostic's rule weight with data for it to be scored.",
        ),
    ] = 0.5,
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
    strict: Annotated[bool, typer.Option("--strict", help="Ignore the profile's waivers.")] = False,
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

            from hemscore.cli.common import common_sources

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


# Help texts are drawn by Rich, which reads "[word]" as markup: such a bracket is written "\\[" (a
# "[[" as "[\\["); tests/test_help.py checks that every bracketed word of every help is printed.
VALIDATE_EXAMPLES = """
Examples:

  hemscore validate profiles/ rules/

  hemscore validate --rules my-rules/ profiles/*.toml

  cat profile.toml | hemscore validate -

A TOML file with a top-level [\\[rules]], \\[ruleset], \\[metrics] or \\[diagnostics] table is checked as
a rule file (together with the other rule files given and the --rules files); any other as a
profile, against the metric catalogue of the rule set in use (--rules, else the built-in
library). A --rules set with no rules is a problem unless rule files come as paths. Nothing is
scored. Exit codes: 0 every file is valid; 2 a file has a problem.
"""


@app.command(epilog=VALIDATE_EXAMPLES)
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Profiles or rule files, directories (every *.toml below), or - for stdin.",
            show_default=False,
        ),
    ],
    rules: RulesOpt = None,
    quiet: QuietOpt = False,
    warnings_as_errors: WarningsOpt = False,
) -> None:
    """Check profiles and rule files without scoring them."""
    from hemscore.base.errors import RuleError
    from hemscore.engine.validation import check_sources
    from hemscore.model.rules import build_ruleset, load_ruleset, rule_files
    from hemscore.reading.inputs import expand
    from hemscore.reading.tomlsource import read_toml

    if rules:
        base = [read_toml(f, error=RuleError) for f in rule_files(rules)]
        ruleset = build_ruleset(base, require_rules=False)
    else:
        base, ruleset = [], load_ruleset()
    checked = bad = warned = 0
    rule_paths = False
    with progress(expand(paths, notify=None if quiet else say), quiet, "validating") as sources:
        for result in check_sources(sources, ruleset, base):
            checked += 1
            rule_paths = rule_paths or result.kind == "rules"
            if result.error is not None:
                bad += 1
                report_error(result.error)
                continue
            warned += bool(result.warnings)
            if warnings_as_errors or not quiet:
                for line in result.warnings:
                    say(f"hemscore: warning: {line}")
            if not quiet and not (warnings_as_errors and result.warnings):
                say(f"ok: {result.name}")
    if base and not ruleset.rules and not rule_paths:
        # --rules gave metrics at most, and no rule file came as a path: assess would refuse it
        bad += 1
        report_error(RuleError("no rules found", path=base[0].path))
    if not quiet and checked > 1:
        say(
            f"hemscore: {checked} file(s) checked, {bad} with problems"
            if bad
            else f"hemscore: {checked} file(s) checked, all valid"
        )
        if warned:
            say(f"hemscore: {warned} file(s) drew warnings")
    if bad or (warned and warnings_as_errors):
        raise typer.Exit(EXIT_ERROR)


SCHEMA_EXAMPLES = """
Examples:

  hemscore schema -o hemscore-profile.schema.json

  hemscore schema --rules my-rules/ | check-jsonschema --schemafile /dev/stdin profile.json

Point an editor at it with a first line in the profile such as
#:schema ./hemscore-profile.schema.json (Taplo, Even Better TOML). The schema cannot check
that shares sum to 100 or that waivers name rules for the profile's kind: hemscore validate is
the full check.
"""


@app.command(epilog=SCHEMA_EXAMPLES)
def schema(
    rules: RulesOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the schema to this file (atomically) instead of stdout."
        ),
    ] = None,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of titles and descriptions.")
    ] = Lang.en,
    force: ForceOpt = False,
    report: Annotated[
        bool,
        typer.Option(
            "--report",
            help="The schema of the report instead: assess --format json and jsonl output.",
        ),
    ] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a profile, derived from the metric catalogue."""
    from hemscore.render.schema import dumps

    if report:
        from hemscore.render.report_schema import report_schema

        write_output(dumps(report_schema()), output, inputs=read_inputs([], rules), force=force)
        return
    from hemscore.model.rules import load_ruleset
    from hemscore.render.schema import profile_schema

    write_output(
        dumps(profile_schema(load_ruleset(rules or None), lang.value)),
        output,
        inputs=read_inputs([], rules),
        force=force,
    )


INIT_EXAMPLES = """
Examples:

  hemscore init --kind firm -o zte-2024.toml && hemscore validate zte-2024.toml

  hemscore init --kind region --lang zh --name "某省" --year 2023 > region.toml
"""


@app.command(epilog=INIT_EXAMPLES)
def init(
    kind: Annotated[
        Kind, typer.Option("--kind", "-k", help="What the profile describes.", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the template to this file instead of stdout."),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the comments.")] = Lang.en,
    name: Annotated[str | None, typer.Option("--name", help="The profile's name.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2100, help="The profile's year. Default: this year."),
    ] = None,
    rules: RulesOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing (even read-only) --output file.")
    ] = False,
) -> None:
    """Write a template profile: every metric for the kind, commented, with unit and meaning."""
    import datetime

    from hemscore.model.rules import load_ruleset
    from hemscore.render.template import profile_template

    if output is not None and output.exists() and not force:
        raise UsageError("already exists (use --force to overwrite it)", path=str(output))
    ruleset = load_ruleset(rules or None)
    text = profile_template(
        ruleset, kind.value, year or datetime.date.today().year, lang=lang.value, name=name
    )
    write_output(text, output, inputs=read_inputs([], rules), force=force)
    if output is not None:
        say(
            f"hemscore: wrote {output}; uncomment the metrics you have data for, then run: "
            f"hemscore validate {output}"
        )


rules_app = typer.Typer(
    name="rules",
    help="List the rules, or explain one with: hemscore rules show ID.",
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app)

RULES_EXAMPLES = """
Examples:

  hemscore rules --diagnostic technology --kind firm

  hemscore rules show TE-03

  hemscore rules calibrate            # recompute the panel-based goalposts

  hemscore rules --format json | jq -r '.[] | select(.severity == "critical") | .id'
"""


@rules_app.callback(invoke_without_command=True, epilog=RULES_EXAMPLES)
def rules_list(
    ctx: typer.Context,
    diagnostic: Annotated[
        DiagnosticId | None, typer.Option("--diagnostic", help="Only this diagnostic's rules.")
    ] = None,
    kind: Annotated[
        Kind | None, typer.Option("--kind", "-k", help="Only rules that apply to this kind.")
    ] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
    lang: LangOpt = Lang.en,
    rules: RulesOpt = None,
) -> None:
    """List the rules: id, diagnostic, metric, severity, method and title."""
    if ctx.invoked_subcommand is not None:
        return
    from hemscore.model.rules import load_ruleset
    from hemscore.render.explain import rule_summary, rules_table

    ruleset = load_ruleset(rules or None)
    chosen = [
        r
        for r in ruleset.rules
        if (diagnostic is None or r.diagnostic == diagnostic.value)
        and (kind is None or kind.value in r.kinds)
    ]
    if fmt is ListFormat.json:
        from hemscore.reading.jsontext import dumps

        text = dumps([rule_summary(r, lang.value) for r in chosen])
    else:
        text = rules_table(chosen, lang.value)
    write_output(text, None)


RULES_SHOW_EXAMPLES = """
Examples:

  hemscore rules show TE-03

  hemscore rules show TE-03 --lang zh

  hemscore rules show TE-03 --format json

  hemscore rules show CL-01 --rules my-rules/
"""


@rules_app.command("show", epilog=RULES_SHOW_EXAMPLES)
def rules_show(
    rule_id: Annotated[
        str, typer.Argument(metavar="ID", help="A rule id, e.g. TE-01.", show_default=False)
    ],
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format: table (text) or json.")
    ] = ListFormat.table,
    lang: LangOpt = Lang.en,
    rules: RulesOpt = None,
) -> None:
    """Explain one rule: what it measures, why, how it is scored, its basis and what to do."""
    from hemscore.base.errors import did_you_mean
    from hemscore.model.rules import load_ruleset
    from hemscore.render.explain import explain_rule, explanation_dict, explanation_text

    ruleset = load_ruleset(rules or None)
    rule = ruleset.rule(rule_id) or ruleset.rule(rule_id.strip().upper())
    if rule is None:
        raise UsageError(
            f'unknown rule "{rule_id}"{did_you_mean(rule_id.upper(), [r.id for r in ruleset.rules])}'
            " (hemscore rules lists them)"
        )
    e = explain_rule(rule, ruleset, lang.value)
    if fmt is ListFormat.json:
        from hemscore.reading.jsontext import dumps

        text = dumps(explanation_dict(e, lang.value))
    else:
        text = explanation_text(e, lang.value)
    write_output(text, None)


@rules_app.command("calibrate")
def rules_calibrate(
    panel: Annotated[
        str | None,
        typer.Option(
            "--panel",
            help="A folder of country profiles to calibrate on (default: the panel each rule names).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format: table (text) or json.")
    ] = ListFormat.table,
    rules: RulesOpt = None,
) -> None:
    """Recompute the goalposts of every basis = "panel" rule from the panel's distribution.

    Prints, for each such rule, the goalposts the method of docs/calibration.md gives beside the
    rule's own. Exit 1 when any rule disagrees with its calibration (a stale or hand-edited
    goalpost), 2 on bad input.
    """
    import math

    from hemscore.analysis.calibration import calibrate, calibrated_rules
    from hemscore.cli.peers import read_peers
    from hemscore.importers.panel import reference_dir
    from hemscore.model.rules import load_ruleset

    ruleset = load_ruleset(rules or None)
    chosen = calibrated_rules(ruleset)
    if not chosen:
        raise UsageError('no basis = "panel" rules in this rule set')
    cache: dict[str, list[Profile]] = {}
    results = []
    for r in chosen:
        assert r.calibration is not None
        where = panel
        if where is None:
            rel = Path(r.calibration.panel)
            parts = rel.parts[1:] if rel.parts[:1] == ("reference",) else rel.parts
            where = str(reference_dir().joinpath(*parts))
        if where not in cache:
            if not Path(where).is_dir():
                raise UsageError("the panel folder does not exist", path=where)
            cache[where] = read_peers(where, ruleset, None)
        results.append((where, calibrate(r, ruleset, cache[where])))
    bad = [g.rule.id for _w, g in results if not g.agrees()]
    if fmt is ListFormat.json:
        import json

        def num(x: float) -> float | None:
            return None if math.isnan(x) else x

        rows = []
        for where, g in results:
            scale = g.rule.scale
            rows.append(
                {
                    "rule": g.rule.id,
                    "metric": g.rule.metric,
                    "panel": where,
                    "economies": g.economies,
                    "computed": {
                        "worst": num(g.worst),
                        "target": num(g.target),
                        "best": num(g.best),
                        "target_from": g.target_from,
                    },
                    "rule_goalposts": {
                        "worst": getattr(scale, "worst", None),
                        "target": getattr(scale, "target", None),
                        "best": getattr(scale, "best", None),
                    },
                    "agrees": g.agrees(),
                    "problem": g.problem,
                }
            )
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        from hemscore.render.explain import fmt as num_text

        head = ("RULE", "METRIC", "N", "WORST", "TARGET", "BEST", "TARGET FROM", "RULE FILE")
        table: list[tuple[str, ...]] = [head]
        for _where, g in results:
            scale = g.rule.scale
            own = "/".join(num_text(getattr(scale, k)) for k in ("worst", "target", "best"))
            table.append(
                (
                    g.rule.id,
                    g.rule.metric,
                    str(g.economies),
                    *("-" if math.isnan(x) else num_text(x) for x in (g.worst, g.target, g.best)),
                    g.target_from,
                    ("agrees " if g.agrees() else "DIFFERS ")
                    + own
                    + (f" ({g.problem})" if g.problem else ""),
                )
            )
        widths = [max(len(row[i]) for row in table) for i in range(len(head) - 1)]
        text = (
            "\n".join(
                "  ".join([*(c.ljust(w) for c, w in zip(row, widths)), row[-1]]) for row in table
            )
            + "\n"
        )
    write_output(text, None)
    if bad:
        say(f"hemscore: {len(bad)} rule(s) disagree with their calibration: {', '.join(bad)}")
        raise typer.Exit(1)


class Signalled(BaseException):
    """SIGTERM, SIGHUP or SIGINT arrived: unwind (removing temporary files), then exit 128+N.

    A ``BaseException`` raised by our own handler, so neither ``except Exception`` nor the
    option parser's handling of ``KeyboardInterrupt`` swallows it on the way out.
    """

    WORDS: ClassVar[dict[str, str]] = {
        "SIGTERM": "terminated",
        "SIGHUP": "hung up",
        "SIGINT": "interrupted",
    }

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def word(self) -> str:
        import signal

        return self.WORDS.get(signal.Signals(self.signum).name, "stopped by a signal")


def _on_signal(signum: int, frame: object) -> None:
    raise Signalled(signum)


def _catch_signals() -> dict[int, object]:
    """Turn SIGTERM, SIGHUP and SIGINT into :class:`Signalled`; returns the handlers replaced."""
    import signal

    replaced: dict[int, object] = {}
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous = signal.getsignal(signum)
            if previous is signal.SIG_IGN:  # e.g. nohup: keep ignoring
                continue
            signal.signal(signum, _on_signal)
            replaced[signum] = previous
        except (ValueError, OSError):  # not the main thread
            pass
    return replaced


def _restore_signals(replaced: dict[int, object]) -> None:
    import signal

    for signum, previous in replaced.items():
        try:
            signal.signal(signum, previous)  # type: ignore[arg-type]
        except (ValueError, OSError, TypeError):
            pass


class _Stdout:
    """Standard output as the CLI sees it: a reader that went away ends the run quietly.

    Writes that meet a closed pipe raise :class:`~hemscore.output.OutputClosed` (exit 0: the
    reader has what it wanted) instead of the ``BrokenPipeError`` the option parser would turn
    into exit 1, which here means a gate failed. Everything else is the real stream's.
    """

    def __init__(self, stream: object) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from hemscore.reading.output import OutputClosed

        try:
            return int(self._stream.write(text))  # type: ignore[attr-defined]
        except BrokenPipeError:
            raise OutputClosed from None

    def flush(self) -> None:
        from hemscore.reading.output import OutputClosed

        try:
            self._stream.flush()  # type: ignore[attr-defined]
        except BrokenPipeError:
            raise OutputClosed from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _ClosedStdout:
    """Standard output when the process was started with it closed (``>&-``)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise UsageError("cannot write the report: standard output is closed (use --output FILE)")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _NoStderr:
    """Standard error when the process was started with it closed (``2>&-``): messages are
    lost, exit codes are not."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _guard_streams() -> tuple[object, object]:
    """Put the guards around stdout and stderr; returns the streams they replaced."""
    saved = (sys.stdout, sys.stderr)
    if sys.stderr is None:
        sys.stderr = _NoStderr()
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    elif not isinstance(sys.stdout, _Stdout | _ClosedStdout):
        sys.stdout = _Stdout(sys.stdout)
    return saved


def _restore_streams(saved: tuple[object, object]) -> None:
    """Take the guards off again (a caller in the same process, such as a test, goes on)."""
    if isinstance(sys.stdout, _Stdout | _ClosedStdout):
        sys.stdout = saved[0]
    if isinstance(sys.stderr, _NoStderr):
        sys.stderr = saved[1]


def _silence_stdout() -> None:
    """After the reader went away: nothing more reaches it, not even the final flush."""
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
    except OSError:
        pass


def run(argv: list[str]) -> int:
    """Run the CLI on ``argv`` and return the exit code; errors become one line on stderr.

    For the length of the run, stdout and stderr are guarded (a closed or broken stream keeps
    exit codes meaningful) and SIGTERM, SIGHUP and SIGINT unwind the run cleanly; both are put
    back as they were when it returns.
    """
    streams = _guard_streams()
    signals = _catch_signals()
    try:
        return _run(argv)
    finally:
        _restore_signals(signals)
        _restore_streams(streams)


def _run(argv: list[str]) -> int:
    from typer.exceptions import TyperException

    from hemscore.reading.output import OutputClosed

    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    try:
        code = _app_for(argv)(args=argv, prog_name="hemscore", standalone_mode=False)
        return int(code or 0)
    except HemscoreError as err:
        report_error(err)
        return EXIT_ERROR
    except typer.Exit as exc:
        return int(exc.exit_code)
    except TyperException as exc:  # usage errors from the option parser
        fmt = getattr(exc, "format_message", None)
        message = fmt() if callable(fmt) else str(exc)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        if message.strip():  # a bare `hemscore` prints the help and has nothing to add
            say(f"hemscore: error: {message}{hint}")
        return int(getattr(exc, "exit_code", EXIT_ERROR) or EXIT_ERROR)
    except Signalled as sig:
        say(f"hemscore: {sig.word}")
        return 128 + sig.signum
    except KeyboardInterrupt:
        say("hemscore: interrupted")
        return 130
    except (BrokenPipeError, OutputClosed):  # e.g. `| head`: the reader has all it wants
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # a bug: one line, and the traceback with --debug
        if debug:
            raise
        say(
            f"hemscore: internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)"
        )
        return EXIT_ERROR


#: Commands registered by cli_analysis, imported only when one of them (or the full help) is asked for.
ANALYSIS_COMMANDS = frozenset({"compare", "plan", "sensitivity", "diff", "audit", "export"})


def _register_analysis() -> None:
    """Importing cli_analysis registers compare, plan, sensitivity and diff on ``app``."""
    import importlib

    importlib.import_module("hemscore.cli.analysis")


#: Command groups registered by cli_import, imported only when asked for (or the full help).
IMPORT_COMMANDS = frozenset({"import"})


def _register_import() -> None:
    """Importing cli_import registers the ``import`` group on ``app``."""
    import importlib

    importlib.import_module("hemscore.cli.importing")


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run: when argv names one command, an app holding only that command.

    Typer turns every registered command into a click command before parsing; building only
    the one asked for keeps start-up close to that of a one-command program. Help, completion
    and unknown commands get the full app, so they list everything.
    """
    name = argv[0] if argv else ""
    if (
        name in ANALYSIS_COMMANDS
        or not name
        or name.startswith("-")
        or "_HEMSCORE_COMPLETE" in os.environ
    ):
        _register_analysis()
    if (
        name in IMPORT_COMMANDS
        or not name
        or name.startswith("-")
        or "_HEMSCORE_COMPLETE" in os.environ
    ):
        _register_import()
    if not name or name.startswith("-") or "_HEMSCORE_COMPLETE" in os.environ:
        return app
    commands = [
        c
        for c in app.registered_commands
        if (c.name or c.callback.__name__.replace("_", "-")) == name  # type: ignore[union-attr]
    ]
    groups = [
        g
        for g in app.registered_groups
        if g.typer_instance is not None and g.typer_instance.info.name == name
    ]
    if not commands and not groups:
        _register_analysis()
        _register_import()

        return app
    import copy

    only = copy.copy(app)
    only.registered_commands = commands
    only.registered_groups = groups
    return only
