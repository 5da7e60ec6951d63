"""The reference panel: 44 economies built from the World Bank WDI extract kept in
``reference/wdi/`` (CC BY 4.0), shipped with hemscore under ``reference/panel/``.

Two folders of profiles: ``<REFERENCE_YEAR>/`` holds every value of the reference year (every
file of the extract covers it), ``latest/`` the latest value of each indicator within the data
window ending with ``LATEST_YEAR``. ``hemscore import panel`` rebuilds both; a test rebuilds
them and fails on any difference.
"""

from __future__ import annotations

from pathlib import Path

from hemscore.importers.wdi import (
    Choice,
    build_profiles,
    load_table,
    read_files,
    render_profile,
    write_profiles,
)

#: The panel's reference year: every indicator file of the extract covers it.
REFERENCE_YEAR = 2017
#: The year the ``latest`` folder describes: the last year of the extract's patent, royalty
#: payment and manufacturing-share releases; each value is the latest within the data window.
LATEST_YEAR = 2019
#: Folder name -> how its values are chosen.
FOLDERS: dict[str, Choice] = {
    str(REFERENCE_YEAR): Choice(REFERENCE_YEAR, latest=False),
    "latest": Choice(LATEST_YEAR, latest=True),
}
REFERENCE_DIRNAME = "reference"


def _packaged_dir() -> Path:
    return Path(__file__).resolve().parent.parent / REFERENCE_DIRNAME


def packaged() -> bool:
    """Whether the reference data are those inside an installed package (not a checkout's)."""
    return _packaged_dir().is_dir()


def reference_dir() -> Path:
    """The shipped reference data: inside the installed package, or the repo's ``reference/``."""
    if packaged():
        return _packaged_dir()
    return _packaged_dir().parent.parent.parent / REFERENCE_DIRNAME


def panel_dir(name: str = str(REFERENCE_YEAR)) -> Path:
    """One folder of the shipped panel (``"2017"`` or ``"latest"``)."""
    return reference_dir() / "panel" / name


def panel_files(data: Path) -> dict[str, str]:
    """Every profile of the panel built from the extract in ``data``: relative path -> text."""
    from hemscore.model.catalogue import builtin_catalogue

    metrics = builtin_catalogue()
    table = load_table(metrics=metrics)
    rows = read_files([data], table)
    files: dict[str, str] = {}
    for folder, choice in FOLDERS.items():
        for code, doc in build_profiles(rows, table, metrics, choice).items():
            files[f"{folder}/{code}.toml"] = render_profile(doc)
    return files


def build_panel(data: Path, out: Path) -> dict[str, int]:
    """Build the panel from ``data`` into ``out`` (replaced as a whole); profiles per folder."""
    files = panel_files(data)
    write_profiles(files, out, force=True)
    counts: dict[str, int] = {}
    for name in files:
        folder = str(out / name.split("/", 1)[0])
        counts[folder] = counts.get(folder, 0) + 1
    return counts
