"""The options and arguments the commands share, each declared once, and their value types.

A command names an option by its type (``rules: RulesOpt = None``), so an option that several
commands take has one flag, one help text and one parser. Options whose help differs between
commands on purpose (what ``--output`` writes, what ``--detail`` adds) are separate types.

Every float option of every command is declared with :func:`float_option`, so all of them parse
the same way: a finite number (NaN and infinity are refused; ``score < nan`` is never true, so
a NaN bar would pass every gate), inside the option's range when it has one. A bad value is a
usage error: one line on stderr, exit code 2.
"""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from hemscore.model.catalogue import DIAGNOSTICS, KINDS
from hemscore.render.formats import REGISTRY


class FiniteFloat:
    """Parser of a float option: a finite number, within ``[min, max]`` when they are given."""

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        self.min = min
        self.max = max

    def __call__(self, value: Any) -> float:
        # Typer reads the message of this pydantic error as the option's; imported only here
        from pydantic_core import PydanticCustomError

        text = value if isinstance(value, str) else repr(value)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise PydanticCustomError("number", "{text} is not a number", {"text": repr(text)})
        if not math.isfinite(x):
            raise PydanticCustomError(
                "finite", "must be a finite number (got {text})", {"text": text}
            )
        lo, hi = self.min, self.max
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            if lo is not None and hi is not None:
                rule = f"must be between {lo:g} and {hi:g}"
            elif lo is not None:
                rule = f"must be at least {lo:g}"
            else:
                rule = f"must be at most {hi:g}"
            raise PydanticCustomError("range", "{rule} (got {text})", {"rule": rule, "text": text})
        return x


def float_option(*flags: str, help: str, min: float | None = None, max: float | None = None) -> Any:
    """A ``typer.Option`` for a float: finite, and within ``[min, max]`` when given."""
    # min and max are passed on too, so that --help shows the range.
    return typer.Option(*flags, parser=FiniteFloat(min, max), min=min, max=max, help=help)


# -- value types --------------------------------------------------------------------------------

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


# -- shared arguments and options ---------------------------------------------------------------

ProfilesArg = Annotated[
    list[str],
    typer.Argument(
        help="Profile files, directories (every *.toml below), or - for stdin.",
        show_default=False,
    ),
]
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
#: ``import``: the output is a folder, replaced as a whole.
ForceDirOpt = Annotated[
    bool, typer.Option("--force", help="Replace an existing OUTPUT directory as a whole.")
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
AggregationOpt = Annotated[
    Aggregation, typer.Option(help="How diagnostics combine into the overall score.")
]
MinCoverageOpt = Annotated[
    float,
    float_option(
        "--min-coverage",
        min=0.0,
        max=1.0,
        help="Least share of a diagnostic's rule weight with data for it to be scored.",
    ),
]
#: ``assess`` reads a profile at a time; the analysis commands read several.
StrictOpt = Annotated[bool, typer.Option("--strict", help="Ignore the profile's waivers.")]
StrictManyOpt = Annotated[bool, typer.Option("--strict", help="Ignore the profiles' waivers.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the report to this file (atomically) instead of stdout."
    ),
]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour in the table report.")]
