"""Scoring a batch of profiles, in this process or in worker processes (``assess --jobs N``).

Each input becomes one :class:`Outcome`, yielded in input order whatever the number of workers,
so the report is byte for byte the same with ``--jobs 1`` and ``--jobs N``. Workers read,
validate, assess and render their profiles (rendering is a large part of the work); the parent
only writes what comes back. At most a fixed window of chunks is in flight, so memory does not
grow with the batch. Pure of printing: messages come back as text for the CLI to print.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hemscore.base.errors import HemscoreError
from hemscore.engine.assessment import Assessment
from hemscore.engine.assessment import assess as assess_one
from hemscore.engine.gates import Gates
from hemscore.engine.loader import load_profile
from hemscore.engine.quality import lines as warning_lines
from hemscore.model.rules import RuleSet
from hemscore.reading.inputs import Source
from hemscore.render.formats import RenderOptions, StreamingRenderer, renderer, streaming

#: Profiles sent to a worker at a time: large enough that passing them costs little against
#: scoring them, small enough that the first results come quickly.
CHUNK = 64
#: Chunks in flight per worker: keeps every worker busy without holding the batch in memory.
WINDOW_PER_WORKER = 4


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to score and render one profile."""

    ruleset: RuleSet
    aggregation: str
    min_coverage: float
    strict: bool
    gates: Gates
    fmt: str
    options: RenderOptions
    scoring: RuleSet | None = None  # --common: the rules scored; profiles still checked on all


@dataclass
class Outcome:
    """One input: its error lines, or its gate failures and rendered item (or assessment)."""

    position: int
    errors: tuple[str, ...] = ()
    name: str = "<input>"  # the input's name, for a format that reports refused inputs
    gate_failures: tuple[str, ...] = ()
    text: str | None = None  # the item rendered as if it were not the first (streaming formats)
    first_text: str | None = None  # the item rendered as the first, when it might be
    warnings: tuple[str, ...] = ()  # data-quality warnings, "FILE:LINE: KEY: message"
    assessment: Assessment | None = None  # only when scored in this process
    source: Source | None = None  # to score it again here, should it turn out to be the first

    @property
    def ok(self) -> bool:
        return not self.errors


def _score(
    job: Job, stream: StreamingRenderer | None, pos: int, src: Source, keep: bool
) -> Outcome:
    try:
        profile = load_profile(src, job.ruleset)
    except HemscoreError as err:
        return Outcome(pos, errors=tuple(err.lines()), name=src.name)
    a = assess_one(
        profile,
        job.scoring or job.ruleset,
        aggregation=job.aggregation,
        min_coverage=job.min_coverage,
        strict=job.strict,
    )
    out = Outcome(
        pos,
        gate_failures=tuple(job.gates.failures(a)),
        warnings=tuple(warning_lines(profile.path, a.warnings)),
    )
    if keep or stream is None:
        out.assessment = a
    else:
        out.text = stream.item(a, job.options, 1)
        if pos == 0:
            out.first_text = stream.item(a, job.options, 0)
        else:
            out.source = src
    return out


_JOB: Job | None = None
_STREAM: StreamingRenderer | None = None


def _start_worker(job: Job) -> None:
    global _JOB, _STREAM
    # The parent handles Ctrl-C and stops the workers; a worker ends on SIGTERM like any program.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _JOB = job
    _STREAM = streaming(renderer(job.fmt))


def _work(chunk: list[tuple[int, Source]]) -> list[Outcome]:
    assert _JOB is not None
    return [_score(_JOB, _STREAM, pos, src, keep=False) for pos, src in chunk]


def outcomes(sources: Iterable[Source], job: Job, jobs: int = 1) -> Iterator[Outcome]:
    """Score every source, yielding outcomes in input order.

    With ``jobs`` > 1 and a streaming format, worker processes score and render; with one job,
    a format that needs every assessment at once, or one whose items must be rendered in order
    in one process (``IN_ORDER``, see :mod:`hemscore.formats`), this process does, and each
    outcome carries its assessment.
    """
    stream = streaming(renderer(job.fmt))
    if jobs <= 1 or stream is None or getattr(stream, "IN_ORDER", False):
        for pos, src in enumerate(sources):
            yield _score(job, stream, pos, src, keep=True)
        return
    yield from _parallel(sources, job, jobs)


def _chunks(sources: Iterable[Source]) -> Iterator[list[tuple[int, Source]]]:
    chunk: list[tuple[int, Source]] = []
    for item in enumerate(sources):
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _context() -> Any:
    # fork: workers start with the rule set already loaded (no pickling, no re-parsing).
    import multiprocessing  # only a batch with --jobs pays for it

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _parallel(sources: Iterable[Source], job: Job, jobs: int) -> Iterator[Outcome]:
    pool = _context().Pool(processes=jobs, initializer=_start_worker, initargs=(job,))
    done = False
    try:
        pending: deque[Any] = deque()
        chunks = _chunks(sources)
        window = jobs * WINDOW_PER_WORKER
        for chunk in chunks:
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
        done = True
    finally:
        if done:
            pool.close()
        else:
            pool.terminate()
        pool.join()


def default_jobs() -> int:
    """The number of processors this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def item_text(outcome: Outcome, job: Job, stream: StreamingRenderer, index: int) -> str:
    """The report text of a scored outcome that is the ``index``-th item of the report.

    A worker renders each item as one that follows another; the first item of the report is
    rendered as such (by the worker when it is the first input, else here, scored again: that
    happens only when every input before it was refused).
    """
    if outcome.assessment is not None:
        return stream.item(outcome.assessment, job.options, index)
    if index > 0 and outcome.text is not None:
        return outcome.text
    if outcome.first_text is not None:
        return outcome.first_text
    assert outcome.source is not None
    again = _score(job, stream, 0, outcome.source, keep=True)
    assert again.assessment is not None
    return stream.item(again.assessment, job.options, 0)
