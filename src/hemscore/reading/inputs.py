"""Expanding the paths a user gives into profile inputs: files, directories, ``-`` for stdin."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hemscore.base.errors import HemscoreError, ProfileError
from hemscore.reading.tomlsource import decode, read_bounded

STDIN = "-"
SPECIAL = "not a regular file (a named pipe, socket or device): skipped"


@dataclass(frozen=True)
class Source:
    """One input: a path to read, or text already read (stdin), or an error found expanding.

    ``name`` is the input as reports and messages show it; ``path``, when set, is the path to
    read, for a file name that is not UTF-8 (its name shows those bytes as ``\\xNN``).
    """

    name: str
    text: str | None = None
    error: HemscoreError | None = None
    path: str | None = None

    @property
    def read_path(self) -> str:
        """The path to open."""
        return self.name if self.path is None else self.path


def display_name(path: str) -> str:
    """A path as text any stream can carry: bytes that are not UTF-8 shown as ``\\xNN``."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def _file(path: str) -> Source:
    name = display_name(path)
    return Source(name) if name == path else Source(name, path=path)


def toml_files(folder: str | Path) -> list[str]:
    """Every ``*.toml`` file below ``folder``, sorted by path: the one directory walk.

    Profiles (:func:`expand`) and rule files (``model.rules.rule_files``) are found by it.
    Symbolic links to directories are not followed, so a link loop cannot trap the walk; what
    is found may be a named pipe or a device (see :func:`special_file`), for the caller to
    refuse.
    """
    found: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        found.extend(os.path.join(root, f) for f in files if f.endswith(".toml"))
    return sorted(found, key=lambda s: Path(s).as_posix())


def special_file(path: str | Path) -> bool:
    """Whether a path found in a directory walk is a named pipe, socket or device.

    Reading one would block or never end. A path the user names is read as given (a pipe from
    ``<(...)`` or ``/dev/stdin`` is fine); a walk must not stop on one. A path that cannot be
    examined is not special: reading it reports why.
    """
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def expand(
    paths: Sequence[str],
    *,
    stdin: object = None,
    notify: Callable[[str], None] | None = None,
) -> Iterator[Source]:
    """Yield each input in a stable order; directories give every ``*.toml`` below them, sorted.

    Symbolic links to directories are not followed inside a directory walk, so a link loop
    cannot trap the walk; a named pipe or device found there is an error, not read. A named pipe
    given by name, or standard input from a terminal, is read, and ``notify`` (when given) is
    told first that the run now waits for input, so a silent wait never looks like a hang.
    """
    for raw in paths:
        if raw == STDIN:
            if notify is not None and _is_terminal(stdin):
                notify(
                    "hemscore: reading a profile from standard input "
                    "(end it with Ctrl-D on a line of its own)"
                )
            yield _read_stdin(stdin)
            continue
        p = Path(raw)
        if p.is_dir():
            found = toml_files(p)
            if not found:
                name = display_name(raw)
                yield Source(
                    name, error=ProfileError("no *.toml files in this directory", path=name)
                )
            for f in found:
                if special_file(f):
                    name = display_name(f)
                    yield Source(name, error=ProfileError(SPECIAL, path=name), path=f)
                else:
                    yield _file(f)
        else:
            if notify is not None and _is_fifo(raw):
                notify(f"hemscore: {display_name(raw)} is a named pipe: waiting for its writer")
            yield _file(raw)


def _is_fifo(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def _is_terminal(stream: object) -> bool:
    import sys

    isatty = getattr(stream or sys.stdin, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _read_stdin(stream: object) -> Source:
    import sys

    buf = getattr(stream or sys.stdin, "buffer", stream or sys.stdin)
    try:
        if buf is None:  # started with standard input closed
            raise OSError("it is closed")
        raw = read_bounded(buf, "<stdin>", ProfileError)
    except (OSError, ValueError) as exc:
        return Source(
            "<stdin>", error=ProfileError(f"cannot read standard input: {exc}", path="<stdin>")
        )
    except HemscoreError as exc:
        return Source("<stdin>", error=exc)
    try:
        return Source("<stdin>", text=decode(raw, "<stdin>", ProfileError))
    except HemscoreError as exc:
        return Source("<stdin>", error=exc)
