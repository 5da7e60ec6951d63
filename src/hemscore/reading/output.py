"""Where a report goes: standard output, a regular file replaced atomically, or a stream.

The rules, for every command that writes (``--output``, ``plan --write``, ``schema -o``,
``init -o``):

- a **regular file** (or a path that does not exist yet) is written to a temporary file in its
  directory and moved into place with :func:`os.replace` only when the run succeeds, so a
  failed run leaves an existing file exactly as it was and a reader never sees half a report;
  the temporary file is removed on every way out, signals included (the CLI turns SIGTERM,
  SIGHUP and SIGINT into an exception that unwinds through :class:`ReportSink`);
- a **symbolic link** is followed: its regular target is replaced, the link stays;
- a target that exists and is **not a regular file** (a character device, a named pipe, a
  socket, ``/dev/stdout``, a shell's ``>(cmd)``) is opened and written in place, as a stream,
  like standard output; it is never replaced;
- a **read-only** regular file (no write permission bit, or not writable by this user) is
  refused unless ``force`` is given;
- a target that **is one of the run's inputs** (a profile, a rule file, a file found in an
  input directory) is refused: a report must never overwrite what it was made from.

Pure of printing: problems are raised as :class:`~hemscore.errors.UsageError`; a caller may pass
``on_wait`` to be told that opening a named pipe is waiting for its reader.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from hemscore.base.errors import UsageError


class OutputClosed(Exception):
    """Standard output was closed by its reader (``| head``): stop writing, quietly.

    Not an ``OSError``, so the option parser's own broken-pipe handling (exit 1, which means
    "a gate failed" here) does not catch it; the CLI ends the run with exit 0.
    """


def _cannot_write(exc: OSError, output: Path) -> UsageError:
    return UsageError(f"cannot write: {exc.strerror or exc}", path=str(output))


class ReportSink:
    """Receives a report piece by piece; ``commit()`` publishes it, ``discard()`` drops it.

    To standard output, or to a target that is not a regular file, each piece is written and
    flushed at once, so a pipe sees each result as soon as it is computed. To a regular file,
    pieces go to a temporary file until :meth:`commit`. Used as a context manager, leaving the
    block without ``commit()`` removes the temporary file.
    """

    def __init__(
        self,
        output: Path | None,
        *,
        inputs: Iterable[str | Path] = (),
        force: bool = False,
        on_wait: Callable[[str], None] | None = None,
        binary: bool = False,
    ) -> None:
        self.output = output
        self._binary = binary
        self._tmp: str | None = None
        self._fh: IO[Any] | None = None
        self._target: Path | None = None
        self._stream = False
        if output is None:
            return
        info = _stat(output)
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise UsageError("is a directory", path=str(output))
        if info is not None and stat.S_ISREG(info.st_mode):
            _refuse_inputs(output, info, inputs)
            if not force and _read_only(output, info):
                raise UsageError(
                    "is read-only: not replaced (use --force to replace it)", path=str(output)
                )
        if info is not None and not stat.S_ISREG(info.st_mode):
            self._open_stream(output, info, on_wait)
            return
        target = output.resolve()
        # A signal between creating the temporary file and remembering its name would leave
        # it behind: hold SIGTERM, SIGHUP and SIGINT for those few instructions, and remove the
        # file if anything (a held signal included) ends the construction early.
        held = _hold_signals()
        try:
            try:
                fd, self._tmp = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                )
            except OSError as exc:
                raise _cannot_write(exc, output) from None
            finally:
                _release_signals(held)
            self._fh = self._open(fd)
            self._target = target
            try:  # mkstemp makes the file private; give it the mode a plain open() would
                os.chmod(fd, _mode_for(target))
            except OSError:
                pass
        except BaseException:
            self.discard()
            raise

    def _open_stream(
        self, output: Path, info: os.stat_result, on_wait: Callable[[str], None] | None
    ) -> None:
        flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
        try:
            if stat.S_ISFIFO(info.st_mode):
                try:  # without a reader, a plain open would block with no word said
                    fd = os.open(output, flags | os.O_NONBLOCK)
                    os.set_blocking(fd, True)
                except OSError as exc:
                    if exc.errno != errno.ENXIO:
                        raise
                    if on_wait is not None:
                        on_wait(f"{output} is a named pipe: waiting for a reader")
                    fd = os.open(output, flags)
            else:
                fd = os.open(output, flags)
        except OSError as exc:
            raise _cannot_write(exc, output) from None
        self._fh = self._open(fd)
        self._stream = True

    def _open(self, fd: int) -> IO[Any]:
        if self._binary:
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, text: str | bytes) -> None:
        """Add ``text`` (bytes for a sink made with ``binary=True``) to the report."""
        if not text:
            return
        if self._fh is None:
            # Looked up on every write: a progress bar may have redirected sys.stdout.
            try:
                if isinstance(text, bytes):
                    sys.stdout.flush()
                    sys.stdout.buffer.write(text)
                    sys.stdout.buffer.flush()
                else:
                    sys.stdout.write(text)
                    sys.stdout.flush()
            except BrokenPipeError:
                raise OutputClosed from None
            return
        try:
            self._fh.write(text)
            if self._stream:
                self._fh.flush()
        except OSError as exc:
            self.discard()
            assert self.output is not None
            raise _cannot_write(exc, self.output) from None

    def commit(self) -> None:
        """Publish the report: move the temporary file over the target (or close the stream)."""
        if self._fh is None:
            return
        assert self.output is not None
        try:
            self._fh.close()
            self._fh = None
            if self._tmp is not None and self._target is not None:
                os.replace(self._tmp, self._target)
                self._tmp = None
        except OSError as exc:
            self.discard()
            raise _cannot_write(exc, self.output) from None

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


_HELD = ("SIGTERM", "SIGHUP", "SIGINT")


def _hold_signals() -> set[int] | None:
    """Block the signals that end a run (where the platform can); returns the old mask."""
    import signal

    sigs = {getattr(signal, n) for n in _HELD if hasattr(signal, n)}
    try:
        return signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    except (AttributeError, OSError, ValueError):
        return None


def _release_signals(old: set[int] | None) -> None:
    """Restore the mask :func:`_hold_signals` replaced; a held signal is delivered now."""
    if old is None:
        return
    import signal

    signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _stat(path: Path) -> os.stat_result | None:
    """The target's status, following symbolic links; None when it does not exist."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _cannot_write(exc, path) from None


