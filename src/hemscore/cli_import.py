"""``hemscore import``: outside data sets turned into profiles (``import wdi``, ``import panel``).

Registered on the one Typer app of :mod:`hemscore.cli` only when ``import`` is asked for (or
the full help), so other commands do not pay for it. Exit codes: 0 written, 2 bad input or
usage, with nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli import QuietOpt, app, say
from .errors import UsageError

import_app = typer.Typer(
    name="import",
    help="Turn outside data into profiles: World Bank WDI files (import wdi), or rebuild the "
    "reference panel shipped with hemscore (import panel).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(import_app)

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


@import_app.command("wdi", epilog=WDI_EXAMPLES)
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
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing OUTPUT directory as a whole.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Import World Bank WDI indicator files as one country profile per economy."""
    from .catalogue import builtin_catalogue
    from .importers.wdi import (
        Choice,
        build_profiles,
        load_table,
        read_files,
        render_profile,
        write_profiles,
    )

    if year is None and not latest:
        raise UsageError("give --year YEAR (values of that year), or --latest")
    _refuse_replacing_inputs(output, paths)
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
    _check_written(files, output)
    write_profiles(files, output, force=force)
    if not quiet:
        skipped = (
            f"; {len(data.skipped_economies)} other economies left out"
            if data.skipped_economies
            else ""
        )
        say(f"hemscore: wrote {len(files)} profile(s) to {output} ({choice.describe()}){skipped}")


def _refuse_replacing_inputs(output: Path, inputs: list[Path]) -> None:
    """OUTPUT is replaced as a whole: it must not be, or hold, one of the run's inputs."""
    out = output.resolve()
    for p in inputs:
        q = p.resolve()
        if q == out or out in q.parents:
            raise UsageError(f"would replace the input {p}: write elsewhere", path=str(output))


def _check_written(files: dict[str, str], output: Path) -> None:
    """Read every profile about to be written back through the real validator."""
    from .catalogue import builtin_catalogue
    from .errors import HemscoreError
    from .profile import load_profile

    for name, text in files.items():
        try:
            load_profile(str(output / name), builtin_catalogue(), text=text)
        except HemscoreError as err:
            raise HemscoreError(
                f"the profile built does not validate ({err}); nothing written (please report this)",
                path=str(output / name),
            ) from None


PANEL_EXAMPLES = """
Examples:

  hemscore import panel                 # rebuild reference/panel/ from reference/wdi/

  hemscore import panel -o /tmp/panel   # build a copy elsewhere, e.g. to diff it

The reference panel is 44 economies built from the World Bank WDI extract kept in
reference/wdi/ (CC BY 4.0): one folder of profiles for the reference year and one for the
latest values within the data window.
"""


@import_app.command("panel", epilog=PANEL_EXAMPLES)
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
    from .importers.panel import build_panel, packaged, reference_dir

    root = reference_dir()
    if output is None and packaged():
        # an installed package: its shipped panel is not rebuilt in place
        raise UsageError("give --output: the reference panel of an installed hemscore is read-only")
    out = output if output is not None else root / "panel"
    source = data if data is not None else root / "wdi"
    _refuse_replacing_inputs(out, [source])
    written = build_panel(source, out)
    if not quiet:
        for folder, count in written.items():
            say(f"hemscore: wrote {count} profile(s) to {folder}")
