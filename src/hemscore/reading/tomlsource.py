"""Reading TOML files: text decoding, size limit, and finding the line of a key path.

The parser is tomli, the project the standard library's tomllib comes from, in its compiled
build (the same TOML 1.0 language and messages, in fewer instructions); tomllib stands in if
tomli is missing. Neither gives positions, so the line of a key is found again by a small reader of
the TOML text (:class:`LineIndex`) that knows strings, comments, inline tables and arrays. It
only locates keys (values are skipped); when it cannot tell, the message names the key
without a line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from hemscore.base.errors import HemscoreError

try:
    import tomli as toml_parser
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the same parser
    import tomllib as toml_parser  # type: ignore[no-redef]

#: Largest file hemscore reads, in bytes. Profiles and rule files are a few kilobytes.
MAX_FILE_BYTES = 1_000_000
#: Deepest dotted key or table header accepted (hemscore's own files need four levels).
#: The parser's time grows with the square of a key's depth: 40,000 levels take a minute.
MAX_KEY_DEPTH = 100
#: Key paths are indexed to this depth for messages; deeper keys match a shallower line.
_INDEX_DEPTH = 8
#: A run of dotted key parts (compiled by re's cache when a line has enough dots to need it).
_DOTTED_RUN = r"""(?:(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*)+"""


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file and its text, so errors can point at lines."""

    path: str
    text: str
    data: dict[str, Any]

    def line_of(self, *key_path: str | int) -> int | None:
        """The 1-based line where ``key_path`` is set, or None when it cannot be found."""
        return self._lines.find([str(k) for k in key_path])

    @cached_property
    def _lines(self) -> LineIndex:
        # Built once, on the first message that needs a line: one scan of the text however
        # many problems a file has.
        return LineIndex(self.text)


#: Tokens of the TOML reader behind :class:`LineIndex`.
_SPACE = re.compile(r"[ \t]*")
_GAP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")  # blank space, line breaks and comments
_BARE_KEY = re.compile(r"([A-Za-z0-9_-]+)[ \t]*")  # a bare key part and the blanks after it
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{1,2}(?!"))?', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{1,2}(?!'))?", re.DOTALL)
_SCALAR = re.compile(r"[^,\]}\r\n#]+")


class LineIndex:
    """Where each table header and key of a TOML text is set, by key path.

    The text is read as TOML, not line by line: a line inside a multi-line string or a comment
    is never taken for a header or a key, and keys inside inline tables (``{ value = 1 }``) and
    inside arrays of inline tables (path ``key, INDEX, inner``) are found at their own line.
    Arrays of tables count from 0 (``rules, 3, method``). A key path's line is that of the
    entry matching most of it: a header or key whose path is a prefix of it (or, with equal
    depth, a longer path it is a prefix of); the first such line wins.
    """

    def __init__(self, text: str) -> None:
        self._set: dict[tuple[str, ...], int] = {}  # path set on the line (header, key, inline key)
        self._under: dict[tuple[str, ...], int] = {}  # every prefix of a header's or key's path
        self._text = text
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._arrays: dict[tuple[str, ...], int] = {}  # array of tables -> its last index
        try:
            self._document()
        except (IndexError, ValueError, RecursionError):
            pass  # text that is not valid TOML: keep what was found before the fault

    def _line(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos)

    def _document(self) -> None:
        text, pos = self._text, 0
        table: tuple[str, ...] = ()
        end = len(text)
        while True:
            pos = _GAP.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= end:
                return
            start = pos
            if text[pos] == "[":
                is_array = text.startswith("[[", pos)
                pos = _SPACE.match(text, pos + (2 if is_array else 1)).end()  # type: ignore[union-attr]
                names, pos = self._key(pos)
                if not text.startswith("]]" if is_array else "]", pos):
                    raise ValueError("header")
                pos += 2 if is_array else 1
                table = self._table(names, is_array)
                self._add(table, self._line(start))
                continue
            names, pos = self._key(pos)
            full = (*table, *names)
            self._add(full, self._line(start))
            if text[pos] != "=":
                raise ValueError("key")
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            pos = self._value(pos, full)

    def _table(self, names: list[str], is_array: bool) -> tuple[str, ...]:
        """A header's key path, with the current index of every array of tables in it."""
        path: list[str] = []
        for n, name in enumerate(names):
            path.append(name)
            here = tuple(path)
            if here in self._arrays and (n < len(names) - 1 or not is_array):
                path.append(str(self._arrays[here]))
        if is_array:
            here = tuple(path)
            self._arrays[here] = self._arrays.get(here, -1) + 1
            path.append(str(self._arrays[here]))
        return tuple(path)

    def _key(self, pos: int) -> tuple[list[str], int]:
        """A dotted key at ``pos``: its parts (quoted parts decoded) and the position after it
        and the blanks that follow."""
        text = self._text
        parts: list[str] = []
        while True:
            bare = _BARE_KEY.match(text, pos)
            if bare:
                parts.append(bare.group(1))
                after = bare.end()
            else:
                if text[pos] == '"':
                    m = _BASIC.match(text, pos)
                    if m is None:
                        raise ValueError("key")
                    parts.append(toml_parser.loads("k = " + m.group())["k"])
                elif text[pos] == "'":
                    m = _LITERAL.match(text, pos)
                    if m is None:
                        raise ValueError("key")
                    parts.append(m.group()[1:-1])
                else:
                    raise ValueError("key")
                after = _SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
            if after < len(text) and text[after] == ".":
                pos = _SPACE.match(text, after + 1).end()  # type: ignore[union-attr]
                continue
            return parts, after

    def _value(self, pos: int, path: tuple[str, ...]) -> int:
        """Skip the value at ``pos``, noting the keys inside it; the position after it."""
        text = self._text
        c = text[pos]
        if c == '"' or c == "'":
            pattern = (
                (_ML_BASIC if c == '"' else _ML_LITERAL)
                if text.startswith(c * 3, pos)
                else (_BASIC if c == '"' else _LITERAL)
            )
            m = pattern.match(text, pos)
            if m is None:
                raise ValueError("string")
            return m.end()
        if c == "{":
            pos += 1
            while True:
                pos = _GAP.match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == "}":
                    return pos + 1
                if text[pos] == ",":
                    pos += 1
                    continue
                start = pos
                names, pos = self._key(pos)
                inner = (*path, *names)
                for n in range(len(names)):
                    self._set.setdefault((*path, *names[: n + 1]), self._line(start))
                if text[pos] != "=":
                    raise ValueError("inline table")
                pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                pos = self._value(pos, inner)
        if c == "[":
            pos += 1
            index = 0
            while True:
                pos = _GAP.match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == "]":
                    return pos + 1
                if text[pos] == ",":
                    pos += 1
                    continue
                item = (*path, str(index))
                self._set.setdefault(item, self._line(pos))
                pos = self._value(pos, item)
                index += 1
        m = _SCALAR.match(text, pos)
        if m is None:
            raise ValueError("value")
        return m.end()

    def _add(self, path: tuple[str, ...], line: int) -> None:
        self._set.setdefault(path, line)
        for n in range(1, min(len(path), _INDEX_DEPTH) + 1):
            self._under.setdefault(path[:n], line)

    def find(self, key_path: list[str]) -> int | None:
        """The line of ``key_path``, or None when no entry matches any part of it."""
        want = tuple(key_path)
        for depth in range(len(want), 0, -1):
            lines = [self._set.get(want[:depth])]
            if depth == len(want):
                lines.append(self._under.get(want))
            found = [n for n in lines if n is not None]
            if found:
                return min(found)
        return None


def read_limited(
    path: str | Path,
    error: type[HemscoreError],
    expected: str = "a TOML file",
    *,
    limit: int = MAX_FILE_BYTES,
) -> bytes:
    """The bytes of a file, at most ``limit`` bytes, raising ``error`` with the file named.

    The one reader of every file hemscore reads: profiles, rule files, the catalogue, the
    assessments ``diff`` compares, and the CSV and XLSX files the importers read. ``expected``
    names what a directory should have been. ``limit`` is MAX_FILE_BYTES for the TOML and JSON
    files a person writes; the importers pass their own, larger bound, as a spreadsheet of
    thousands of profiles or a World Bank download is rightly many megabytes.
    """
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise error(f"is a directory, expected {expected}", path=name)
        size = p.stat().st_size
        if size > limit:
            raise error(f"file is {size:,} bytes, over the {limit:,}-byte limit", path=name)
        # Bounded read: a device, a pipe or a file that grows (e.g. /dev/zero) reports a small
        # size to stat but may never end.
        with p.open("rb") as fh:
            return read_bounded(fh, name, error, limit=limit)
    except FileNotFoundError:
        raise error("no such file", path=name) from None
    except PermissionError:
        raise error("permission denied", path=name) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=name) from None


