"""The analysis reports as HTML pages: compare, plan, diff, audit and sensitivity.

Each page is built on :mod:`hemscore.render.html_page`, as the assessment report is: the same
stylesheet and shell, nothing fetched, every text from a file escaped by ``esc``, every chart
an inline SVG with a title and a description beside the table of its numbers.

The words of these pages are in :data:`WORDS` (English and Chinese); the others come from the
analysis reports' labels (``_common.label``).

The sensitivity page is drawn from the report's JSON object (``to_dict`` of the Monte Carlo run
and, with ``--factor``, of the variance-based analysis), so what that object gains shows here
without a second reading of the analysis. Parts drawn when their keys are present, and left out
when absent:

- ``summary.score`` / ``summary.rank``: ``{group: {"first_mean", "total_mean"}}``, the Sobol
  indices' means over the profiles, as paired bars per factor group;
- ``profiles[i].score.indices`` / ``.rank.indices``: ``{group: {"first", "first_ci", "total",
  "total_ci"}}``; as bars for up to four profiles, and for every profile the group with the
  largest total index;
- ``leave_one_out``: ``[{"rule", "title", "largest_shift", "mean_abs_shift",
  "profiles_moved", "shifts"}]``, a table, each profile's shift a column when there are few;
- ``summary.rank_within_band``: the share of profiles whose rank stays within the band.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hemscore.render import html_page as page
from hemscore.render.formats import RenderOptions
from hemscore.render.html_page import Bar, CellMarkup, esc
from hemscore.render.messages import colon, listing
from hemscore.render.reports._common import label, num, signed

#: A table row: its header (markup) and cells.
Row = tuple[str, list[CellMarkup]]

if TYPE_CHECKING:
    from hemscore.analysis.audit import AuditResult
    from hemscore.analysis.compare import Cell, Comparison
    from hemscore.analysis.diffing import Diff, RuleChange, RuleSnap
    from hemscore.analysis.plan import Plan
    from hemscore.analysis.sensitivity import SensitivityResult

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "n_profiles": "{n} profiles",
        "ranking": "Ranking",
        "ranking_title": "Overall scores, best first",
        "ranking_desc": "One bar per profile: its overall score out of 100. {rows}.",
        "heat_diag": "Scores by diagnostic",
        "heat_rules": "Scores by indicator",
        "heat_note": (
            "Each cell gives the score out of 100 and the rank (#1 is best); the shading repeats "
            "the grade band (darkest green A, red E). A dash: no score."
        ),
        "rules_used": "Rules used",
        "rule_title": "Title",
        "notes": "Notes",
        "relative": "% of reference",
        "band": "Band",
        "score_interval": "Overall score with its 5–95% interval",
        "score_title": "Median overall score and 5–95% interval of each profile",
        "score_desc": (
            "A whisker per profile from the 5% to the 95% quantile of its overall score over "
            "the runs, the dot at the median. {rows}."
        ),
        "rank_interval": "Rank with its 5–95% interval",
        "rank_title": "Median rank and 5–95% interval of each profile",
        "rank_desc": (
            "A whisker per profile from the 5% to the 95% quantile of its rank over the runs "
            "(1 is best, on the left), the dot at the median. {rows}."
        ),
        "interval_row": "{name}: median {median}, {low}–{high}",
        "scored_runs": "Runs scored",
        "sobol": "Sobol indices per factor group",
        "sobol_note": (
            "First-order: the share of the variance that the group causes alone; total: with "
            "all its interactions. A total well above the first-order means the group acts "
            "through the others."
        ),
        "sobol_title": "First-order and total indices: {what}",
        "sobol_desc": (
            "Two bars per factor group on a scale of 0 to 1: first-order index (dark), total "
            "index (light). {rows}."
        ),
        "sobol_row": "{group}: first-order {first}, total {total}",
        "sobol_mean": "{output}, mean over {n} profiles",
        "drivers": "The factor group with the largest total index, per profile",
        "driver_score": "Score driven by",
        "driver_rank": "Rank driven by",
        "loo_note": "Each rule left out in turn, everything else nominal: the rank shifts",
        "loo_largest_shift": "Largest shift",
        "loo_mean_abs_shift": "Mean |shift|",
        "loo_profiles_moved": "Profiles moved",
        "within_band": (
            "Nominal rank within ±{band} of the median rank: {n} of {of} profiles; "
            "5–95% rank interval within ±{band}: {m} of {of}."
        ),
        "sobol_settings": "{samples} base samples, {runs} runs, seed {seed}",
        "factor_group": "Factor group",
        "first_order": "First-order",
        "total_index": "Total",
        "ci": "Confidence interval",
        "leave_one_out": "Leave one indicator out",
        "left_out": "Left out",
        "old_new_title": "Diagnostic scores before and after",
        "old_new_desc": "Two bars per diagnostic: the old score (grey) above the new (blue). {rows}.",
        "old_new_row": "{title}: {old} → {new}",
        "what_moved": "What moved, regressions first",
        "title": "Title",
        "change_col": "Change",
        "summary": "Summary",
        "steps": "The changes and the score they reach",
        "steps_title": "Overall score after each change",
        "steps_desc": (
            "The first bar is the score before; each next bar the score once that change is "
            "made too; the dashed line is the target {target}. {rows}."
        ),
        "step_row": "{label}: {score}",
        "reached_col": "Score reached",
        "before_bar": "Before",
        "no_changes_planned": "No change is planned.",
        "blockers": "What the plan could not act on",
        "flags": "Flags and what to do",
        "no_flags": "Nothing is flagged.",
        "corr": "Correlations between indicators",
        "corr_note": (
            "Pearson's r of each pair of indicators, oriented so that higher is better. Blue: "
            "positive, red: negative, the deeper the stronger. Framed cells: both in one "
            "diagnostic. A dash: too few profiles with both."
        ),
        "consistency_title": "Cronbach's alpha and first-component share per diagnostic",
        "consistency_desc": (
            "Two bars per diagnostic on a scale of 0 to 1: alpha (dark) and the share of "
            "variance of the first principal component (light); the dashed line is the alpha "
            "floor {floor}. {rows}."
        ),
        "consistency_row": "{d}: alpha {alpha}, first component {pc1}",
        "importance_title": "Importance against weight",
        "importance_desc": (
            "Two bars per indicator on a scale of 0 to 1: its weight's share within its "
            "diagnostic (grey) and its importance share, η² on the diagnostic score (blue). "
            "{rows}."
        ),
        "importance_row": "{rule}: weight {w}, importance {i}",
        "more_numbers": "More of the audit's numbers",
        "alpha": "Alpha",
        "pc1": "First-component share",
        "indicators": "Indicators",
        "complete": "Complete cases",
        "flag": "Flag",
        "too_few": "too few indicators with data",
        "audit_sub": "{p} profiles · {kind} · {ruleset} · {n} indicators",
        "weight_share": "Weight share",
        "importance_share": "Importance share",
        "with_data": "With data",
        "share": "Share",
        "skew": "Skew",
        "kurtosis": "Kurtosis",
        "treatment": "Treatment",
        "own_r": "r with own",
        "other": "Other diagnostic",
        "other_r": "r with other",
        "yes": "yes",
        "flag_availability_indicator": "{x}: data for {share} of the profiles",
        "do_availability_indicator": (
            "Collect the missing values, or drop the indicator or impute it before it carries "
            "weight."
        ),
        "flag_availability_profile": "{x}: data for {share} of the indicators",
        "do_availability_profile": (
            "Fill the profile's gaps before ranking it; its score rests on a few indicators."
        ),
        "flag_distribution": "{x}: skew {skew}, kurtosis {kurt}",
        "do_distribution": (
            "A few extreme values drive its scores: consider a log transform or winsorising "
            "(the distributions table says what each would do)."
        ),
        "flag_correlation": "{x} and {y}: r = {r}",
        "do_redundant": (
            "The two measure nearly the same thing: merge them, keep one, or halve their weights."
        ),
        "do_negative_within": (
            "They pull against each other inside one diagnostic: check the direction of one of "
            "them, or move it."
        ),
        "do_high": "A strong link across diagnostics: check that the two are not double-counted.",
        "flag_belonging": "{x}: r = {own} with its own diagnostic, {other_r} with {other}",
        "do_belonging": "Consider moving it to {other}, or rewording what its diagnostic measures.",
        "flag_consistency": "{x}: alpha {alpha}",
        "do_consistency": (
            "Its indicators do not hang together: review which belong, or report them apart."
        ),
        "flag_importance": "{x}: importance share {i} against weight share {w}",
        "do_importance": (
            "Its effect on the diagnostic is far from its weight: revisit the weight or the "
            "indicator."
        ),
    },
    "zh": {
        "n_profiles": "{n} 个评估对象",
        "ranking": "排名",
        "ranking_title": "总分（由高到低）",
        "ranking_desc": "每个评估对象一根横条：百分制总分。{rows}。",
        "heat_diag": "各诊断维度得分",
        "heat_rules": "各指标得分",
        "heat_note": "每格为百分制得分及名次（#1 最好）；底色对应等级（深绿为 A，红色为 E）。短横：无得分。",
        "rules_used": "所用规则",
        "rule_title": "名称",
        "notes": "说明",
        "relative": "相对参照（%）",
        "band": "档次",
        "score_interval": "总分及其 5–95% 区间",
        "score_title": "各评估对象总分的中位数与 5–95% 区间",
        "score_desc": "每个评估对象一条误差线：各次模拟总分的 5% 至 95% 分位，圆点为中位数。{rows}。",
        "rank_interval": "名次及其 5–95% 区间",
        "rank_title": "各评估对象名次的中位数与 5–95% 区间",
        "rank_desc": (
            "每个评估对象一条误差线：各次模拟名次的 5% 至 95% 分位（1 为最好，在左侧），圆点为中位数。{rows}。"
        ),
        "interval_row": "{name}：中位数 {median}，{low}–{high}",
        "scored_runs": "有得分的次数",
        "sobol": "各因素组的 Sobol 指数",
        "sobol_note": "一阶指数：该组单独造成的方差占比；总效应指数：连同其全部交互作用。总效应明显高于一阶，说明该组通过与其他组的交互起作用。",
        "sobol_title": "一阶与总效应指数：{what}",
        "sobol_desc": "每个因素组两根横条（0 到 1）：一阶指数（深色）、总效应指数（浅色）。{rows}。",
        "sobol_row": "{group}：一阶 {first}，总效应 {total}",
        "sobol_mean": "{output}，{n} 个评估对象的平均",
        "drivers": "各评估对象总效应指数最大的因素组",
        "driver_score": "主导得分的因素",
        "driver_rank": "主导排名的因素",
        "loo_note": "逐一剔除规则、其余取名义设定时的排名变化",
        "loo_largest_shift": "最大变化",
        "loo_mean_abs_shift": "平均 |变化|",
        "loo_profiles_moved": "排名变化的对象数",
        "within_band": (
            "名义排名与排名中位数相差不超过 ±{band} 位：{of} 个对象中 {n} 个；"
            "排名 5–95% 区间在 ±{band} 位以内：{of} 个中 {m} 个。"
        ),
        "sobol_settings": "{samples} 个基础样本，{runs} 次模拟，随机种子 {seed}",
        "factor_group": "因素组",
        "first_order": "一阶",
        "total_index": "总效应",
        "ci": "置信区间",
        "leave_one_out": "逐一剔除指标",
        "left_out": "剔除的指标",
        "old_new_title": "前后两次的诊断维度得分",
        "old_new_desc": "每个诊断维度两根横条：上为原得分（灰色），下为新得分（蓝色）。{rows}。",
        "old_new_row": "{title}：{old} → {new}",
        "what_moved": "变化的规则（退步在前）",
        "title": "名称",
        "change_col": "变化",
        "summary": "小结",
        "steps": "各项调整及其达到的得分",
        "steps_title": "每项调整后的总分",
        "steps_desc": "第一根横条为调整前得分；其后每根为再完成该项调整后的得分；虚线为目标 {target}。{rows}。",
        "step_row": "{label}：{score}",
        "reached_col": "达到的得分",
        "before_bar": "调整前",
        "no_changes_planned": "无需调整。",
        "blockers": "方案无法调整的部分",
        "flags": "标记及处理建议",
        "no_flags": "没有标记。",
        "corr": "指标间的相关性",
        "corr_note": "各对指标的 Pearson 相关系数 r（已统一方向：越高越好）。蓝色为正、红色为负，颜色越深越强。带框的格子：两个指标属于同一诊断维度。短横：同时有数据的对象太少。",
        "consistency_title": "各诊断维度的 Cronbach α 与第一主成分占比",
        "consistency_desc": "每个诊断维度两根横条（0 到 1）：α（深色）与第一主成分解释的方差占比（浅色）；虚线为 α 下限 {floor}。{rows}。",
        "consistency_row": "{d}：α {alpha}，第一主成分 {pc1}",
        "importance_title": "重要性与权重对照",
        "importance_desc": "每个指标两根横条（0 到 1）：其权重在所属诊断维度中的占比（灰色）与重要性占比（诊断得分上的 η²，蓝色）。{rows}。",
        "importance_row": "{rule}：权重 {w}，重要性 {i}",
        "more_numbers": "审计的其他数据",
        "alpha": "α",
        "pc1": "第一主成分占比",
        "indicators": "指标数",
        "complete": "完整样本数",
        "flag": "标记",
        "too_few": "有数据的指标太少",
        "audit_sub": "{p} 个评估对象 · {kind} · {ruleset} · {n} 个指标",
        "weight_share": "权重占比",
        "importance_share": "重要性占比",
        "with_data": "有数据",
        "share": "占比",
        "skew": "偏度",
        "kurtosis": "峰度",
        "treatment": "处理效果",
        "own_r": "与本维度 r",
        "other": "其他诊断维度",
        "other_r": "与其他维度 r",
        "yes": "是",
        "flag_availability_indicator": "{x}：{share} 的评估对象有数据",
        "do_availability_indicator": "补齐缺失值，或在赋予权重前剔除或插补该指标。",
        "flag_availability_profile": "{x}：{share} 的指标有数据",
        "do_availability_profile": "排名前先补齐该评估对象的数据；其得分只依赖少数指标。",
        "flag_distribution": "{x}：偏度 {skew}，峰度 {kurt}",
        "do_distribution": "少数极端值左右其得分：可考虑对数变换或缩尾处理（分布表列出了各自的效果）。",
        "flag_correlation": "{x} 与 {y}：r = {r}",
        "do_redundant": "两者衡量的几乎是同一件事：合并、保留其一，或将两者权重减半。",
        "do_negative_within": "两者在同一诊断维度内方向相反：检查其中一个的方向，或将其移出。",
        "do_high": "跨诊断维度的强相关：检查两者是否重复计算。",
        "flag_belonging": "{x}：与本维度 r = {own}，与 {other} r = {other_r}",
        "do_belonging": "考虑将其移至 {other}，或重新界定其所属维度衡量的内容。",
        "flag_consistency": "{x}：α {alpha}",
        "do_consistency": "该维度的指标不够一致：复查哪些指标属于该维度，或分开报告。",
        "flag_importance": "{x}：重要性占比 {i}，权重占比 {w}",
        "do_importance": "其对诊断得分的影响与权重相差很大：重新考虑其权重或该指标本身。",
    },
}


def say(lang: str, key: str, **fmt: object) -> str:
    """A word of these pages in ``lang``, else an analysis label."""
    text = WORDS.get(lang, WORDS["en"]).get(key) or WORDS["en"].get(key)
    if text is None:
        return label(lang, key, **fmt)
    return text.format(**fmt) if fmt else text


def _lang(options: RenderOptions) -> str:
    return page.page_lang(options.lang)


def _section(ident: str, heading: str, body: str) -> str:
    return (
        f'<section class="block" id="{ident}" aria-labelledby="{ident}-h">\n'
        f'<h2 id="{ident}-h">{esc(heading)}</h2>\n{body}</section>\n'
    )


def _items(lines: Sequence[str], cls: str = "notes") -> str:
    """Plain-text lines as a list."""
    if not lines:
        return ""
    return f'<ul class="{cls}">\n' + "".join(f"<li>{esc(x)}</li>\n" for x in lines) + "</ul>\n"


def _whole(lang: str, title: str, heading: str, subtitle: str, body: str) -> str:
    extra = f'<p class="muted">{esc(subtitle)}</p>\n' if subtitle else ""
    return page.head(lang, title, heading, extra) + body + page.tail(lang)


def _who(names: Sequence[str], lang: str) -> str:
    """The profiles a page is about: their names, or for many, how many."""
    if len(names) > 8:
        return say(lang, "n_profiles", n=len(names))
    return listing(lang).join(names)


def _facts(items: Sequence[tuple[str, str]]) -> str:
    """Key figures as a definition list (keys plain text, values markup)."""
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return f'<div class="profile-head"><dl class="facts">{dl}</dl></div>\n'


def _numbers_table(
    heads: Sequence[str], rows: Sequence[tuple[str, Sequence[CellMarkup]]], lang: str, ident: str
) -> str:
    return page.table(
        heads,
        rows,
        cls="chart-data",
        caption=page.word(lang, "chart_numbers"),
        describedby=f"{ident}-t",
    )


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


# --- compare -------------------------------------------------------------------------------


def compare_page(c: Comparison, options: RenderOptions) -> str:
    from hemscore.render.reports.compare import _labels, _notes, _ref_label, _title

    lang = _lang(options)
    labels = _labels(c)
    n = len(c.assessments)
    rs = c.assessments[0].ruleset
    rel = c.reference is not None
    separate = rel and c.reference_index is None
    overall = next(r for r in c.rows if r.level == "overall")
    order = sorted(
        range(n), key=lambda i: (overall.cells[i].rank is None, overall.cells[i].rank or 0, i)
    )

    # 1. the ranking: a bar per profile and the ranked table
    bars = [
        Bar(labels[i], (("bar-a", overall.cells[i].score),), text=num(overall.cells[i].score))
        for i in order
    ]
    desc = page.listing_sep(lang).join(f"{labels[i]}: {num(overall.cells[i].score)}" for i in order)
    chart = page.bar_chart(
        "rank-c", say(lang, "ranking_title"), say(lang, "ranking_desc", rows=desc), bars
    )
    heads = [
        label(lang, "profile"),
        label(lang, "rank"),
        label(lang, "overall"),
        label(lang, "grade"),
    ]
    if rel:
        heads += [say(lang, "relative"), say(lang, "band")]
    rows: list[tuple[str, list[CellMarkup]]] = []
    for i in order:
        cell = overall.cells[i]
        cells: list[CellMarkup] = [
            ("num", "–" if cell.rank is None else str(cell.rank)),
            ("num", num(cell.score)),
            esc(c.assessments[i].grade),
        ]
        if rel:
            cells += _relative(cell, lang)
        rows.append((esc(labels[i]), cells))
    if separate and c.reference is not None and overall.reference is not None:
        ref = overall.reference
        ref_cells: list[CellMarkup] = ["–", ("num", num(ref.score)), esc(c.reference.grade)]
        ref_cells += _relative(ref, lang)
        rows.append((esc(f"{labels[n]} ({label(lang, 'reference')})"), ref_cells))
    ranking = _section(
        "ranking",
        say(lang, "ranking"),
        page.chart_pair("ranking-h", chart, _numbers_table(heads, rows, lang, "rank-c")),
    )

    # 2. the heat map: profiles × overall and diagnostics
    summary = [r for r in c.rows if r.level != "rule"]
    heat_rows: list[Row] = []
    for i in range(n):
        heat_rows.append(
            (esc(labels[i]), [_heat_cell(r.cells[i], rs.grades, lang, rel) for r in summary])
        )
    if separate:
        heat_rows.append(
            (
                esc(f"{labels[n]} ({label(lang, 'reference')})"),
                [_heat_cell(r.reference, rs.grades, lang, rel) for r in summary],
            )
        )
    heat = page.table(
        [label(lang, "profile"), *[_title(c, r, lang) for r in summary]],
        heat_rows,
        cls="heat",
        labelledby="heat-h",
        describedby="heat-note",
    )
    note = f'<p class="legend" id="heat-note">{esc(say(lang, "heat_note"))}</p>\n'
    parts = [ranking, _section("heat", say(lang, "heat_diag"), note + heat)]

    # 3. with --detail: indicators × profiles, one table per diagnostic
    rule_rows = [r for r in c.rows if r.level == "rule"]
    if rule_rows:
        cols = [label(lang, "rule"), *labels[:n]]
        if separate:
            cols.append(f"{labels[n]} ({label(lang, 'reference')})")
        tables = []
        for d in rs.diagnostics:
            mine = [r for r in rule_rows if r.diagnostic == d.id]
            if not mine:
                continue
            body = []
            for r in mine:
                cells = [_heat_cell(cell, rs.grades, lang, rel) for cell in r.cells]
                if separate:
                    cells.append(_heat_cell(r.reference, rs.grades, lang, rel))
                body.append((esc(_title(c, r, lang)), cells))
            tables.append(page.table(cols, body, cls="heat by-rule", caption=d.text(lang, "title")))
        parts.append(_section("rules", say(lang, "heat_rules"), "".join(tables)))

    # 4. with --common: the rules every profile was scored on
    if c.common is not None:
        used = []
        for rid in c.common:
            rule = rs.rule(rid)
            used.append((esc(rid), [esc(rule.text(lang, "title") if rule else "")]))
        parts.append(
            _section(
                "common",
                say(lang, "rules_used"),
                page.table([label(lang, "rule"), say(lang, "rule_title")], used),
            )
        )
    parts.append(_section("notes", say(lang, "notes"), _items(_notes(c, labels, lang))))
    title = label(lang, "compare")
    ref_name = _ref_label(c, labels)
    subtitle = _who(labels[:n], lang)
    if ref_name is not None:
        subtitle += f" · {label(lang, 'reference')}{colon(lang)}{ref_name}"
    return _whole(lang, title, title, subtitle, "".join(parts))


def _relative(cell: Cell, lang: str) -> list[CellMarkup]:
    if cell.relative is None:
        return [("num", "–"), "–"]
    return [
        ("num", f"{cell.relative:.0f}%"),
        esc(label(lang, "band_" + (cell.band or "emerging"))),
    ]


def _heat_cell(
    cell: Cell | None, grades: Sequence[tuple[str, float]], lang: str, rel: bool
) -> CellMarkup:
    if cell is None:
        return ("hn", "–")
    if cell.score is None:
        text = label(lang, "not_applicable") if cell.status == "not_applicable" else "–"
        return ("hn", esc(text))
    text = num(cell.score) + (f" #{cell.rank}" if cell.rank is not None else "")
    if rel and cell.relative is not None:
        text += f" · {cell.relative:.0f}%"
    return (page.shade(cell.score, grades), esc(text))


# --- sensitivity ---------------------------------------------------------------------------


def sensitivity_page(r: SensitivityResult, options: RenderOptions) -> str:
    from hemscore.render.reports.sensitivity import to_dict

    lang = _lang(options)
    extra = []
    if r.common is not None:
        from hemscore.analysis.common import common_note

        years = [p.assessment.profile.year for p in r.profiles]
        extra.append(common_note(lang, r.common, len(r.profiles), years))
    if any(p.score is None for p in r.profiles):
        extra.append(label(lang, "unscored_note"))
    return sensitivity_from_dict(to_dict(r), lang, extra)


def sensitivity_from_dict(d: Mapping[str, Any], lang: str, notes: Sequence[str] = ()) -> str:
    """The sensitivity page from the report's JSON object (see the module's docstring)."""
    profiles = [p for p in d.get("profiles", []) if isinstance(p, Mapping)]
    names = [str(p.get("label") or p.get("name") or "") for p in profiles]
    parts = []
    ranked = [i for i, p in enumerate(profiles) if isinstance(p.get("rank"), Mapping)]
    if ranked:
        ranked.sort(key=lambda i: (_n(profiles[i]["rank"].get("median")) or 0.0, i))
        top = max([len(profiles), *[_n(profiles[i]["rank"].get("high")) or 0 for i in ranked]])
        step = max(1, math.ceil(top / 10))
        ticks = [1, *range(1 + step, int(top) + 1, step)]
        bars: list[Bar] = []
        desc: list[str] = []
        rows: list[Row] = []
        for i in ranked:
            rk = profiles[i]["rank"]
            med, low, high = (_n(rk.get(k)) for k in ("median", "low", "high"))
            if med is None or low is None or high is None:
                continue
            bars.append(Bar(names[i], interval=(low, med, high), text=f"{med:g}"))
            desc.append(
                say(
                    lang,
                    "interval_row",
                    name=names[i],
                    median=f"{med:g}",
                    low=f"{low:g}",
                    high=f"{high:g}",
                )
            )
            nominal = profiles[i].get("nominal", {})
            rows.append(
                (
                    esc(names[i]),
                    [
                        (
                            "num",
                            esc(_g(nominal.get("rank") if isinstance(nominal, Mapping) else None)),
                        ),
                        ("num", f"{med:g}"),
                        ("num", f"{low:g}–{high:g}"),
                    ],
                )
            )
        chart = page.bar_chart(
            "rank-c",
            say(lang, "rank_title"),
            say(lang, "rank_desc", rows=page.listing_sep(lang).join(desc)),
            bars,
            lo=1,
            hi=max(top, 2),
            ticks=ticks,
        )
        heads = [
            label(lang, "profile"),
            label(lang, "rank"),
            label(lang, "median_rank"),
            label(lang, "rank_interval"),
        ]
        parts.append(
            _section(
                "ranks",
                say(lang, "rank_interval"),
                page.chart_pair("ranks-h", chart, _numbers_table(heads, rows, lang, "rank-c")),
            )
        )
    bars = []
    desc = []
    rows = []

    def best_first(i: int) -> tuple[bool, float, int]:
        sc = profiles[i].get("score")
        median = _n(sc.get("median")) if isinstance(sc, Mapping) else None
        return (median is None, -(median or 0.0), i)

    for i in sorted(range(len(profiles)), key=best_first):
        p = profiles[i]
        sc = p.get("score")
        nominal = p.get("nominal", {})
        nom = _n(nominal.get("score")) if isinstance(nominal, Mapping) else None
        cells: list[CellMarkup] = [("num", num(nom))]
        if isinstance(sc, Mapping) and None not in (
            _n(sc.get(k)) for k in ("median", "low", "high")
        ):
            med, low, high = (float(sc[k]) for k in ("median", "low", "high"))
            bars.append(Bar(names[i], interval=(low, med, high), text=num(med)))
            desc.append(
                say(
                    lang,
                    "interval_row",
                    name=names[i],
                    median=num(med),
                    low=num(low),
                    high=num(high),
                )
            )
            cells += [("num", num(med)), ("num", f"{num(low)}–{num(high)}")]
        else:
            bars.append(Bar(names[i], bars=(("bar-none", None),), text="–"))
            desc.append(f"{names[i]}: –")
            cells += [("num", "–"), ("num", "–")]
        runs = p.get("scored_runs", sc.get("runs_scored") if isinstance(sc, Mapping) else None)
        cells.append(("num", esc(_g(runs))))
        rows.append((esc(names[i]), cells))
    chart = page.bar_chart(
        "score-c",
        say(lang, "score_title"),
        say(lang, "score_desc", rows=page.listing_sep(lang).join(desc)),
        bars,
    )
    heads = [
        label(lang, "profile"),
        label(lang, "nominal"),
        label(lang, "median"),
        label(lang, "interval"),
        say(lang, "scored_runs"),
    ]
    parts.append(
        _section(
            "scores",
            say(lang, "score_interval"),
            page.chart_pair("scores-h", chart, _numbers_table(heads, rows, lang, "score-c")),
        )
    )
    sobol = _sobol_section(d, names, lang)
    if sobol:
        parts.append(_section("sobol", say(lang, "sobol"), sobol))
    loo = _leave_one_out(d, names, lang)
    if loo:
        parts.append(_section("loo", say(lang, "leave_one_out"), loo))
    lines = [*_settings_lines(d, lang), *notes]
    parts.append(_section("notes", say(lang, "notes"), _items(lines)))
    title = label(lang, "sensitivity")
    return _whole(lang, title, title, _who(names, lang), "".join(parts))


def _settings_lines(d: Mapping[str, Any], lang: str) -> list[str]:
    """How the runs were made, and (the variance-based analysis) how stable the ranks are."""
    settings = d.get("settings")
    if not isinstance(settings, Mapping):
        return []
    lines = []
    try:
        if "weight_factor" in settings:
            lines.append(
                label(
                    lang,
                    "settings",
                    runs=settings["runs"],
                    seed=settings["seed"],
                    low=f"{settings['weight_factor']['low']:g}",
                    high=f"{settings['weight_factor']['high']:g}",
                    geo=settings["aggregation_runs"]["geometric"],
                )
            )
        elif "samples" in settings:
            lines.append(
                say(
                    lang,
                    "sobol_settings",
                    samples=f"{settings['samples']:,}",
                    runs=f"{settings['runs']:,}",
                    seed=settings["seed"],
                )
            )
        band = d.get("summary", {}).get("rank_within_band") or {}
        nominal, interval = band.get("nominal_rank"), band.get("rank_interval")
        if isinstance(nominal, Mapping) and isinstance(interval, Mapping):
            lines.append(
                say(
                    lang,
                    "within_band",
                    band=settings.get("rank_band", 3),
                    n=nominal["profiles"],
                    m=interval["profiles"],
                    of=nominal["of"],
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # a report without these keys: its notes say less
    return lines


def _n(x: Any) -> float | None:
    """A finite number from JSON data, else None."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def _g(x: Any) -> str:
    n = _n(x)
    return "–" if n is None else f"{n:g}"


