"""The reference panel shipped in reference/panel/ is exactly what the importer builds from the
project's own WDI extract (reference/wdi/); nothing here reads outside the checkout."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from hemscore.importers.panel import FOLDERS, LATEST_YEAR, REFERENCE_YEAR, panel_files

from .conftest import ROOT, Run

DATA = ROOT / "reference" / "wdi"
PANEL = ROOT / "reference" / "panel"


def shipped() -> dict[str, str]:
    return {
        p.relative_to(PANEL).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(PANEL.rglob("*"))
        if p.is_file()
    }


def differences(built: dict[str, str], have: dict[str, str]) -> list[str]:
    return sorted(k for k in built.keys() | have.keys() if built.get(k) != have.get(k))


def test_the_shipped_panel_is_what_the_extract_builds() -> None:
    have = shipped()
    assert len(have) == 2 * 44
    assert {k.split("/")[0] for k in have} == set(FOLDERS) == {str(REFERENCE_YEAR), "latest"}
    assert differences(panel_files(DATA), have) == [], (
        "reference/panel is out of date: run `hemscore import panel` and review the diff"
    )


def test_changing_one_value_in_the_data_is_caught(tmp_path: Path) -> None:
    data = tmp_path / "wdi"
    shutil.copytree(DATA, data)
    f = data / "nv_ind_manf_zs.csv"
    text = f.read_text(encoding="utf-8")
    row = "deu,2017,20.4208156178"
    assert row in text
    f.write_text(text.replace(row, "deu,2017,20.4208156179"), encoding="utf-8")
    assert differences(panel_files(data), shipped()) == ["2017/deu.toml"]


def test_the_command_rebuilds_the_panel(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "panel"
    r = run_cli("import", "panel", "--data", DATA, "-o", out)
    assert r.code == 0, r.err
    assert r.err == (
        f"hemscore: wrote 44 profile(s) to {out / str(REFERENCE_YEAR)}\n"
        f"hemscore: wrote 44 profile(s) to {out / 'latest'}\n"
    )
    built = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in out.rglob("*")
        if p.is_file()
    }
    assert differences(built, shipped()) == []


def test_panel_years() -> None:
    assert REFERENCE_YEAR == 2017 and LATEST_YEAR == 2019
    assert "\nyear = 2017\n" in (PANEL / "2017" / "chn.toml").read_text(encoding="utf-8")
    assert "\nyear = 2019\n" in (PANEL / "latest" / "chn.toml").read_text(encoding="utf-8")
