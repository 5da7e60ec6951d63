"""The texts of every report, one catalogue per language, and the one function that looks them up.

Each language is a module beside this one (``en.py``, ``zh.py``) holding ``MESSAGES``, a plain
dict of key -> text: a dict loads faster than any file format. English is always loaded; another
language is loaded the first time a report asks for it, so ``--format json`` never reads one.
Both catalogues hold the same keys and the same ``{placeholders}`` (``tests/test_messages.py``).

Keys are grouped by a prefix where one report has words of its own (``report.``, ``html.``,
``template.``, ``schema.``, ``peers.``, ``audit.``, ``basis.``, ``explain.``); the punctuation
and habits of a language (``sep.colon``, ``paren.open``, ``lang.wrap``...) are texts too, so
no renderer asks which language it writes. A text is passed through :meth:`str.format` only
when it is looked up with arguments; one used without arguments holds its braces as they are.

Adding a language: a module with the same keys beside ``en.py``, and one line in
:data:`LOADERS`. Rule, metric and diagnostic texts live in their TOML files.
"""

from __future__ import annotations

from collections.abc import Callable

from hemscore.base.messages.en import MESSAGES as EN

__all__ = ["EN", "LOADERS", "catalogue", "clause", "colon", "comma", "first", "label", "listing"]
__all__ += ["bracketed", "paper", "severity"]


def _zh() -> dict[str, str]:
    from hemscore.base.messages.zh import MESSAGES

    return MESSAGES


#: language -> the function that loads its catalogue.
LOADERS: dict[str, Callable[[], dict[str, str]]] = {"en": lambda: EN, "zh": _zh}
_LOADED: dict[str, dict[str, str]] = {"en": EN}


def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` (English for a language hemscore does not have)."""
    found = _LOADED.get(lang)
    if found is None:
        load = LOADERS.get(lang)
        found = _LOADED[lang] = load() if load else EN
    return found


def label(lang: str, key: str, **fmt: object) -> str:
    """The text ``key`` in ``lang``: English when the language lacks it, else the key itself."""
    text = catalogue(lang).get(key)
    if text is None:
        text = EN.get(key, key)
    return text.format(**fmt) if fmt else text


def first(lang: str, keys: tuple[str, str], **fmt: object) -> str:
    """The text of the first of ``keys`` the catalogue has (a report's own word, else the
    common one)."""
    key = keys[0] if keys[0] in EN else keys[1]
    return label(lang, key, **fmt)


def colon(lang: str) -> str:
    """What joins a label to its value: ``": "``, full-width in Chinese."""
    return label(lang, "sep.colon")


def comma(lang: str) -> str:
    """What joins the parts of a phrase: ``", "``, full-width in Chinese."""
    return label(lang, "sep.comma")


def listing(lang: str) -> str:
    """What separates the items of a list (ids, names): the enumeration comma in Chinese."""
    return label(lang, "sep.list")


def clause(lang: str) -> str:
    """What separates clauses of one sentence: ``"; "``."""
    return label(lang, "sep.clause")


def bracketed(lang: str, text: str) -> str:
    """``text`` in brackets after a word: `` (text)``, or full-width ``（text）`` in Chinese."""
    return f"{label(lang, 'paren.open')}{text}{label(lang, 'paren.close')}"


def severity(lang: str, severity: str | None, weight: float) -> str:
    """A rule's severity in words, or its explicit weight when it has no severity."""
    if severity:
        return label(lang, f"sev_{severity}")
    return label(lang, "weight_n", n=f"{weight:g}")


def paper(sections: tuple[str, ...] | list[str], lang: str, *, short: bool = False) -> str:
    """Paper sections as a reader sees them: ``paper §1.2, paper §3.2``; ``short``: ``§1.2,
    §3.2`` under a heading that already says "paper"."""
    if short:
        intro = label(lang, "paper.intro_short")
        return listing(lang).join(intro if s == "intro" else f"§{s}" for s in sections)
    return listing(lang).join(
        label(lang, "paper.intro") if s == "intro" else label(lang, "paper.section", s=s)
        for s in sections
    )
