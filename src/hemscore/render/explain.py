"""How a rule is scored, in words, derived from its method and parameters.

``hemscore rules show ID`` prints this text, so the explanation cannot drift from what the
engine does: the words come from the rule's scoring method (:mod:`hemscore.model.methods`),
every number from the rule's parameters (goalposts, bands, target, target score), and the pass
condition is worked out the way the method decides it. Available in English and Chinese.
Pure: no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hemscore.base import numbers
from hemscore.base.messages import bracketed, colon, label, listing, paper
from hemscore.base.safe_text import terminal
from hemscore.model.catalogue import Metric
from hemscore.model.methods import base as _methods
from hemscore.model.rules import Rule, RuleSet

#: A number as a person writes it: 3 not 3.0, 1,500 not 1500.0 (:mod:`hemscore.base.numbers`).
fmt = numbers.written

#: The languages of the explanations (any other falls back to English).
_LANGS = _methods.LANGS


@dataclass(frozen=True)
class ScoringExplanation:
    """The scoring of one rule in words: the measure, the scale, the pass mark, missing data."""

    measure: str
    scale: str
    passes: str
    missing: str

    def lines(self) -> list[str]:
        return [self.measure, self.scale, self.passes, self.missing]


def explain_scoring(
    rule: Rule, metrics: Mapping[str, Metric], lang: str = "en"
) -> ScoringExplanation:
    """Explain how ``rule`` is scored, in ``lang`` (en or zh): the words come from the rule's
    scoring method (:mod:`hemscore.model.methods`), every number from its parameters."""
    lang = lang if lang in _LANGS else "en"
    measure, scale, passes = rule.scoring.explain(rule.metric, metrics.get(rule.metric), lang)
    return ScoringExplanation(measure, scale, passes, label(lang, "explain.missing_value"))


@dataclass(frozen=True)
class RuleExplanation:
    """Everything ``hemscore rules show`` says about a rule."""

    rule: Rule
    diagnostic_title: str
    metric_title: str
    what: str
    why: str
    how: ScoringExplanation
    weight: str
    basis: str
    source: str
    recommendation: str
    paper: tuple[str, ...]


def calibration_text(rule: Rule, lang: str = "en") -> str:
    """How a ``basis = "panel"`` rule's goalposts were computed, in one sentence ("" if not)."""
    c = rule.calibration
    if c is None:
        return ""
    target = (
        label(lang, "calibration.target_policy", policy=c.target_policy)
        if c.target_policy
        else label(lang, "calibration.target_percentile", p=fmt(c.target_percentile or 0))
    )
    return label(
        lang,
        "calibration.text",
        method=c.method,
        panel=c.panel,
        year=c.year,
        economies=c.economies,
        worst=fmt(c.worst_percentile),
        best=fmt(c.best_percentile),
        target=target,
    )


def explain_rule(rule: Rule, ruleset: RuleSet, lang: str = "en") -> RuleExplanation:
    """Gather what, why, how it is scored, basis and source, and what to do, for one rule."""
    lang = lang if lang in _LANGS else "en"
    diag = next((d for d in ruleset.diagnostics if d.id == rule.diagnostic), None)
    metric = ruleset.metrics.get(rule.metric)
    kinds = listing(lang).join(label(lang, k) for k in rule.kinds)
    sev = rule.severity
    title = diag.text(lang, "title") if diag else rule.diagnostic
    weight = (
        label(lang, "explain.weight", weight=fmt(rule.weight))
        + (
            label(lang, "explain.severity", severity=label(lang, f"sev_{sev}"))
            if sev
            else label(lang, "explain.no_severity")
        )
        + (label(lang, "explain.group", group=rule.group) if rule.group else "")
        + label(lang, "explain.in_diagnostic", diagnostic=rule.diagnostic, title=title, kinds=kinds)
    )
    return RuleExplanation(
        rule=rule,
        diagnostic_title=title,
        metric_title=metric.text(lang, "title") if metric else rule.metric,
        what=rule.text(lang, "what"),
        why=rule.text(lang, "why"),
        how=explain_scoring(rule, ruleset.metrics, lang),
        weight=weight,
        basis=label(lang, f"basis.{rule.basis}"),
        source=rule.source,
        recommendation=rule.text(lang, "recommendation"),
        paper=rule.paper,
    )


