"""The command line: Typer commands that parse options, call the core, pick a renderer and map
outcomes to exit codes. Nothing below this module prints or exits.

Exit codes: 0 assessed and every gate passed; 1 a gate failed; 2 bad input, rules or usage.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._version import __version__
from .errors import HemscoreError, UsageError
from .formats import REGISTRY, RenderOptions

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2

OutputFormat = Enum("OutputFormat", {name: name for name in REGISTRY}, type=str)  # type: ignore[misc]


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


app = typer.Typer(
    name="hemscore",
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
        Optional[bool],
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Score countries, regions, clusters and firms on the health of their high-end manufacturing."""


def say(message: str) -> None:
    """A message for the user: always stderr, never mixed into the report."""
    sys.stderr.write(message.rstrip("\n") + "\n")


def report_error(err: HemscoreError) -> None:
    for line in err.lines():
        say(f"hemscore: error: {line}")


def use_color(choice: Color, stream: object) -> bool:
    if choice is Color.always:
        return True
    if choice is Color.never:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def term_width() -> int:
    try:
        return max(60, int(os.environ["COLUMNS"]))
    except (KeyError, ValueError):
        pass
    if sys.stdout.isatty():
        import shutil

        return max(60, shutil.get_terminal_size((100, 24)).columns)
    return 100


def write_output(text: str, output: Path | None) -> None:
    """Write the report to stdout, or atomically to ``output`` (temporary file, then rename)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile

    target = output.resolve()
    if target.is_dir():
        raise UsageError("is a directory", path=str(output))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc}", path=str(output)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        os.unlink(tmp)
        raise UsageError(f"cannot write: {exc.strerror or exc}", path=str(output)) from None


RulesOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", "-r", help="Rule file or directory (repeatable). Default: the built-in library."),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the report: en or zh.")]

ASSESS_EXAMPLES = """
Examples:

  hemscore assess examples/china-2022.toml

  hemscore assess examples/ --format json > scores.json

  cat profile.toml | hemscore assess - --format json | jq .overall

  hemscore assess p.toml --fail-under 60 --fail-on high   # a CI gate

  hemscore assess p.toml --lang zh --format markdown -o report.md
"""


@app.command(epilog=ASSESS_EXAMPLES)
def assess(
    profiles: Annotated[list[str], typer.Argument(help="Profile files, directories (every *.toml below), or - for stdin.", show_default=False)],
    rules: RulesOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = "table",  # type: ignore[assignment]
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of stdout.")] = None,
    aggregation: Annotated[Aggregation, typer.Option(help="How diagnostics combine into the overall score.")] = Aggregation.arithmetic,
    min_coverage: Annotated[float, typer.Option("--min-coverage", min=0.0, max=1.0, help="Least share of a diagnostic's rule weight with data for it to be scored.")] = 0.5,
    fail_under: Annotated[Optional[float], typer.Option("--fail-under", help="Gate: exit 1 when an overall score is below this (or cannot be computed).")] = None,
    fail_on: Annotated[Optional[Severity], typer.Option("--fail-on", help="Gate: exit 1 when a rule of this severity or higher fails.")] = None,
    lang: LangOpt = Lang.en,
    detail: Annotated[bool, typer.Option("--detail", "-d", help="Show the source of every value in the table.")] = False,
    top: Annotated[int, typer.Option("--top", min=0, help="How many recommendations the table and markdown show.")] = 5,
    strict: Annotated[bool, typer.Option("--strict", help="Ignore the profile's waivers.")] = False,
    color: Annotated[Color, typer.Option("--color", help="Colour in the table report.")] = Color.auto,
) -> None:
    """Score profiles with the rule library and print the report."""
    from .assessment import assess as run_assess
    from .formats import renderer
    from .inputs import expand
    from .profile import load_profile
    from .rules import SEVERITY_WEIGHTS, load_ruleset

    ruleset = load_ruleset(rules or None)
    results = []
    failed_inputs = 0
    for src in expand(profiles):
        try:
            if src.error is not None:
                raise src.error
            profile = load_profile(src.name, ruleset.metrics, text=src.text)
            for rid in profile.waivers:
                if ruleset.rule(rid) is None:
                    from .errors import ProfileError, did_you_mean

                    raise ProfileError(
                        f"waiver names no rule of {ruleset.name}{did_you_mean(rid, [r.id for r in ruleset.rules])}",
                        path=src.name, key=f"waivers.{rid}",
                    )
            results.append(run_assess(profile, ruleset, aggregation=aggregation.value,
                                      min_coverage=min_coverage, strict=strict))
        except HemscoreError as err:
            report_error(err)
            failed_inputs += 1
    options = RenderOptions(
        lang=lang.value, color=use_color(color, sys.stdout) and fmt.value == "table" and output is None,
        width=term_width(), detail=detail, top=top,
    )
    if results and not (failed_inputs and output is not None):
        write_output(renderer(fmt.value).render(results, options), output)
    if failed_inputs:
        raise typer.Exit(EXIT_ERROR)
    gate_failed = False
    for a in results:
        if fail_under is not None and (a.score is None or a.score < fail_under):
            shown = "no score (insufficient data)" if a.score is None else f"{a.score:.1f}"
            say(f"hemscore: gate failed: {a.profile.path}: overall {shown} is below {fail_under:g}")
            gate_failed = True
        if fail_on is not None:
            floor = SEVERITY_WEIGHTS[fail_on.value]
            bad = [r.id for r in a.failing() if SEVERITY_WEIGHTS.get(r.rule.severity or "", r.weight) >= floor]
            if bad:
                say(f"hemscore: gate failed: {a.profile.path}: {len(bad)} failing rule(s) of severity "
                    f"{fail_on.value} or higher: {', '.join(bad)}")
                gate_failed = True
    if gate_failed:
        raise typer.Exit(EXIT_GATE)


def run(argv: list[str]) -> int:
    """Run the CLI on ``argv`` and return the exit code; errors become one line on stderr."""
    from typer.exceptions import TyperException

    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    try:
        code = app(args=argv, prog_name="hemscore", standalone_mode=False)
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
    except KeyboardInterrupt:
        say("hemscore: interrupted")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:  # a bug: one line, and the traceback with --debug
        if debug:
            raise
        say(f"hemscore: internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
        return EXIT_ERROR