#: The outputs a Sobol index is of, in the order drawn.
_OUTPUTS = ("score", "rank")

#: A factor group's indices: (group, first order, its interval, total, its interval).
SobolRow = tuple[
    str, float | None, tuple[float, float] | None, float | None, tuple[float, float] | None
]


def _ci_of(x: Any) -> tuple[float, float] | None:
    if isinstance(x, Sequence) and not isinstance(x, str) and len(x) == 2:
        lo, hi = _n(x[0]), _n(x[1])
        return None if lo is None or hi is None else (lo, hi)
    return None


def _index_rows(indices: Any, first: str = "first", total: str = "total") -> list[SobolRow]:
    """``{group: {first, first_ci, total, total_ci}}`` as rows (nothing for anything else)."""
    if not isinstance(indices, Mapping):
        return []
    return [
        (
            str(g),
            _n(x.get(first)),
            _ci_of(x.get(f"{first}_ci")),
            _n(x.get(total)),
            _ci_of(x.get(f"{total}_ci")),
        )
        for g, x in indices.items()
        if isinstance(x, Mapping)
    ]


def _sobol_section(d: Mapping[str, Any], names: Sequence[str], lang: str) -> str:
    """The Sobol part: per output, the indices' means over the profiles as bars; with a few
    profiles, each profile's too; and for each profile the group that moves it most."""
    profiles = [p if isinstance(p, Mapping) else {} for p in d.get("profiles", [])]
    summary = d.get("summary")
    blocks: list[tuple[str, list[SobolRow]]] = []
    if isinstance(summary, Mapping):
        for out in _OUTPUTS:
            rows = _index_rows(summary.get(out), "first_mean", "total_mean")
            if rows:
                what = say(lang, "sobol_mean", n=len(profiles), output=label(lang, out))
                blocks.append((what, rows))
    per_profile = [
        (f"{name} · {label(lang, out)}", _index_rows(p.get(out, {}).get("indices")))
        for name, p in zip(names, profiles, strict=False)
        for out in _OUTPUTS
        if isinstance(p.get(out), Mapping)
    ]
    per_profile = [(what, rows) for what, rows in per_profile if rows]
    if not blocks and not per_profile:
        return ""
    if len(profiles) <= 4 or not blocks:
        blocks += per_profile
    parts = [f'<p class="legend">{esc(say(lang, "sobol_note"))}</p>\n']
    parts += [_sobol_chart(k, what, rows, lang) for k, (what, rows) in enumerate(blocks)]
    if per_profile:
        drivers: list[Row] = []
        for name, p in zip(names, profiles, strict=False):
            cells: list[CellMarkup] = []
            for out in _OUTPUTS:
                rows = _index_rows((p.get(out) or {}).get("indices"))
                known = [(t, g) for g, _, _, t, _ in rows if t is not None]
                if known:
                    t, g = max(known)
                    cells.append(esc(f"{g} {t:.2f}"))
                else:
                    cells.append("–")
            drivers.append((esc(name), cells))
        heads = [label(lang, "profile"), *[say(lang, f"driver_{out}") for out in _OUTPUTS]]
        parts.append(page.table(heads, drivers, caption=say(lang, "drivers")))
    return "".join(parts)