def explanation_text(e: RuleExplanation, lang: str = "en") -> str:
    """The explanation as Markdown text, the way ``ruff rule CODE`` prints a rule."""

    def h(key: str) -> str:
        return label(lang, f"explain.{key}")

    r = e.rule
    sep = colon(lang)
    out = [
        f"# {r.id}{sep}{r.text(lang, 'title')}",
        "",
        f"{h('diagnostic')}{sep}{r.diagnostic} — {e.diagnostic_title}  ",
        f"{h('metric')}{sep}{r.metric} — {e.metric_title}  ",
        f"{e.weight}  ",
        f"{h('paper')}{sep}{paper(e.paper, lang, short=True)}{bracketed(lang, h('paper_doc'))}",
        "",
        f"## {h('what')}",
        "",
        e.what,
        "",
        f"## {h('why')}",
        "",
        e.why,
        "",
        f"## {h('how')}",
        "",
        *[f"- {line}" for line in e.how.lines()],
        "",
        f"## {h('basis')}",
        "",
        f"{h('basis_label')}{sep}{e.basis}  ",
        f"{h('source')}{sep}{e.source}" + ("  " if r.calibration else ""),
        *([calibration_text(r, lang)] if r.calibration else []),
        "",
        f"## {h('todo')}",
        "",
        e.recommendation,
    ]
    return "\n".join(terminal(line) for line in out) + "\n"


def rule_summary(rule: Rule, lang: str = "en") -> dict[str, object]:
    """The listing fields of a rule (``hemscore rules --format json``)."""
    return {
        "id": rule.id,
        "diagnostic": rule.diagnostic,
        "metric": rule.metric,
        "kinds": list(rule.kinds),
        "severity": rule.severity,
        "weight": rule.weight,
        "method": rule.method,
        "measure": rule.measure,
        "title": rule.text(lang, "title"),
        "paper": list(rule.paper),
        "basis": rule.basis,
        "group": rule.group,
    }


def explanation_dict(e: RuleExplanation, lang: str = "en") -> dict[str, object]:
    """The explanation as a JSON object (``hemscore rules show ID --format json``)."""
    r = e.rule
    return {
        **rule_summary(r, lang),
        "diagnostic_title": e.diagnostic_title,
        "metric_title": e.metric_title,
        "what": e.what,
        "why": e.why,
        "scoring": {**r.scoring.rule_json(), "text": e.how.lines()},
        "weight_text": e.weight,
        "source": e.source,
        "basis_text": e.basis,
        "calibration": None
        if r.calibration is None
        else {
            "method": r.calibration.method,
            "panel": r.calibration.panel,
            "year": r.calibration.year,
            "economies": r.calibration.economies,
            "worst_percentile": r.calibration.worst_percentile,
            "best_percentile": r.calibration.best_percentile,
            "target_percentile": r.calibration.target_percentile,
            "target_policy": r.calibration.target_policy,
            "text": calibration_text(r, lang),
        },
        "recommendation": e.recommendation,
    }


def rules_table(rules: list[Rule], lang: str = "en") -> str:
    """Rules as aligned plain-text columns: id, diagnostic, metric, severity, weight, method,
    title."""
    from hemscore.base.messages import label as ui

    columns = ("id", "diagnostic", "metric", "severity", "weight", "method", "title")
    head = tuple(ui(lang, f"col_{c}") for c in columns)
    raw: list[tuple[str, ...]] = [
        head,
        *[
            (
                r.id,
                _short(r.diagnostic, lang),
                r.metric,
                ui(lang, f"sev_{r.severity}") if r.severity else "-",
                fmt(r.weight),
                r.scoring.label(lang),
                r.text(lang, "title"),
            )
            for r in rules
        ],
    ]
    rows = [tuple(terminal(c) for c in row) for row in raw]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(head) - 1)]
    lines = [
        "  ".join([*(c + " " * (w - _width(c)) for c, w in zip(row, widths)), row[-1]])
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def _short(diagnostic: str, lang: str) -> str:
    """A diagnostic's short name for the rules listing; a diagnostic a rule set adds shows its
    id."""
    from hemscore.base.messages import EN
    from hemscore.base.messages import label as ui

    return ui(lang, f"diag_{diagnostic}") if f"diag_{diagnostic}" in EN else diagnostic


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
