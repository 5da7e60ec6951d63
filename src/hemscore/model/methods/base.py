"""What every scoring method and every scale is made of.

A rule scores in two steps. Its **method** takes a *measure* from the profile's value (the value
itself, the HHI of a shares table, the growth of a series); a **scale** turns the measure into a
score from 0 to 100 (linear goalposts, bands). A method owns everything that depends on how it
scores: reading and checking its keys of a ``[[rules]]`` table, the measure, the scale (its own,
or one it picks from the scale registry), the ``scoring`` object of the JSON report, the
explanation ``hemscore rules show`` prints (English and Chinese), and the values ``hemscore
plan`` may move the metric to. Nothing outside the method's module looks at its name or class.

A method is a subclass of :class:`ScoringMethod`; a parsed rule holds one instance (its
parameters). The registry in :mod:`hemscore.model.methods` refuses a class that leaves any
abstract part out or does not say its name, the metric types it scores and the keys it reads.

A scale (a *normaliser*: goalposts today; a panel min–max or a rank later) is a subclass of
:class:`Scale`, registered the same way in the scale registry; a method that lets a rule choose
its scale (``scale = "..."``) takes any registered one.

Pure: no files, no printing. Every message a parser raises names the file, line and key through
:class:`RuleContext`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard

from hemscore.base import numbers
from hemscore.base.errors import RuleError
from hemscore.base.limits import goalpost_problem

if TYPE_CHECKING:
    from typing import Self

    from hemscore.model.catalogue import Metric

#: What a measure gives: the number (or boolean) the scale scores and the details a report shows
#: beside it (e.g. the years a growth rate spans), or the reason there is no measure.
Measure = tuple[float | bool, dict[str, Any] | None]

#: A score, whether it passes, and how far the measure is from the target (None: no distance).
Scored = tuple[float, bool, float | None]


class NoMeasure(str):
    """Why a value gives no measure (the rule then counts as missing data), in English."""

    __slots__ = ()


#: The languages a method explains itself in (any other falls back to English).
LANGS = ("en", "zh")


def pick(texts: Mapping[str, Any], lang: str) -> Any:
    """The entry of ``texts`` for ``lang``, falling back to English."""
    return texts[lang] if lang in texts else texts["en"]


#: A number as a person writes it: 3 not 3.0, 1,500 not 1500.0 (:mod:`hemscore.base.numbers`).
fmt = numbers.written


def is_number(v: Any) -> TypeGuard[float]:
    """A finite int or float (not a bool)."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


class RuleContext:
    """What a parser needs besides the rule's table: how to fail, the rule set's defaults, and
    the scales a rule may pick (the scale registry, handed in so that no method module imports
    the registry that loads it)."""

    __slots__ = ("_kinds", "_scales", "default_target_score", "fail", "metric")

    def __init__(
        self,
        fail: Callable[..., RuleError],
        metric: Metric,
        default_target_score: float,
        scales: Callable[[str], type[Scale] | None] = lambda kind: None,
        kinds: Callable[[], tuple[str, ...]] = tuple,
    ) -> None:
        #: ``fail(message, *keys)``: the error for the rule (file, line of the key, key path)
        self.fail = fail
        self.metric = metric
        self.default_target_score = default_target_score
        self._scales = scales
        self._kinds = kinds

    def scale(self, kind: Any) -> type[Scale]:
        """The scale class a rule picks with ``scale = "..."`` (its problem reported)."""
        cls = self._scales(kind) if isinstance(kind, str) else None
        if cls is None:
            kinds = self._kinds()
            named = f"{', '.join(kinds[:-1])} or {kinds[-1]}" if len(kinds) > 1 else "".join(kinds)
            raise self.fail(f"scale must be {named or 'a registered scale'}", "scale")
        return cls

    def number(self, spec: Mapping[str, Any], key: str, what: str = "a number") -> float:
        """A required finite number within the goalpost limits."""
        v = spec.get(key)
        if not is_number(v):
            raise self.fail(f"{key} is required ({what})", key)
        problem = goalpost_problem(key, v)
        if problem:
            raise self.fail(problem, key)
        return float(v)


