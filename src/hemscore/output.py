"""Where a report goes: standard output, or a file written atomically.

A file report is written to a temporary file in the target's directory and moved into place with
:func:`os.replace` only when the run succeeds, so a failed run (exit 2) leaves an existing file
exactly as it was, and a reader never sees half a report.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from .errors import UsageError


class OutputClosed(Exception):
    """Standard output was closed by its reader (``| head``): stop writing, quietly.

    Not an ``OSError``, so the option parser's own broken-pipe handling (exit 1, which means
    "a gate failed" here) does not catch it; the CLI ends the run with exit 0.
    """


class ReportSink:
    """Receives a report piece by piece; ``commit()`` publishes it, ``discard()`` drops it.

    To standard output each piece is written and flushed at once, so a pipe sees each result as
    soon as it is computed. To a file, pieces go to a temporary file until :meth:`commit`.
    Used as a context manager, leaving the block without ``commit()`` discards the file.
    """

    def __init__(self, output: Path | None) -> None:
        self.output = output
        self._tmp: str | None = None
        self._fh: IO[str] | None = None
        self._target: Path | None = None
        if output is None:
            return
        target = output.resolve()
        if target.is_dir():
            raise UsageError("is a directory", path=str(output))
        try:
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror or exc}", path=str(output)) from None
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._target = target
        try:  # mkstemp makes the file private; give it the mode a plain open() would
            os.chmod(fd, _mode_for(target))
        except OSError:
            pass

    def write(self, text: str) -> None:
        """Add ``text`` to the report."""
        if not text:
            return
        if self._fh is None:
            # Looked up on every write: a progress bar may have redirected sys.stdout.
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except BrokenPipeError:
                raise OutputClosed from None
            return
        try:
            self._fh.write(text)
        except OSError as exc:
            self.discard()
            raise UsageError(
                f"cannot write: {exc.strerror or exc}", path=str(self.output)
            ) from None

    def commit(self) -> None:
        """Publish the report: move the temporary file over the target."""
        if self._fh is None or self._tmp is None or self._target is None:
            return
        try:
            self._fh.close()
            os.replace(self._tmp, self._target)
        except OSError as exc:
            self.discard()
            raise UsageError(
                f"cannot write: {exc.strerror or exc}", path=str(self.output)
            ) from None
        self._fh = None
        self._tmp = None

    def discard(self) -> None:
        """Drop the report; an existing target file is left untouched."""
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.discard()


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(text: str, output: Path | None) -> None:
    """Write a whole report to stdout, or atomically to ``output``."""
    with ReportSink(output) as sink:
        sink.write(text)
        sink.commit()
