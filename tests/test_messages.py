"""The message catalogues: one per language, the same keys and placeholders in each."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest

from hemscore.base import messages
from hemscore.base.messages import en, zh

ROOT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}


def test_every_language_has_the_same_keys() -> None:
    assert set(zh.MESSAGES) - set(en.MESSAGES) == set()
    assert set(en.MESSAGES) - set(zh.MESSAGES) == set()
    assert set(messages.LOADERS) == {"en", "zh"}


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_every_translation_has_the_same_placeholders(key: str) -> None:
    assert placeholders(zh.MESSAGES[key]) == placeholders(en.MESSAGES[key]), key


def test_placeholders_are_found() -> None:
    # The comparison above can fail: a placeholder is seen, and a literal brace is not one.
    assert placeholders(en.MESSAGES["gain_if_met"]) == {"gain"}
    assert placeholders(en.MESSAGES["report.reached"]) == {"after", "target"}
    assert placeholders("a {{ b }}") == set()


def test_lookup_falls_back_to_english_then_to_the_key() -> None:
    assert messages.label("zh", "overall") == "总分"
    assert messages.label("fr", "overall") == "Overall"  # a language hemscore does not have
    assert messages.label("zh", "no.such.key") == "no.such.key"
    assert messages.label("en", "gain_if_met", gain="2.5") == "+2.5 overall if met"
    # An empty text is a text: Chinese joins sentences with nothing.
    assert messages.label("zh", "sep.sentence") == ""
    assert messages.first("zh", ("report.gain", "gain")) == "提升"
    assert messages.first("zh", ("report.overall", "overall")) == "总分"


def test_punctuation_and_sections_come_from_the_catalogue() -> None:
    assert messages.bracketed("en", "x") == " (x)"
    assert messages.bracketed("zh", "x") == "（x）"
    assert messages.paper(("intro", "1.2"), "en") == "paper intro, paper §1.2"
    assert messages.paper(("intro", "1.2"), "zh") == "论文引言、论文§1.2"
    assert messages.paper(("intro", "1.2"), "zh", short=True) == "引言、§1.2"


def test_json_output_reads_no_second_catalogue() -> None:
    code = (
        "import sys\n"
        "from hemscore.api import assess, load_ruleset\n"
        "from hemscore.render.formats import RenderOptions, renderer\n"
        "a = assess('examples/china-2022.toml', load_ruleset())\n"
        "renderer('json').render([a], RenderOptions())\n"
        "renderer('markdown').render([a], RenderOptions())\n"
        "print(sorted(m for m in sys.modules if m.startswith(('hemscore.base.messages', 'rich'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [
        "['hemscore.base.messages',",
        "'hemscore.base.messages.en']",
    ]


def test_below_the_reports_only_the_catalogue_and_the_methods_hold_chinese_text() -> None:
    # The engine's data warnings and the analyses' notes are looked up in the catalogue; a
    # scoring method holds its own explanation in each language (docs/architecture.md).
    import re

    package = ROOT / "src" / "hemscore"
    han = re.compile("[\u4e00-\u9fff]")
    found = [
        str(path.relative_to(package))
        for folder in ("base", "reading", "model", "engine", "analysis")
        for path in sorted((package / folder).rglob("*.py"))
        if han.search(path.read_text(encoding="utf-8"))
        and not path.is_relative_to(package / "base" / "messages")
        and not path.is_relative_to(package / "model" / "methods")
    ]
    assert found == []


def test_a_rules_weight_line_reads_the_same_in_both_languages() -> None:
    from hemscore.model.rules import load_ruleset
    from hemscore.render.explain import explain_rule, explain_scoring

    ruleset = load_ruleset()
    rule = ruleset.rule("TE-03")
    assert rule is not None
    assert explain_rule(rule, ruleset, "en").weight == (
        "Weight 0.5 (severity critical), in the shared-weight group chip-dependence, in the "
        "technology diagnostic (Core-technology dependence); applies to: country, region, firm."
    )
    assert explain_rule(rule, ruleset, "zh").weight == (
        "权重 0.5（严重程度：关键），属于共享权重的规则组“chip-dependence”，"
        "计入“核心技术依赖”维度（technology）；适用于：国家、地区、企业。"
    )
    assert explain_scoring(rule, ruleset.metrics, "zh").missing.startswith("档案中没有该指标")
