"""The command line: the table of every command, the Typer app built from it, and ``run``.

:data:`COMMANDS` and :data:`GROUPS` are the one place commands are registered: each row names
a command, the module and function that implement it and the examples shown under its help.
:func:`build` makes a fresh Typer app from the rows asked for, importing only their modules, so
``hemscore assess`` loads neither the analysis nor the import commands; help, completion and an
unknown command get every row. Nothing registers itself when imported.

Adding a command: write its function in the module of its group (or a new module), and add
one row here.

Exit codes: 0 assessed and every gate passed; 1 a gate failed; 2 bad input, rules or usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NamedTuple

import typer

from hemscore._version import __version__
from hemscore.base.errors import HemscoreError
from hemscore.cli.console import EXIT_ERROR, EXIT_OK, report_error, say


class Command(NamedTuple):
    """One command: its name, where its function is, and its examples (a text in that module)."""

    name: str
    module: str
    function: str
    epilog: str | None = None


class Group(NamedTuple):
    """A command with subcommands (``rules show``): its help text, the function run without a
    subcommand (when it has one), and the subcommands, all in ``module``."""

    name: str
    module: str
    help: str
    commands: tuple[Command, ...]
    callback: Command | None = None
    no_args_is_help: bool = True


_ASSESS = "hemscore.cli.assess"
_CHECKS = "hemscore.cli.checks"
_ANALYSIS = "hemscore.cli.analysis"
_IMPORT = "hemscore.cli.importing"

#: Every command, in the order the help lists them.
COMMANDS: tuple[Command, ...] = (
    Command("assess", _ASSESS, "assess", "ASSESS_EXAMPLES"),
    Command("validate", _CHECKS, "validate", "VALIDATE_EXAMPLES"),
    Command("schema", _CHECKS, "schema", "SCHEMA_EXAMPLES"),
    Command("init", _CHECKS, "init", "INIT_EXAMPLES"),
    Command("compare", _ANALYSIS, "compare", "COMPARE_EXAMPLES"),
    Command("plan", _ANALYSIS, "plan", "PLAN_EXAMPLES"),
    Command("sensitivity", _ANALYSIS, "sensitivity", "SENSITIVITY_EXAMPLES"),
    Command("diff", _ANALYSIS, "diff", "DIFF_EXAMPLES"),
    Command("audit", _ANALYSIS, "audit", "AUDIT_EXAMPLES"),
    Command("export", _ANALYSIS, "export", "EXPORT_EXAMPLES"),
)

#: Every group of subcommands, listed after the commands.
GROUPS: tuple[Group, ...] = (
    Group(
        "rules",
        _CHECKS,
        "RULES_HELP",
        callback=Command("", _CHECKS, "rules_list", "RULES_EXAMPLES"),
        commands=(
            Command("show", _CHECKS, "rules_show", "RULES_SHOW_EXAMPLES"),
            Command("calibrate", _CHECKS, "rules_calibrate"),
        ),
        no_args_is_help=False,
    ),
    Group(
        "import",
        _IMPORT,
        "IMPORT_HELP",
        commands=(
            Command("wdi", _IMPORT, "import_wdi", "WDI_EXAMPLES"),
            Command("panel", _IMPORT, "import_panel", "PANEL_EXAMPLES"),
            Command("table", _IMPORT, "import_table", "TABLE_EXAMPLES"),
        ),
    ),
)

MAIN_EXAMPLES = """
Examples:

  hemscore assess examples/china-2022.toml

  hemscore assess profiles/ --format json --output report.json --fail-under 50

  hemscore rules show TE-03

  hemscore init --kind region > my-region.toml

  hemscore plan examples/china-2022.toml --target 70

Run hemscore COMMAND --help for each command's options and examples.
"""

HELP = (
    "Score countries, regions, clusters and firms on the health of their high-end "
    "manufacturing.\n\nExit codes: 0 passed, 1 a gate failed, 2 bad input or usage. "
    "Add --debug to any command to see the traceback of an internal error."
)
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hemscore {__version__}\n")
        raise typer.Exit(0)


def _main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = None,
) -> None:
    """Score countries, regions, clusters and firms on the health of their high-end manufacturing."""


def _load(command: Command) -> tuple[Callable[..., Any], str | None]:
    """The function of a row and its examples text, importing the row's module."""
    import importlib

    module = importlib.import_module(command.module)
    epilog = getattr(module, command.epilog) if command.epilog else None
    return getattr(module, command.function), epilog


def _group(group: Group) -> typer.Typer:
    import importlib

    sub = typer.Typer(
        name=group.name,
        help=getattr(importlib.import_module(group.module), group.help),
        no_args_is_help=group.no_args_is_help,
        context_settings=CONTEXT,
    )
    if group.callback is not None:
        function, epilog = _load(group.callback)
        sub.callback(invoke_without_command=True, epilog=epilog)(function)
    for command in group.commands:
        function, epilog = _load(command)
        sub.command(command.name, epilog=epilog)(function)
    return sub


def build(names: Sequence[str] | None = None) -> typer.Typer:
    """The Typer app with the commands and groups named (every one when ``names`` is None)."""
    app = typer.Typer(
        name="hemscore",
        epilog=MAIN_EXAMPLES,
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings=CONTEXT,
    )
    app.callback()(_main)
    for command in COMMANDS:
        if names is None or command.name in names:
            function, epilog = _load(command)
            app.command(command.name, epilog=epilog)(function)
    for group in GROUPS:
        if names is None or group.name in names:
            app.add_typer(_group(group))
    return app


#: The click command made for each set of commands, kept for the process: a program (or a test)
#: that runs several commands in one process has Typer build each one once. A command keeps no
#: state between runs; every run parses its arguments and reads the environment afresh.
_BUILT: dict[tuple[str, ...], Any] = {}


def _command_for(argv: list[str]) -> Any:
    """The command to run: when argv names one command, one built from only that command.

    Typer turns every registered command into a click command before parsing; building only
    the one asked for keeps start-up close to that of a one-command program. Help, completion
    and unknown commands get every command, so they list everything.
    """
    name = argv[0] if argv else ""
    known = {c.name for c in COMMANDS} | {g.name for g in GROUPS}
    key = (name,) if name in known and "_HEMSCORE_COMPLETE" not in os.environ else ()
    command = _BUILT.get(key)
    if command is None:
        command = _BUILT[key] = typer.main.get_command(build(key or None))
    return command


def run(argv: list[str]) -> int:
    """Run the CLI on ``argv`` and return the exit code; errors become one line on stderr.

    For the length of the run, stdout and stderr are guarded (a closed or broken stream keeps
    exit codes meaningful) and SIGTERM, SIGHUP and SIGINT unwind the run cleanly; both are put
    back as they were when it returns.
    """
    from hemscore.cli.runtime import (
        catch_signals,
        guard_streams,
        restore_signals,
        restore_streams,
    )

    streams = guard_streams()
    signals = catch_signals()
    try:
        return _run(argv)
    finally:
        restore_signals(signals)
        restore_streams(streams)


def _run(argv: list[str]) -> int:
    from typer.exceptions import TyperException

    from hemscore.cli.runtime import Signalled, silence_stdout
    from hemscore.reading.output import OutputClosed

    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    try:
        code = _command_for(argv).main(args=argv, prog_name="hemscore", standalone_mode=False)
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
        silence_stdout()
        return EXIT_OK
    except Exception as exc:  # a bug: one line, and the traceback with --debug
        if debug:
            raise
        say(
            f"hemscore: internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)"
        )
        return EXIT_ERROR