def _read_only(path: Path, info: os.stat_result) -> bool:
    # Root may write anywhere, so access() alone would let a mode-444 file be replaced.
    return not info.st_mode & 0o222 or not os.access(path, os.W_OK)


def _refuse_inputs(output: Path, info: os.stat_result, inputs: Iterable[str | Path]) -> None:
    me = (info.st_dev, info.st_ino)
    for name in input_files(inputs):
        try:
            other = os.stat(name)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == me:
            raise UsageError(
                f"is also an input of this run ({os.fsdecode(name)}): not overwritten; "
                "write the report to another file",
                path=str(output),
            )


def input_files(inputs: Iterable[str | Path]) -> Iterable[str | Path]:
    """The files a run reads: each path given, and every ``*.toml`` below a directory."""
    for raw in inputs:
        if raw == "-":
            continue
        if os.path.isdir(raw):
            for root, dirs, files in os.walk(raw, followlinks=False):
                dirs.sort()
                yield from (os.path.join(root, f) for f in files if f.endswith(".toml"))
        else:
            yield raw


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(
    text: str | bytes,
    output: Path | None,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> None:
    """Write a whole report (text, or bytes) to stdout, or to ``output`` by the rules of this
    module."""
    binary = isinstance(text, bytes)
    with ReportSink(output, inputs=inputs, force=force, on_wait=on_wait, binary=binary) as sink:
        sink.write(text)
        sink.commit()
