"""``hemscore init``: a template profile for one kind, derived from the metric catalogue.

Every metric that applies to the kind is listed under its section, preceded by comments with its
title, unit, meaning and the rules that score it, and written *commented out*: a template never
scores a made-up value, and it validates as it is. The user uncomments what they have data for.
"""

from __future__ import annotations

import textwrap

from hemscore.model.catalogue import CATALOGUE_VERSION, Metric
from hemscore.model.rules import RuleSet
from hemscore.render.i18n import colon, label, listing, severity

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "head": "hemscore profile template: a {kind} (metric catalogue v{catalogue}, rule set {ruleset})",
        "intro": (
            "Fill in [profile], then uncomment each metric you have data for and set its value. "
            "A metric left commented out is not assessed (it is never scored 0); it lowers the "
            "coverage shown beside every score. A value is bare, or a table with its provenance: "
            '{{ value = ..., year = ..., source = "..." }}. A source that starts with "estimate:" '
            "marks an estimate."
        ),
        "check": "Check it: hemscore validate FILE    Score it: hemscore assess FILE",
        "name": "Name of the {kind}",
        "unit": "unit",
        "scored_by": "Scored by",
        "unscored": "No rule scores it for a {kind}; it is kept as context.",
        "shares": "a table label = percent, summing to 100",
        "series": "a table year = value",
        "source": "publication, table, page",
    },
    "zh": {
        "head": "hemscore 档案模板：{kind}（指标目录 v{catalogue}，规则集 {ruleset}）",
        "intro": (
            "先填写 [profile]，再对有数据的指标去掉行首的 # 并填入数值。仍被注释的指标不参与评估"
            "（绝不按 0 分计），只会降低每个得分旁显示的数据覆盖率。数值可直接填写，也可写成带出处的表："
            '{{ value = ..., year = ..., source = "..." }}。以 "estimate:" 开头的来源表示估计值。'
        ),
        "check": "检查：hemscore validate 文件    评分：hemscore assess 文件",
        "name": "{kind}名称",
        "unit": "单位",
        "scored_by": "评分规则",
        "unscored": "没有规则对{kind}评分此指标，仅作背景信息。",
        "shares": "标签 = 百分比 的表，合计 100",
        "series": "年份 = 数值 的表",
        "source": "出处、表号、页码",
    },
}


def _t(lang: str, key: str, **fmt: object) -> str:
    return _TEXTS.get(lang, _TEXTS["en"])[key].format(**fmt)


def _comment(text: str, lang: str, indent: str = "") -> list[str]:
    if lang == "zh":  # no spaces to wrap at; one line per sentence group reads better
        return [f"# {indent}{text}"]
    return [f"# {indent}{line}" for line in textwrap.wrap(text, width=94 - len(indent))]


def _placeholder(m: Metric, year: int) -> str:
    if m.type == "bool":
        return "false"
    lo = 0.0 if m.min is None or m.min <= 0 <= (m.max if m.max is not None else 0) else m.min
    if m.type == "integer":
        return str(int(lo))
    if m.type == "number":
        return f"{lo:.1f}"
    if m.type == "shares":
        return "{ A = 60.0, B = 40.0 }"
    return "{ " + ", ".join(f"{y} = 0.0" for y in range(year - 2, year + 1)) + " }"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def profile_template(
    ruleset: RuleSet, kind: str, year: int, *, lang: str = "en", name: str | None = None
) -> str:
    """The text of a template profile of ``kind`` for ``ruleset``; it validates as it is."""
    kind_label = label(lang, kind)
    out = _comment(
        _t(
            lang,
            "head",
            kind=kind_label,
            catalogue=CATALOGUE_VERSION,
            ruleset=f"{ruleset.name} {ruleset.version}",
        ),
        lang,
    )
    out.append("#")
    out += _comment(_t(lang, "intro"), lang)
    out.append("#")
    out += _comment(_t(lang, "check"), lang)
    out += [
        "",
        "[profile]",
        f"name = {_toml_string(name or _t(lang, 'name', kind=kind_label))}",
        f'kind = "{kind}"',
        f"year = {year}",
        '# country = "CN"',
        '# description = ""',
    ]
    for d in ruleset.diagnostics:
        metrics = [m for m in ruleset.metrics.values() if m.diagnostic == d.id and kind in m.kinds]
        if not metrics:
            continue
        out += ["", f"# {d.text(lang, 'title')}", f"[{d.id}]"]
        for m in metrics:
            out.append("")
            unit = m.text(lang, "unit")
            if m.type in ("shares", "series") and not unit:
                unit = _t(lang, m.type)
            if lang == "zh":
                head = m.text(lang, "title") + (f"（{_t(lang, 'unit')}：{unit}）" if unit else "")
            else:
                head = m.text(lang, "title") + (f" ({_t(lang, 'unit')}: {unit})" if unit else "")
            out += _comment(head, lang)
            desc = m.text(lang, "description")
            if desc:
                out += _comment(desc, lang, "  ")
            rules = [r for r in ruleset.rules if r.metric == m.id and kind in r.kinds]
            if rules:
                open_, close = ("（", "）") if lang == "zh" else (" (", ")")
                scored = listing(lang).join(
                    f"{r.id}{open_}{severity(lang, r.severity, r.weight)}{close}" for r in rules
                )
                out += _comment(f"{_t(lang, 'scored_by')}{colon(lang)}{scored}", lang, "  ")
            else:
                out += _comment(_t(lang, "unscored", kind=kind_label), lang, "  ")
            out.append(
                f"# {m.name} = {{ value = {_placeholder(m, year)}, year = {year}, "
                f"source = {_toml_string(_t(lang, 'source'))} }}"
            )
    return "\n".join(out) + "\n"
