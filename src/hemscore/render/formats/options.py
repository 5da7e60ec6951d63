"""What every renderer may be told, in a module of its own: the format modules import it without
importing the registry that loads them (no import cycle between the two)."""

from __future__ import annotations

from dataclasses import dataclass


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
