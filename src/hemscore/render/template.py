"""``hemscore init``: a template profile for one kind, derived from the metric catalogue.

Every metric that applies to the kind is listed under its section, preceded by comments with its
title, unit, meaning and the rules that score it, and written *commented out*: a template never
scores a made-up value, and it validates as it is. The user uncomments what they have data for.
"""

from __future__ import annotations

import textwrap

from hemscore.base.messages import bracketed, colon, label, listing, severity
from hemscore.model.catalogue import CATALOGUE_VERSION, Metric
from hemscore.model.rules import RuleSet


def _t(lang: str, key: str, **fmt: object) -> str:
    return label(lang, "template." + key, **fmt)


def _comment(text: str, lang: str, indent: str = "") -> list[str]:
    if not label(lang, "lang.wrap"):  # no spaces to wrap at: one line per sentence group
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
    """A TOML basic string holding ``text`` exactly, control characters escaped."""
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out) + '"'


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
            unit_note = f"{_t(lang, 'unit')}{colon(lang)}{unit}"
            head = m.text(lang, "title") + (bracketed(lang, unit_note) if unit else "")
            out += _comment(head, lang)
            desc = m.text(lang, "description")
            if desc:
                out += _comment(desc, lang, "  ")
            rules = [r for r in ruleset.rules if r.metric == m.id and kind in r.kinds]
            if rules:
                scored = listing(lang).join(
                    r.id + bracketed(lang, severity(lang, r.severity, r.weight)) for r in rules
                )
                out += _comment(f"{_t(lang, 'scored_by')}{colon(lang)}{scored}", lang, "  ")
            else:
                out += _comment(_t(lang, "unscored", kind=kind_label), lang, "  ")
            out.append(
                f"# {m.name} = {{ value = {_placeholder(m, year)}, year = {year}, "
                f"source = {_toml_string(_t(lang, 'source'))} }}"
            )
    return "\n".join(out) + "\n"
