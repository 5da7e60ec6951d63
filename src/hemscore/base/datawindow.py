"""The project's one data window: how old a value may be for the year a profile describes.

Declared once here and used wherever a value's year is judged against a profile's year: the
WDI importer's latest-within-window choice (``hemscore import wdi --latest``), the test that
holds every example profile to it, and the data-quality warnings. A value belongs to a profile
of year ``Y`` when its year lies between ``Y - DATA_WINDOW_YEARS`` and ``Y``; a value from after
``Y`` never does.

Why ten years: the World Bank publishes many indicators one to three years late, and some
(patents, royalties, high-technology exports) end two to five years before a release; the
figures of the hand-built profiles come from surveys held every three to five years (innovation
surveys, pay and return-migration studies), and some of them only once in a decade. A shorter
window would leave those profiles without the only published figure there is; every value
carries its own year, and reports print it, so an old value is never passed off as new. See
docs/methodology.md and docs/panel.md.
"""

from __future__ import annotations

DATA_WINDOW_YEARS = 10


def window(profile_year: int) -> range:
    """The years whose values may describe a profile of ``profile_year``, oldest first."""
    return range(profile_year - DATA_WINDOW_YEARS, profile_year + 1)


def in_window(value_year: int, profile_year: int) -> bool:
    """Whether a value dated ``value_year`` may describe a profile of ``profile_year``."""
    return profile_year - DATA_WINDOW_YEARS <= value_year <= profile_year


#: The name the model layer uses.
in_data_window = in_window
