"""Option types shared by the commands.

Every float option of every command is declared with :func:`float_option`, so all of them parse
the same way: a finite number (NaN and infinity are refused; ``score < nan`` is never true, so
a NaN bar would pass every gate), inside the option's range when it has one. A bad value is a
usage error: one line on stderr, exit code 2.
"""

from __future__ import annotations

import math
from typing import Any

import typer


class FiniteFloat:
    """Parser of a float option: a finite number, within ``[min, max]`` when they are given."""

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        self.min = min
        self.max = max

    def __call__(self, value: Any) -> float:
        # Typer reads the message of this pydantic error as the option's; imported only here
        from pydantic_core import PydanticCustomError

        text = value if isinstance(value, str) else repr(value)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise PydanticCustomError("number", "{text} is not a number", {"text": repr(text)})
        if not math.isfinite(x):
            raise PydanticCustomError(
                "finite", "must be a finite number (got {text})", {"text": text}
            )
        lo, hi = self.min, self.max
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            if lo is not None and hi is not None:
                rule = f"must be between {lo:g} and {hi:g}"
            elif lo is not None:
                rule = f"must be at least {lo:g}"
            else:
                rule = f"must be at most {hi:g}"
            raise PydanticCustomError("range", "{rule} (got {text})", {"rule": rule, "text": text})
        return x


def float_option(*flags: str, help: str, min: float | None = None, max: float | None = None) -> Any:
    """A ``typer.Option`` for a float: finite, and within ``[min, max]`` when given."""
    # min and max are passed on too, so that --help shows the range.
    return typer.Option(*flags, parser=FiniteFloat(min, max), min=min, max=max, help=help)
