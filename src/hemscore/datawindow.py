"""The project's one data window: how old a value may be for the year a profile describes.

Declared once here and reused wherever a value's year is judged against a profile's year: the
WDI importer's latest-within-window choice (``hemscore import wdi --latest``) and any check
of a value's age. A value belongs to a profile of year ``Y`` when its year lies in the
``DATA_WINDOW_YEARS`` calendar years ending with ``Y``; a value from after ``Y`` never does.

Why five years: the World Bank publishes many indicators one to three years late, and some
(patents, royalties, high-technology exports) end two to five years before a release in the
extract the reference panel is built from; five years keeps those while excluding values
from the decade before. See docs/panel.md.
"""

from __future__ import annotations

DATA_WINDOW_YEARS = 5


def window(profile_year: int) -> range:
    """The years whose values may describe a profile of ``profile_year``, oldest first."""
    return range(profile_year - DATA_WINDOW_YEARS + 1, profile_year + 1)


def in_window(value_year: int, profile_year: int) -> bool:
    """Whether a value dated ``value_year`` may describe a profile of ``profile_year``."""
    return profile_year - DATA_WINDOW_YEARS < value_year <= profile_year
