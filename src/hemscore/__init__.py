"""hemscore: score regions, clusters and firms on the health of their high-end manufacturing.

The public API is the data flow itself::

    ruleset = load_ruleset()                       # rules/*.toml -> RuleSet
    profile = load_profile("p.toml", ruleset.metrics)
    result = assess(profile, ruleset)              # -> Assessment (immutable)
"""

from ._version import __version__

__all__ = ["__version__", "assess", "load_profile", "load_ruleset"]


def __getattr__(name: str) -> object:
    # Lazy, so that `hemscore --version` imports nothing but this file.
    if name == "assess":
        from .assessment import assess

        return assess
    if name == "load_profile":
        from .profile import load_profile

        return load_profile
    if name == "load_ruleset":
        from .rules import load_ruleset

        return load_ruleset
    raise AttributeError(name)