def _sobol_chart(k: int, what: str, rows: list[SobolRow], lang: str) -> str:
    ident = f"sobol{k}"
    bars = [
        Bar(g, (("bar-a", first), ("bar-b", total)), text=f"{_f(first)} / {_f(total)}")
        for g, first, _, total, _ in rows
    ]
    desc = page.listing_sep(lang).join(
        say(lang, "sobol_row", group=g, first=_f(first), total=_f(total))
        for g, first, _, total, _ in rows
    )
    chart = page.bar_chart(
        ident,
        say(lang, "sobol_title", what=what),
        say(lang, "sobol_desc", rows=desc),
        bars,
        lo=0.0,
        hi=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1),
    )
    heads = [
        say(lang, "factor_group"),
        say(lang, "first_order"),
        say(lang, "ci"),
        say(lang, "total_index"),
        say(lang, "ci"),
    ]
    table_rows: list[Row] = [
        (esc(g), [("num", _f(first)), ("num", _ci(fci)), ("num", _f(total)), ("num", _ci(tci))])
        for g, first, fci, total, tci in rows
    ]
    return f'<h3 id="{ident}-h">{esc(what)}</h3>\n' + page.chart_pair(
        f"{ident}-h", chart, _numbers_table(heads, table_rows, lang, ident)
    )


