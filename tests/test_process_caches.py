"""What one process keeps between calls: the rule sets it built (by the exact text of their
files) and the commands Typer built. Neither may ever give a stale answer."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from hemscore.cli import app
from hemscore.model import methods
from hemscore.model.rules import load_ruleset

from .conftest import RULES


def _copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def test_the_same_files_give_the_same_rule_set(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    first = load_ruleset([folder])
    assert load_ruleset([folder]) is first
    assert load_ruleset([str(folder)]) is first  # the same names, however they are passed


def test_an_edited_rule_file_is_read_again_even_at_the_same_size(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    before = load_ruleset([folder])
    assert before.rule("TE-01") is not None
    technology = folder / "technology.toml"
    text = technology.read_text(encoding="utf-8")
    assert 'id = "TE-01"' in text
    technology.write_text(text.replace('id = "TE-01"', 'id = "TE-91"'), encoding="utf-8")
    after = load_ruleset([folder])
    assert after is not before
    assert after.rule("TE-01") is None and after.rule("TE-91") is not None


def test_another_folder_with_the_same_text_is_another_rule_set(tmp_path: Path) -> None:
    a, b = _copy_rules(tmp_path / "a"), _copy_rules(tmp_path / "b")
    ra, rb = load_ruleset([a]), load_ruleset([b])
    assert ra is not rb
    assert {r.path for r in ra.rules} != {r.path for r in rb.rules}  # each names its own files


def test_registering_a_method_parses_the_files_again(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    before = load_ruleset([folder])
    generation = methods.registry_generation()
    linear = methods.method_named("linear")
    assert linear is not None

    class Twin(linear):  # type: ignore[valid-type, misc]
        __slots__ = ()
        name = "twin-of-linear"

    methods.register(Twin)
    try:
        assert methods.registry_generation() != generation
        assert load_ruleset([folder]) is not before
    finally:
        methods.unregister("twin-of-linear")
    assert methods.registry_generation() != generation


def test_a_command_is_built_once_and_reads_its_arguments_each_run(
    run_cli: Any, monkeypatch: Any
) -> None:
    argv = ["assess", "examples/china-2022.toml", "--format", "json"]
    assert app._command_for(argv) is app._command_for(["assess", "--help"])
    assert app._command_for(["compare"]) is not app._command_for(["assess"])
    assert app._command_for(["nonsense"]) is app._command_for([])  # every command: help
    monkeypatch.chdir(RULES.parent)
    json_run = run_cli(*argv)
    table_run = run_cli("assess", "examples/china-2022.toml", "--lang", "zh")
    again = run_cli(*argv)
    assert json_run.out.startswith("{") and again.out == json_run.out
    assert "总分" in table_run.out or "评估" in table_run.out
    assert run_cli("assess", "--fail-under", "nan", "examples/china-2022.toml").code == 2
    assert run_cli(*argv).code in (0, 1)
