"""Key lines found by a reader that understands TOML: strings (multi-line too), comments,
inline tables and arrays. A line inside a string is never a header or a key."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hemscore.reading.tomlsource import LineIndex

from .conftest import Run

MULTILINE = '''[profile]
name = "M"
kind = "country"
year = 2022
description = """A description over lines,
[technology]
rd_intensity_pct = 99
that quotes a table and a key."""

# [technology] in a comment is no header either
[technology]
note = \'\'\'
core_component_self_sufficiency_pct = 1 \'\'\'
core_component_self_sufficiency_pct = { value = 16.7, year = 2021, source = "a, b = c } {" }
rd_intensity_pct = [
  # an array is no table
] # a comment
'''


def test_key_lines_after_a_multi_line_string() -> None:
    index = LineIndex(MULTILINE)
    assert index.find(["profile", "description"]) == 5
    assert index.find(["technology"]) == 11
    assert index.find(["technology", "core_component_self_sufficiency_pct"]) == 14
    assert index.find(["technology", "core_component_self_sufficiency_pct", "source"]) == 14
    assert index.find(["technology", "rd_intensity_pct"]) == 15


JSON_CASE = '''[profile]
name = "M"
kind = "country"
year = 2022
description = """A description over lines,
[technology]
rd_intensity_pct = 99
that quotes a table and a key."""

# [technology] in a comment
[technology]
ic_import_share_pct = { value = 12.0, source = """two
lines""" }
core_component_self_sufficiency_pct = { value = 16.7, year = 2021, source = "a, b = c } {" }
rd_intensity_pct = 2.0
'''


def test_json_input_line_after_a_multi_line_string(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    p = tmp_path / "p.toml"
    p.write_text(JSON_CASE, encoding="utf-8")
    r = run_cli("assess", p, "--format", "json", "--min-coverage", "0")
    assert r.code == 0, r.err
    lines = {
        rule["id"]: rule["input"]["line"]
        for d in json.loads(r.out)["diagnostics"]
        for rule in d["rules"]
        if rule["input"] is not None
    }
    assert (lines["TE-09"], lines["TE-03"], lines["TE-01"]) == (12, 14, 15)


# -- property: generated TOML, every key at the line it was written on ------------------------

NAMES = st.sampled_from(["a", "b", "c", "d", "e", "key", "x-1", "y_2", "ze"])
TRICKY = st.sampled_from(
    [
        "[t]",
        "[[t]]",
        "k = 1",
        "# c",
        "a = { b = 1 }",
        "'",
        "''",
        '"',
        '""',
        "{",
        "}",
        "[",
        "]",
        ",",
        "=",
        "\\\\",
        "text",
        " ",
    ]
)
TEXT = st.lists(TRICKY, max_size=6).map("".join)
LINES = st.lists(TEXT, min_size=1, max_size=4)


def _basic(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def values(draw: st.DrawFn, path: tuple[str, ...]) -> tuple[list[str], dict[tuple[str, ...], int]]:
    """A value's text lines, and the line (0-based, relative) of every key inside it."""
    kind = draw(
        st.sampled_from(["int", "basic", "literal", "ml_basic", "ml_literal", "inline", "array"])
    )
    if kind == "int":
        return [str(draw(st.integers(-5, 5)))], {}
    if kind == "basic":
        return [_basic(draw(TEXT))], {}
    if kind == "literal":
        text = draw(TEXT).replace("'", "")
        return ["'" + text + "'"], {}
    if kind == "ml_basic":
        body = [line.replace("\\", "\\\\").replace('"', '\\"') for line in draw(LINES)]
        return ['"""' + body[0], *body[1:-1], body[-1] + '"""'] if len(body) > 1 else [
            '"""' + body[0] + '"""'
        ], {}
    if kind == "ml_literal":
        body = [line.replace("'", "") for line in draw(LINES)]
        return ["'''", *body, "'''"], {}
    if kind == "inline":
        keys = draw(st.lists(NAMES, unique=True, max_size=3))
        parts = [f"{k} = {_basic(draw(TEXT))}" for k in keys]
        return ["{ " + ", ".join(parts) + " }"], {(*path, k): 0 for k in keys}
    # an array over several lines, with comments and inline tables
    lines = ["["]
    found: dict[tuple[str, ...], int] = {}
    for i in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            lines.append("  # " + draw(TEXT))
        keys = draw(st.lists(NAMES, unique=True, min_size=1, max_size=2))
        if draw(st.booleans()):
            found |= {(*path, str(i), k): len(lines) for k in keys}
            lines.append("  { " + ", ".join(f"{k} = {_basic(draw(TEXT))}" for k in keys) + " },")
        else:
            lines.append(f"  {_basic(draw(TEXT))},")
    lines.append("]")
    return lines, found


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[tuple[str, ...], int]]:
    """A TOML text and the 1-based line of every key path set in it."""
    out: list[str] = []
    expected: dict[tuple[str, ...], int] = {}
    tables = draw(st.lists(NAMES, unique=True, min_size=1, max_size=4))
    for table in tables:
        if draw(st.booleans()):
            out.append("# [" + draw(TEXT) + "] " + draw(TEXT))
        out.append(f"[{table}]")
        expected[(table,)] = len(out)
        for key in draw(st.lists(NAMES, unique=True, max_size=4)):
            if draw(st.booleans()):
                out.append("")
            lines, inner = draw(values((table, key)))
            start = len(out) + 1
            expected[(table, key)] = start
            expected |= {path: start + offset for path, offset in inner.items()}
            comment = " # " + draw(TEXT) if draw(st.booleans()) else ""
            out += [f"{key} = {lines[0]}", *lines[1:-1]]
            if len(lines) > 1:
                out.append(lines[-1] + comment)
            else:
                out[-1] += comment
    return "\n".join(out) + "\n", expected


# 200 documents of up to 4 tables and 16 keys each, every key in one of the value kinds above
# (multi-line strings, arrays over several lines with inline tables, comments): over a
# thousand keys located per run (about 1,150, table headers aside).
@settings(max_examples=200, deadline=None)
@given(documents())
def test_every_key_is_found_at_its_line(doc: tuple[str, dict[tuple[str, ...], int]]) -> None:
    text, expected = doc
    tomllib.loads(text)  # the generator writes valid TOML
    index = LineIndex(text)
    for path, line in expected.items():
        assert index.find(list(path)) == line, (path, text)
