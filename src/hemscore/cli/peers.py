"""``compare PROFILE --peers PANEL``: the command-line half of :mod:`hemscore.peers`."""

from __future__ import annotations

from pathlib import Path

from hemscore.analysis.peers import PeerComparison, place
from hemscore.base.errors import UsageError
from hemscore.engine.assessment import Assessment
from hemscore.model.profile import Profile
from hemscore.model.rules import RuleSet

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

    from hemscore.engine.validation import check_profile, read_source
    from hemscore.reading.inputs import expand

    found: list[Profile] = []
    for src in expand([path]):
        if exclude and src.text is None and os.path.realpath(src.name) == exclude:
            continue
        found.append(check_profile(read_source(src), ruleset))
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