class _Parts(ABC):
    """Equality, hashing and repr from ``__slots__`` (parsed rules are compared and hashed)."""

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, s) for cls in type(self).__mro__ for s in _slots(cls))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        names = [s for cls in type(self).__mro__ for s in _slots(cls)]
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"

    def __reduce__(self) -> tuple[Any, ...]:
        names = [s for cls in type(self).__mro__ for s in _slots(cls)]
        return (_rebuild, (type(self), {n: getattr(self, n) for n in names}))


def _slots(cls: type) -> tuple[str, ...]:
    s = cls.__dict__.get("__slots__", ())
    return (s,) if isinstance(s, str) else tuple(s)


def _rebuild(cls: type, state: dict[str, Any]) -> Any:
    obj: Any = object.__new__(cls)
    for k, v in state.items():
        object.__setattr__(obj, k, v)
    return obj


class Scale(_Parts):
    """A normaliser: from a measure to a score in 0–100, with a target that passes.

    A subclass keeps its parameters in ``__slots__`` (equality, hashing, repr and pickling come
    from them; the repr is part of the rule library's fingerprint) or is a frozen dataclass.
    """

    __slots__ = ()

    #: the value of ``scale = "..."`` that picks this scale, and of ``"scale"`` in the report
    kind: Any
    #: the keys of a ``[[rules]]`` table this scale reads
    keys: ClassVar[frozenset[str]]
    #: the measure the rule asks for
    target: float

    @classmethod
    @abstractmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Self:
        """The scale of a rule's table, checked (raise ``ctx.fail(...)`` on a problem)."""

    @abstractmethod
    def evaluate(self, x: float) -> tuple[float, bool, float]:
        """``(score, passes, gap)`` of the measure ``x``."""

    @abstractmethod
    def score(self, x: float) -> float:
        """The score of ``x``."""

    @property
    @abstractmethod
    def pass_score(self) -> float:
        """The score at which the rule passes."""

    @property
    @abstractmethod
    def higher_is_better(self) -> bool:
        """Whether a larger measure scores more."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """The scale's entries of the report's ``scoring`` object (numbers not yet rounded)."""

    @abstractmethod
    def rule_json(self) -> dict[str, Any]:
        """The scale's entries of ``hemscore rules show --format json``'s ``scoring``."""

    @abstractmethod
    def explain(self, lang: str) -> tuple[str, str]:
        """The scale and the pass mark, in words (``lang`` en or zh)."""

    @abstractmethod
    def candidates(self, grain: float) -> tuple[float, ...]:
        """Measures ``plan`` may move to: where the score changes (``grain``: its step)."""

    @abstractmethod
    def width(self) -> float:
        """The span a move's effort is measured against (> 0)."""