def _ci(ci: tuple[float, float] | None) -> str:
    return "–" if ci is None else f"{ci[0]:.2f}–{ci[1]:.2f}"


#: The leave-one-out record's columns, in order, and the most profiles whose own shifts are
#: columns too (past that the table would be wider than a page; the JSON has them).
_LOO_COLUMNS = ("largest_shift", "mean_abs_shift", "profiles_moved")
_LOO_SPREAD = 8


def _leave_one_out(d: Mapping[str, Any], names: Sequence[str], lang: str) -> str:
    """``leave_one_out``: one row per rule left out, its largest and mean rank shift, the
    profiles it moves and, for a few profiles, each one's shift."""
    records = d.get("leave_one_out")
    if not isinstance(records, Sequence) or isinstance(records, str) or not records:
        return ""
    spread = len(names) <= _LOO_SPREAD
    body: list[Row] = []
    for rec in records:
        if not isinstance(rec, Mapping):
            continue
        head = " ".join(str(rec[k]) for k in ("rule", "title") if rec.get(k) is not None)
        cells = [_cell(rec.get(k)) for k in _LOO_COLUMNS]
        shifts = rec.get("shifts")
        if spread:
            values = list(shifts) if isinstance(shifts, Sequence) else []
            cells += [_cell(values[i] if i < len(values) else None) for i in range(len(names))]
        body.append((esc(head), cells))
    heads = [say(lang, "left_out"), *[say(lang, f"loo_{k}") for k in _LOO_COLUMNS]]
    if spread:
        heads += list(names)
    return page.table(heads, body, cls="records", caption=say(lang, "loo_note"))


