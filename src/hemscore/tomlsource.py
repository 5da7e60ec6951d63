"""Reading TOML files: text decoding, size limit, and finding the line of a key path.

tomllib gives no positions, so the line of a key is found again by a light scan of the text:
table headers (``[a.b]``, ``[[a]]``), dotted keys and inline tables. It is a best effort used
only for messages; when it cannot tell, the message names the key without a line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HemscoreError

#: Largest file hemscore reads, in bytes. Profiles and rule files are a few kilobytes.
MAX_FILE_BYTES = 1_000_000

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file and its text, so errors can point at lines."""

    path: str
    text: str
    data: dict[str, Any]

    def line_of(self, *key_path: str | int) -> int | None:
        """The 1-based line where ``key_path`` is set, or None when it cannot be found."""
        return locate(self.text, [str(k) for k in key_path])


def locate(text: str, key_path: list[str]) -> int | None:
    """Best-effort line of a key path such as ``["rules", "3", "method"]`` (index after arrays)."""
    if not key_path:
        return None
    best: tuple[int, int] | None = None  # (matched depth, line)
    table: list[str] = []
    array_counts: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                idx = array_counts.get(tuple(names), -1) + 1
                array_counts[tuple(names)] = idx
                table = [*names, str(idx)]
            else:
                table = names
            depth = _prefix_depth(table, key_path)
            if depth and (best is None or depth > best[0]):
                best = (depth, number)
            continue
        key = _KEY.match(raw)
        if key:
            full = [*table, *_split_key(key.group(1))]
            depth = _prefix_depth(full, key_path)
            if depth == len(full) or depth == len(key_path):
                if depth and (best is None or depth > best[0]):
                    best = (depth, number)
            # inline tables: `name = { value = 1, ... }` — look for the next key inside
            if depth == len(full) and depth < len(key_path):
                rest = key_path[depth]
                if re.search(r"[{,]\s*" + re.escape(rest) + r"\s*=", raw):
                    if best is None or depth + 1 > best[0]:
                        best = (depth + 1, number)
    return best[1] if best else None


def _prefix_depth(have: list[str], want: list[str]) -> int:
    n = 0
    for a, b in zip(have, want):
        if a != b:
            break
        n += 1
    return n if n == len(have) or n == len(want) else 0


def read_toml(path: str | Path, *, text: str | None = None, error: type[HemscoreError]) -> TomlDocument:
    """Read and parse a TOML file (or given text), raising ``error`` with the file named."""
    name = str(path)
    if text is None:
        p = Path(path)
        try:
            if p.is_dir():
                raise error("is a directory, expected a TOML file", path=name)
            size = p.stat().st_size
            if size > MAX_FILE_BYTES:
                raise error(
                    f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit", path=name
                )
            raw = p.read_bytes()
        except FileNotFoundError:
            raise error("no such file", path=name) from None
        except PermissionError:
            raise error("permission denied", path=name) from None
        except OSError as exc:
            raise error(f"cannot read: {exc.strerror or exc}", path=name) from None
        text = decode(raw, name, error)
    elif len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise error(f"input is over the {MAX_FILE_BYTES:,}-byte limit", path=name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)$", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)$", "", msg)
        msg = re.sub(r"\s*\(at end of document\)$", " at end of file", msg)
        raise error(f"invalid TOML: {msg[:1].lower()}{msg[1:]}", path=name, line=line) from None
    except RecursionError:
        raise error("invalid TOML: nested too deeply", path=name) from None
    return TomlDocument(name, text, data)


def decode(raw: bytes, name: str, error: type[HemscoreError]) -> str:
    """Decode UTF-8 text, accepting (and dropping) a byte-order mark."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"not UTF-8 text (byte {exc.start})", path=name, line=line) from None