def read_bounded(
    stream: Any, name: str, error: type[HemscoreError], *, limit: int = MAX_FILE_BYTES
) -> bytes:
    """At most ``limit`` bytes from an open stream (a file, standard input), as bytes.

    Reads one byte past the limit, so that a stream that has more is refused (``error`` naming
    ``name``) without being read to its end, which for a device or a pipe may never come.
    """
    raw = stream.read(limit + 1)
    if isinstance(raw, str):  # a text stream
        raw = raw.encode("utf-8")
    if len(raw) > limit:
        raise error(f"input is over the {limit:,}-byte limit", path=name)
    return bytes(raw)


def read_toml(
    path: str | Path, *, text: str | None = None, error: type[HemscoreError]
) -> TomlDocument:
    """Read and parse a TOML file (or given text), raising ``error`` with the file named.

    Nothing is kept between runs: every file, the built-in library included, is read and parsed
    by the run that uses it (hemscore writes nowhere but where its user tells it to). Within one
    process, :func:`hemscore.model.rules.load_ruleset` reuses a rule set whose files it reads
    again with exactly the same text.
    """
    name = str(path)
    if text is None:
        text = read_text(path, error)
    elif len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise error(f"input is over the {MAX_FILE_BYTES:,}-byte limit", path=name)
    return parse_text(name, text, error)