def _cell(v: Any) -> CellMarkup:
    n = _n(v)
    if n is not None:
        return ("num", f"{n:g}" if n.is_integer() else f"{n:.2f}")
    return ("num", "–") if v is None or isinstance(v, bool) else esc(v)


# --- diff ----------------------------------------------------------------------------------


def _regressions_first(d: Diff) -> list[RuleChange]:
    def key(c: RuleChange) -> tuple[int, float, str]:
        if c.newly_failing:
            return (0, c.delta or 0.0, c.id)
        if c.delta is not None and c.delta < 0:
            return (1, c.delta, c.id)
        if c.fixed:
            return (3, -(c.delta or 0.0), c.id)
        return (2, -(c.delta or 0.0), c.id)

    return sorted(d.rules, key=key)


def diff_page(d: Diff, options: RenderOptions) -> str:
    from hemscore.render.reports.diff import _reasons, _status, _summary, _value

    lang = _lang(options)
    delta_cls = _delta_class(d.overall_delta)
    regression = bool(_reasons(d, lang))
    facts = _facts(
        [
            (label(lang, "old"), f"{num(d.old.score)} ({esc(d.old.grade)})"),
            (label(lang, "new"), f"{num(d.new.score)} ({esc(d.new.grade)})"),
            (label(lang, "delta"), f'<span class="{delta_cls}">{signed(d.overall_delta)}</span>'),
            (label(lang, "regression"), esc(say(lang, "yes") if regression else "–")),
        ]
    )
    bars: list[Bar] = []
    desc: list[str] = []
    rows: list[Row] = []
    for c in d.diagnostics:
        old = c.old.score if c.old else None
        new = c.new.score if c.new else None
        bars.append(Bar(c.title, (("bar-b", old), ("bar-a", new)), text=f"{num(old)} → {num(new)}"))
        desc.append(say(lang, "old_new_row", title=c.title, old=num(old), new=num(new)))
        rows.append(
            (
                esc(c.title),
                [
                    ("num", num(old)),
                    ("num", num(new)),
                    (f"num {_delta_class(c.delta)}", signed(c.delta)),
                ],
            )
        )
    chart = page.bar_chart(
        "diag-c",
        say(lang, "old_new_title"),
        say(lang, "old_new_desc", rows=page.listing_sep(lang).join(desc)),
        bars,
    )
    heads = [
        label(lang, "diagnostic"),
        label(lang, "old"),
        label(lang, "new"),
        label(lang, "delta"),
    ]
    parts = [
        facts,
        _section(
            "diagnostics",
            label(lang, "diagnostics"),
            page.chart_pair("diagnostics-h", chart, _numbers_table(heads, rows, lang, "diag-c")),
        ),
    ]

    def st(s: RuleSnap | None, fallback: str) -> str:
        if s is None:
            return f'<span class="st-missing">{esc(fallback)}</span>'
        return f'<span class="st-{s.status}">{esc(_status(s, lang))}</span>'

    moved: list[Row] = []
    for rc in _regressions_first(d):
        o, n = rc.old, rc.new

        moved.append(
            (
                esc(rc.id),
                [
                    esc(rc.title),
                    (
                        "num",
                        f"{esc(_value(o.value if o else None, lang))} → {esc(_value(n.value if n else None, lang))}",
                    ),
                    ("num", f"{num(o.score if o else None)} → {num(n.score if n else None)}"),
                    (f"num {_delta_class(rc.delta)}", signed(rc.delta)),
                    ("status", f"{st(o, label(lang, 'added'))} → {st(n, label(lang, 'removed'))}"),
                ],
            )
        )
    heading = label(lang, "changed_rules", n=len(d.rules), same=d.unchanged_rules)
    if moved:
        table = page.table(
            [
                label(lang, "rule"),
                say(lang, "title"),
                label(lang, "value"),
                label(lang, "score"),
                label(lang, "delta"),
                label(lang, "status"),
            ],
            moved,
            cls="moved",
            caption=say(lang, "what_moved"),
        )
    else:
        table = ""
    parts.append(_section("rules", heading, table))
    parts.append(_section("summary", say(lang, "summary"), _items(_summary(d, lang))))
    title = label(lang, "diff")
    sub = f"{d.old.name} ({d.old.year}) → {d.new.name} ({d.new.year})"
    return _whole(lang, f"{title} — {sub}", title, sub, "".join(parts))


