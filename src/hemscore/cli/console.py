"""What every command does at its edges: messages on stderr, the report written out, the
terminal's width and colour, a progress bar for a long batch, and the exit codes.

Exit codes: 0 done and every gate passed; 1 a gate failed; 2 bad input, rules or usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from hemscore.base.errors import HemscoreError
from hemscore.cli.options import Color

if TYPE_CHECKING:
    from hemscore.reading.inputs import Source
    from hemscore.render.formats import RenderOptions

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2

#: A batch with more inputs than this shows a progress bar (when stderr is a terminal).
PROGRESS_MIN_INPUTS = 20


def say(message: str) -> None:
    """A message for the user: always stderr, never mixed into the report.

    A file name that is not UTF-8 is shown with its bytes escaped; file names, keys and values
    show line breaks and control characters as escapes (:func:`hemscore.safe_text.one_line`),
    so no text from a file can forge a line. A closed or broken stderr loses the message but
    never changes the exit code.
    """
    from hemscore.base.safe_text import one_line

    text = message.rstrip("\n")
    try:  # a name read from the file system: its undecodable bytes come back as \xNN
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    line = one_line(text) + "\n"
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def report_error(err: HemscoreError) -> None:
    for line in err.lines():
        say(f"hemscore: error: {line}")


def use_color(choice: Color, stream: object) -> bool:
    """Whether the table report on ``stream`` is drawn in colour.

    ``auto`` asks Rich's own detection, so NO_COLOR, FORCE_COLOR, TERM=dumb (or unknown) and a
    stream that is not a terminal are read as Rich reads them. Rich is imported only when the
    answer is not fixed by the choice or by the stream not being a terminal.
    """
    if choice is Color.always:
        return True
    if choice is Color.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    if not os.environ.get("FORCE_COLOR") and not (isatty and isatty()):
        return False
    from rich.console import Console

    con = Console(file=stream)  # type: ignore[arg-type]
    return con.is_terminal and con.color_system is not None and not con.no_color


def term_width() -> int:
    try:
        return max(60, int(os.environ["COLUMNS"]))
    except (KeyError, ValueError):
        pass
    if sys.stdout.isatty():
        import shutil

        return max(60, shutil.get_terminal_size((100, 24)).columns)
    return 100


def report_options(
    fmt: str, lang: str, color: Color, output: Path | None, detail: bool = False
) -> RenderOptions:
    """Render options of an analysis report: colour only for a table drawn on stdout."""
    from hemscore.render.formats import RenderOptions

    return RenderOptions(
        lang=lang,
        width=term_width(),
        detail=detail,
        color=fmt == "table" and output is None and use_color(color, sys.stdout),
    )


def write_output(
    text: str | bytes,
    output: Path | None,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
) -> None:
    """Write the report to stdout, or to ``output`` by the rules of :mod:`hemscore.output`."""
    from hemscore.reading.output import write_atomic

    write_atomic(text, output, inputs=inputs, force=force, on_wait=say)


def read_inputs(paths: Iterable[str], rules: list[Path] | None) -> list[str | Path]:
    """Everything a run reads, which no output of it may replace: its inputs and rule files."""
    from hemscore.model.rules import builtin_rules_dir

    return [*paths, *(rules or [builtin_rules_dir()])]


@contextmanager
def progress(sources: Iterable[Source], quiet: bool, verb: str) -> Iterator[Iterable[Source]]:
    """The inputs, with a progress bar on stderr for a batch when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        yield sources
        return
    items = list(sources)
    if len(items) <= PROGRESS_MIN_INPUTS:
        yield items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn(verb),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # Report text to a terminal stdout must pass above the bar; to a pipe or file it must not
        # be touched (Rich would send it to the bar's stream).
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=True,
    )

    def advancing() -> Iterator[Source]:
        for src in items:
            yield src
            bar.advance(task)

    with bar:
        task = bar.add_task(verb, total=len(items))
        yield advancing()
