"""Text from a file, made safe for where it goes.

Profiles, rule files and JSON assessments are written by people hemscore does not know, so
every string read from them (names, sources, keys, waiver reasons, rule titles, file names) is
hostile until it is escaped for its destination. One function per destination:

- :func:`terminal` — a terminal report: every C0 and C1 control character, DEL, and the
  invisible Unicode controls that reorder or split text (bidirectional overrides, line and
  paragraph separators) are shown as ``\\x1b``-style escapes, so an escape sequence (CSI, OSC 52
  clipboard writes, OSC 8 links) cannot reach the terminal; tab, CR and LF become spaces.
- :func:`one_line` — one line of a message on stderr: the same, but LF, CR and tab are also
  shown as ``\\n``, ``\\r``, ``\\t``, so a file name or key cannot start a forged line such as
  ``hemscore: error: …`` or ``::error::…``.
- :func:`markdown` — a CommonMark table cell, heading or list item: HTML, links, emphasis and
  code spans are escaped so that a renderer with raw HTML enabled makes no element from the
  text, and line breaks become spaces so a table row or heading is not split.
  :func:`markdown_entities` is the same with ``&<>`` written as entities.
- :func:`xml` — XML or HTML text and attribute values: escaped, with characters XML 1.0 cannot
  carry (NUL, ESC, …) shown as escapes, so the document stays well-formed.
- :func:`json_text` — encoded JSON: characters that JSON may leave raw but a terminal would
  act on (DEL, C1 controls, line and paragraph separators) written as ``\\uXXXX`` escapes; the
  decoded data is unchanged.

- :func:`csv_cell` and :func:`csv_quoted` — a CSV cell: text a spreadsheet would run as a
  formula gets a leading apostrophe (also after a line break inside the cell, for readers that
  split lines before quotes), other controls than CR and LF are shown as escapes, and a cell
  holding a comma, a quote, CR or LF is quoted. :func:`formula_guard` is the guard alone (XLSX),
  :func:`csv_unguard` takes it off again when a table is read back.
- :func:`html` — HTML text and attribute values: what a reader sees of the text as in a
  terminal report (:func:`html_shown`), then ``<>&"'`` escaped.
- :func:`github_data` and :func:`github_property` — a GitHub Actions workflow command's
  message and property values.

Pure and import-light: only :mod:`re` (and :func:`functools.cache`).
"""

from __future__ import annotations

import re
from functools import cache

#: Characters a terminal may act on or that hide or reorder text: C0 controls, DEL, C1
#: controls, bidirectional embeddings, overrides and isolates, line and paragraph separators,
#: and the byte-order mark.
UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


# The patterns are compiled the first time a run uses them: a run pays only for the ones its
# output needs (a JSON report, for one, never escapes Markdown or workflow commands).
@cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(f"[{UNSAFE}]")


@cache
def _spaces() -> re.Pattern[str]:
    return re.compile("\r\n|[\t\n\r]")


@cache
def _command() -> re.Pattern[str]:
    return re.compile(f"(?:^|(?<=[\\s{UNSAFE}]))::")


@cache
def _md_punct() -> re.Pattern[str]:
    """What CommonMark reads as markup inside a line: HTML tags and autolinks (``<``), an
    entity (``&`` before ``name;`` or ``#123;``), links and images (``[``), emphasis, code
    spans, strikethrough, table pipes, and the backslash itself. ``!`` and ``#`` need no escape
    mid-line once ``[`` is escaped."""
    return re.compile(r"([\\`*_\[\]<>|~])|&(?=#?\w+;)")