def _delta_class(x: float | None) -> str:
    return "up" if x is not None and x > 0 else "down" if x is not None and x < 0 else "same"


# --- plan ----------------------------------------------------------------------------------


def plan_page(plan: Plan, options: RenderOptions, written: str | None = None) -> str:
    from hemscore.render.reports.plan import _metric_title, _value, blocker_lines, outcome_lines

    lang = _lang(options)
    b, a = plan.before, plan.after
    facts = _facts(
        [
            (label(lang, "before"), f"{num(b.score)} ({esc(b.grade)})"),
            (label(lang, "after"), f"{num(a.score)} ({esc(a.grade)})"),
            (label(lang, "target"), f"{plan.target:g}"),
            (label(lang, "effort"), f"{plan.effort:.2f}"),
        ]
    )
    parts = [facts]
    if plan.changes:
        score = b.score
        bars = [Bar(say(lang, "before_bar"), (("bar-b", score),), text=num(score))]
        desc = [say(lang, "step_row", label=say(lang, "before_bar"), score=num(score))]
        rows: list[Row] = []
        for i, c in enumerate(plan.changes, start=1):
            score = None if score is None else score + c.gain
            if i == len(plan.changes) and a.score is not None:
                score = a.score  # the engine's own score of the changed profile
            title = _metric_title(plan, c.metric, lang)
            bars.append(Bar(f"{i}. {title}", (("bar-a", score),), text=num(score)))
            desc.append(say(lang, "step_row", label=f"{i}. {title}", score=num(score)))
            rows.append(
                (
                    esc(f"{i}. {title}"),
                    [
                        esc(c.metric),
                        ("num", esc(_value(c.old, lang))),
                        ("num", esc(_value(c.new, lang))),
                        ("num", f"{c.effort:.2f}"),
                        ("num up", signed(c.gain)),
                        ("num", num(score)),
                        esc(", ".join(c.rules)),
                    ],
                )
            )
        chart = page.bar_chart(
            "steps-c",
            say(lang, "steps_title"),
            say(
                lang,
                "steps_desc",
                target=f"{plan.target:g}",
                rows=page.listing_sep(lang).join(desc),
            ),
            bars,
            marker=plan.target,
        )
        heads = [
            label(lang, "metric"),
            "id",
            label(lang, "from"),
            label(lang, "to"),
            label(lang, "effort"),
            label(lang, "gain"),
            say(lang, "reached_col"),
            label(lang, "rules"),
        ]
        body = page.figure("steps-h", chart) + _numbers_table(heads, rows, lang, "steps-c")
    else:
        body = f"<p>{esc(say(lang, 'no_changes_planned'))}</p>\n"
    parts.append(_section("steps", say(lang, "steps"), body))
    parts.append(
        _section("outcome", say(lang, "summary"), _items(outcome_lines(plan, lang, written)))
    )
    blockers = blocker_lines(plan, lang)
    if blockers:
        parts.append(_section("blockers", say(lang, "blockers"), _items(blockers)))
    title = label(lang, "plan")
    name = b.profile.name
    return _whole(lang, f"{title} — {name}", title, name, "".join(parts))


