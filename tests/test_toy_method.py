"""A scoring method added from outside the package, in this module alone.

``ToyRatio`` scores a number as a share of a goal (``goal = 4``: 3 scores 75, 4 and above
score 100) and passes at the goal. It is registered for the tests of this module only, named by
a rule file written here, and then used by every command that shows a rule: assess in all nine
formats, ``rules`` and ``rules show`` (en and zh, text and JSON) and ``plan``. Nothing else in
the code base knows of it. A method class that leaves a part out is refused, when registered
and when a rule file names it. A scale (a normaliser) plugs in the same way: ``ToyCut`` is
registered here and picked by the built-in ``concentration`` method with ``scale = "toy-cut"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from hemscore.__main__ import main
from hemscore.base.errors import RuleError
from hemscore.engine.assessment import assess
from hemscore.engine.loader import load_profile
from hemscore.model import methods
from hemscore.model.catalogue import Metric
from hemscore.model.methods.base import Measure, RuleContext, Scale, Scored, ScoringMethod
from hemscore.model.rules import load_ruleset

NAME = "toy-ratio"


class ToyRatio(ScoringMethod):
    """The value as a percentage of ``goal``, between 0 and 100."""

    __slots__ = ("goal",)

    name = NAME
    metric_types = ("number", "integer")
    keys = frozenset({"goal"})

    def __init__(self, goal: float) -> None:
        self.goal = goal

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> ToyRatio:
        goal = ctx.number(spec, "goal")
        if goal <= 0:
            raise ctx.fail("goal must be above 0", "goal")
        return cls(goal)

    def measure(self, value: Any) -> Measure:
        return float(value), None

    def score(self, x: Any) -> Scored:
        return max(0.0, min(100.0, 100.0 * x / self.goal)), x >= self.goal, max(0.0, self.goal - x)

    @property
    def scale(self) -> Scale | None:
        return None

    @property
    def target(self) -> float:
        return self.goal

    @property
    def pass_score(self) -> float:
        return 100.0

    @property
    def higher_is_better(self) -> bool:
        return True

    def to_json(self) -> dict[str, Any]:
        return {"method": NAME, "goal": self.goal}

    def rule_json(self) -> dict[str, Any]:
        return {"method": NAME, "measure": None, "goal": self.goal}

    def explain(self, metric_id: str, metric: Metric | None, lang: str) -> tuple[str, str, str]:
        if lang == "zh":
            return (
                f"度量：{metric_id} 的数值。",
                f"玩具比例：数值除以 {self.goal:g}。",
                "达到目标即达标。",
            )
        return (
            f"Measure: the value of {metric_id}.",
            f"Toy ratio: the value as a share of {self.goal:g}.",
            "The rule passes at the goal.",
        )

    def candidates(self, grain: float) -> tuple[float | bool, ...]:
        return (self.goal,)

    def width(self) -> float:
        return self.goal


class NoExplanation(ToyRatio):
    """A method that leaves a part out (here: its explanation)."""

    __slots__ = ()
    name = "toy-silent"
    explain = None  # type: ignore[assignment]


class Unfinished(ScoringMethod):
    """A method written half-way: no class attributes, most abstract parts missing."""

    __slots__ = ()

    def measure(self, value: Any) -> Measure:
        return float(value), None


#: What a built-in registry line pointing at this module would load (see the last test).
METHOD = Unfinished

RULES = f"""
[ruleset]
name = "toy"
version = "1"

[[rules]]
id = "TOY-1"
metric = "technology.rd_intensity_pct"
method = "{NAME}"
goal = 4
paper = ["1.2"]
basis = "design"
source = "a test of the method registry"
en = {{ title = "R&D as a share of a goal", what = "w", why = "y", recommendation = "Raise R&D." }}
"""

PROFILE = """
[profile]
name = "Toyland"
kind = "country"
year = 2022

