"""One profile placed among a panel of peers (``compare PROFILE --peers panel``).

For every rule scored on the profile whose metric a peer also has, the profile's measure (the
value itself, the HHI or largest share of a shares table, the growth or % of peak of a series)
is ranked among the peers' measures of the same rule: rank, percentile and the nearest peers.
:func:`place` is pure: it takes an assessment and validated peer profiles and returns a
:class:`PeerComparison`; :func:`compare_with_peers` reads the peers named by ``--peers`` first
(:func:`read_peers`, through the one loader).

- **Rank**: 1 + the number of peers strictly better, out of the peers with a value plus the
  profile (1 = best; ties share a rank).
- **Percentile**: the share of those peers the profile does better than, ties counted half,
  × 100 (100: better than every peer; 50: the middle).
- **Nearest peers**: the peers whose measure is closest to the profile's, closest first (ties by
  name).

"Better" follows the metric's direction: higher for ``higher``, ``growing`` and ``true``
metrics, lower for ``lower`` and ``less-concentrated`` ones. Yes/no rules are not placed (a
rank among two values says nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hemscore.base.errors import UsageError
from hemscore.engine.assessment import Assessment, evaluate_rule
from hemscore.model.profile import Profile
from hemscore.model.rules import Rule, RuleSet

NEAREST = 3
_TIE_DIGITS = 6  # as compare.py: measures equal to 6 decimals are tied
LOWER_IS_BETTER = frozenset({"lower", "less-concentrated"})


@dataclass(frozen=True)
class Peer:
    """A peer's measure on one rule."""

    name: str
    value: float


@dataclass(frozen=True)
class PeerRow:
    """The profile's place among the peers on one rule."""

    rule: Rule
    value: float
    higher_is_better: bool
    rank: int
    of: int  # peers with a value, plus the profile
    percentile: float
    nearest: tuple[Peer, ...]
    best: Peer
    worst: Peer


@dataclass(frozen=True)
class PeerComparison:
    """The result of :func:`place`."""

    assessment: Assessment
    panel: str  # a name for the panel (e.g. its folder)
    peers: int  # peer profiles read
    years: tuple[int, ...]  # the peers' profile years
    kinds: tuple[str, ...]  # the peers' kinds
    rows: tuple[PeerRow, ...]
    unplaced: tuple[str, ...]  # rules scored on the profile that no peer has data for


def _measure(rule: Rule, profile: Profile) -> float | None:
    if profile.kind not in rule.kinds:
        return None
    r = evaluate_rule(rule, profile.values.get(rule.metric))
    if r.score is None or isinstance(r.value, bool) or r.value is None:
        return None
    return float(r.value)


def place(
    assessment: Assessment, peers: Sequence[Profile], *, panel: str, nearest: int = NEAREST
) -> PeerComparison:
    """Place ``assessment``'s profile among ``peers`` on every rule they share."""
    rows: list[PeerRow] = []
    unplaced: list[str] = []
    metrics = assessment.ruleset.metrics
    for result in assessment.results:
        if result.score is None or isinstance(result.value, bool) or result.value is None:
            continue
        rule = result.rule
        mine = float(result.value)
        values = [Peer(p.name, v) for p in peers if (v := _measure(rule, p)) is not None]
        if not values:
            unplaced.append(rule.id)
            continue
        metric = metrics.get(rule.metric)
        higher = metric is None or metric.better not in LOWER_IS_BETTER
        sign = 1.0 if higher else -1.0
        key = round(sign * mine, _TIE_DIGITS)
        keys = [round(sign * p.value, _TIE_DIGITS) for p in values]
        better = sum(1 for k in keys if k > key)
        worse = sum(1 for k in keys if k < key)
        ties = len(keys) - better - worse
        ordered = sorted(values, key=lambda p: (-sign * p.value, p.name))
        rows.append(
            PeerRow(
                rule=rule,
                value=mine,
                higher_is_better=higher,
                rank=1 + better,
                of=len(values) + 1,
                percentile=100.0 * (worse + 0.5 * ties) / len(values),
                nearest=tuple(
                    sorted(values, key=lambda p: (abs(p.value - mine), p.name))[:nearest]
                ),
                best=ordered[0],
                worst=ordered[-1],
            )
        )
    return PeerComparison(
        assessment=assessment,
        panel=panel,
        peers=len(peers),
        years=tuple(sorted({p.year for p in peers})),
        kinds=tuple(sorted({p.kind for p in peers})),
        rows=tuple(rows),
        unplaced=tuple(unplaced),
    )


#: Names of the panels shipped with hemscore (reference/panel/<folder>).
BUILTIN_PANELS = {"panel": "2017", "panel-latest": "latest"}


def panel_path(peers: str) -> tuple[str, str]:
    """The path to read for ``--peers`` and a name for the report."""
    if peers in BUILTIN_PANELS:
        from hemscore.importers.panel import panel_dir

        folder = BUILTIN_PANELS[peers]
        path = panel_dir(folder)
        if not path.is_dir():
            raise UsageError(f"the reference panel is not installed (looked in {path})")
        label = "the reference panel" + (" (latest values)" if folder == "latest" else "")
        return str(path), label
    if not Path(peers).exists():
        raise UsageError(
            f"--peers: no such file or folder, and not one of {', '.join(BUILTIN_PANELS)}",
            path=peers,
        )
    return peers, Path(peers).name or peers


def read_peers(path: str, ruleset: RuleSet, exclude: str | None) -> list[Profile]:
    """Every profile under ``path`` (the assessed profile itself left out); bad ones exit 2."""
    import os

    from hemscore.engine.loader import load_profile
    from hemscore.reading.inputs import expand

    found: list[Profile] = []
    for src in expand([path]):
        if exclude and src.text is None and os.path.realpath(src.name) == exclude:
            continue
        found.append(load_profile(src, ruleset))
    if not found:
        raise UsageError("--peers: no profiles found", path=path)
    return found


def compare_with_peers(
    assessments: list[Assessment], peers: str, ruleset: RuleSet
) -> PeerComparison:
    """Place the one assessed profile among the peers named by ``--peers``."""
    import os

    if len(assessments) != 1:
        raise UsageError(f"--peers places one profile among its peers; got {len(assessments)}")
    a = assessments[0]
    path, label = panel_path(peers)
    mine = None if a.profile.path == "<stdin>" else os.path.realpath(a.profile.path)
    return place(a, read_peers(path, ruleset, mine), panel=label)