# --- audit ---------------------------------------------------------------------------------

#: Correlation shading: (lowest r, class), checked in order.
_R_BANDS = ((0.7, "r3"), (0.4, "r2"), (0.1, "r1"), (-0.1, "r0"), (-0.4, "rm1"), (-0.7, "rm2"))


def _r_class(r: float | None) -> str:
    if r is None:
        return "hn"
    for lowest, cls in _R_BANDS:
        if r >= lowest:
            return cls
    return "rm3"


def _flags(r: AuditResult, lang: str) -> list[tuple[str, str]]:
    """Every flag (plain text) with what to do about it, in the page's language."""
    out = []
    for a in r.availability_indicators:
        if a.flagged:
            out.append(
                (
                    say(lang, "flag_availability_indicator", x=a.name, share=page.pct(a.share)),
                    say(lang, "do_availability_indicator"),
                )
            )
    for a in r.availability_profiles:
        if a.flagged:
            out.append(
                (
                    say(lang, "flag_availability_profile", x=a.name, share=page.pct(a.share)),
                    say(lang, "do_availability_profile"),
                )
            )
    for d in r.distributions:
        if d.flagged:
            out.append(
                (
                    say(lang, "flag_distribution", x=d.rule, skew=_f(d.skew), kurt=_f(d.kurtosis)),
                    say(lang, "do_distribution"),
                )
            )
    for p in r.pairs:
        for f in p.flags:
            out.append(
                (say(lang, "flag_correlation", x=p.a, y=p.b, r=_f(p.pearson)), say(lang, f"do_{f}"))
            )
    for b in r.belonging:
        if b.flagged:
            other = b.best_other or "–"
            out.append(
                (
                    say(
                        lang,
                        "flag_belonging",
                        x=b.rule,
                        own=_f(b.own),
                        other=other,
                        other_r=_f(b.best_other_r),
                    ),
                    say(lang, "do_belonging", other=other),
                )
            )
    for c in r.consistency:
        if c.flagged:
            out.append(
                (
                    say(lang, "flag_consistency", x=c.diagnostic, alpha=_f(c.alpha)),
                    say(lang, "do_consistency"),
                )
            )
    for i in r.importance:
        if i.flagged:
            out.append(
                (
                    say(
                        lang,
                        "flag_importance",
                        x=i.rule,
                        i=_f(i.importance_share),
                        w=_f(i.nominal_weight),
                    ),
                    say(lang, "do_importance"),
                )
            )
    return out


