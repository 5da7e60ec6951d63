"""Expanding the paths a user gives into profile inputs: files, directories, ``-`` for stdin."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import HemscoreError, ProfileError
from .tomlsource import MAX_FILE_BYTES, decode, special_file

STDIN = "-"
SPECIAL = "not a regular file (a named pipe, socket or device): skipped"


@dataclass(frozen=True)
class Source:
    """One input: a path to read, or text already read (stdin), or an error found expanding."""

    name: str
    text: str | None = None
    error: HemscoreError | None = None


def expand(paths: Sequence[str], *, stdin: object = None) -> Iterator[Source]:
    """Yield each input in a stable order; directories give every ``*.toml`` below them, sorted.

    Symbolic links to directories are not followed inside a directory walk, so a link loop
    cannot trap the walk; a named pipe or device found there is an error, not read.
    """
    for raw in paths:
        if raw == STDIN:
            yield _read_stdin(stdin)
            continue
        p = Path(raw)
        if p.is_dir():
            found: list[str] = []
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs.sort()
                found.extend(os.path.join(root, f) for f in files if f.endswith(".toml"))
            if not found:
                yield Source(raw, error=ProfileError("no *.toml files in this directory", path=raw))
            for f in sorted(found, key=lambda s: Path(s).as_posix()):
                if special_file(f):
                    yield Source(f, error=ProfileError(SPECIAL, path=f))
                else:
                    yield Source(f)
        else:
            yield Source(raw)


def _read_stdin(stream: object) -> Source:
    import sys

    buf = getattr(stream or sys.stdin, "buffer", stream or sys.stdin)
    try:
        if buf is None:  # started with standard input closed
            raise OSError("it is closed")
        raw = buf.read(MAX_FILE_BYTES + 1)  # type: ignore[attr-defined]
    except (OSError, ValueError) as exc:
        return Source(
            "<stdin>", error=ProfileError(f"cannot read standard input: {exc}", path="<stdin>")
        )
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        return Source(
            "<stdin>",
            error=ProfileError(f"input is over the {MAX_FILE_BYTES:,}-byte limit", path="<stdin>"),
        )
    try:
        return Source("<stdin>", text=decode(raw, "<stdin>", ProfileError))
    except HemscoreError as exc:
        return Source("<stdin>", error=exc)
