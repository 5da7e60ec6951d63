"""GitHub Actions workflow commands: an annotation per failing rule, on the metric's line.

A failing rule of severity high or critical is an ``::error``; any other failing rule is a
``::warning``. Each profile also gets one ``::notice`` with its overall score, and a
``::warning`` per data-quality warning (:mod:`hemscore.quality`). Values are
escaped as the workflow-command rules require: ``%``, CR and LF everywhere, and ``:`` and ``,``
in properties; any other control character from a file is shown as an escape (``\\x1b``). Written line by line as each profile is assessed.
"""

from __future__ import annotations

from hemscore.base.messages import bracketed, colon, comma, label, severity
from hemscore.base.numbers import percent
from hemscore.base.safe_text import github_data, github_property
from hemscore.engine.assessment import Assessment, RuleResult
from hemscore.render.formats import _text as tx
from hemscore.render.formats.options import RenderOptions

ERROR_SEVERITIES: frozenset[str] = frozenset({"critical", "high"})


#: Workflow-command escaping (:mod:`hemscore.base.safe_text`).
escape_data = github_data
escape_property = github_property


def command(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line, e.g. ``::error file=p.toml,line=3,title=T::message``."""
    props = []
    if file and file != "<stdin>":
        props.append(f"file={escape_property(file)}")
        if line:
            props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}\n"


def level(r: RuleResult) -> str:
    """``error`` for a failing rule of severity high or critical, else ``warning``."""
    return "error" if r.rule.severity in ERROR_SEVERITIES else "warning"


def _message(a: Assessment, r: RuleResult, lang: str) -> str:
    metrics = a.ruleset.metrics
    sev = severity(lang, r.rule.severity, r.weight)
    c = comma(lang)
    planned = bracketed(lang, tx.planned_source(r, lang)) if tx.is_planned(r) else ""
    return (
        f"{r.rule.metric}{colon(lang)}{label(lang, 'value')} {tx.value(r, lang, metrics)}{planned}"
        f"{c}{label(lang, 'target')} {tx.target(r, lang, metrics)}{c}{label(lang, 'score')} "
        f"{tx.score(r.score)}/100{bracketed(lang, sev)}{label(lang, 'stop')}\n"
        f"{r.rule.text(lang, 'recommendation')}{bracketed(lang, tx.paper(r.rule.paper, lang))}"
    )


def begin(options: RenderOptions) -> str:
    return ""


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    lang = options.lang
    p = a.profile
    overall = (
        f"{tx.score(a.score)} / 100" if a.score is not None else label(lang, "insufficient_data")
    )
    lines = [
        command(
            "notice",
            f"{label(lang, 'overall')} {overall}{comma(lang)}{label(lang, 'grade')} {a.grade}"
            f"{comma(lang)}{label(lang, 'coverage')} {percent(a.coverage)}",
            file=p.path,
            title=f"hemscore{colon(lang)}{p.name}",
        )
    ]
    for w in a.warnings:
        lines.append(
            command(
                "warning",
                w.text(lang),
                file=p.path,
                line=w.line,
                title=f"{label(lang, 'data_quality')}{colon(lang)}{w.metric}",
            )
        )
    for r in a.failing():
        lines.append(
            command(
                level(r),
                _message(a, r, lang),
                file=p.path,
                line=r.input.line if r.input is not None else None,
                title=f"{r.id} {r.rule.text(lang, 'title')}",
            )
        )
    return "".join(lines)


def end(options: RenderOptions, count: int) -> str:
    return ""
