"""Help screens: every word of the help text is printed (none read as Rich markup), the
top-level and ``rules show`` screens have examples, and ``--debug`` is documented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from hemscore.cli.app import build


def _commands() -> Iterator[tuple[list[str], Any]]:
    def walk(c: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, c
        for name, sub in getattr(c, "commands", {}).items():
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(build()), [])


COMMANDS = [path for path, _ in _commands()]


def _texts(c: Any) -> list[str]:
    return [c.help or "", c.epilog or ""] + [getattr(p, "help", None) or "" for p in c.params]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "hemscore")
def test_every_bracketed_word_of_the_help_is_printed(run_cli, monkeypatch, path: list[str]) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    command = {tuple(p): c for p, c in _commands()}[tuple(path)]
    words = [
        w.replace("\\[", "[") for text in _texts(command) for w in re.findall(r"\S*\[\S*", text)
    ]
    r = run_cli(*path, "--help")
    assert r.code == 0
    for w in words:
        assert w in r.out, (w, r.out)


def test_validate_help_names_the_rule_file_tables(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    r = run_cli("validate", "--help")
    text = " ".join(r.out.split())
    assert "a top-level [[rules]], [ruleset], [metrics] or [diagnostics] table" in text


def test_top_level_help_has_examples(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "120")
    r = run_cli("--help")
    assert r.code == 0
    assert "Examples:" in r.out
    assert "hemscore assess examples/china-2022.toml" in r.out
    assert "hemscore rules show TE-03" in r.out


def test_rules_show_help_has_examples(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "120")
    r = run_cli("rules", "show", "--help")
    assert r.code == 0
    assert "Examples:" in r.out
    assert "hemscore rules show TE-03 --lang zh" in r.out
    assert "hemscore rules show TE-03 --format json" in r.out


def test_debug_is_in_the_top_level_help(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "120")
    r = run_cli("--help")
    assert "--debug" in r.out and "traceback" in r.out
