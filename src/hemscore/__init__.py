"""hemscore: score regions, clusters and firms on the health of their high-end manufacturing.

The public API (``docs/api.md``) is the data flow itself::

    import hemscore

    ruleset = hemscore.load_ruleset()                   # rules/*.toml -> RuleSet
    profile = hemscore.load_profile("p.toml", ruleset)  # path, TOML text, bytes or a mapping
    result = hemscore.assess(profile, ruleset)          # -> Assessment (immutable, picklable)
    result.to_dict()                                    # the JSON contract of `assess`

and ``assess_many`` (worker processes), ``compare``, ``plan``, ``sensitivity`` and ``audit``,
which return the JSON contracts of those commands as plain data. Inputs are checked as the
command line checks them; problems raise :class:`hemscore.errors.HemscoreError`.

Public names are stable: a name that is renamed keeps working, with a ``DeprecationWarning``,
for one minor version (``_RENAMED`` below lists them).
"""

from hemscore._version import __version__

__all__ = [
    "__version__",
    "assess",
    "assess_many",
    "audit",
    "compare",
    "iter_profiles",
    "load_profile",
    "load_ruleset",
    "plan",
    "sensitivity",
]

#: Old public name -> (new name, the version that will drop the old one).
_RENAMED: dict[str, tuple[str, str]] = {}


def __getattr__(name: str) -> object:
    # Lazy, so that `hemscore --version` imports nothing but this file.
    if name in _RENAMED:
        import warnings

        new, until = _RENAMED[name]
        warnings.warn(
            f"hemscore.{name} is renamed hemscore.{new}; the old name goes in {until}",
            DeprecationWarning,
            stacklevel=2,
        )
        name = new
    if name in __all__ and name != "__version__":
        from hemscore import api

        return getattr(api, name)
    raise AttributeError(f"module 'hemscore' has no attribute {name!r}")
