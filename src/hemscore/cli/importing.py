"""``hemscore import``: outside data turned into profiles (``import table``, ``import wdi``,
``import panel``).

Loaded by the command table (:mod:`hemscore.cli.app`) only when ``import`` is asked for (or
the full help), so other commands do not pay for it. Exit codes: 0 written, 2 bad input or
usage, with nothing written.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from hemscore.base.errors import UsageError
from hemscore.cli.console import say
from hemscore.cli.options import ForceDirOpt, QuietOpt, RulesOpt

#: The ``import`` group's own help.
IMPORT_HELP = (
    "Turn outside data into profiles: a spreadsheet (import table), World Bank WDI files "
    "(import wdi), or rebuild the reference panel shipped with hemscore (import panel)."
)

WDI_EXAMPLES = """
Examples:

  hemscore import wdi reference/wdi/ --year 2017 -o panel-2017/

  hemscore import wdi reference/wdi/ --year 2019 --latest -o panel-latest/

  hemscore import wdi API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_1234.csv --year 2020 \\
      --skip-other-economies -o rd-2020/

Reads the long form (header economy,year,<indicator>) and the World Bank's wide download (four
preamble lines, then "Country Name","Country Code","Indicator Name","Indicator Code","1960",...).
A directory gives every *.csv inside it. Indicators map onto metrics through
hemscore/importers/wdi.toml. Every value is written as {value, year, source}; the source names
the WDI code, the release and the licence (CC BY 4.0).

--year Y alone takes every value of year Y. With --latest, each value is the latest within the
data window ending with Y (hemscore.datawindow: Y-10 to Y); nothing after Y is ever used.

Exit codes: 0 the profiles were written; 2 a file could not be used (file and line named) or
the options do not fit. With exit 2 nothing is written and OUTPUT is left as it was.
"""


def import_wdi(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="WDI CSV files, or directories (every *.csv inside).", show_default=False
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Directory to write, one <iso3>.toml per economy (written whole, or not at all).",
            show_default=False,
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=1960,
            max=2100,
            help="The profiles' year: every value is of this year (or, with --latest, the "
            "latest within the window ending with it).",
        ),
    ] = None,
    latest: Annotated[
        bool,
        typer.Option(
            "--latest",
            help="Take each value's latest year within the data window ending with --year "
            "(default --year: the last year in the files).",
        ),
    ] = False,
    release: Annotated[
        str | None,
        typer.Option(
            "--release",
            help="Name the WDI release of every file (default: the wide file's Last Updated "
            "Date, or the provenance.tsv beside a long-form file).",
        ),
    ] = None,
    skip_other_economies: Annotated[
        bool,
        typer.Option(
            "--skip-other-economies",
            help="Leave out rows of economies not in the importer's table (a World Bank "
            "download also holds aggregates such as WLD) instead of refusing the file.",
        ),
    ] = False,
    force: ForceDirOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Import World Bank WDI indicator files as one country profile per economy."""
    from hemscore.importers.wdi import (
        Choice,
        build_profiles,
        check_built,
        load_table,
        read_files,
        refuse_replacing_inputs,
        render_profile,
        write_profiles,
    )
    from hemscore.model.catalogue import builtin_catalogue

    if year is None and not latest:
        raise UsageError("give --year YEAR (values of that year), or --latest")
    refuse_replacing_inputs(output, paths)
    if output.exists() and not force:
        raise UsageError("already exists (use --force to replace it)", path=str(output))
    metrics = builtin_catalogue()
    table = load_table(metrics=metrics)
    data = read_files(paths, table, release=release, skip_other_economies=skip_other_economies)
    if not data.rows:
        raise UsageError("no values read: nothing to write")
    choice = Choice(year if year is not None else max(data.years), latest)
    docs = build_profiles(data, table, metrics, choice)
    if all(set(doc) == {"profile"} for doc in docs.values()):
        raise UsageError(
            f"no mapped indicator has {choice.describe()} in the files: nothing written"
        )
    files = {f"{code}.toml": render_profile(doc) for code, doc in docs.items()}
    check_built(files, output)
    write_profiles(files, output, force=force)
    if not quiet:
        skipped = (
            f"; {len(data.skipped_economies)} other economies left out"
            if data.skipped_economies
            else ""
        )
        say(f"hemscore: wrote {len(files)} profile(s) to {output} ({choice.describe()}){skipped}")


