"""Diagnostics are data: a rule set declares them, and a new one needs no change of code.

The built-in catalogue names the diagnostics its metrics belong to; a rule set gives them their
titles and weights and may declare more. Here a sixth diagnostic is added in a temporary copy of
the built-in rules (one ``[diagnostics.<id>]`` table and one rule file) and a profile is
assessed and rendered with it in every format.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hemscore.api import assess, load_ruleset
from hemscore.base.errors import RuleError
from hemscore.model.catalogue import DIAGNOSTICS, builtin_diagnostics
from hemscore.model.rules import builtin_rules_dir
from hemscore.render.formats import REGISTRY, RenderOptions, renderer

ROOT = Path(__file__).resolve().parent.parent
CHINA = ROOT / "examples" / "china-2022.toml"

SIXTH = """
[diagnostics.innovation]
weight = 1.0
paper = ["3.2"]
en.title = "Innovation output"
zh.title = "创新产出"
"""

INNOVATION_RULES = """
[metrics."innovation.triadic_patents_per_million"]
type = "number"
min = 0
kinds = ["country"]
better = "higher"
en.title = "Triadic patent families per million people"
en.unit = "families per million"

[[rules]]
id = "IN-01"
metric = "innovation.triadic_patents_per_million"
kinds = ["country"]
method = "linear"
worst = 0
target = 20
best = 60
paper = ["3.2"]
basis = "design"
source = "design: a stated choice for this test"
en.title = "Triadic patent families"
en.what = "Patent families filed at the three major offices, per million people."
en.why = "Inventions protected abroad show technology that others pay for."
en.recommendation = "Fund the filing of patents abroad for results with export markets."
"""

#: What each format shows of the sixth diagnostic (its title, its id, or its rule).
SHOWN = {
    "table": "Innovation output",
    "json": '"title": "Innovation output"',
    "markdown": "| Innovation output |",
    "jsonl": '"title":"Innovation output"',
    "csv": ",innovation\n",
    "junit": 'classname="hemscore.innovation"',
    "github": "IN-01 Triadic patent families",
    "html": "Innovation output",
    "svg": ">IN-01<",
}


@pytest.fixture(scope="module")
def sixth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the built-in rules with a sixth diagnostic, and a profile that has its value."""
    tmp = tmp_path_factory.mktemp("sixth")
    rules = tmp / "rules"
    shutil.copytree(builtin_rules_dir(), rules)
    for extra in rules.glob("*.md"):
        extra.unlink()
    with (rules / "ruleset.toml").open("a", encoding="utf-8") as f:
        f.write(SIXTH)
    (rules / "innovation.toml").write_text(INNOVATION_RULES, encoding="utf-8")
    profile = tmp / "china.toml"
    profile.write_text(
        CHINA.read_text(encoding="utf-8")
        + '\n[innovation]\ntriadic_patents_per_million = { value = 4.0, year = 2021, source = "test" }\n',
        encoding="utf-8",
    )
    return rules, profile


def test_the_built_in_diagnostics_come_from_the_catalogue() -> None:
    assert builtin_diagnostics() == ("cluster", "technology", "exports", "talent", "policy")
    assert DIAGNOSTICS == builtin_diagnostics()  # the command line's choices, read before any file
    rs = load_ruleset()
    assert [d.id for d in rs.diagnostics] == list(builtin_diagnostics())
    assert rs.diagnostics[1].text("zh", "title") == "核心技术依赖"  # from rules/ruleset.toml


def test_a_sixth_diagnostic_is_scored(sixth: tuple[Path, Path]) -> None:
    rules, profile = sixth
    rs = load_ruleset([rules])
    assert [d.id for d in rs.diagnostics][-1] == "innovation"
    a = assess(profile, rs)
    d = a.diagnostics[-1]
    # 4 on the linear goalposts 0 → 20 (target score 70 by default of the rule set): 70 × 4/20
    assert (d.id, d.title("en"), d.title("zh")) == ("innovation", "Innovation output", "创新产出")
    assert d.score == pytest.approx(14.0)
    assert d.rules[0].status == "fail"
    # Six diagnostics of weight 1 now share the overall score.
    assert a.results[-1].effective_weight == pytest.approx(1 / 6)


@pytest.mark.parametrize("fmt", list(REGISTRY))
def test_a_sixth_diagnostic_in_every_format(sixth: tuple[Path, Path], fmt: str) -> None:
    rules, profile = sixth
    a = assess(profile, load_ruleset([rules]))
    text = renderer(fmt).render([a], RenderOptions(width=120))
    assert SHOWN[fmt] in text
    if fmt == "json":
        assert [d["id"] for d in json.loads(text)["diagnostics"]][-1] == "innovation"
    if fmt == "csv":
        head, row = text.splitlines()
        assert head.endswith(",cluster,technology,exports,talent,policy,innovation")
        assert row.endswith(",14.0")


def test_a_sixth_diagnostic_in_chinese(sixth: tuple[Path, Path]) -> None:
    rules, profile = sixth
    a = assess(profile, load_ruleset([rules]))
    assert "创新产出" in renderer("table").render([a], RenderOptions(lang="zh", width=120))


def test_a_metric_of_an_undeclared_diagnostic_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(INNOVATION_RULES.replace("innovation.", "inovation."), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_ruleset([rules])
    assert str(caught.value) == (
        f'{rules}:2: metrics."inovation.triadic_patents_per_million": '
        'unknown diagnostic "inovation"'
    )
    with_typo = tmp_path / "typo"
    with_typo.mkdir()
    (with_typo / "a.toml").write_text(SIXTH + INNOVATION_RULES.replace("innovation.", "inovation."))
    with pytest.raises(
        RuleError, match=r'unknown diagnostic "inovation" \(did you mean "innovation"'
    ):
        load_ruleset([with_typo])


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("Innovation", "a diagnostic id is lower-case letters, digits and _"),
        ("waivers", "waivers cannot name a diagnostic"),
        ("coverage", "coverage cannot name a diagnostic"),
        ("innovation", "unknown diagnostic: no metric or rule belongs to it"),
    ],
)
def test_a_declared_diagnostic_must_be_usable(tmp_path: Path, did: str, message: str) -> None:
    rule = INNOVATION_RULES.split("[[rules]]")[1]
    rule = rule.replace("innovation.triadic_patents_per_million", "technology.rd_intensity_pct")
    rules = tmp_path / "rules.toml"
    rules.write_text(SIXTH.replace("innovation", did) + "[[rules]]" + rule, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_ruleset([rules])
