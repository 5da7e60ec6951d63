"""Hostile text: the corpus in tests/hostile/ through every command and format.

Nothing from a file may reach stdout or stderr as a raw control character, start a line of its
own (a forged ``hemscore: error:`` or ``::error::``), break JSON or XML, or become a Markdown
or HTML element.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from .conftest import ROOT, Run

HOSTILE = ROOT / "tests" / "hostile"
PROFILE = HOSTILE / "profile.toml"
RULES = ["--rules", str(ROOT / "rules"), "--rules", str(HOSTILE / "rules")]
FORMATS = ("table", "json", "jsonl", "csv", "markdown", "junit", "github", "html", "svg")

#: Characters that must never reach a stream raw: C0 (but LF), DEL, C1, bidi controls, LS, PS.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
FORGED = re.compile(r"^\s*(hemscore: error: forged|::error::forged)")


def raw_controls(text: str, allow: str = "") -> list[str]:
    return sorted({repr(c) for c in RAW.findall(text) if c not in allow})


def forged_lines(text: str) -> list[str]:
    # A terminal returns to column 0 on CR as well as LF.
    return [line for line in re.split("\r\n|\r|\n", text) if FORGED.match(line)]


def check_streams(r: Run, *, allow_out: str = "") -> None:
    assert raw_controls(r.out, allow_out) == []
    assert raw_controls(r.err) == []
    assert forged_lines(r.err) == []
    if "\r" not in allow_out:
        assert forged_lines(r.out) == []


def strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def md_tokens(text: str) -> list[str]:
    """Token types markdown-it makes of ``text`` (CommonMark, raw HTML on, tables on)."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    out: list[str] = []
    for tok in md.parse(text):
        out.append(tok.type)
        out += [child.type for child in tok.children or []]
    return out


#: Elements hemscore's own Markdown never makes, so any of them came from file text.
FOREIGN_MD = {"html_inline", "html_block", "link_open", "image", "code_inline", "s_open"}


def check_markdown(text: str) -> None:
    tokens = md_tokens(text)
    assert FOREIGN_MD.isdisjoint(tokens), sorted(FOREIGN_MD & set(tokens))
    if "RED" in text:  # the hostile text is there: its markup must read as text
        plain = "".join(
            child.content
            for tok in MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
            for child in tok.children or []
            if child.type == "text"
        )
        for literal in ("*em*", "<script>", "[l](javascript:alert(1))", "`tick`", "&amp;"):
            assert literal in plain, literal
    # Every table row keeps its header's number of cells: no pipe or line break split one.
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    toks = md.parse(text)
    widths: list[int] = []
    cells = 0
    for tok in toks:
        if tok.type == "tr_open":
            cells = 0
        elif tok.type in ("th_open", "td_open"):
            cells += 1
        elif tok.type == "tr_close":
            widths.append(cells)
        elif tok.type == "table_close":
            assert len(set(widths)) == 1, widths
            widths = []
    # No heading or paragraph line starts with forged text.
    for tok in toks:
        if tok.type == "inline":
            assert not FORGED.match(tok.content), tok.content


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and all(k == "href" and (v or "").startswith("#") for k, v in attrs):
            return  # the HTML report's own links within the page
        self.tags.add(tag)


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_format(fmt: str, out: str) -> None:
    if fmt == "json":
        strict_json(out)
    elif fmt == "jsonl":
        for line in out.splitlines():
            strict_json(line)
    elif fmt in ("junit", "svg"):
        ET.fromstring(out)
    elif fmt == "html":
        assert NOT_XML.search(out) is None
        parser = _Tags()
        parser.feed(out)
        assert parser.tags.isdisjoint({"script", "img", "b", "a"}), parser.tags
    elif fmt == "markdown":
        check_markdown(out)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        width = len(rows[0])
        assert all(len(row) == width for row in rows)
        for row in rows:
            for cell in row:
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or _number(cell)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- item 1: terminal escapes ------------------------------------------------------------------


def test_table_report_shows_no_escape_sequence(run_cli: Callable[..., Run]) -> None:
    for color in ("never", "always"):
        r = run_cli("assess", PROFILE, *RULES, "--detail", "--color", color)
        assert r.code == 0, r.err
        assert "\x1b]" not in r.out and "\x9b" not in r.out and "\x07" not in r.out
        assert "]52;c;SGVsbG8=" in r.out  # the sequence is shown as text
        if color == "never":
            assert "\x1b" not in r.out


def test_analysis_reports_show_no_escape_sequence(run_cli: Callable[..., Run]) -> None:
    china = ROOT / "examples" / "china-2022.toml"
    for args in (
        ("compare", PROFILE, china, *RULES, "--detail"),
        ("plan", PROFILE, "--target", "60", *RULES),
        ("sensitivity", PROFILE, china, "--runs", "20", *RULES),
        ("diff", china, PROFILE, *RULES),
        ("rules", *RULES),
        ("rules", "show", "HX-01", *RULES),
    ):
        r = run_cli(*args, "--color", "always") if args[0] not in ("rules",) else run_cli(*args)
        assert r.code in (0, 1), (args, r.err)
        assert "\x1b]" not in r.out and "\x07" not in r.out and "\x9b" not in r.out, args


# -- item 2: one problem, one stderr line ----------------------------------------------------


BAD_PROFILES = [
    HOSTILE / "bad" / f"{name}-newline.toml" for name in ("key", "section", "value", "waiver")
]