PANEL_EXAMPLES = """
Examples:

  hemscore import panel                 # rebuild reference/panel/ from reference/wdi/

  hemscore import panel -o /tmp/panel   # build a copy elsewhere, e.g. to diff it

The reference panel is 44 economies built from the World Bank WDI extract kept in
reference/wdi/ (CC BY 4.0): one folder of profiles for the reference year and one for the
latest values within the data window.
"""


def import_panel(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to build the panel (default: reference/panel of this checkout).",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="The WDI extract to build from (default: reference/wdi)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Rebuild the reference panel shipped with hemscore from its WDI extract."""
    from hemscore.importers.panel import build_panel, packaged, reference_dir
    from hemscore.importers.wdi import refuse_replacing_inputs

    root = reference_dir()
    if output is None and packaged():
        # an installed package: its shipped panel is not rebuilt in place
        raise UsageError("give --output: the reference panel of an installed hemscore is read-only")
    out = output if output is not None else root / "panel"
    source = data if data is not None else root / "wdi"
    refuse_replacing_inputs(out, [source])
    written = build_panel(source, out)
    if not quiet:
        for folder, count in written.items():
            say(f"hemscore: wrote {count} profile(s) to {folder}")


TABLE_EXAMPLES = """
Examples:

  hemscore import table provinces.csv -o provinces/

  hemscore import table provinces.xlsx --sheet 2022 --source "NBS yearbook 2023" -o provinces/

  hemscore import table values.csv --check          # report every problem, write nothing

  hemscore export provinces/ > provinces.csv        # and back

Two layouts (--layout auto picks long when the header has profile, metric and value):
wide, one row per profile: name, kind, year (required), country, description, then one column
per metric, headed by its id (technology.rd_intensity_pct), its key (rd_intensity_pct) or its
English or Chinese title, with optional METRIC.year, METRIC.source and METRIC.note columns,
METRIC[LABEL] columns for a shares table or a series, and waiver.RULE columns;
long, one row per value: profile, metric, value and optional year, source, note, label (rows
whose metric is kind, year, country or description set the profile's header).
Every profile is checked as assess checks it; every problem is reported at once as
FILE:ROW:COLUMN: message. XLSX needs openpyxl: pip install 'hemscore\\[xlsx]'.

Exit codes: 0 written (or checked); 2 a problem, with nothing written.
"""


class TableLayout(str, Enum):
    auto = "auto"
    wide = "wide"
    long = "long"


def import_table(
    path: Annotated[Path, typer.Argument(help="A CSV (UTF-8) or XLSX file.", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Directory to write, one <name>-<year>.toml per profile (written whole, or "
            "not at all).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only check the table; write nothing.")
    ] = False,
    layout: Annotated[
        TableLayout, typer.Option("--layout", help="wide, long, or auto.")
    ] = TableLayout.auto,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The XLSX sheet to read (default: the first).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="The source of every value that has none of its own."),
    ] = None,
    rules: RulesOpt = None,
    force: ForceDirOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Import a spreadsheet (CSV or XLSX) of profile values as one TOML profile per profile."""
    from hemscore.importers.tables import file_name, import_table, read_table
    from hemscore.importers.wdi import refuse_replacing_inputs, write_profiles
    from hemscore.model.rules import load_ruleset

    if (output is None) == (not check):
        raise UsageError("give --output DIR to write the profiles, or --check to only check")
    if output is not None:
        refuse_replacing_inputs(output, [path])
        if output.exists() and not force:
            raise UsageError("already exists (use --force to replace it)", path=str(output))
    ruleset = load_ruleset(rules or None)
    imported = import_table(
        read_table(path, sheet=sheet),
        ruleset.metrics,
        layout=layout.value,
        default_source=source,
    )
    if not imported:
        raise UsageError("the table holds no profile", path=str(path))
    files: dict[str, str] = {}
    for item in imported:
        name = file_name(item.name, item.profile.year)
        if name in files:  # two names that make the same file name
            name = name.replace(".toml", f"-row{item.row}.toml")
        files[name] = item.text
    if output is not None:
        write_profiles(files, output, force=force)
    if not quiet:
        done = f"wrote {len(files)} profile(s) to {output}" if output else "checked"
        say(f"hemscore: {done}: {len(imported)} profile(s) from {path}")
