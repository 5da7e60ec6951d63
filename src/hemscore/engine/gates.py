"""CI gates: whether an assessment passes ``--fail-under`` and ``--fail-on`` (exit code 1).

Pure: returns the reasons a gate failed, one line each; the CLI prints them and picks the exit
code. ``--fail-on SEVERITY`` fails on any failing rule at or above that severity. It reads the
severity alone: a rule's weight in the average never makes it gate, and a rule with no severity
is never gated.
"""

from __future__ import annotations

from dataclasses import dataclass

from hemscore.engine.assessment import Assessment
from hemscore.model.rules import SEVERITY_RANK


@dataclass(frozen=True)
class Gates:
    """The gates of one run: a least overall score, and a severity no failing rule may reach."""

    fail_under: float | None = None
    fail_on: str | None = None

    def failures(self, a: Assessment) -> list[str]:
        """Why ``a`` fails the gates (empty when it passes every gate)."""
        out = []
        path = a.profile.path
        if self.fail_under is not None and (a.score is None or a.score < self.fail_under):
            shown = "no score (insufficient data)" if a.score is None else f"{a.score:.1f}"
            out.append(f"{path}: overall {shown} is below {self.fail_under:g}")
        if self.fail_on is not None:
            floor = SEVERITY_RANK[self.fail_on]
            bad = [
                r.id
                for r in a.failing()
                if r.rule.severity is not None and SEVERITY_RANK[r.rule.severity] >= floor
            ]
            if bad:
                out.append(
                    f"{path}: {len(bad)} failing rule(s) of severity {self.fail_on} "
                    f"or higher: {', '.join(bad)}"
                )
        return out
