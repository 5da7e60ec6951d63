"""Output formats: one module per format, each a pure ``render(assessments, options) -> str``.

The registry's names are the CLI's ``--format`` choices. Modules are imported only when used, so
``--format json`` never pays for Rich.

A format may also *stream*: a module that defines ``begin(options) -> str``,
``item(assessment, options, index) -> str`` and ``end(options, count) -> str`` is written piece
by piece as each profile is assessed, so a pipe sees results at once and nothing accumulates
over a batch. For such modules ``render`` is exactly ``begin + items + end``: a module that
defines no ``render`` gets that one (:class:`Joined`). Formats that need every assessment at
once (svg) define only ``render``. A streaming module whose items depend on the items before it sets ``IN_ORDER =
True`` (html: sections are numbered by position and the closing overview is gathered on the
way); ``assess --jobs`` then renders it in one process, in order.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from hemscore.render.formats.options import RenderOptions as RenderOptions

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


class Renderer(Protocol):
    def render(self, assessments: Sequence[Assessment], options: RenderOptions) -> str: ...


def renderer(name: str) -> Renderer:
    """The module that renders format ``name`` (a streaming module without a ``render`` of its
    own comes wrapped in :class:`Joined`, which gives it one)."""
    module = importlib.import_module(REGISTRY[name])
    if not hasattr(module, "render"):
        return Joined(module)
    found: Renderer = module
    return found


class Joined:
    """A streaming format whose whole output is its pieces joined: ``begin``, one ``item`` per
    assessment, ``end``. Every other attribute is the module's."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def render(self, assessments: Sequence[Assessment], options: RenderOptions) -> str:
        stream = self._module
        parts = [stream.begin(options)]
        parts += [stream.item(a, options, i) for i, a in enumerate(assessments)]
        parts.append(stream.end(options, len(assessments)))
        return "".join(parts)


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