def audit_page(r: AuditResult, options: RenderOptions) -> str:
    from hemscore.analysis.audit import ALPHA_THRESHOLD
    from hemscore.render.reports.audit import _s as numbered

    def _s(lang: str, key: str, **kw: Any) -> str:  # the terminal's section numbers left out
        return re.sub(r"^\d+\. ", "", numbered(lang, key, **kw))

    lang = _lang(options)
    parts = []

    # correlations: indicators grouped by diagnostic
    diag_of = {}
    for c in r.consistency:
        for rid in c.indicators:
            diag_of[rid] = c.diagnostic
    for i in r.importance:
        diag_of.setdefault(i.rule, i.diagnostic)
    pearson = {}
    for p in r.pairs:
        pearson[(p.a, p.b)] = pearson[(p.b, p.a)] = p.pearson
    # the indicators with a correlation to show, grouped by diagnostic, in the rule set's order
    paired = {x for pair in pearson for x in pair}
    groups = list(dict.fromkeys(diag_of.values()))
    ids = sorted(
        (x for x in r.indicators if x in paired),
        key=lambda x: (
            groups.index(diag_of[x]) if x in diag_of else len(groups),
            r.indicators.index(x),
        ),
    )
    rows: list[Row] = []
    for a in ids:
        cells: list[CellMarkup] = []
        for b in ids:
            v = 1.0 if a == b else pearson.get((a, b))
            within = " within" if a in diag_of and diag_of.get(a) == diag_of.get(b) else ""
            cells.append((f"{_r_class(v)}{within}", _f(v)))
        rows.append((esc(a), cells))
    note = f'<p class="legend" id="corr-note">{esc(say(lang, "corr_note"))}</p>\n'
    corr = page.table(
        ["", *ids], rows, cls="heat corr", labelledby="corr-h", describedby="corr-note"
    )
    parts.append(_section("corr", say(lang, "corr"), note + f'<div class="wide">{corr}</div>\n'))

    # consistency: alpha and first-component share
    bars: list[Bar] = []
    desc: list[str] = []
    rows2: list[Row] = []
    for c in r.consistency:
        bars.append(
            Bar(
                c.diagnostic,
                (("bar-a", c.alpha), ("bar-b", c.first_component_share)),
                text=f"{_f(c.alpha)} / {_f(c.first_component_share)}",
            )
        )
        desc.append(
            say(
                lang,
                "consistency_row",
                d=c.diagnostic,
                alpha=_f(c.alpha),
                pc1=_f(c.first_component_share),
            )
        )
        rows2.append(
            (
                esc(c.diagnostic),
                [
                    ("num", str(len(c.indicators))),
                    ("num", str(c.complete_cases)),
                    ("num", _f(c.alpha)),
                    ("num", _f(c.first_component_share)),
                    "⚑" if c.flagged else ("" if c.auditable else esc(say(lang, "too_few"))),
                ],
            )
        )
    chart = page.bar_chart(
        "cons-c",
        say(lang, "consistency_title"),
        say(
            lang,
            "consistency_desc",
            floor=f"{ALPHA_THRESHOLD:g}",
            rows=page.listing_sep(lang).join(desc),
        ),
        [
            Bar(
                b.label,
                tuple((cls, None if v is None else max(0.0, v)) for cls, v in b.bars),
                text=b.text,
            )
            for b in bars
        ],
        lo=0.0,
        hi=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1),
        marker=ALPHA_THRESHOLD,
    )
    heads = [
        label(lang, "diagnostic"),
        say(lang, "indicators"),
        say(lang, "complete"),
        say(lang, "alpha"),
        say(lang, "pc1"),
        say(lang, "flag"),
    ]
    parts.append(
        _section(
            "consistency",
            _s(lang, "consistency", a=ALPHA_THRESHOLD),
            page.figure("consistency-h", chart) + _numbers_table(heads, rows2, lang, "cons-c"),
        )
    )

    # importance against weight
    bars = []
    desc = []
    rows3: list[Row] = []
    for i in r.importance:
        bars.append(
            Bar(
                i.rule,
                (("bar-b", i.nominal_weight), ("bar-a", i.importance_share)),
                text=f"{_f(i.nominal_weight)} / {_f(i.importance_share)}",
            )
        )
        desc.append(
            say(
                lang,
                "importance_row",
                rule=i.rule,
                w=_f(i.nominal_weight),
                i=_f(i.importance_share),
            )
        )
        rows3.append(
            (
                esc(i.rule),
                [
                    esc(i.diagnostic),
                    ("num", _f(i.nominal_weight)),
                    ("num", _f(i.importance_share)),
                    ("num", _f(i.eta2_diagnostic)),
                    "⚑" if i.flagged else "",
                ],
            )
        )
    chart = page.bar_chart(
        "imp-c",
        say(lang, "importance_title"),
        say(lang, "importance_desc", rows=page.listing_sep(lang).join(desc)),
        bars,
        lo=0.0,
        hi=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1),
    )
    heads = [
        label(lang, "rule"),
        label(lang, "diagnostic"),
        say(lang, "weight_share"),
        say(lang, "importance_share"),
        "η²",
        say(lang, "flag"),
    ]
    parts.append(
        _section(
            "importance",
            _s(lang, "importance"),
            page.figure("importance-h", chart) + _numbers_table(heads, rows3, lang, "imp-c"),
        )
    )

    # flags, grouped by what to do about them
    grouped: dict[str, list[str]] = {}
    for what, todo in _flags(r, lang):
        grouped.setdefault(todo, []).append(what)
    body = "".join(
        f'<h3 class="todo" id="do{k}">{esc(todo)}</h3>\n' + _items(items, "flagged")
        for k, (todo, items) in enumerate(grouped.items())
    )
    if not grouped:
        body = f"<p>{esc(say(lang, 'no_flags'))}</p>\n"
    if r.not_auditable:
        body += f'<p class="legend">{esc(_s(lang, "not_auditable", ids=", ".join(r.not_auditable)))}</p>\n'
    parts.append(_section("flags", say(lang, "flags"), body))

    # the rest, as tables: availability, distributions, belonging
    from hemscore.analysis.audit import AVAILABILITY_THRESHOLD, KURTOSIS_THRESHOLD, SKEW_THRESHOLD

    more = []
    avail: list[Row] = [
        (
            esc(a.name),
            [("num", f"{a.count}/{a.total}"), ("num", page.pct(a.share)), "⚑" if a.flagged else ""],
        )
        for a in r.availability_indicators
    ]
    avail_heads = [
        label(lang, "rule"),
        say(lang, "with_data"),
        say(lang, "share"),
        say(lang, "flag"),
    ]
    more.append(
        page.table(avail_heads, avail, caption=_s(lang, "availability", t=AVAILABILITY_THRESHOLD))
    )
    dist: list[Row] = []
    for d in r.distributions:
        treat = []
        for name, t in d.treatments.items():
            if isinstance(t, Mapping):
                treat.append(
                    f"{name}: {say(lang, 'skew')} {_f(t.get('skew'))}, {say(lang, 'kurtosis')} {_f(t.get('kurtosis'))}"
                )
        dist.append(
            (
                esc(d.rule),
                [
                    ("num", str(d.n)),
                    ("num", _f(d.skew)),
                    ("num", _f(d.kurtosis)),
                    "⚑" if d.flagged else "",
                    esc("; ".join(treat)),
                ],
            )
        )
    more.append(
        page.table(
            [
                label(lang, "rule"),
                "n",
                say(lang, "skew"),
                say(lang, "kurtosis"),
                say(lang, "flag"),
                say(lang, "treatment"),
            ],
            dist,
            caption=_s(lang, "distributions", s=SKEW_THRESHOLD, k=KURTOSIS_THRESHOLD),
        )
    )
    belong: list[Row] = [
        (
            esc(b.rule),
            [
                ("num", _f(b.own)),
                esc(b.best_other or "–"),
                ("num", _f(b.best_other_r)),
                "⚑" if b.flagged else "",
            ],
        )
        for b in r.belonging
    ]
    if belong:
        more.append(
            page.table(
                [
                    label(lang, "rule"),
                    say(lang, "own_r"),
                    say(lang, "other"),
                    say(lang, "other_r"),
                    say(lang, "flag"),
                ],
                belong,
                caption=_s(lang, "belonging"),
            )
        )
    parts.append(_section("more", say(lang, "more_numbers"), "".join(more)))
    title = _s(lang, "title")
    sub = say(
        lang,
        "audit_sub",
        p=len(r.profiles),
        kind=label(lang, r.kind),
        ruleset=r.ruleset,
        n=len(r.indicators),
    )
    return _whole(lang, title, title, sub, "".join(parts))