class ScoringMethod(_Parts):
    """One way to score a rule. A parsed rule holds an instance: the method's parameters.

    Subclasses set the three class attributes and implement every abstract method; they keep
    their parameters in ``__slots__`` (equality, hashing, repr and pickling come from them).
    """

    __slots__ = ()

    #: the value of ``method = "..."`` in a rule file, and of ``"method"`` in the report
    name: ClassVar[str]
    #: the metric types (catalogue) this method can score
    metric_types: ClassVar[tuple[str, ...]]
    #: every key of a ``[[rules]]`` table the method may read (the rule loader refuses the
    #: others with "does not apply to method ...")
    keys: ClassVar[frozenset[str]]
    #: the names a rule may give as ``measure = "..."``, when the method offers a choice
    measures: ClassVar[tuple[str, ...]] = ()
    #: whether the measure is the metric's value itself, so ``plan`` can set it (False for a
    #: measure of a table: an HHI, a growth rate)
    scores_value: ClassVar[bool] = True

    # -- parsing ------------------------------------------------------------------------------

    @classmethod
    @abstractmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> Self:
        """The method's parameters from a rule's table, checked (raise ``ctx.fail(...)``)."""

    def used_keys(self) -> frozenset[str]:
        """The keys this rule's scoring reads (the others of :attr:`keys` are refused)."""
        return self.keys

    # -- scoring ------------------------------------------------------------------------------

    @abstractmethod
    def measure(self, value: Any) -> Measure | NoMeasure:
        """The measure of a profile's (valid) value, or why there is none."""

    @abstractmethod
    def score(self, x: Any) -> Scored:
        """The scale: ``(score, passes, gap)`` of a measure."""

    @property
    @abstractmethod
    def scale(self) -> Scale | None:
        """The rule's scale, if the method scores through one."""

    @property
    @abstractmethod
    def target(self) -> float | bool:
        """The measure the rule asks for (the report's ``target``)."""

    @property
    @abstractmethod
    def pass_score(self) -> float:
        """The score at which the rule passes (what meeting it is worth)."""

    @property
    @abstractmethod
    def higher_is_better(self) -> bool:
        """Whether a larger measure scores more (True for a yes-or-no rule)."""

    def with_scale(self, scale: Scale) -> Self:
        """The same method and measure on another scale (an analysis that varies the
        normalisation uses this); refused by a method that scores without a scale."""
        if self.scale is None:
            raise TypeError(f"scoring method {self.name} has no scale to replace")
        names = [s for cls in type(self).__mro__ for s in _slots(cls)]
        state = {n: getattr(self, n) for n in names}
        state["scale"] = scale
        return _rebuild(type(self), state)  # type: ignore[no-any-return]

    @property
    def measure_name(self) -> str | None:
        """The measure's name when the method offers several (``hhi``), else None."""
        return None

    @property
    def goalposts(self) -> tuple[float, float, float] | None:
        """``(worst, target, best)`` on the metric's own value, which a reference panel can
        compute (``basis = "panel"``); None when the method has none."""
        return None

    # -- reports ------------------------------------------------------------------------------

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """The report's ``scoring`` object, numbers not yet rounded (the report rounds floats)."""

    @abstractmethod
    def rule_json(self) -> dict[str, Any]:
        """The ``scoring`` object of ``hemscore rules show --format json`` (before ``text``)."""

    @abstractmethod
    def explain(self, metric_id: str, metric: Metric | None, lang: str) -> tuple[str, str, str]:
        """The measure, the scale and the pass mark in words, in ``lang`` (en or zh)."""

    def label(self, lang: str) -> str:
        """The method's short name in a rule listing."""
        return self.name

    def unit(self, lang: str) -> str | None:
        """The unit of the measure when it is not the metric's value, else None."""
        return None

    # -- plan ---------------------------------------------------------------------------------

    @abstractmethod
    def candidates(self, grain: float) -> tuple[float | bool, ...]:
        """Values ``plan`` may move the metric to (numbers on a grid of ``grain``), in no order;
        empty when :attr:`scores_value` is False."""

    @abstractmethod
    def width(self) -> float:
        """The span a move's effort is measured against (a numeric method's band)."""


#: The parts the registry checks a method declares (besides the abstract methods).
REQUIRED_ATTRIBUTES: tuple[str, ...] = ("name", "metric_types", "keys")


#: Measure texts shared by the methods that score the metric's value itself.
VALUE_MEASURE = {
    "en": "Measure: the profile's value of {metric}{unit}.",
    "zh": "度量：档案中指标 {metric} 的数值{unit}。",
}
UNIT = {"en": " (unit: {unit})", "zh": "（单位：{unit}）"}


def value_measure_text(metric_id: str, metric: Metric | None, lang: str, *, unit: bool) -> str:
    """ "Measure: the profile's value of X (unit: U)." in ``lang``."""
    u = metric.text(lang, "unit") if metric is not None else ""
    shown = pick(UNIT, lang).format(unit=u) if u and unit else ""
    return str(pick(VALUE_MEASURE, lang)).format(metric=metric_id, unit=shown)
