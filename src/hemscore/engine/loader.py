"""The one loader: a profile from wherever it comes, checked as every command checks it.

``load_profile`` takes an input as the command line has it (a :class:`Source` from
:func:`hemscore.reading.inputs.expand`), or as the Python API has it (a path, TOML text, the
bytes of a file, or a mapping shaped like a profile file), reads it through the one bounded
reader (:mod:`hemscore.reading.tomlsource`) and validates it against the rule set it will be
assessed with, waivers included. ``assess``, ``validate``, the analysis commands, ``export``
and the library all load profiles here, so they accept and refuse the same inputs with the
same messages. Pure of printing: problems are raised as :class:`HemscoreError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hemscore.base.errors import HemscoreError, ProfileError, UsageError
from hemscore.model.catalogue import Metric
from hemscore.model.profile import Profile, validate_profile
from hemscore.model.rules import RuleSet
from hemscore.reading.inputs import Source, expand
from hemscore.reading.tomlsource import TomlDocument, decode, read_limited, read_toml

#: A profile as the loader takes it.
ProfileSource = Source | str | Path | bytes | Mapping[str, Any] | Profile

#: Top-level tables that make a TOML file a rule file rather than a profile.
RULE_TABLES: frozenset[str] = frozenset({"rules", "ruleset", "metrics", "diagnostics"})


def is_rule_file(doc: TomlDocument) -> bool:
    """Whether a parsed TOML document is a rule file rather than a profile."""
    return bool(RULE_TABLES & doc.data.keys())


def read_source(src: Source) -> TomlDocument:
    """Parse one input of the command line (a path, or stdin's text); raises
    :class:`ProfileError` when it cannot be read or is not TOML."""
    if src.error is not None:
        raise src.error
    if src.path is None:
        return read_toml(src.name, text=src.text, error=ProfileError)
    try:  # a file name that is not UTF-8: read it by its bytes, name it escaped
        doc = read_toml(src.path, error=ProfileError)
    except HemscoreError as err:
        err.path = src.name
        raise
    return TomlDocument(src.name, doc.text, doc.data)


def read_document(source: ProfileSource, *, name: str | None = None) -> TomlDocument:
    """The parsed TOML of a profile source (see :data:`ProfileSource`), named ``name`` when
    given (default: the path, or ``<text>``, ``<bytes>``, ``<mapping>``).

    A ``str`` holding a line break is TOML text; any other ``str`` is a path.
    """
    if isinstance(source, Source):
        doc = read_source(source)
        return doc if name is None else TomlDocument(name, doc.text, doc.data)
    if isinstance(source, Mapping):
        import tomli_w

        try:
            text = tomli_w.dumps(dict(source))
        except (TypeError, ValueError) as exc:
            raise ProfileError(f"not a profile mapping: {exc}", path=name or "<mapping>") from None
        return read_toml(name or "<mapping>", text=text, error=ProfileError)
    if isinstance(source, bytes):
        label = name or "<bytes>"
        return read_toml(label, text=decode(source, label, ProfileError), error=ProfileError)
    if isinstance(source, str) and "\n" in source:
        return read_toml(name or "<text>", text=source, error=ProfileError)
    if isinstance(source, str | Path):
        read = read_toml(source, error=ProfileError)
        return read if name is None else TomlDocument(name, read.text, read.data)
    raise UsageError(f"cannot read a profile from a {type(source).__name__}")


def check_profile(doc: TomlDocument, rules: RuleSet | Mapping[str, Metric]) -> Profile:
    """Validate a parsed profile as ``assess`` does: against the catalogue, and its waivers
    against the rule set when given one (a bare catalogue, ``ruleset.metrics``, leaves the
    waivers to :func:`hemscore.engine.assessment.assess`)."""
    return validate_profile(doc, rules)


def load_profile(
    source: ProfileSource,
    rules: RuleSet | Mapping[str, Metric],
    *,
    name: str | None = None,
) -> Profile:
    """Read and validate one profile: every check of ``hemscore validate``, waivers included.

    ``source`` is a command-line :class:`Source`, a path (``str`` or ``Path``), TOML text (a
    ``str`` holding a line break), the bytes of a TOML file, a mapping shaped like a profile
    file (``{"profile": {...}, "technology": {...}}``), or a :class:`Profile` (returned as it
    is). ``name`` is how messages and reports name it.
    """
    if isinstance(source, Profile):
        return source
    return check_profile(read_document(source, name=name), rules)


def one_source(path: str, problem: str) -> Source:
    """The single input a path names (a file, or ``-`` for stdin): a command that reads one
    file refuses a directory, with ``problem`` as the message."""
    sources = list(expand([path]))
    if len(sources) != 1:
        raise UsageError(problem, path=path)
    return sources[0]


def read_text(src: Source, expected: str) -> str:
    """The text of one input, read through the one bounded reader, whatever it holds (TOML
    or JSON); ``expected`` names what a directory should have been."""
    if src.error is not None:
        raise src.error
    if src.text is not None:
        return src.text
    raw = read_limited(src.read_path, ProfileError, expected)
    return decode(raw, src.read_path, ProfileError)
