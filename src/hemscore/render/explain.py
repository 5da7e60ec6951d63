"""How a rule is scored, in words, derived from its method and parameters.

``hemscore rules show ID`` prints this text, so the explanation cannot drift from what the
engine does: every number in it is read from the rule's scale (goalposts, bands, target, target
score), and the pass condition is worked out the way :mod:`hemscore.scoring` decides it.
Available in English and Chinese. Pure: no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hemscore.base import numbers
from hemscore.base.safe_text import terminal
from hemscore.model.catalogue import Metric
from hemscore.model.rules import Rule, RuleSet
from hemscore.model.scoring import RESIDUAL_LABELS, BandScale, LinearScale
from hemscore.render.messages import bracketed, colon, label, listing, paper

#: A number as a person writes it: 3 not 3.0, 1,500 not 1500.0 (:mod:`hemscore.base.numbers`).
fmt = numbers.written


_MEASURES: dict[str, dict[str, str]] = {
    "en": {
        "value": "Measure: the profile's value of {metric}{unit}.",
        "hhi": (
            "Measure: the Herfindahl–Hirschman index (HHI) of the shares table {metric}: the sum "
            "of the squared percentage shares, from near 0 (spread over many) to 10,000 (all in "
            "one)."
        ),
        "largest": "Measure: the largest single share in the table {metric}, in %.",
        "cagr": (
            "Measure: the compound annual growth of the series {metric}, in % a year, from the "
            "value {years} years before its latest year (or the earliest year after that) to the "
            "latest value. With fewer than two positive values in that window the rule counts as "
            "missing data."
        ),
        "peak": (
            "Measure: the latest value of the series {metric} as a percentage of the series' "
            "peak (100 means it is at its peak)."
        ),
    },
    "zh": {
        "value": "度量：档案中指标 {metric} 的数值{unit}。",
        "hhi": (
            "度量：份额表 {metric} 的赫芬达尔—赫希曼指数（HHI），即各百分比份额的平方和，"
            "从接近 0（高度分散）到 10,000（全部集中于一处）。"
        ),
        "largest": "度量：份额表 {metric} 中最大的单项份额（%）。",
        "cagr": (
            "度量：序列 {metric} 的年均复合增长率（%/年），从最新年份之前 {years} 年（若缺失则取其后最早的年份）"
            "的数值算到最新数值。该区间内正值少于两个时，本规则按缺数据处理。"
        ),
        "peak": "度量：序列 {metric} 的最新值占其峰值的百分比（100 表示处于峰值）。",
    },
}

_UNIT = {"en": " (unit: {unit})", "zh": "（单位：{unit}）"}
_RESIDUAL = {
    "en": (
        " A residual label ({labels}) stands for many small parties and is left out of the "
        "measure; a table with only a residual counts as missing data."
    ),
    "zh": "残余标签（{labels}）代表众多小份额，不计入该度量；只有残余项的表按缺数据处理。",
}


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
    """Explain how ``rule`` is scored, in ``lang`` (en or zh)."""
    lang = lang if lang in _MEASURES else "en"
    texts = _MEASURES[lang]
    metric = metrics.get(rule.metric)
    if rule.measure:
        measure = texts[rule.measure].format(metric=rule.metric, years=rule.years)
        if rule.method == "concentration":
            measure += _RESIDUAL[lang].format(
                labels=", ".join(f'"{x}"' for x in sorted(RESIDUAL_LABELS))
            )
    else:
        unit = metric.text(lang, "unit") if metric is not None else ""
        shown = _UNIT[lang].format(unit=unit) if unit and rule.method != "boolean" else ""
        measure = texts["value"].format(metric=rule.metric, unit=shown)
    if rule.scale is None:
        scale, passes = _boolean(rule, lang)
    elif isinstance(rule.scale, LinearScale):
        scale, passes = _linear(rule.scale, lang)
    else:
        scale, passes = _bands(rule.scale, lang)
    if lang == "zh":
        missing = "档案中没有该指标时本规则不参与评估：它不计入诊断维度的加权平均（绝不按 0 分计），只降低数据覆盖率。"
    else:
        missing = (
            "A profile without this value is not assessed by this rule: the rule leaves its "
            "diagnostic's weighted mean (it is never scored 0) and lowers the coverage."
        )
    return ScoringExplanation(measure, scale, passes, missing)


def _boolean(rule: Rule, lang: str) -> tuple[str, str]:
    want = rule.expected
    if lang == "zh":
        w = "是" if want else "否"
        return (
            f"是非判断：数值为“{w}”（{str(want).lower()}）得 100 分，否则得 0 分。",
            f"数值为“{w}”时达标。",
        )
    w = str(want).lower()
    return (
        f"Yes or no: the value {w} scores 100; anything else scores 0.",
        f"The rule passes when the value is {w}.",
    )


def _linear(s: LinearScale, lang: str) -> tuple[str, str]:
    w, t, b, ts = fmt(s.worst), fmt(s.target), fmt(s.best), fmt(s.target_score)
    up = s.higher_is_better
    if lang == "zh":
        more, less = ("及以上", "及以下") if up else ("及以下", "及以上")
        scale = (
            f"线性目标值法：数值为 {w} {less}得 0 分，等于 {t}（目标值）得 {ts} 分，{b} {more}得 100 分；"
            f"其间按直线插值（{w} 到 {t} 之间从 0 分升到 {ts} 分，{t} 到 {b} 之间从 {ts} 分升到 100 分）。"
        )
        return scale, f"数值{'不低于' if up else '不高于'} {t} 时达标（得分 {ts} 分及以上）。"
    more, less = ("or more", "or less") if up else ("or less", "or more")
    scale = (
        f"Linear goalposts: a value of {w} {less} scores 0, {t} (the target) scores {ts}, and "
        f"{b} {more} scores 100; in between the score follows straight lines (from 0 to {ts} "
        f"between {w} and {t}, from {ts} to 100 between {t} and {b})."
    )
    return scale, f"The rule passes at {t} {more} (a score of {ts} or more)."


def _bands(s: BandScale, lang: str) -> tuple[str, str]:
    e = [fmt(x) for x in s.edges]
    sc = [fmt(x) for x in s.scores]
    upper = s.edge == "upper"
    n = len(s.edges)
    parts = []
    for i in range(n + 1):
        if lang == "zh":
            if i == 0:
                rng = f"低于 {e[0]}" if upper else f"{e[0]} 及以下"
            elif i == n:
                rng = f"{e[-1]} 及以上" if upper else f"高于 {e[-1]}"
            else:
                rng = (
                    f"{e[i - 1]} 至 {e[i]}（不含 {e[i]}）"
                    if upper
                    else f"高于 {e[i - 1]} 至 {e[i]}（含 {e[i]}）"
                )
            parts.append(f"{rng}：{sc[i]} 分")
        else:
            if i == 0:
                rng = f"below {e[0]}" if upper else f"{e[0]} or less"
            elif i == n:
                rng = f"{e[-1]} or more" if upper else f"above {e[-1]}"
            else:
                rng = (
                    f"from {e[i - 1]} to below {e[i]}"
                    if upper
                    else f"above {e[i - 1]} up to {e[i]}"
                )
            parts.append(f"{rng} scores {sc[i]}")
    pass_score = fmt(s.pass_score)
    cond = _band_pass_condition(s, lang)
    if lang == "zh":
        scale = "分档计分：" + "；".join(parts) + "。"
        at_least = "100 分" if s.pass_score >= 100 else f"不低于 {pass_score} 分"
        return scale, f"得分{at_least}（目标值 {fmt(s.target)} 所在档的得分）时达标，即{cond}。"
    scale = "Bands: " + "; ".join(parts) + "."
    at_least = "100" if s.pass_score >= 100 else f"{pass_score} or more"
    return scale, (
        f"The rule passes when it scores {at_least} (the score of the target, "
        f"{fmt(s.target)}), that is {cond}."
    )


def _band_pass_condition(s: BandScale, lang: str) -> str:
    """The values that pass, as a condition on the value (worked out from the bands)."""
    ok = [sc >= s.pass_score for sc in s.scores]
    zh = lang == "zh"
    if all(ok):
        return "任何数值" if zh else "at any value"
    upper = s.edge == "upper"
    if s.higher_is_better:
        k = ok.index(True)  # first passing band; all above it pass (scores rise)
        edge = fmt(s.edges[k - 1])
        if zh:
            return f"数值{'不低于' if upper else '高于'} {edge}"
        return f"at a value of {edge} or more" if upper else f"at a value above {edge}"
    k = len(ok) - 1 - ok[::-1].index(True)  # last passing band; all below it pass
    edge = fmt(s.edges[k])
    if zh:
        return f"数值{'低于' if upper else '不高于'} {edge}"
    return f"at a value below {edge}" if upper else f"at a value of {edge} or less"


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
    lang = lang if lang in _MEASURES else "en"
    diag = next((d for d in ruleset.diagnostics if d.id == rule.diagnostic), None)
    metric = ruleset.metrics.get(rule.metric)
    kinds = listing(lang).join(label(lang, k) for k in rule.kinds)
    sev = rule.severity
    title = diag.text(lang, "title") if diag else rule.diagnostic
    if lang == "zh":
        weight = (
            f"权重 {fmt(rule.weight)}"
            + (
                f"（严重程度：{label(lang, f'sev_{sev}')}）"
                if sev
                else "（无严重程度，--fail-on 不据此判定）"
            )
            + (f"，属于共享权重的规则组“{rule.group}”" if rule.group else "")
            + f"，计入“{title}”维度；适用于：{kinds}。"
        )
    else:
        weight = (
            f"Weight {fmt(rule.weight)}"
            + (f" (severity {sev})" if sev else " (no severity: never gated by --fail-on)")
            + (f", in the shared-weight group {rule.group}," if rule.group else "")
            + f" in the {rule.diagnostic} diagnostic ({title}); applies to: {kinds}."
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
    scale: dict[str, object]
    if r.scale is None:
        scale = {"expected": r.expected}
    elif isinstance(r.scale, LinearScale):
        scale = {
            "scale": "linear",
            "worst": r.scale.worst,
            "target": r.scale.target,
            "best": r.scale.best,
            "target_score": r.scale.target_score,
        }
    else:
        scale = {
            "scale": "bands",
            "edges": list(r.scale.edges),
            "scores": list(r.scale.scores),
            "edge": r.scale.edge,
            "target": r.scale.target,
            "pass_score": r.scale.pass_score,
        }
    return {
        **rule_summary(r, lang),
        "diagnostic_title": e.diagnostic_title,
        "metric_title": e.metric_title,
        "what": e.what,
        "why": e.why,
        "scoring": {
            "method": r.method,
            "measure": r.measure,
            **({"years": r.years} if r.method == "trend" else {}),
            **scale,
            "text": e.how.lines(),
        },
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
    from hemscore.render.messages import label as ui

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
                ui(lang, f"method_{r.method}")
                + (f"/{ui(lang, 'measure_' + r.measure)}" if r.measure else ""),
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
    from hemscore.render.messages import EN
    from hemscore.render.messages import label as ui

    return ui(lang, f"diag_{diagnostic}") if f"diag_{diagnostic}" in EN else diagnostic


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