@pytest.mark.parametrize("path", BAD_PROFILES, ids=lambda p: p.stem)
def test_a_hostile_key_or_value_gives_one_line_per_problem(
    run_cli: Callable[..., Run], path: Path
) -> None:
    for command in ("assess", "validate"):
        r = run_cli(command, path)
        assert r.code == 2
        lines = r.err.splitlines()
        assert lines and all(line.startswith("hemscore: error: ") for line in lines), r.err
        assert raw_controls(r.err) == []


def test_a_hostile_file_name_gives_one_line(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    bad = tmp_path / "p\nhemscore: error: forged\r::error::forged\x1b[31m.toml"
    bad.write_text("[profile]\nname = 1\n", encoding="utf-8")
    for command in ("assess", "validate"):
        r = run_cli(command, bad)
        assert r.code == 2
        lines = r.err.splitlines()
        assert lines and all(line.startswith("hemscore: error: ") for line in lines), r.err
        assert raw_controls(r.err) == []
        assert "\\nhemscore: error: forged\\r" in r.err


# -- item 3: CSV ---------------------------------------------------------------------------


def test_csv_quotes_a_cell_with_cr_so_no_formula_starts_a_row(run_cli: Callable[..., Run]) -> None:
    china = ROOT / "examples" / "china-2022.toml"
    for args in (
        ("assess", PROFILE, *RULES, "--format", "csv", "--detail"),
        ("compare", PROFILE, china, *RULES, "--format", "csv"),
    ):
        r = run_cli(*args)
        assert r.code == 0, r.err
        # Read as a spreadsheet would: a CR outside quotes ends a row.
        rows = list(csv.reader(io.StringIO(r.out, newline="")))
        width = len(rows[0])
        assert all(len(row) == width for row in rows), [len(x) for x in rows]
        for row in rows:
            for cell in row:
                assert cell[:1] not in ("=", "+", "@") or _number(cell), cell
        for line in re.split("\r\n|\r|\n", r.out):
            assert not re.match(r"^[=+@]", line), line


# -- item 4: Markdown ------------------------------------------------------------------------


def test_markdown_makes_no_element_from_file_text(run_cli: Callable[..., Run]) -> None:
    china = ROOT / "examples" / "china-2022.toml"
    for args in (
        ("assess", PROFILE, *RULES, "--format", "markdown", "--detail"),
        ("compare", PROFILE, china, *RULES, "--format", "markdown", "--detail"),
        ("plan", PROFILE, "--target", "60", *RULES, "--format", "markdown"),
        ("diff", china, PROFILE, *RULES, "--format", "markdown"),
    ):
        r = run_cli(*args)
        assert r.code in (0, 1), (args, r.err)
        check_markdown(r.out)
        assert "\r" not in r.out


# -- item 5: XML and HTML --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt",
    ["svg", "html", "junit"],
)
def test_xml_formats_are_well_formed_and_carry_no_invalid_character(
    run_cli: Callable[..., Run], fmt: str
) -> None:
    r = run_cli("assess", PROFILE, *RULES, "--format", fmt, "--detail")
    assert r.code == 0, r.err
    assert NOT_XML.search(r.out) is None
    check_format(fmt, r.out)


# -- done when: the whole corpus through every command and format ----------------------------


def test_every_format_and_command_keeps_hostile_text_inert(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    china = ROOT / "examples" / "china-2022.toml"
    for fmt in FORMATS:
        for extra in ((), ("--detail",)):
            r = run_cli("assess", PROFILE, china, *RULES, "--format", fmt, *extra)
            assert r.code == 0, (fmt, r.err)
            check_streams(r, allow_out="\r" if fmt == "csv" else "")
            check_format(fmt, r.out)
    saved = tmp_path / "hostile.json"
    saved.write_text(run_cli("assess", PROFILE, *RULES, "--format", "json").out, encoding="utf-8")
    runs: list[tuple[str, tuple[object, ...]]] = []
    for fmt in ("table", "json", "csv", "markdown"):
        runs.append((fmt, ("compare", PROFILE, china, *RULES, "--detail", "--format", fmt)))
    for fmt in ("table", "json", "markdown"):
        runs.append((fmt, ("plan", PROFILE, "--target", "60", *RULES, "--format", fmt)))
        runs.append((fmt, ("diff", china, PROFILE, *RULES, "--format", fmt)))
        runs.append((fmt, ("diff", saved, china, *RULES, "--format", fmt)))
    for fmt in ("table", "json"):
        runs.append((fmt, ("sensitivity", PROFILE, china, "--runs", "20", *RULES, "--format", fmt)))
        runs.append((fmt, ("rules", *RULES, "--format", fmt)))
        runs.append((fmt, ("rules", "show", "HX-01", *RULES, "--format", fmt)))
    runs.append(("table", ("validate", PROFILE, *RULES)))
    runs.append(("csv", ("export", PROFILE, china, *RULES)))
    for fmt in ("table", "json", "markdown"):
        runs.append((fmt, ("audit", PROFILE, china, china, china, *RULES, "--format", fmt)))
    for fmt, args in runs:
        r = run_cli(*args)
        assert r.code in (0, 1), (args, r.err)
        check_streams(r, allow_out="\r" if fmt == "csv" else "")
        check_format(fmt, r.out)
    for path in sorted((HOSTILE / "bad").glob("*.toml")):
        is_rules = path.name.startswith("rule-")
        for command in ("assess", "validate"):
            args = (
                (command, PROFILE, "--rules", ROOT / "rules", "--rules", path)
                if is_rules
                else (command, path)
            )
            r = run_cli(*args)
            assert r.code == 2, (args, r.out, r.err)
            check_streams(r)
            assert all(line.startswith("hemscore: error: ") for line in r.err.splitlines())
