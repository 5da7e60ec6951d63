"""Output formats: one module per format, each a pure ``render(assessments, options) -> str``.

The registry's names are the CLI's ``--format`` choices. Modules are imported only when used, so
``--format json`` never pays for Rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..assessment import Assessment

#: format name -> module that renders it
REGISTRY: dict[str, str] = {
    "table": "hemscore.formats.table",
    "json": "hemscore.formats.json",
    "markdown": "hemscore.formats.markdown",
}


@dataclass(frozen=True)
class RenderOptions:
    """What every renderer may be told."""

    lang: str = "en"
    color: bool = False
    width: int = 100
    detail: bool = False
    top: int = 5


class Renderer(Protocol):
    def render(self, assessments: Sequence[Assessment], options: RenderOptions) -> str: ...


def renderer(name: str) -> Renderer:
    """The module that renders format ``name``."""
    module: Renderer = importlib.import_module(REGISTRY[name])  # type: ignore[assignment]
    return module
