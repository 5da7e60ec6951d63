"""The commands about inputs and rules: ``validate``, ``schema``, ``init`` and ``rules`` (list,
``show``, ``calibrate``).

Each parses its options, calls the core (:mod:`hemscore.engine.validation`, the rule set,
:mod:`hemscore.analysis.calibration`), renders (:mod:`hemscore.render`) and picks the exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hemscore.base.errors import UsageError
from hemscore.cli.console import EXIT_ERROR, progress, read_inputs, report_error, say, write_output
from hemscore.cli.options import (
    DiagnosticId,
    ForceOpt,
    Kind,
    Lang,
    LangOpt,
    ListFormat,
    QuietOpt,
    RulesOpt,
    WarningsOpt,
)

#: The ``rules`` group's own help (its commands: the list, ``show``, ``calibrate``).
RULES_HELP = "List the rules, or explain one with: hemscore rules show ID."

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
    from hemscore.engine.validation import Checked, base_rules, check_sources, missing_rules
    from hemscore.reading.inputs import expand

    base, ruleset = base_rules(rules)
    checked: list[Checked] = []
    bad = warned = 0
    with progress(expand(paths, notify=None if quiet else say), quiet, "validating") as sources:
        for result in check_sources(sources, ruleset, base):
            checked.append(result)
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
    problem = missing_rules(base, ruleset, checked)
    if problem is not None:
        bad += 1
        report_error(problem)
    if not quiet and len(checked) > 1:
        say(
            f"hemscore: {len(checked)} file(s) checked, {bad} with problems"
            if bad
            else f"hemscore: {len(checked)} file(s) checked, all valid"
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


RULES_EXAMPLES = """
Examples:

  hemscore rules --diagnostic technology --kind firm

  hemscore rules show TE-03

  hemscore rules calibrate            # recompute the panel-based goalposts

  hemscore rules --format json | jq -r '.[] | select(.severity == "critical") | .id'
"""


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
    from hemscore.analysis.calibration import calibrate_all
    from hemscore.model.rules import load_ruleset
    from hemscore.render.calibration import render_calibration

    results = calibrate_all(load_ruleset(rules or None), panel)
    bad = [g.rule.id for _w, g in results if not g.agrees()]
    write_output(render_calibration(results, fmt.value), None)
    if bad:
        say(f"hemscore: {len(bad)} rule(s) disagree with their calibration: {', '.join(bad)}")
        raise typer.Exit(1)
