"""`hemscore import wdi`: both layouts, the year choice, provenance, and bad input (exit 2,
file and line named, nothing written)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hemscore.base.datawindow import DATA_WINDOW_YEARS, in_window, window
from hemscore.importers.wdi import (
    Choice,
    Observation,
    WdiData,
    WdiError,
    build_profiles,
    load_table,
    write_profiles,
)
from hemscore.model.catalogue import builtin_catalogue

from .conftest import ROOT, Run

EXTRACT = ROOT / "reference" / "wdi"
WIDE = ROOT / "tests" / "fixtures" / "wdi" / "API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_1.csv"
DDF = "open-numbers/ddf--world_bank--world_development_indicators"
PROVENANCE = (
    "indicator\tsource_path\tcommit\trows_in_source\trows_kept\teconomies\n"
    "gb_xpd_rsdv_gd_zs\tdatapoints/x.csv\t0f0d0962479dd72d29a3b725072fefa1da633c99\t1\t1\t1\n"
    "tx_val_tech_mf_zs\tdatapoints/y.csv\t0656517bbd3dfcd9e0d834cb6039de0d64753c61\t1\t1\t1\n"
)


def extract(tmp_path: Path, files: dict[str, str], provenance: bool = True) -> Path:
    """A small long-form extract: {column: rows after the header}."""
    folder = tmp_path / "wdi"
    folder.mkdir()
    for column, rows in files.items():
        (folder / f"{column}.csv").write_text(f"economy,year,{column}\n{rows}", encoding="utf-8")
    if provenance:
        (folder / "provenance.tsv").write_text(PROVENANCE, encoding="utf-8")
    return folder


def load(path: Path) -> dict:  # type: ignore[type-arg]
    with path.open("rb") as fh:
        return tomllib.load(fh)


# ---------------------------------------------------------------------------------------------
# the long form, from the project's own extract
# ---------------------------------------------------------------------------------------------


def test_reference_year_values_match_the_csv_rows(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    r = run_cli("import", "wdi", EXTRACT, "--year", "2017", "-o", out)
    assert r.code == 0, r.err
    assert r.err == f"hemscore: wrote 44 profile(s) to {out} (values of 2017)\n"
    assert len(list(out.glob("*.toml"))) == 44
    deu = load(out / "deu.toml")
    assert deu["profile"] == {
        "name": "Germany",
        "kind": "country",
        "year": 2017,
        "country": "DE",
        "description": "Germany from World Bank WDI indicators (CC BY 4.0), values of 2017. "
        "Written by hemscore import wdi.",
    }
    # gb_xpd_rsdv_gd_zs.csv: "deu,2017,3.0471000000"
    assert deu["technology"]["rd_intensity_pct"] == {
        "value": 3.0471,
        "year": 2017,
        "source": f"World Bank WDI GB.XPD.RSDV.GD.ZS (CC BY 4.0), 2017; release {DDF}@0f0d096247",
    }
    # sp_pop_scie_rd_p6.csv: "deu,2017,5058.3952800000"
    assert deu["talent"]["researchers_per_million"]["value"] == 5058.39528
    # tx_val_tech_mf_zs.csv: "deu,2017,15.8563034517"; tx_mnf_tech_zs_un.csv: "deu,2017,74.2309260074"
    assert deu["exports"]["high_tech_pct"]["value"] == 15.8563034517
    assert deu["exports"]["medium_high_tech_pct"]["value"] == 74.2309260074
    # R&D spending of Malaysia is not published for 2017: left out, never filled in
    assert "rd_intensity_pct" not in load(out / "mys.toml").get("technology", {})


def test_every_value_carries_code_release_and_licence(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run_cli("import", "wdi", EXTRACT, "--year", "2017", "-o", out).code == 0
    count = 0
    for f in out.glob("*.toml"):
        doc = load(f)
        for section, block in doc.items():
            if section == "profile":
                continue
            for entry in block.values():
                assert set(entry) == {"value", "year", "source"}
                assert entry["source"].startswith("World Bank WDI ")
                assert "(CC BY 4.0)" in entry["source"] and f"{DDF}@" in entry["source"]
                count += 1
    assert count > 44 * 3


def test_latest_takes_the_latest_year_in_the_window_and_never_a_later_one(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    folder = extract(
        tmp_path,
        {
            "gb_xpd_rsdv_gd_zs": "deu,2012,2.0\ndeu,2014,2.5\ndeu,2019,9.0\nkor,2005,4.0\n",
            "tx_val_tech_mf_zs": "deu,2013,14.0\n",
        },
    )
    out = tmp_path / "out"
    r = run_cli("import", "wdi", folder, "--year", "2016", "--latest", "-o", out)
    assert r.code == 0, r.err
    assert "the latest value within 2006–2016" in r.err
    deu = load(out / "deu.toml")
    # 2019 is after the profile's year: 2014 is the latest that may be used
    assert deu["technology"]["rd_intensity_pct"]["value"] == 2.5
    assert deu["technology"]["rd_intensity_pct"]["year"] == 2014
    assert deu["exports"]["high_tech_pct"]["year"] == 2013
    # Korea's only value (2005) is older than the window: the profile has no value
    kor = load(out / "kor.toml")
    assert kor["profile"]["year"] == 2016 and "technology" not in kor


def test_latest_without_year_describes_the_last_year_read(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    folder = extract(tmp_path, {"gb_xpd_rsdv_gd_zs": "deu,2012,2.0\ndeu,2015,2.5\n"})
    out = tmp_path / "out"
    assert run_cli("import", "wdi", folder, "--latest", "-o", out).code == 0
    assert load(out / "deu.toml")["profile"]["year"] == 2015


def test_written_profiles_assess(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("import", "wdi", EXTRACT, "--year", "2017", "-o", out).code == 0
    r = run_cli("validate", out, "-q")
    assert r.code == 0, r.err


# ---------------------------------------------------------------------------------------------
# the World Bank wide download
# ---------------------------------------------------------------------------------------------


def test_wide_download(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("import", "wdi", WIDE, "--year", "2017", "--skip-other-economies", "-o", out)
    assert r.code == 0, r.err
    assert r.err.endswith("; 1 other economies left out\n")
    assert sorted(p.name for p in out.iterdir()) == ["deu.toml", "kor.toml"]
    deu = load(out / "deu.toml")
    assert deu["technology"]["rd_intensity_pct"] == {
        "value": 3.0471,
        "year": 2017,
        "source": "World Bank WDI GB.XPD.RSDV.GD.ZS (CC BY 4.0), 2017; "
        "release World Bank WDI last updated 2024-06-28",
    }
    # Korea has no 2017 value in the file: at the fixed year it gets none
    assert "technology" not in load(out / "kor.toml")
    out2 = tmp_path / "out2"
    r = run_cli(
        "import", "wdi", WIDE, "--year", "2017", "--latest", "--skip-other-economies", "-o", out2
    )
    assert r.code == 0, r.err
    assert load(out2 / "kor.toml")["technology"]["rd_intensity_pct"]["value"] == 3.98704
    assert load(out2 / "kor.toml")["technology"]["rd_intensity_pct"]["year"] == 2016


def test_release_option_names_the_release(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = extract(tmp_path, {"gb_xpd_rsdv_gd_zs": "deu,2017,3.0471\n"}, provenance=False)
    out = tmp_path / "out"
    r = run_cli("import", "wdi", folder, "--year", "2017", "-o", out)
    assert r.code == 2
    assert "no release known for GB.XPD.RSDV.GD.ZS" in r.err
    assert not out.exists()
    r = run_cli("import", "wdi", folder, "--year", "2017", "--release", "WDI 2019-07-01", "-o", out)
    assert r.code == 0, r.err
    assert load(out / "deu.toml")["technology"]["rd_intensity_pct"]["source"].endswith(
        "; release WDI 2019-07-01"
    )


# ---------------------------------------------------------------------------------------------
# bad input: exit 2, one line naming file and line, nothing written
# ---------------------------------------------------------------------------------------------

WIDE_TEXT = WIDE.read_text(encoding="utf-8-sig")
WIDE_LINES = WIDE_TEXT.splitlines()

BAD_LONG = {
    "wrong-header": ("economy,yr,gb_xpd_rsdv_gd_zs\ndeu,2017,3.0\n", 1, "wrong header"),
    "non-numeric": (
        "economy,year,gb_xpd_rsdv_gd_zs\ndeu,2016,2.9\ndeu,2017,n/a\n",
        3,
        'not a number: "n/a"',
    ),
    "empty-value": ("economy,year,gb_xpd_rsdv_gd_zs\ndeu,2017,\n", 2, 'not a number: ""'),
    "nan": ("economy,year,gb_xpd_rsdv_gd_zs\ndeu,2017,nan\n", 2, "not a finite number"),
    "unknown-indicator": (
        "economy,year,xx_not_wdi\ndeu,2017,3.0\n",
        1,
        'unknown indicator "xx_not_wdi"',
    ),
    "unknown-economy": (
        "economy,year,gb_xpd_rsdv_gd_zs\ndeu,2017,3.0\ntwn,2017,3.3\n",
        3,
        'unknown economy "twn"',
    ),
    "duplicate": (
        "economy,year,gb_xpd_rsdv_gd_zs\ndeu,2017,3.0\nkor,2017,4.5\ndeu,2017,3.1\n",
        4,
        "duplicate row: GB.XPD.RSDV.GD.ZS for deu in 2017 was already read at ",
    ),
    "year-outside": (
        "economy,year,gb_xpd_rsdv_gd_zs\ndeu,1850,3.0\n",
        2,
        "year 1850 is outside 1960–2100",
    ),
    "year-not-a-year": ("economy,year,gb_xpd_rsdv_gd_zs\ndeu,20x7,3.0\n", 2, 'not a year: "20x7"'),
    "too-many-fields": (
        "economy,year,gb_xpd_rsdv_gd_zs\ndeu,2017,3,0\n",
        2,
        "4 fields, expected 3",
    ),
    "not-wdi": ("name,value\nx,1\n", 1, "not a WDI file"),
    "out-of-range": (
        "economy,year,gb_xpd_rsdv_gd_zs\ndeu,2017,-3.0\n",
        2,
        "technology.rd_intensity_pct = -3 is outside its range 0–100",
    ),
}

BAD_WIDE = {
    "wide-truncated-row": (
        "\n".join(WIDE_LINES[:5] + [WIDE_LINES[5][:150]]) + "\n",
        6,
        "truncated row",
    ),
    "wide-cut-without-line-break": (
        "\n".join(WIDE_LINES[:5] + [WIDE_LINES[5][:120]]),
        6,
        "truncated row",
    ),
    "wide-cut-at-a-comma": (
        "\n".join(WIDE_LINES[:6]) + "\n" + WIDE_LINES[7],
        7,
        "the last line has no line break",
    ),
    "wide-only-preamble": (
        "\n".join(WIDE_LINES[:3]) + "\n",
        3,
        "truncated: the file ends before the header",
    ),
    "wide-wrong-header": (
        "\n".join(WIDE_LINES[:4] + [WIDE_LINES[4].replace("Country Code", "Code")] + WIDE_LINES[5:])
        + "\n",
        5,
        "wrong header",
    ),
    "wide-non-numeric": (
        "\n".join(WIDE_LINES[:5] + [WIDE_LINES[5].replace('"3.0471"', '"3,0471"')]) + "\n",
        6,
        'not a number: "3,0471"',
    ),
    "wide-text-value": (
        "\n".join(WIDE_LINES[:5] + [WIDE_LINES[5].replace('"3.0471"', '"3.0471*"')]) + "\n",
        6,
        'not a number: "3.0471*"',
    ),
    "wide-unknown-economy": (WIDE_TEXT, 7, 'unknown economy "WLD"'),
    "wide-unknown-indicator": (
        "\n".join(WIDE_LINES[:5] + [WIDE_LINES[5].replace('"GB.XPD.RSDV.GD.ZS"', '"XX.NOT.WDI"')])
        + "\n",
        6,
        'unknown indicator "XX.NOT.WDI"',
    ),
    "wide-year-outside": (
        "\n".join(WIDE_LINES[:4] + [WIDE_LINES[4].replace('"1960"', '"1850"')] + WIDE_LINES[5:])
        + "\n",
        5,
        "year 1850 is outside 1960–2100",
    ),
}


@pytest.fixture
def existing_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.toml").write_text("# the user's file\n", encoding="utf-8")
    return out


def _untouched(out: Path) -> None:
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith((".out", "out"))) == [
        "out"
    ], "a temporary directory was left behind"
    assert [p.name for p in out.iterdir()] == ["keep.toml"]
    assert (out / "keep.toml").read_text(encoding="utf-8") == "# the user's file\n"


def _one_error_line(r: Run, path: Path, line: int, message: str) -> None:
    assert r.code == 2, (r.code, r.err)
    assert r.out == ""
    assert r.err.count("\n") == 1 and "Traceback" not in r.err, r.err
    assert r.err.startswith(f"hemscore: error: {path}:{line}: "), r.err
    assert message in r.err, r.err


@pytest.mark.parametrize("case", sorted(BAD_LONG))
def test_bad_long_form(
    case: str, run_cli: Callable[..., Run], tmp_path: Path, existing_out: Path
) -> None:
    text, line, message = BAD_LONG[case]
    folder = tmp_path / "wdi"
    folder.mkdir()
    # a good file first: the bad one must stop everything, not only itself
    (folder / "a_good.csv").write_text(
        "economy,year,tx_val_tech_mf_zs\ndeu,2017,15.8\n", encoding="utf-8"
    )
    (folder / "provenance.tsv").write_text(PROVENANCE, encoding="utf-8")
    bad = folder / "b_bad.csv"
    bad.write_text(text, encoding="utf-8")
    r = run_cli(
        "import", "wdi", folder, "--year", "2017", "--release", "r1", "-o", existing_out, "--force"
    )
    _one_error_line(r, bad, line, message)
    _untouched(existing_out)


@pytest.mark.parametrize("case", sorted(BAD_WIDE))
def test_bad_wide_download(
    case: str, run_cli: Callable[..., Run], tmp_path: Path, existing_out: Path
) -> None:
    text, line, message = BAD_WIDE[case]
    bad = tmp_path / "API_bad.csv"
    bad.write_text(text, encoding="utf-8", newline="")
    r = run_cli("import", "wdi", bad, "--year", "2017", "-o", existing_out, "--force")
    _one_error_line(r, bad, line, message)
    _untouched(existing_out)


def test_duplicate_across_files(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = extract(tmp_path, {"gb_xpd_rsdv_gd_zs": "deu,2017,3.0471\n"})
    out = tmp_path / "out"
    r = run_cli(
        "import", "wdi", folder, WIDE, "--year", "2017", "--skip-other-economies", "-o", out
    )
    _one_error_line(r, WIDE, 6, f"was already read at {folder / 'gb_xpd_rsdv_gd_zs.csv'}:2")
    assert not out.exists()


def test_existing_output_needs_force(
    run_cli: Callable[..., Run], tmp_path: Path, existing_out: Path
) -> None:
    folder = extract(tmp_path, {"gb_xpd_rsdv_gd_zs": "deu,2017,3.0471\n"})
    r = run_cli("import", "wdi", folder, "--year", "2017", "-o", existing_out)
    assert r.code == 2
    assert r.err == f"hemscore: error: {existing_out}: already exists (use --force to replace it)\n"
    _untouched(existing_out)
    r = run_cli("import", "wdi", folder, "--year", "2017", "-o", existing_out, "--force")
    assert r.code == 0, r.err
    assert sorted(p.name for p in existing_out.iterdir()) == ["deu.toml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "wdi"]


def test_year_or_latest_is_required(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    r = run_cli("import", "wdi", EXTRACT, "-o", tmp_path / "out")
    assert r.code == 2
    assert r.err == "hemscore: error: give --year YEAR (values of that year), or --latest\n"
    assert not (tmp_path / "out").exists()


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.toml").write_text("# the user's file\n", encoding="utf-8")
    written = []
    real = Path.write_text

    def failing(self: Path, *args: object, **kwargs: object) -> int:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(WdiError, match="cannot write: No space left on device"):
        write_profiles({"a.toml": "a", "b.toml": "b", "c.toml": "c"}, out, force=True)
    monkeypatch.undo()
    _untouched(out)


# ---------------------------------------------------------------------------------------------
# the year choice as a law
# ---------------------------------------------------------------------------------------------


def test_the_window_is_the_profile_year_and_the_ten_before() -> None:
    assert DATA_WINDOW_YEARS == 10
    assert list(window(2019)) == list(range(2009, 2020))
    assert in_window(2009, 2019) and not in_window(2008, 2019) and not in_window(2020, 2019)


@given(
    years=st.sets(st.integers(2000, 2025), min_size=1, max_size=12),
    year=st.integers(2005, 2022),
    latest=st.booleans(),
)
def test_the_chosen_value_is_the_latest_allowed(years: set[int], year: int, latest: bool) -> None:
    table = load_table(metrics=builtin_catalogue())
    data = WdiData()
    for y in years:
        data.rows[("GB.XPD.RSDV.GD.ZS", "deu", y)] = Observation(float(y - 2000), "f", 1, "r")
    docs = build_profiles(data, table, builtin_catalogue(), Choice(year, latest))
    allowed = [y for y in years if (in_window(y, year) if latest else y == year)]
    entry = docs["deu"].get("technology", {}).get("rd_intensity_pct")
    if not allowed:
        assert entry is None
    else:
        assert entry is not None and entry["year"] == max(allowed) <= year
        assert entry["value"] == float(max(allowed) - 2000)


def test_cli_start_up_does_not_import_the_importer() -> None:
    """Other commands do not pay for `import`: it is registered only when asked for."""
    import subprocess
    import sys

    code = (
        "import sys; from hemscore.cli.app import run; run(['rules', '--format', 'json']); "
        "print('hemscore.importers.wdi' in sys.modules, 'hemscore.cli.importing' in sys.modules)"
    )
    env = {**os.environ, "HEMSCORE_NO_CACHE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False False"


# ---------------------------------------------------------------------------------------------
# catalogue v2: the derived measures, checked by hand against the CSV rows
# ---------------------------------------------------------------------------------------------


def test_derived_measures_at_the_reference_year(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run_cli("import", "wdi", EXTRACT, "--year", "2017", "-o", out).code == 0
    chn = load(out / "chn.toml")
    # bx_gsr_royl_cd.csv "chn,2017,4803034260.13…" ÷ bm_gsr_royl_cd.csv "chn,2017,28746479819.35…"
    # = 0.16708… -> 0.1671
    ratio = chn["technology"]["ip_receipts_payments_ratio"]
    assert ratio == {
        "value": 0.1671,
        "year": 2017,
        "source": "World Bank WDI BX.GSR.ROYL.CD ÷ BM.GSR.ROYL.CD (CC BY 4.0), 2017; releases "
        f"{DDF}@d6e7b9d198 (BX.GSR.ROYL.CD), @b95468426f (BM.GSR.ROYL.CD)",
    }
    # ip_pat_resd.csv "chn,2017,1245709", ip_pat_nres.csv "chn,2017,135885":
    # 100 × 1245709 ÷ 1381594 = 90.16462… -> 90.1646
    assert chn["technology"]["resident_patent_share_pct"]["value"] == 90.1646
    # nv_mnf_tech_zs_un.csv "chn,2017,41.4512685201"; nv_ind_manf_zs.csv "chn,2017,28.1089368716"
    assert chn["technology"]["medium_high_tech_mva_pct"]["value"] == 41.4512685201
    assert chn["policy"]["manufacturing_value_added_pct"]["value"] == 28.1089368716
    # tx_val_tech_cd.csv "chn,2015,652237382663", "chn,2016,594551851891", "chn,2017,654187610235"
    series = chn["exports"]["high_tech_export_value_series"]
    assert series["value"]["2015"] == 652.2374
    assert series["value"]["2016"] == 594.5519
    assert series["value"]["2017"] == 654.1876
    assert min(series["value"]) == "2007" and max(series["value"]) == "2017"
    assert series["year"] == 2017
    assert series["source"].startswith(
        "World Bank WDI TX.VAL.TECH.CD in billions of current US$ (CC BY 4.0), 2007–2017; "
    )
    deu = load(out / "deu.toml")
    # 31302945582.499 ÷ 14366177566.1857 = 2.17893…; 100 × 47785 ÷ (47785 + 19927) = 70.57095…
    assert deu["technology"]["ip_receipts_payments_ratio"]["value"] == 2.1789
    assert deu["technology"]["resident_patent_share_pct"]["value"] == 70.5709
    # Slovenia has no 2017 patent rows, Saudi Arabia no royalty rows: no value, none invented
    assert "resident_patent_share_pct" not in load(out / "svn.toml")["technology"]
    assert "ip_receipts_payments_ratio" not in load(out / "sau.toml")["technology"]


def test_derived_measures_take_both_inputs_from_one_year(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    r = run_cli("import", "wdi", EXTRACT, "--year", "2019", "--latest", "-o", out)
    assert r.code == 0, r.err
    chn = load(out / "chn.toml")
    # residents' filings run to 2019 but non-residents' only to 2018: both of 2018,
    # 100 × 1393815 ÷ (1393815 + 148187) = 90.38999… -> 90.39
    share = chn["technology"]["resident_patent_share_pct"]
    assert (share["value"], share["year"]) == (90.39, 2018)
    # 6604705952.40 ÷ 34370466477.86 = 0.19216… (2019)
    ratio = chn["technology"]["ip_receipts_payments_ratio"]
    assert (ratio["value"], ratio["year"]) == (0.1922, 2019)
    # China's high-tech export value ends in 2017 (no 2018 row): within 2015–2019
    assert chn["exports"]["high_tech_export_value_series"]["year"] == 2017


def test_the_mapping_names_catalogue_metrics_only() -> None:
    table = load_table(metrics=builtin_catalogue())
    mapped = {s.metric for s in table.indicators.values() if s.metric} | set(table.derived)
    assert mapped == {
        "technology.rd_intensity_pct",
        "talent.researchers_per_million",
        "exports.high_tech_pct",
        "exports.medium_high_tech_pct",
        "technology.medium_high_tech_mva_pct",
        "policy.manufacturing_value_added_pct",
        "technology.ip_receipts_payments_ratio",
        "technology.resident_patent_share_pct",
        "exports.high_tech_export_value_series",
    }
    assert len(table.economies) == 44


def test_output_never_replaces_an_input(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = extract(tmp_path, {"gb_xpd_rsdv_gd_zs": "deu,2017,3.0471\n"})
    before = sorted(p.name for p in folder.iterdir())
    for out in (folder, tmp_path):
        r = run_cli("import", "wdi", folder, "--year", "2017", "-o", out, "--force")
        assert r.code == 2
        assert r.err == (
            f"hemscore: error: {out}: would replace the input {folder}: write elsewhere\n"
        )
    assert sorted(p.name for p in folder.iterdir()) == before
    r = run_cli("import", "panel", "--data", folder, "-o", tmp_path)
    assert r.code == 2 and "would replace the input" in r.err


def test_line_numbers_count_line_breaks_only(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    """A Unicode line separator inside a value does not shift the line named."""
    folder = tmp_path / "wdi"
    folder.mkdir()
    bad = folder / "gb_xpd_rsdv_gd_zs.csv"
    bad.write_text(
        "economy,year,gb_xpd_rsdv_gd_zs\r\ndeu,2016,2.9\u2028\r\ndeu,2017,x\r\n", encoding="utf-8"
    )
    r = run_cli("import", "wdi", folder, "--year", "2017", "--release", "r", "-o", tmp_path / "o")
    assert r.code == 2
    assert r.err == f'hemscore: error: {bad}:3: not a number: "x"\n'


def test_a_year_with_no_values_writes_nothing(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("import", "wdi", EXTRACT, "--year", "2030", "-o", out)
    assert r.code == 2
    assert r.err == (
        "hemscore: error: no mapped indicator has values of 2030 in the files: nothing written\n"
    )
    assert not out.exists()