def read_text(path: str | Path, error: type[HemscoreError]) -> str:
    """The text of a TOML file, read through the bounded reader and decoded (not parsed)."""
    return decode(read_limited(path, error), str(path), error)


def parse_text(name: str, text: str, error: type[HemscoreError]) -> TomlDocument:
    """Parse text that :func:`read_text` read from file ``name``."""
    return TomlDocument(name, text, _parse(text, name, error))


def _parse(text: str, name: str, error: type[HemscoreError]) -> dict[str, Any]:
    line = _too_deep(text)
    if line is not None:
        raise error(
            f"invalid TOML: a key nested more than {MAX_KEY_DEPTH} levels deep",
            path=name,
            line=line,
        )
    try:
        data = toml_parser.loads(text)
    except toml_parser.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)$", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)$", "", msg)
        msg = re.sub(r"\s*\(at end of document\)$", " at end of file", msg)
        raise error(f"invalid TOML: {msg[:1].lower()}{msg[1:]}", path=name, line=line) from None
    except RecursionError:
        raise error("invalid TOML: nested too deeply", path=name) from None
    return data


def _too_deep(text: str) -> int | None:
    """The first line with a dotted key deeper than MAX_KEY_DEPTH, checked before parsing."""
    if text.count(".") < MAX_KEY_DEPTH:
        return None
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.count(".") >= MAX_KEY_DEPTH and any(
            run.group().count(".") >= MAX_KEY_DEPTH for run in re.finditer(_DOTTED_RUN, raw)
        ):
            return number
    return None


def decode(raw: bytes, name: str, error: type[HemscoreError]) -> str:
    """Decode UTF-8 text, accepting (and dropping) a byte-order mark."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise error("not UTF-8 text: it is UTF-16; save it as UTF-8", path=name) from None
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"not UTF-8 text (byte {exc.start})", path=name, line=line) from None
