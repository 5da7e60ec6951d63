"""Laws of hemscore.safe_text: each destination's escaping, on any text."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from hemscore.base.safe_text import (
    UNSAFE,
    csv_cell,
    csv_quoted,
    csv_unguard,
    html,
    html_shown,
    json_text,
    markdown,
    markdown_entities,
    one_line,
    terminal,
    xml,
    xml_chars,
)

_UNSAFE = re.compile(f"[{UNSAFE}]")
#: Text as files bring it: any character, with controls, markup and separators made likely.
HOSTILE = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\x00\x07\x1b\x9b\x7f\r\n\t\u2028\u202e<>&|`*_[]()!#~\\'\":=+-@")),
    ),
    max_size=40,
)


@given(HOSTILE)
def test_one_line_is_one_line_without_controls(s: str) -> None:
    out = one_line(s)
    assert _UNSAFE.search(out) is None and len(out.splitlines()) <= 1


@given(HOSTILE)
def test_terminal_text_has_no_control_and_no_line_start_command(s: str) -> None:
    out = terminal(s)
    assert _UNSAFE.search(out) is None
    assert re.search(r"(^|\s)::", out) is None


@settings(max_examples=300)
@given(HOSTILE)
def test_markdown_reads_back_as_the_terminal_text(s: str) -> None:
    """Inside a paragraph, the escaped text is all text: no element, the same characters."""
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(f"x{markdown(s)}x")
    inline = [t for t in tokens if t.type == "inline"]
    assert len(inline) == 1
    children = inline[0].children or []
    assert {c.type for c in children} <= {"text"}, [c.type for c in children]
    assert "".join(c.content for c in children) == f"x{terminal(s)}x"


@given(HOSTILE)
def test_xml_is_well_formed_and_reads_back(s: str) -> None:
    root = ET.fromstring(f'<a b="{xml(s)}">{xml(s)}</a>')
    expected = xml_chars(s)
    # XML normalises line ends (CR LF, CR -> LF) in text, and white space in attributes
    text_expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    assert (root.text or "") == text_expected
    assert root.get("b") == re.sub("[\t\n\r]", " ", text_expected)


@given(HOSTILE)
def test_json_text_keeps_the_data_and_escapes_terminal_controls(s: str) -> None:
    encoded = json_text(json.dumps({"k": s}, ensure_ascii=False))
    assert json.loads(encoded) == {"k": s}
    assert _UNSAFE.search(encoded) is None


@given(st.lists(HOSTILE, min_size=1, max_size=4))
def test_csv_rows_keep_their_cells_and_no_cell_starts_a_formula(cells: list[str]) -> None:
    from hemscore.render.formats.csv import _cell, row

    text = row(cells)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert len(read) == 1 and read[0] == [_cell(c) for c in cells]
    for cell in read[0]:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
        assert re.search("[\r\n][=+@-]", cell) is None
        assert _UNSAFE.sub("", cell.replace("\r", "").replace("\n", "")) == cell.replace(
            "\r", ""
        ).replace("\n", "")


def test_the_terminal_console_shows_escape_sequences_as_text() -> None:
    """Rich drops BEL, BS, VT, FF and CR from text and passes every other control; the console
    hemscore draws with shows those as escapes."""
    from rich.text import Text

    from hemscore.render.formats import RenderOptions
    from hemscore.render.formats.table import console

    for color in (False, True):
        buf = io.StringIO()
        console(RenderOptions(color=color, width=80), buf).print(
            Text("a\x1b]52;c;SGk=\x07b\x9b2Jc\x00d\u202ee")
        )
        out = buf.getvalue()
        assert "a\\x1b]52;c;SGk=b\\x9b2Jc\\x00d\\u202ee" in out
        assert "\x1b]" not in out and "\x9b" not in out and "\x00" not in out


@given(HOSTILE)
def test_markdown_entities_reads_back_as_the_terminal_text(s: str) -> None:
    """The audit report's form of a Markdown cell: all text, the same characters."""
    tokens = MarkdownIt("commonmark", {"html": True}).parse(f"x{markdown_entities(s)}x")
    children = [c for t in tokens if t.type == "inline" for c in t.children or []]
    assert {c.type for c in children} <= {"text"}, [c.type for c in children]
    assert "".join(c.content for c in children) == f"x{terminal(s)}x"


def test_markdown_entities_escapes_a_backslash() -> None:
    # Unescaped, "a\\|" would end the cell: the backslash escapes the pipe's backslash.
    assert markdown_entities("a\\|b & <c>") == "a\\\\\\|b &amp; &lt;c&gt;"


@given(HOSTILE)
def test_a_csv_cell_reads_back_and_never_starts_a_formula(s: str) -> None:
    cell = csv_cell(s)
    (row,) = list(csv.reader(io.StringIO(csv_quoted(cell) + ",x\n", newline="")))
    assert row == [cell, "x"]
    for line in re.split("[\r\n]", cell):
        assert not line[:1] in ("=", "+", "-", "@"), cell
    assert not cell.startswith(("\t", "\r"))
    if _UNSAFE.sub("", s) == s.replace("\r", "").replace("\n", ""):
        assert csv_unguard(cell) == s  # no control but line ends: the guards come off again


#: Text for an HTML page: any code point (surrogates and noncharacters too), with markup,
#: controls and the ``::`` of a workflow command made likely.
HTML_TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(
            ["\ud800", "\udfff", "\ufdd0", "\ufffe", "\U0001fffe", "\U0010ffff", ":", " "]
        ),
        st.sampled_from(list("\x00\x1b\x9b\x7f\r\n\t\u2028\u202e\ufeff<>&\"'")),
    ),
    max_size=40,
).map("".join)  # text() leaves surrogates and noncharacters out, whatever its alphabet


@settings(max_examples=200)
@given(HTML_TEXT)
def test_html_is_what_a_reader_sees_with_markup_escaped(s: str) -> None:
    # html() returns text that needs nothing as it is; whatever it returns must equal the
    # full treatment: what a reader sees (html_shown), then the five markup characters.
    full = (
        html_shown(s)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )
    assert html(s) == full
    assert not set(html(s)) & set("<>\"'\x00\x1b\u202e\ud800\ufffe\U0001fffe\U0010ffff")
