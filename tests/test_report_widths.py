"""Terminal reports at 60, 80 and 120 columns, in English and Chinese: no value dropped, no column
cut, no word broken, no line too long; a long waiver reason keeps its indent when it wraps.

A report drawn 400 columns wide is the reference: every word of it must appear whole in the
narrow report (words of Chinese text may break between characters, so in Chinese only the words
written in Latin letters and digits are checked: values, ids, units). Box and bar glyphs are not
words.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from .analysis_helpers import fixture
from .conftest import EXAMPLES

C, J, U = (str(EXAMPLES / f"{s}.toml") for s in ("china-2022", "japan-2022", "us-2014"))
REPORTS = {
    "compare": ["compare", C, J, U, "--relative-to", J],
    "compare-detail": ["compare", C, J, U, "--detail"],
    "plan": ["plan", C, "--target", "70"],
    "sensitivity": ["sensitivity", C, J, U, "--seed", "1", "--runs", "50"],
    "diff": ["diff", str(fixture("region-2021.toml")), str(fixture("region-2022.toml"))],
}
GLYPHS = re.compile(r"[\u2500-\u259f]")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _run(run_cli, monkeypatch, width: int, args: list[str], lang: str) -> str:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", str(width))
    r = run_cli(*args, "--lang", lang, "--color", "never")
    assert r.code in (0, 1), r.err
    return r.out


def _words(text: str, lang: str) -> set[str]:
    words = {w for w in text.split() if not GLYPHS.search(w)}
    if lang == "zh":
        words = {w for w in words if not CJK.search(w)}
    return words


def _problems(run_cli, monkeypatch, report: str, wide: str, width: int, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    narrow = _run(run_cli, monkeypatch, width, REPORTS[report], lang)
    found = []
    too_long = [line for line in narrow.splitlines() if cell_len(line) > width]
    if too_long:
        found.append(f"lines longer than {width}: {too_long[:2]}")
    missing = _words(wide, lang) - _words(narrow, lang)
    if missing:
        found.append(f"words lost or broken: {sorted(missing)[:8]}")
    if narrow.count("…") > wide.count("…"):
        found.append("cut short with an ellipsis")
    return [f"{report} at {width} ({lang}): {p}" for p in found]


def test_every_report_at_60_80_120_columns_in_en_and_zh(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the 400-column reference of each report and language, drawn once for its three widths
    wide = {
        (report, lang): _run(run_cli, monkeypatch, 400, REPORTS[report], lang)
        for report in REPORTS
        for lang in ("en", "zh")
    }
    problems = [
        p
        for report in sorted(REPORTS)
        for width in (60, 80, 120)
        for lang in ("en", "zh")
        for p in _problems(run_cli, monkeypatch, report, wide[report, lang], width, lang)
    ]
    assert problems == []


REASON = (
    "chip imports are re-exported after assembly in the bonded zones, so the import share "
    "overstates what the economy itself consumes; see the customs note on processing trade"
)


def test_a_long_waiver_reason_wraps_with_its_indent(run_cli, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "p.toml"
    p.write_text(
        '[profile]\nname = "W"\nkind = "country"\nyear = 2022\n\n[technology]\n'
        "rd_intensity_pct = 2.0\nic_import_share_pct = 14.0\n"
        f'\n[waivers]\nTE-09 = "{REASON}"\n',
        encoding="utf-8",
    )
    for width in (60, 80, 120):
        _check_waiver(_run(run_cli, monkeypatch, width, ["assess", str(p)], "en"))


def _check_waiver(out: str) -> None:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "TE-09" in line and "chip imports" in line)
    column = lines[start].index("chip")
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        block.append(line)
    assert len(block) > 1  # the reason wraps at these widths
    assert " ".join(" ".join(block).split()).startswith(f"TE-09 {REASON}")
    for line in block[1:]:
        assert line[:column].strip() == "", line  # continuation lines keep the reason's indent
