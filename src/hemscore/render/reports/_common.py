"""Wording shared by the analysis reports: labels (en, zh), numbers and profile labels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hemscore.model.profile import Profile
from hemscore.reading.jsontext import dumps as strict_dumps
from hemscore.render.i18n import label as base_label

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "compare": "hemscore comparison",
        "plan": "hemscore plan",
        "sensitivity": "hemscore sensitivity",
        "diff": "hemscore diff",
        "leader": "Leader",
        "leaders": "leader",
        "rank": "Rank",
        "reference": "reference",
        "relative_note": "% of {ref} (= 100). Bands as in the EU Innovation Scoreboard: leader > 125, strong 100–125, moderate 70–100, emerging < 70.",
        "not_scored_note": "– not scored: no data, insufficient coverage, or the rule does not apply.",
        "band_leader": "leader",
        "band_strong": "strong",
        "band_moderate": "moderate",
        "band_emerging": "emerging",
        "kinds_differ": "profiles of different kinds ({kinds}) are scored on different rules; compare like with like where you can",
        "entities_differ": "the two sides describe different entities ({old} → {new}); diff follows one entity over time, compare sets different ones side by side",
        "target": "Target",
        "effort": "Effort",
        "from": "From",
        "to": "To",
        "gain": "Gain",
        "rules": "Rules",
        "metric": "Metric",
        "before": "Before",
        "after": "After",
        "reached": "Assessing the changed profile gives {after}: the target {target} is reached.",
        "already": "Already at {score}, at or above the target {target}: nothing to change.",
        "unreachable": "The target {target} cannot be reached by changing the values this profile has: the best the plan found is {best}.",
        "no_score": "The profile has no overall score: its data cover {coverage}% of the rule weight, below the minimum {minimum}%. No change of values can give it one: add data first (or lower --min-coverage).",
        "greedy": "Under geometric aggregation the plan is found greedily: its score is the engine's, but a plan of less effort may exist (the least effort is proven under arithmetic aggregation).",
        "limited": "The search stopped at its limit before proving this plan the least effort: a plan of less effort may exist.",
        "held_back": "Held back by rules the plan cannot move",
        "why_missing": "No data, so not scored and not plannable (add data for these metrics)",
        "why_table": "Shares and series tables are not planned (change them by hand)",
        "why_conflict": "Rules pull this metric in opposite directions, so it is not planned",
        "why_unscored": "Diagnostics left out of the overall score for insufficient data (below the minimum coverage); more data there would count more than any value change",
        "written": "Changed profile written to {path} (changed values are marked target = true, with the old value in was).",
        "settings": "{runs} runs, seed {seed}: each rule weight × uniform({low}, {high}); aggregation arithmetic or geometric at random ({geo} geometric)",
        "nominal": "Nominal",
        "median": "Median",
        "unscored_note": "– no overall score (too little data): such a profile takes no part in the runs.",
        "interval": "5–95%",
        "median_rank": "Median rank",
        "rank_interval": "Rank 5–95%",
        "overall_change": "Overall",
        "changed_rules": "Changed rules: {n} ({same} unchanged)",
        "no_changes": "No changes: the two assessments agree on every rule, diagnostic and the overall score.",
        "newly_failing": "Newly failing",
        "fixed": "No longer failing",
        "regression": "Regression",
        "no_regression": "No regression: the overall score did not fall and no rule newly fails.",
        "reason_gone": "the overall score can no longer be computed",
        "reason_fell": "overall fell by {n}",
        "reason_fails": "{n} rule(s) newly failing: {ids}",
        "ruleset_differs": "The rule sets differ ({old} → {new}): some changes may come from the rules, not the data.",
        "added": "new",
        "removed": "gone",
        "old": "Old",
        "new": "New",
        "delta": "Δ",
        "not_applicable": "n/a",
    },
    "zh": {
        "compare": "hemscore 对比",
        "plan": "hemscore 改进方案",
        "sensitivity": "hemscore 敏感性分析",
        "diff": "hemscore 差异",
        "leader": "领先者",
        "leaders": "领先",
        "rank": "排名",
        "reference": "参照",
        "relative_note": "以 {ref} 为 100 的相对得分。分档参照欧洲创新记分牌：领先 > 125，强 100–125，中等 70–100，追赶 < 70。",
        "not_scored_note": "– 未评分：缺数据、数据覆盖不足或规则不适用。",
        "band_leader": "领先",
        "band_strong": "强",
        "band_moderate": "中等",
        "band_emerging": "追赶",
        "kinds_differ": "评估对象类型不同（{kinds}），适用的规则也不同；尽量同类相比",
        "entities_differ": "两侧是不同的评估对象（{old} → {new}）；diff 用于跟踪同一对象的变化，不同对象请用 compare 并列比较",
        "target": "目标",
        "effort": "难度",
        "from": "原值",
        "to": "目标值",
        "gain": "提升",
        "rules": "规则",
        "metric": "指标",
        "before": "之前",
        "after": "之后",
        "reached": "按修改后的数据重新评估得 {after}，达到目标 {target}。",
        "already": "当前得分 {score} 已达到目标 {target}，无需改动。",
        "unreachable": "仅改变已有数据无法达到目标 {target}：方案能达到的最高分为 {best}。",
        "no_score": "该评估对象没有总分：数据只覆盖 {coverage}% 的规则权重，低于最低要求 {minimum}%。改变数值无法产生总分，请先补充数据（或降低 --min-coverage）。",
        "greedy": "几何平均下方案由贪心搜索得出：得分由评估引擎核实，但可能存在难度更低的方案（算术平均下可保证难度最低）。",
        "limited": "搜索在证明本方案难度最低之前已达上限：可能存在难度更低的方案。",
        "held_back": "方案无法改动、拖低得分的规则",
        "why_missing": "缺数据，未评分，无法纳入方案（请补充这些指标的数据）",
        "why_table": "占比表和时间序列不纳入方案（请手工修改）",
        "why_conflict": "多条规则对该指标的方向要求相反，不纳入方案",
        "why_unscored": "因数据不足（低于最低覆盖率）未计入总分的诊断维度；在这些维度补充数据比改动数值影响更大",
        "written": "修改后的评估对象已写入 {path}（改动的数值标记为 target = true，原值记在 was）。",
        "settings": "{runs} 次模拟，随机种子 {seed}：每条规则权重乘以均匀分布 ({low}, {high}) 的随机系数；随机采用算术或几何平均（几何 {geo} 次）",
        "nominal": "名义值",
        "median": "中位数",
        "unscored_note": "– 无总分（数据不足）：不参与模拟。",
        "interval": "5–95%",
        "median_rank": "排名中位数",
        "rank_interval": "排名 5–95%",
        "overall_change": "总分",
        "changed_rules": "变化的规则：{n} 条（{same} 条未变）",
        "no_changes": "没有变化：两次评估在每条规则、每个诊断维度和总分上都一致。",
        "newly_failing": "新增未达标",
        "fixed": "不再未达标",
        "regression": "退步",
        "no_regression": "没有退步：总分未下降，也没有新增未达标的规则。",
        "reason_gone": "总分已无法计算",
        "reason_fell": "总分下降 {n}",
        "reason_fails": "新增 {n} 条未达标规则：{ids}",
        "ruleset_differs": "规则集不同（{old} → {new}）：部分变化可能来自规则而非数据。",
        "added": "新增",
        "removed": "移除",
        "old": "之前",
        "new": "之后",
        "delta": "变化",
        "not_applicable": "不适用",
    },
}


def label(lang: str, key: str, **fmt: object) -> str:
    """An analysis label in ``lang``; falls back to the report labels, then to English."""
    text = LABELS.get(lang, LABELS["en"]).get(key) or LABELS["en"].get(key)
    if text is None:
        return base_label(lang, key, **fmt)
    return text.format(**fmt) if fmt else text


def num(x: float | None, digits: int = 1) -> str:
    """A score or measure for people: fixed decimals, '–' for none."""
    return "–" if x is None else f"{x:.{digits}f}"


def signed(x: float | None, digits: int = 1) -> str:
    """A change with its sign: +2.5, −1.0, ±0.0."""
    if x is None:
        return "–"
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return "±" + text
    return ("+" if x > 0 else "−") + text


def jnum(x: float | None) -> float | None:
    """A float for JSON: rounded to 4 decimals, never -0.0; None for None, NaN or infinity."""
    if x is None or not math.isfinite(x):
        return None
    r = round(float(x), 4)
    return 0.0 if r == 0 else r


def jvalue(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, (str, int)):
        return v
    if isinstance(v, float):
        return jnum(v)
    if isinstance(v, dict):
        return {str(k): jvalue(x) for k, x in v.items()}
    return v


def dumps(obj: Any) -> str:
    """The JSON text of a report: indented, UTF-8, a final newline (same input, same bytes)."""
    return strict_dumps(obj)


def profile_labels(profiles: Sequence[Profile]) -> list[str]:
    """Short, unique column labels: the name, then the year, then the path when names repeat."""
    labels = [p.name for p in profiles]
    if len(set(labels)) < len(labels):
        labels = [f"{p.name} ({p.year})" if labels.count(p.name) > 1 else p.name for p in profiles]
    if len(set(labels)) < len(labels):
        labels = [
            f"{lab} [{p.path}]" if labels.count(lab) > 1 else lab
            for lab, p in zip(labels, profiles)
        ]
    return labels


def profile_dict(p: Profile, label_: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": p.name,
        "kind": p.kind,
        "year": p.year,
        "country": p.country,
        "path": p.path,
    }
    if label_ is not None:
        out = {"label": label_, **out}
    return out


def md_cell(text: str) -> str:
    """Text for a Markdown table cell, heading or list item (see :func:`safe_text.markdown`)."""
    from hemscore.base.safe_text import markdown

    return markdown(text)


def print_fitted(con: Any, table: Any, keep: int = 1) -> None:
    """Print a Rich table within the console's width without cutting a column or a word.

    Rich squeezes a table that is too wide by narrowing its widest columns, below the length
    of their longest word if need be (``Technolo`` / ``gy``), and drops columns it cannot fit.
    Here every column gets at least the width of its longest word: when the columns' minimum
    widths fit, the spare width goes to the columns that would wrap; when they do not, the
    columns are printed in several panels, each repeating the first ``keep`` columns (the row
    labels), one below the other.
    """
    width = con.width
    indexes = list(range(len(table.columns)))
    keys, rest = indexes[:keep], indexes[keep:]
    panels: list[list[int]] = []
    current = list(keys)
    for i in rest:
        trial = [*current, i]
        if len(current) > len(keys) and _minimum(con, _panel(table, trial)) > width:
            panels.append(current)
            current = [*keys, i]
        else:
            current = trial
    panels.append(current)
    for n, columns in enumerate(panels):
        panel = table if len(panels) == 1 else _panel(table, columns)
        if n:
            panel.title = None
        _widen(con, panel, width)
        con.print(panel)


def _panel(table: Any, columns: list[int]) -> Any:
    """The table with only ``columns`` (their cells and the rows kept)."""
    import copy

    panel = copy.copy(table)
    panel.columns = []
    for new, old in enumerate(columns):
        column = copy.copy(table.columns[old])
        column._index = new
        panel.columns.append(column)
    return panel


def _measures(con: Any, table: Any) -> list[Any]:
    """Each column's (minimum, maximum) width, padding included; a column that never wraps
    needs its longest line."""
    out = []
    for c in table.columns:
        m = table._measure_column(con, con.options, c)
        out.append(m.with_minimum(m.maximum) if c.no_wrap else m)
    return out


def _minimum(con: Any, table: Any) -> int:
    return int(sum(m.minimum for m in _measures(con, table)) + table._extra_width)


def _widen(con: Any, table: Any, width: int) -> None:
    """Give each column a fixed width between its longest word and its longest line, sharing the
    width left over in proportion to what each column would need to wrap no line."""
    measures = _measures(con, table)
    room = width - table._extra_width
    if sum(m.maximum for m in measures) <= room or sum(m.minimum for m in measures) > room:
        return  # fits as it is, or one column alone is wider than the console: Rich folds it
    spare = room - sum(m.minimum for m in measures)
    wants = [m.maximum - m.minimum for m in measures]
    total = sum(wants)
    shares = [spare * w / total for w in wants]
    extra = [int(s) for s in shares]
    left = spare - sum(extra)
    for i in sorted(range(len(shares)), key=lambda i: extra[i] - shares[i])[:left]:
        extra[i] += 1
    for column, m, add in zip(table.columns, measures, extra, strict=True):
        column.width = m.minimum + add - table._get_padding_width(column._index)
