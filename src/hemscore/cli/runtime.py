"""The process around a run: standard streams that may be closed or go away, and signals that
unwind the run cleanly (temporary files removed) before it exits 128+N.

Used by :func:`hemscore.cli.app.run` for the length of one run, then put back as they were.
"""

from __future__ import annotations

import os
import sys
from typing import ClassVar

from hemscore.base.errors import UsageError


class Signalled(BaseException):
    """SIGTERM, SIGHUP or SIGINT arrived: unwind (removing temporary files), then exit 128+N.

    A ``BaseException`` raised by our own handler, so neither ``except Exception`` nor the
    option parser's handling of ``KeyboardInterrupt`` swallows it on the way out.
    """

    WORDS: ClassVar[dict[str, str]] = {
        "SIGTERM": "terminated",
        "SIGHUP": "hung up",
        "SIGINT": "interrupted",
    }

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def word(self) -> str:
        import signal

        return self.WORDS.get(signal.Signals(self.signum).name, "stopped by a signal")


def _on_signal(signum: int, frame: object) -> None:
    raise Signalled(signum)


def catch_signals() -> dict[int, object]:
    """Turn SIGTERM, SIGHUP and SIGINT into :class:`Signalled`; returns the handlers replaced."""
    import signal

    replaced: dict[int, object] = {}
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous = signal.getsignal(signum)
            if previous is signal.SIG_IGN:  # e.g. nohup: keep ignoring
                continue
            signal.signal(signum, _on_signal)
            replaced[signum] = previous
        except (ValueError, OSError):  # not the main thread
            pass
    return replaced


def restore_signals(replaced: dict[int, object]) -> None:
    import signal

    for signum, previous in replaced.items():
        try:
            signal.signal(signum, previous)  # type: ignore[arg-type]
        except (ValueError, OSError, TypeError):
            pass


class _Stdout:
    """Standard output as the CLI sees it: a reader that went away ends the run quietly.

    Writes that meet a closed pipe raise :class:`~hemscore.output.OutputClosed` (exit 0: the
    reader has what it wanted) instead of the ``BrokenPipeError`` the option parser would turn
    into exit 1, which here means a gate failed. Everything else is the real stream's.
    """

    def __init__(self, stream: object) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from hemscore.reading.output import OutputClosed

        try:
            return int(self._stream.write(text))  # type: ignore[attr-defined]
        except BrokenPipeError:
            raise OutputClosed from None

    def flush(self) -> None:
        from hemscore.reading.output import OutputClosed

        try:
            self._stream.flush()  # type: ignore[attr-defined]
        except BrokenPipeError:
            raise OutputClosed from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _ClosedStdout:
    """Standard output when the process was started with it closed (``>&-``)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise UsageError("cannot write the report: standard output is closed (use --output FILE)")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _NoStderr:
    """Standard error when the process was started with it closed (``2>&-``): messages are
    lost, exit codes are not."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def guard_streams() -> tuple[object, object]:
    """Put the guards around stdout and stderr; returns the streams they replaced."""
    saved = (sys.stdout, sys.stderr)
    if sys.stderr is None:
        sys.stderr = _NoStderr()
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    elif not isinstance(sys.stdout, _Stdout | _ClosedStdout):
        sys.stdout = _Stdout(sys.stdout)
    return saved


def restore_streams(saved: tuple[object, object]) -> None:
    """Take the guards off again (a caller in the same process, such as a test, goes on)."""
    if isinstance(sys.stdout, _Stdout | _ClosedStdout):
        sys.stdout = saved[0]
    if isinstance(sys.stderr, _NoStderr):
        sys.stderr = saved[1]


def silence_stdout() -> None:
    """After the reader went away: nothing more reaches it, not even the final flush."""
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
    except OSError:
        pass