[technology]
rd_intensity_pct = { value = 3.0, source = "a test", year = 2022 }
"""


@pytest.fixture
def toy() -> Iterator[None]:
    methods.register(ToyRatio)
    try:
        yield
    finally:
        methods.unregister(NAME)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "toy-rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    profile = tmp_path / "toyland.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    return rules, profile


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert not captured.err, captured.err
    return code, captured.out


def test_the_toy_scores(toy: None, files: tuple[Path, Path]) -> None:
    rules, profile = files
    rs = load_ruleset([rules])
    a = assess(load_profile(str(profile), rs.metrics), rs)
    (r,) = a.results
    # 100 × 3 / 4 = 75; the goal 4 not reached: fails, 1 short
    assert (r.status, r.value, r.score, r.passed, r.gap) == ("fail", 3.0, 75.0, False, 1.0)
    # the only scored diagnostic is the overall score; 75 is grade B (65 ≤ 75 < 80)
    assert (a.score, a.grade, a.coverage) == (75.0, "B", 1.0)
    # meeting the rule (score 100) gains 25 points
    assert [(x.rule.id, x.gain) for x in a.recommendations] == [("TOY-1", 25.0)]


def test_the_toy_renders_in_every_format(
    toy: None, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rules, profile = files
    outs = {}
    for fmt in ("table", "json", "markdown", "jsonl", "csv", "junit", "github", "html", "svg"):
        code, out = cli(capsys, "assess", profile, "--rules", rules, "--format", fmt)
        assert code == 0, fmt
        outs[fmt] = out
    (rule,) = [r for d in json.loads(outs["json"])["diagnostics"] for r in d["rules"]]
    assert rule["scoring"] == {"method": NAME, "goal": 4.0}
    assert (rule["value"], rule["target"], rule["score"], rule["gap"]) == (3.0, 4.0, 75.0, 1.0)
    assert json.loads(outs["jsonl"]) == json.loads(outs["json"])
    # the report validates against the report schema, which lists the registered methods
    import jsonschema

    from hemscore.render.report_schema import report_schema

    jsonschema.Draft202012Validator(report_schema()).validate(json.loads(outs["json"]))
    # the human formats show the value and the target (a metric in %: "3%", "≥ 4%")
    assert "TOY-1" in outs["table"] and "≥ 4%" in outs["table"]
    assert (
        "| TOY-1 |" in outs["markdown"] and "3%" in outs["markdown"] and "≥ 4%" in outs["markdown"]
    )
    assert outs["csv"].splitlines()[1].endswith(",country,2022,75.0,B,1.0,,75.0,,,")
    assert '<testcase name="TOY-1' in outs["junit"] and "<failure" in outs["junit"]
    assert "title=TOY-1 R&D as a share of a goal::" in outs["github"]
    assert "Value 3%25, Target ≥ 4%25, Score 75/100" in outs["github"]
    assert "TOY-1" in outs["html"] and "≥ 4%" in outs["html"]
    assert outs["svg"].startswith("<svg") and ">TOY-1</text>" in outs["svg"]


def test_the_toy_explains_itself(
    toy: None, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rules, _ = files
    code, out = cli(capsys, "rules", "show", "TOY-1", "--rules", rules)
    assert code == 0
    assert "- Toy ratio: the value as a share of 4." in out
    code, out = cli(capsys, "rules", "show", "TOY-1", "--rules", rules, "--lang", "zh")
    assert code == 0 and "玩具比例：数值除以 4。" in out
    code, out = cli(capsys, "rules", "show", "TOY-1", "--rules", rules, "--format", "json")
    scoring = json.loads(out)["scoring"]
    assert {k: scoring[k] for k in ("method", "measure", "goal")} == {
        "method": NAME,
        "measure": None,
        "goal": 4.0,
    }
    assert scoring["text"][1] == "Toy ratio: the value as a share of 4."
    code, out = cli(capsys, "rules", "--rules", rules)
    assert code == 0 and NAME in out


def test_the_toy_plans(
    toy: None, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rules, profile = files
    code, out = cli(
        capsys, "plan", profile, "--rules", rules, "--target", "100", "--format", "json"
    )
    assert code == 0
    plan = json.loads(out)
    # the one candidate is the goal: 3 → 4, effort |4 − 3| / width 4 = 0.25, for 25 points
    (change,) = plan["changes"]
    assert (change["metric"], change["from"], change["to"]) == (
        "technology.rd_intensity_pct",
        3.0,
        4.0,
    )
    assert change["effort"] == 0.25 and change["gain"] == 25.0
    assert plan["reached"] is True


def test_a_rule_file_naming_an_unregistered_method_is_refused(files: tuple[Path, Path]) -> None:
    rules, _ = files
    # its parameter is no key of any registered method
    with pytest.raises(RuleError, match="TOY-1.goal: unknown key") as err:
        load_ruleset([rules])
    assert err.value.line == 10
    rules.write_text(RULES.replace("goal = 4\n", ""), encoding="utf-8")
    with pytest.raises(RuleError, match=f'unknown scoring method "{NAME}"') as err:
        load_ruleset([rules])
    assert err.value.line == 9  # the line of `method = ...`


def test_a_method_missing_a_part_is_refused_at_registration() -> None:
    with pytest.raises(methods.MethodError, match="toy-silent is incomplete: it lacks explain"):
        methods.register(NoExplanation)
    with pytest.raises(methods.MethodError) as err:
        methods.register(Unfinished)
    message = str(err.value)
    for part in ("candidates", "parse", "score", "to_json", "explain", "name", "keys"):
        assert part in message, part
    assert NAME not in methods.method_names() and "toy-silent" not in methods.method_names()


def test_a_listed_method_missing_a_part_fails_when_the_rules_load(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A registry line (as a built-in method has) pointing at this module's METHOD, Unfinished.
    monkeypatch.setitem(methods.METHODS, NAME, __name__)
    rules, _ = files
    with pytest.raises(methods.MethodError, match=f"scoring method {NAME}: .* is incomplete"):
        load_ruleset([rules])


# -- a scale (normaliser) added the same way, and picked by a built-in method ----------------


@dataclass(frozen=True)
class ToyCut(Scale):
    """100 at or below ``cut``, 0 above it (a one-step normaliser)."""

    cut: float
    kind: str = "toy-cut"
    keys: ClassVar[frozenset[str]] = frozenset({"cut"})

    @classmethod
    def parse(cls, spec: Mapping[str, Any], ctx: RuleContext) -> ToyCut:
        return cls(ctx.number(spec, "cut"))

    @property
    def target(self) -> float:  # type: ignore[override]
        return self.cut

    def evaluate(self, x: float) -> tuple[float, bool, float]:
        ok = x <= self.cut
        return (100.0 if ok else 0.0), ok, max(0.0, x - self.cut)

    def score(self, x: float) -> float:
        return self.evaluate(x)[0]

    @property
    def pass_score(self) -> float:
        return 100.0

    @property
    def higher_is_better(self) -> bool:
        return False

    def to_json(self) -> dict[str, Any]:
        return {"scale": self.kind, "cut": self.cut}

    def rule_json(self) -> dict[str, Any]:
        return self.to_json()

    def explain(self, lang: str) -> tuple[str, str]:
        return f"Cut: {self.cut:g} or less scores 100, more scores 0.", "It passes at the cut."

    def candidates(self, grain: float) -> tuple[float, ...]:
        return (self.cut,)

    def width(self) -> float:
        return self.cut


CUT_RULES = """
[ruleset]
name = "toy cut"
version = "1"