@cache
def _json_raw() -> re.Pattern[str]:
    return re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character :func:`terminal` or :func:`one_line` would change."""
    return _unsafe().search(text) is not None


def terminal(text: object) -> str:
    """``text`` for a terminal report: controls shown as escapes, tab/CR/LF as spaces.

    A word that starts with ``::`` gets a backslash: a report wrapped in a CI log could
    otherwise put it at the start of a line, where GitHub Actions reads a workflow command
    (``::error::…``, ``::add-mask::…``) even after leading spaces.
    """
    s = str(text)
    if "::" in s:
        s = _command().sub(r"\\::", s)
    if _unsafe().search(s) is None:
        return s
    s = _spaces().sub(" ", s)
    return _unsafe().sub(lambda m: _escape(m.group()), s)


def terminal_lines(text: str) -> str:
    """Laid-out terminal text: like :func:`terminal`, but LF (a line break the layout made) is
    kept; every other control is shown as an escape."""
    if _unsafe().search(text) is None:
        return text
    return _unsafe().sub(lambda m: m.group() if m.group() == "\n" else _escape(m.group()), text)


def one_line(text: object) -> str:
    """``text`` as one line of a message: every control (LF, CR and tab too) as an escape."""
    s = str(text)
    if _unsafe().search(s) is None:
        return s
    return _unsafe().sub(lambda m: _escape(m.group()), s)


def markdown(text: object) -> str:
    """``text`` inside a Markdown line (table cell, heading, list item): no markup, one line."""
    s = terminal(text)
    return _md_punct().sub(lambda m: "\\" + m.group(), s)


_MD_ENTITIES = str.maketrans(
    {
        "\\": "\\\\",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
    }
)


def markdown_entities(text: object) -> str:
    """Like :func:`markdown`, in the form the audit report writes: ``&``, ``<`` and ``>`` as
    HTML entities, the other markup characters with a backslash."""
    return terminal(text).translate(_MD_ENTITIES)


def xml(text: object) -> str:
    """``text`` for XML or HTML character data or a quoted attribute value: escaped, with the
    characters XML cannot carry and those a terminal acts on shown as escapes (LF and tab kept).
    """
    s = xml_chars(text)
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def xml_chars(text: object) -> str:
    """``text`` with the characters XML cannot carry (and terminal controls) as escapes.

    For text handed to an XML library that does the ``&``/``<`` escaping itself; LF and tab,
    which XML carries, are kept.
    """
    s = str(text)
    if _unsafe().search(s) is None:
        return s
    return _unsafe().sub(lambda m: m.group() if m.group() in "\n\t" else _escape(m.group()), s)


def json_text(encoded: str) -> str:
    """Encoded JSON with DEL, C1 and invisible Unicode controls written as ``\\uXXXX``.

    JSON requires only C0 controls to be escaped (the encoder does that); the others are valid
    raw but a terminal may act on them. Such characters can only stand inside JSON strings, so
    replacing them by their escapes leaves the decoded data unchanged.
    """
    if _json_raw().search(encoded) is None:
        return encoded
    return _json_raw().sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def csv_text(text: str) -> str:
    """A CSV cell's text: CR and LF kept (the cell is quoted), other controls as escapes."""
    if _unsafe().search(text) is None:
        return text
    return _unsafe().sub(lambda m: m.group() if m.group() in "\r\n" else _escape(m.group()), text)


def needs_csv_quotes(text: str) -> bool:
    """Whether a CSV cell must be quoted: it holds a comma, a quote, CR or LF."""
    return any(c in text for c in ',"\r\n')


#: What a spreadsheet reads as the start of a formula (tab and CR too: some readers strip them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Patterns compiled when first used (by re's cache): JSON output never needs them.
_AFTER_BREAK = "([\r\n])([-=+@])"
_GUARDED_BREAK = "([\r\n])'([-=+@])"


def formula_guard(text: str) -> str:
    """``text`` with an apostrophe before it when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(text: str) -> str:
    """A CSV cell's text before quoting (:func:`csv_quoted`): controls other than CR and LF as
    escapes, and the formula guard, also after each line break inside the cell."""
    s = csv_text(text)
    if "\r" in s or "\n" in s:
        s = re.sub(_AFTER_BREAK, r"\1'\2", s)  # for readers that split lines before quotes
    return formula_guard(s)


def csv_quoted(cell: str) -> str:
    """A cell quoted as CSV needs it (comma, quote, CR or LF), quotes doubled. By hand: the
    csv module leaves a lone CR unquoted when rows end in LF."""
    return '"' + cell.replace('"', '""') + '"' if needs_csv_quotes(cell) else cell


def csv_unguard(text: str) -> str:
    """A cell read back from a table hemscore wrote: the formula guards taken off."""
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    if "'" in text and ("\n" in text or "\r" in text):
        text = re.sub(_GUARDED_BREAK, r"\1\2", text)
    return text


_ASTRAL_NONCHARS = "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17)
)
_NONCHARS = f"\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff{_ASTRAL_NONCHARS}"


@cache
def _nonchar() -> re.Pattern[str]:
    """Code points an HTML document must not hold that :func:`xml_chars` leaves as they are:
    lone surrogates and the noncharacters (compiled when an HTML report first needs it)."""
    return re.compile(f"[{_NONCHARS}]")


@cache
def _html_special() -> re.Pattern[str]:
    """Every character :func:`html` changes: markup, controls, invisible marks, surrogates and
    noncharacters. Text without one (and without ``::``) is written as it is."""
    return re.compile(f"[&<>\"'{UNSAFE}{_NONCHARS}]")


def _code(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"


def html_shown(text: object) -> str:
    """What a reader sees of ``text`` in an HTML page, as in a terminal report
    (:func:`terminal`): controls, invisible direction marks, surrogates and noncharacters
    written as ``\\x1b``/``\\u202e``-style escapes; tab, CR and LF as spaces (HTML shows them
    so anyway, and no line of the file then starts with text from a profile)."""
    return terminal(_nonchar().sub(_code, str(text)))


def html(text: object) -> str:
    """``text`` as HTML text or a quoted attribute value: :func:`html_shown`, then ``<>&"'``
    escaped (as ``html.escape`` with ``quote=True``)."""
    s = str(text)
    if "::" not in s and _html_special().search(s) is None:
        return s  # most text of a report (numbers, ids, titles) has nothing to escape
    return (
        html_shown(s)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def github_data(text: str) -> str:
    """The message part of a GitHub Actions workflow command: ``%``, CR and LF encoded as the
    runner decodes them; other controls as visible escapes."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return one_line(text)


def github_property(text: str) -> str:
    """A property value (``file``, ``title``) of a workflow command."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")
