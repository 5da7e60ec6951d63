"""JUnit XML: one ``<testsuite>`` per profile, one ``<testcase>`` per rule that applies to it.

A failing rule is a ``<failure>``; a rule without data (or waived) is ``<skipped>``. An input
that could not be read or validated is a suite of its own with one ``<error>`` test case. Built with
:mod:`xml.etree` and written one suite at a time; the root ``<testsuites>`` carries no totals
(consumers add up the suites), so the document can stream. Only attributes of the common JUnit
schema (Jenkins' ``junit-10.xsd``) are used, so strict consumers load it too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from hemscore.base.messages import colon, comma, label, severity
from hemscore.base.numbers import round4 as _num
from hemscore.base.safe_text import terminal, xml_chars
from hemscore.engine.assessment import Assessment, RuleResult
from hemscore.render.formats import _text as tx
from hemscore.render.formats.options import RenderOptions


def _x(text: object) -> str:
    # Characters XML cannot carry (NUL, ESC, …) and those a terminal acts on become escapes.
    return xml_chars(text)


def _severity(r: RuleResult) -> str:
    return r.rule.severity or f"weight {tx.num(r.weight, 2)}"


def _where(a: Assessment, r: RuleResult) -> str:
    line = r.input.line if r.input is not None else None
    return f"{a.profile.path}:{line}" if line else a.profile.path


def _failure_text(a: Assessment, r: RuleResult, lang: str) -> str:
    metrics = a.ruleset.metrics
    lines = [
        f"{_where(a, r)}: {r.rule.metric}",
        (
            f"{label(lang, 'value')} {tx.value(r, lang, metrics)} · {label(lang, 'target')} "
            f"{tx.target(r, lang, metrics)} · {label(lang, 'score')} {tx.score(r.score)}/100 · "
            f"{severity(lang, r.rule.severity, r.weight)}"
        ),
    ]
    if r.input is not None and (r.input.source or r.input.is_target):
        lines.append(f"{label(lang, 'source')}{colon(lang)}{tx.source_line(r, lang)}")
    lines.append(
        f"{label(lang, 'recommendation')}{colon(lang)}{r.rule.text(lang, 'recommendation')}"
    )
    lines.append(tx.paper(r.rule.paper, lang))
    return "\n".join(terminal(line) for line in lines)  # a line break from a file is a space


def testsuite(a: Assessment, options: RenderOptions) -> ET.Element:
    """The ``<testsuite>`` element of one assessment."""
    lang = options.lang
    p = a.profile
    results = a.results
    metrics = a.ruleset.metrics
    suite = ET.Element(
        "testsuite",
        {
            "name": _x(f"{p.name} ({p.kind} {p.year})"),
            "tests": str(len(results)),
            "failures": str(sum(r.status == "fail" for r in results)),
            "errors": "0",
            "skipped": str(sum(r.status in ("missing", "waived") for r in results)),
            "time": "0",
        },
    )
    props = ET.SubElement(suite, "properties")
    overall = _num(a.score)
    for name, value in (
        ("path", p.path),
        ("kind", p.kind),
        ("year", p.year),
        ("overall", "" if overall is None else overall),
        ("grade", a.grade),
        ("coverage", _num(a.coverage)),
        ("ruleset", f"{a.ruleset.name} {a.ruleset.version}"),
    ):
        ET.SubElement(props, "property", {"name": name, "value": _x(value)})
    for d in a.diagnostics:
        for r in d.rules:
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "name": _x(f"{r.id} {r.rule.text(lang, 'title')}"),
                    "classname": f"hemscore.{d.id}",
                    "time": "0",
                },
            )
            if r.status == "fail":
                failure = ET.SubElement(
                    case,
                    "failure",
                    {
                        "message": _x(
                            f"{label(lang, 'value')} {tx.value(r, lang, metrics)}{comma(lang)}"
                            f"{label(lang, 'target')} {tx.target(r, lang, metrics)}{comma(lang)}"
                            f"{label(lang, 'score')} {tx.score(r.score)}"
                        ),
                        "type": _x(_severity(r)),
                    },
                )
                failure.text = _x(_failure_text(a, r, lang))
            elif r.status in ("missing", "waived"):
                ET.SubElement(
                    case,
                    "skipped",
                    {
                        "message": _x(
                            f"{label(lang, r.status)}{colon(lang)}{r.reason or ''}".rstrip(": ：")
                        ),
                    },
                )
    return suite


def error_suite(name: str, lines: Sequence[str], options: RenderOptions) -> ET.Element:
    """A ``<testsuite>`` for an input that could not be read or validated: one ``<error>``
    test case carrying every problem (the same lines as on stderr)."""
    suite = ET.Element(
        "testsuite",
        {
            "name": _x(terminal(name)),
            "tests": "1",
            "failures": "0",
            "errors": "1",
            "skipped": "0",
            "time": "0",
        },
    )
    case = ET.SubElement(
        suite, "testcase", {"name": "load", "classname": "hemscore.input", "time": "0"}
    )
    error = ET.SubElement(case, "error", {"message": _x(lines[0]), "type": "input"})
    error.text = _x("\n".join(lines))
    return suite


def error_item(name: str, lines: Sequence[str], options: RenderOptions, index: int) -> str:
    """The streamed ``<testsuite>`` of an input that could not be used (see :func:`error_suite`)."""
    suite = error_suite(name, lines, options)
    ET.indent(suite, space="  ", level=1)
    return "  " + ET.tostring(suite, encoding="unicode") + "\n"


def begin(options: RenderOptions) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hemscore">\n'


def item(a: Assessment, options: RenderOptions, index: int) -> str:
    suite = testsuite(a, options)
    ET.indent(suite, space="  ", level=1)
    return "  " + ET.tostring(suite, encoding="unicode") + "\n"


def end(options: RenderOptions, count: int) -> str:
    return "</testsuites>\n"
