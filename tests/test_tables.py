"""Spreadsheets to profiles and back: `import table` (core) and `export`, round trips included.

The sheet of 30 Chinese provinces is written by this file: its values are invented for the
test and say so in every source.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hemscore.base.errors import HemscoreError
from hemscore.engine.loader import load_profile
from hemscore.importers.tables import (
    Table,
    TableErrors,
    column_letter,
    export_csv,
    export_rows,
    export_xlsx,
    file_name,
    import_table,
    read_table,
)
from hemscore.model.profile import Profile
from hemscore.model.rules import load_ruleset
from tests.conftest import EXAMPLES, Run

RULESET = load_ruleset()
FIXTURE_SOURCE = "test fixture: invented value, not data"

PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "宁夏", "新疆",
]  # fmt: skip

HEADER = [
    "name",
    "kind",
    "year",
    "country",
    "研发投入强度",  # a metric by its Chinese title
    "研发投入强度.year",
    "technology.rd_intensity_pct.source",
    "High-technology exports",  # by its English title
    "researchers_per_million",  # by its key alone
    "cluster.information_platform",
    "cluster.firm_count",
    "exports.destination_shares[US]",
    "exports.destination_shares[EU]",
    "exports.destination_shares[other]",
    "exports.new_product_sales_series[2020]",
    "exports.new_product_sales_series[2021]",
    "exports.new_product_sales_series[2022]",
    "waiver.CL-01",
]


def province_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [HEADER]
    for i, name in enumerate(PROVINCES):
        us = 10 + i % 7
        eu = 20 + i % 5
        rows.append(
            [
                name,
                "region",
                2022,
                "CN",
                round(0.8 + i * 0.11, 2),
                2022 if i % 3 else 2021,
                FIXTURE_SOURCE,
                round(5 + i * 0.9, 1),
                1000 + 97 * i,
                "true" if i % 2 else "false",
                100 + 13 * i,
                us,
                eu,
                100 - us - eu,
                10 + i,
                11 + i,
                9 + i,
                "test fixture: no cluster data for a whole province" if i == 4 else "",
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append([None if c == "" else c for c in row])
    book.save(path)
    return path


def same_profile(a: Profile, b: Profile) -> None:
    assert (a.name, a.kind, a.year, a.country, a.description) == (
        b.name,
        b.kind,
        b.year,
        b.country,
        b.description,
    )
    assert a.waivers == b.waivers
    assert a.values.keys() == b.values.keys()
    for k, v in a.values.items():
        w = b.values[k]
        assert (v.value, v.year, v.source, v.note) == (w.value, w.year, w.source, w.note), k


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_file_names_keep_any_script() -> None:
    assert file_name("内蒙古", 2022) == "内蒙古-2022.toml"
    assert (
        file_name("Baden-Württemberg / Stuttgart", 2021) == "baden-württemberg-stuttgart-2021.toml"
    )
    assert file_name("../..", 2020) == "profile-2020.toml"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_thirty_provinces_import_assess_export_reimport(tmp_path: Path, kind: str) -> None:
    rows = province_rows()
    path = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"provinces.{kind}", rows)
    got = import_table(read_table(path), RULESET.metrics, default_source=FIXTURE_SOURCE)
    assert [g.name for g in got] == PROVINCES
    beijing = got[0].profile
    assert beijing.kind == "region" and beijing.year == 2022
    rd = beijing.values["technology.rd_intensity_pct"]
    assert (rd.value, rd.year, rd.source) == (0.8, 2021, FIXTURE_SOURCE)
    ht = beijing.values["exports.high_tech_pct"]
    assert (ht.value, ht.year, ht.source) == (5.0, None, FIXTURE_SOURCE)
    assert beijing.values["cluster.information_platform"].value is False
    assert beijing.values["cluster.firm_count"].value == 100
    assert beijing.values["exports.destination_shares"].value == {
        "US": 10.0,
        "EU": 20.0,
        "other": 70.0,
    }
    assert beijing.values["exports.new_product_sales_series"].value == {
        2020: 10.0,
        2021: 11.0,
        2022: 9.0,
    }
    assert got[4].profile.waivers == {"CL-01": "test fixture: no cluster data for a whole province"}
    # every imported text is a profile the loader reads back as the same profile
    for g in got:
        same_profile(load_profile(g.text, RULESET.metrics, name="x.toml"), g.profile)
    # export, import again: the same profiles
    table = export_rows([g.profile for g in got], RULESET.metrics)
    if kind == "csv":
        again_path = tmp_path / "again.csv"
        again_path.write_text(export_csv(table), encoding="utf-8")
    else:
        again_path = tmp_path / "again.xlsx"
        again_path.write_bytes(export_xlsx(table))
    again = import_table(read_table(again_path), RULESET.metrics)
    assert len(again) == 30
    for a, b in zip(got, again, strict=True):
        same_profile(a.profile, b.profile)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_examples_round_trip_through_csv(tmp_path: Path, example: str) -> None:
    original = load_profile(str(EXAMPLES / example), RULESET.metrics)
    text = export_csv(export_rows([original], RULESET.metrics))
    path = tmp_path / "one.csv"
    path.write_text(text, encoding="utf-8")
    (back,) = import_table(read_table(path), RULESET.metrics)
    same_profile(original, back.profile)


def test_five_bad_cells_are_all_reported_with_row_and_column(tmp_path: Path) -> None:
    rows = province_rows()
    rows[2][4] = "lots"  # row 3, column E: not a number
    rows[5][7] = 140  # row 6, column H: a percentage over 100
    rows[9][9] = "maybe"  # row 10, column J: not true or false
    rows[12][10] = 12.5  # row 13, column K: not a whole number
    rows[20][5] = "last year"  # row 21, column F: not a year
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(TableErrors) as exc:
        import_table(read_table(path), RULESET.metrics)
    lines = exc.value.lines()
    assert len(lines) == 5
    assert lines[0].startswith(f"{path}:3:E: technology.rd_intensity_pct: expected a number")
    assert lines[1].startswith(f"{path}:6:H: exports.high_tech_pct: must be at most 100")
    assert lines[2].startswith(f"{path}:10:J: cluster.information_platform: expected true or false")
    assert lines[3].startswith(f"{path}:13:K: cluster.firm_count: expected a whole number")
    assert lines[4].startswith(f"{path}:21:F: technology.rd_intensity_pct: expected a number")


def test_header_problems(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "h.csv",
        [["name", "year", "rd_intensty_pct", "exports.high_tech_pct[x]"], ["A", 2020, 1, 2]],
    )
    with pytest.raises(TableErrors) as exc:
        import_table(read_table(path), RULESET.metrics)
    lines = exc.value.lines()
    assert (
        f'{path}:1:C: unknown column "rd_intensty_pct" (did you mean "rd_intensity_pct"?)' in lines
    )
    assert any(":1:D: exports.high_tech_pct is a single value" in x for x in lines)
    assert f'{path}:1: no "kind" column (wide layout: name, kind, year, metrics…)' in lines


def test_long_layout(tmp_path: Path) -> None:
    rows = [
        ["profile", "metric", "value", "year", "source", "label"],
        ["Shenzhen", "kind", "region", "", "", ""],
        ["Shenzhen", "year", 2023, "", "", ""],
        ["Shenzhen", "研发投入强度", 5.8, 2023, "test fixture", ""],
        ["Shenzhen", "exports.destination_shares", 60, 2023, "test fixture", "Asia"],
        ["Shenzhen", "exports.destination_shares", 40, 2023, "test fixture", "rest"],
        ["Shenzhen", "waiver.CL-01", "not a cluster", "", "", ""],
    ]
    path = write_csv(tmp_path / "long.csv", rows)
    (one,) = import_table(read_table(path), RULESET.metrics)
    p = one.profile
    assert (p.name, p.kind, p.year) == ("Shenzhen", "region", 2023)
    assert p.values["technology.rd_intensity_pct"].value == 5.8
    assert p.values["exports.destination_shares"].value == {"Asia": 60.0, "rest": 40.0}
    assert p.waivers == {"CL-01": "not a cluster"}
    rows.append(["Shenzhen", "研发投入强度", 6.0, 2023, "again", ""])
    path = write_csv(tmp_path / "dup.csv", rows)
    with pytest.raises(TableErrors) as exc:
        import_table(read_table(path), RULESET.metrics)
    assert exc.value.lines() == [f"{path}:8:B: a second row for technology.rd_intensity_pct"]


def test_formula_guard_survives_the_round_trip(tmp_path: Path) -> None:
    rows = [["name", "kind", "year", "exports.high_tech_pct", "exports.high_tech_pct.source"]]
    rows.append(["=HYPERLINK(1)", "region", 2022, 10, "-1 says the source\r=1+1"])
    path = write_csv(tmp_path / "f.csv", rows)
    (one,) = import_table(read_table(path), RULESET.metrics)
    out = export_csv(export_rows([one.profile], RULESET.metrics))
    for line in io.StringIO(out, newline="").read().split("\n"):
        assert not line.startswith(("=", "+", "-", "@"))
    data = list(csv.reader(io.StringIO(out, newline="")))
    source = data[0].index("exports.high_tech_pct.source")
    assert data[1][0] == "'=HYPERLINK(1)" and data[1][source] == "'-1 says the source\r'=1+1"
    again = tmp_path / "g.csv"
    again.write_text(out, encoding="utf-8")
    (back,) = import_table(read_table(again), RULESET.metrics)
    same_profile(one.profile, back.profile)


def test_empty_and_unreadable_tables(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(TableErrors) as exc:
        import_table(read_table(empty), RULESET.metrics)
    assert exc.value.lines() == [
        f"{empty}:1: the table is empty: expected a header row and data rows"
    ]
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(HemscoreError, match="not an XLSX workbook"):
        read_table(broken)
    assert Table("x", []).header == []


def test_export_command(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    r = run_cli("export", str(EXAMPLES / "china-2022.toml"), str(EXAMPLES / "japan-2022.toml"))
    assert r.code == 0, r.err
    data = list(csv.reader(io.StringIO(r.out, newline="")))
    assert [row[0] for row in data] == ["name", "China", "Japan"]
    col = data[0].index("technology.rd_intensity_pct")
    assert data[1][col] == "2.56"
    out = tmp_path / "p.xlsx"
    r = run_cli("export", str(EXAMPLES), "--format", "xlsx", "-o", str(out))
    assert r.code == 0, r.err
    assert len(import_table(read_table(out), RULESET.metrics)) == 6
    r = run_cli("export", str(EXAMPLES), "--format", "xlsx")
    assert r.code == 2 and "give --output" in r.err


def test_import_table_command_round_trip(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    sheet = write_xlsx(tmp_path / "provinces.xlsx", province_rows())
    out = tmp_path / "provinces"
    r = run_cli("import", "table", str(sheet), "-o", str(out), "--source", FIXTURE_SOURCE)
    assert r.code == 0, r.err
    files = sorted(out.glob("*.toml"))
    assert len(files) == 30 and (out / "内蒙古-2022.toml").exists()
    assert run_cli("validate", str(out), "-q").code == 0
    assessed = run_cli("assess", str(out), "--format", "jsonl", "-q")
    assert assessed.code == 0 and assessed.out.count("\n") == 30
    exported = tmp_path / "again.csv"
    assert run_cli("export", str(out), "-o", str(exported)).code == 0
    again = tmp_path / "again"
    assert run_cli("import", "table", str(exported), "-o", str(again)).code == 0
    for f in files:
        same_profile(
            load_profile(str(f), RULESET.metrics),
            load_profile(str(again / f.name), RULESET.metrics),
        )


def test_import_table_writes_nothing_on_a_problem(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    rows = province_rows()
    for i in (2, 6, 10, 14, 18):
        rows[i][4] = "n/a"  # column E of five rows
    path = write_csv(tmp_path / "bad.csv", rows)
    out = tmp_path / "out"
    r = run_cli("import", "table", str(path), "-o", str(out))
    assert r.code == 2
    lines = r.err.splitlines()
    assert lines == [
        f'hemscore: error: {path}:{i + 1}:E: technology.rd_intensity_pct: expected a number, got "n/a"'
        for i in (2, 6, 10, 14, 18)
    ]
    assert not out.exists()
    assert run_cli("import", "table", str(path), "--check").code == 2
    assert run_cli("import", "table", str(path)).code == 2  # neither --output nor --check


def test_xlsx_without_openpyxl_says_how_to_install(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    sheet = write_xlsx(tmp_path / "p.xlsx", province_rows())
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    r = run_cli("import", "table", str(sheet), "--check")
    assert r.code == 2
    assert r.err == (
        f"hemscore: error: {sheet}: reading XLSX needs openpyxl: pip install 'hemscore[xlsx]'\n"
    )
    csv_path = write_csv(tmp_path / "p.csv", province_rows())
    r = run_cli("import", "table", str(csv_path), "--check")
    assert r.code == 0, r.err
