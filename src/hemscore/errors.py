"""The exceptions the public API raises, at their public address ``hemscore.errors``.

They are defined in :mod:`hemscore.base.errors`, the bottom layer every other layer imports;
this module is the stable name users catch them by (``docs/api.md``).
"""

from hemscore.base.errors import (
    HemscoreError,
    ProfileError,
    ProfileErrors,
    RuleError,
    UsageError,
    ValidationErrors,
)

__all__ = [
    "HemscoreError",
    "ProfileError",
    "ProfileErrors",
    "RuleError",
    "UsageError",
    "ValidationErrors",
]
