"""The scoring methods and scales a rule file may name, and the registries that find them.

A rule's ``method = "..."`` is looked up in :data:`METHODS`; a method that lets a rule choose
its scale looks ``scale = "..."`` up in :data:`SCALES`. Each entry is one line: the name and the
module that defines it (as ``METHOD`` or ``SCALE``), imported the first time a rule names it,
so a command that reads no rule file imports none of them.

To add a method: write one module with a subclass of
:class:`~hemscore.model.methods.base.ScoringMethod` and add its line to :data:`METHODS` (or, from
outside the package, call :func:`register`). A normaliser (a panel min–max, a rank) is a
subclass of :class:`~hemscore.model.methods.base.Scale` with its line in :data:`SCALES` (or
:func:`register_scale`). Either registry refuses a class that leaves a part out, naming the
parts, when it is registered or first loaded (so at the latest when the rules load).
"""

from __future__ import annotations

import inspect
from importlib import import_module
from typing import Any

from hemscore.model.methods.base import REQUIRED_ATTRIBUTES, Scale, ScoringMethod

#: Built-in scoring methods: ``method = "name"`` -> the module defining ``METHOD``.
METHODS: dict[str, str] = {
    "linear": "hemscore.model.methods.linear",
    "bands": "hemscore.model.methods.bands",
    "boolean": "hemscore.model.methods.boolean",
    "concentration": "hemscore.model.methods.concentration",
    "trend": "hemscore.model.methods.trend",
}

#: Built-in scales (normalisers): ``scale = "kind"`` -> the module defining ``SCALE``.
SCALES: dict[str, str] = {
    "linear": "hemscore.model.methods.scale_linear",
    "bands": "hemscore.model.methods.scale_bands",
}

_methods: dict[str, type[ScoringMethod]] = {}
_scales: dict[str, type[Scale]] = {}
#: Counts the changes made with register/unregister (see :func:`registry_generation`).
_changes = 0


def registry_generation() -> int:
    """A number that changes whenever a method or scale is registered or unregistered: a rule
    set parsed under one registry is not reused under another."""
    return _changes


def _changed() -> None:
    global _changes
    _changes += 1


class MethodError(TypeError):
    """A scoring method or scale class that lacks a part (a bug in its module, not bad input)."""


def missing_parts(cls: Any, base: type, attributes: tuple[str, ...]) -> list[str]:
    """The parts ``cls`` leaves out: abstract methods it does not implement, and class
    attributes it does not set."""
    if not (inspect.isclass(cls) and issubclass(cls, base)):
        return [f"a subclass of {base.__name__}"]
    parts: frozenset[str] = getattr(base, "__abstractmethods__", frozenset())
    lacking = sorted(
        set(getattr(cls, "__abstractmethods__", ())) | {p for p in parts if getattr(cls, p) is None}
    )
    lacking += [a for a in attributes if getattr(cls, a, None) is None]
    return lacking


def _checked(cls: Any, base: type, attributes: tuple[str, ...], what: str) -> Any:
    lacking = missing_parts(cls, base, attributes)
    if lacking:
        name = getattr(cls, "name", None) or getattr(cls, "__name__", repr(cls))
        raise MethodError(f"{what} {name!s} is incomplete: it lacks {', '.join(lacking)}")
    return cls


# -- scoring methods ----------------------------------------------------------------------------


def method_names() -> tuple[str, ...]:
    """Every method a rule may name, built-in ones first."""
    return tuple(dict.fromkeys([*METHODS, *_methods]))


def method_named(name: str) -> type[ScoringMethod] | None:
    """The method class called ``name``, or None when there is none."""
    cls = _methods.get(name)
    if cls is None and name in METHODS:
        cls = _checked(
            getattr(import_module(METHODS[name]), "METHOD", None),
            ScoringMethod,
            REQUIRED_ATTRIBUTES,
            f"scoring method {name}:",
        )
        _methods[name] = cls
    return cls


def register(cls: type[ScoringMethod]) -> type[ScoringMethod]:
    """Make ``cls`` available as ``method = cls.name`` (refused if it lacks a part or the name
    is taken). Returns ``cls``, so it works as a class decorator."""
    _checked(cls, ScoringMethod, REQUIRED_ATTRIBUTES, "scoring method")
    if cls.name in method_names():
        raise MethodError(f"scoring method {cls.name} is already registered")
    _methods[cls.name] = cls
    _changed()
    return cls


def unregister(name: str) -> None:
    """Forget a method added with :func:`register` (built-in methods stay)."""
    if name not in METHODS:
        _methods.pop(name, None)
        _changed()


# -- scales (normalisers) -----------------------------------------------------------------------


def scale_kinds() -> tuple[str, ...]:
    """Every scale a rule may pick, built-in ones first."""
    return tuple(dict.fromkeys([*SCALES, *_scales]))


def scale_class(kind: str) -> type[Scale] | None:
    """The scale class of ``kind``, or None."""
    cls = _scales.get(kind)
    if cls is None and kind in SCALES:
        cls = _checked(
            getattr(import_module(SCALES[kind]), "SCALE", None), Scale, ("kind", "keys"), "scale"
        )
        _scales[kind] = cls
    return cls


def register_scale(cls: type[Scale]) -> type[Scale]:
    """Make ``cls`` available as ``scale = cls.kind`` (refused if it lacks a part)."""
    _checked(cls, Scale, ("kind", "keys"), "scale")
    if cls.kind in scale_kinds():
        raise MethodError(f"scale {cls.kind} is already registered")
    _scales[cls.kind] = cls
    _changed()
    return cls


def unregister_scale(kind: str) -> None:
    """Forget a scale added with :func:`register_scale`."""
    if kind not in SCALES:
        _scales.pop(kind, None)
        _changed()


def parameter_keys() -> frozenset[str]:
    """Every key of a ``[[rules]]`` table that some method or scale reads."""
    keys: set[str] = set()
    for name in method_names():
        cls = method_named(name)
        keys |= cls.keys if cls is not None else set()
    for kind in scale_kinds():
        scale = scale_class(kind)
        keys |= scale.keys if scale is not None else set()
    return frozenset(keys)