[[rules]]
id = "CUT-1"
metric = "exports.destination_shares"
method = "concentration"
measure = "hhi"
scale = "toy-cut"
cut = 2500
paper = ["2.2"]
basis = "design"
source = "a test of the scale registry"
en = { title = "Spread of markets", what = "w", why = "y", recommendation = "Spread." }
"""

CUT_PROFILE = """
[profile]
name = "Toyland"
kind = "country"
year = 2022

[exports]
destination_shares = { value = { US = 40, EU = 30, JP = 30 }, source = "a test", year = 2022 }
"""


def test_a_registered_scale_is_picked_by_a_built_in_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules, profile = tmp_path / "cut.toml", tmp_path / "p.toml"
    rules.write_text(CUT_RULES, encoding="utf-8")
    profile.write_text(CUT_PROFILE, encoding="utf-8")
    with pytest.raises(RuleError, match=r"CUT-1\.cut: unknown key"):
        load_ruleset([rules])  # not registered yet: its key is nobody's
    methods.register_scale(ToyCut)
    try:
        code, out = cli(capsys, "assess", profile, "--rules", rules, "--format", "json")
        assert code == 0
        (rule,) = [r for d in json.loads(out)["diagnostics"] for r in d["rules"]]
        # HHI 40² + 30² + 30² = 1600 + 900 + 900 = 3400, above the cut 2500: 0, 900 too high
        assert rule["scoring"] == {
            "method": "concentration",
            "measure": "hhi",
            "scale": "toy-cut",
            "cut": 2500.0,
        }
        assert (rule["value"], rule["score"], rule["passed"], rule["gap"]) == (
            3400.0,
            0.0,
            False,
            900.0,
        )
        code, out = cli(capsys, "rules", "show", "CUT-1", "--rules", rules)
        assert "- Cut: 2500 or less scores 100, more scores 0." in out
        rules.write_text(CUT_RULES.replace('"toy-cut"', '"toy-cat"'), encoding="utf-8")
        with pytest.raises(RuleError, match="scale must be linear, bands or toy-cut"):
            load_ruleset([rules])
    finally:
        methods.unregister_scale("toy-cut")
    assert "toy-cut" not in methods.scale_kinds()
