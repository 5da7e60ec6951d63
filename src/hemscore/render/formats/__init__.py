"""Output formats: one module per format, each a pure ``render(assessments, options) -> str``.

The registry's names are the CLI's ``--format`` choices. Modules are imported only when used, so
``--format json`` never pays for Rich.

A format may also *stream*: a module that defines ``begin(options) -> str``,
``item(assessment, options, index) -> str`` and ``end(options, count) -> str`` is written piece
by piece as each profile is assessed, so a pipe sees results at once and nothing accumulates
over a batch. For such modules ``render`` is exactly ``begin + items + end`` (see
:func:`render_stream`). Formats that need every assessment at once (svg) define only
``render``. A streaming module whose items depend on the items before it sets ``IN_ORDER =
True`` (html: sections are numbered by position and the closing overview is gathered on the
way); ``assess --jobs`` then renders it in one process, in order.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hemscore.engine.assessment import Assessment

#: format name -> module that renders it
REGISTRY: dict[str, str] = {
    "table": "hemscore.render.formats.table",
    "json": "hemscore.render.formats.json",
    "markdown": "hemscore.render.formats.markdown",
    "jsonl": "hemscore.render.formats.jsonl",
    "csv": "hemscore.render.formats.csv",
    "junit": "hemscore.render.formats.junit",
    "github": "hemscore.render.formats.github",
    "html": "hemscore.render.formats.html",
    "svg": "hemscore.render.formats.svg",
}


@dataclass(frozen=True)
class RenderOptions:
    """What every renderer may be told."""

    lang: str = "en"
    color: bool = False
    width: int = 100
    detail: bool = False
    top: int = 5
    #: JSON shape: True a list, False one object, None decided by the number of assessments.
    many: bool | None = None
    #: JSON Lines: scores and values only, without the rule texts (``--compact``).
    compact: bool = False


class Renderer(Protocol):
    def render(self, assessments: Sequence[Assessment], options: RenderOptions) -> str: ...


def renderer(name: str) -> Renderer:
    """The module that renders format ``name``."""
    module: Renderer = importlib.import_module(REGISTRY[name])
    return module


class StreamingRenderer(Renderer, Protocol):
    """A format written piece by piece: ``begin``, one ``item`` per assessment, ``end``."""

    def begin(self, options: RenderOptions) -> str: ...

    def item(self, assessment: Assessment, options: RenderOptions, index: int) -> str: ...

    def end(self, options: RenderOptions, count: int) -> str: ...


def streaming(module: Renderer) -> StreamingRenderer | None:
    """``module`` as a streaming renderer, or None when it renders only whole batches."""
    if all(callable(getattr(module, name, None)) for name in ("begin", "item", "end")):
        return module  # type: ignore[return-value]
    return None


def render_stream(
    module: StreamingRenderer, assessments: Iterable[Assessment], options: RenderOptions
) -> str:
    """The whole output of a streaming format, joined: what ``render`` returns for it."""
    parts = [module.begin(options)]
    count = 0
    for count, a in enumerate(assessments, start=1):
        parts.append(module.item(a, options, count - 1))
    parts.append(module.end(options, count))
    return "".join(parts)
