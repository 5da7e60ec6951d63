"""The Python API: every example of docs/api.md runs, and the API agrees with the CLI."""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import hemscore
from hemscore.base.errors import HemscoreError, ProfileError
from tests.conftest import EXAMPLES, ROOT, Run

DOC = ROOT / "docs" / "api.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


@pytest.fixture()
def at_root() -> Iterator[None]:
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(here)


def test_the_page_has_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_doc_example_runs(index: int, at_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(BLOCKS[index], f"docs/api.md example {index + 1}", "exec"), {})  # noqa: S102 - the docs' own examples
    assert capsys.readouterr().out  # every example prints what it shows


def test_to_json_is_the_cli_line(run_cli: Callable[..., Run], at_root: None) -> None:
    for path in sorted(EXAMPLES.glob("*.toml")):
        rel = str(path.relative_to(ROOT))
        cli = run_cli("assess", rel, "--format", "jsonl")
        a = hemscore.assess(rel)
        assert cli.out == a.to_json() + "\n"
        compact = run_cli("assess", rel, "--format", "jsonl", "--compact")
        assert compact.out == a.to_json(compact=True) + "\n"


def test_sources_of_every_kind_give_one_profile() -> None:
    path = EXAMPLES / "zte-2018.toml"
    text = path.read_text(encoding="utf-8")
    a = hemscore.load_profile(path)
    b = hemscore.load_profile(text, name=str(path))
    c = hemscore.load_profile(path.read_bytes(), name=str(path))
    assert a == b == c
    assert hemscore.load_profile(str(path), hemscore.load_ruleset().metrics) == a


def test_library_refuses_what_the_cli_refuses() -> None:
    bad_waiver = (
        '[profile]\nname = "X"\nkind = "country"\nyear = 2022\n\n'
        '[waivers]\n"TE-3" = "no such rule"\n'
    )
    with pytest.raises(ProfileError, match="waiver names no rule"):
        hemscore.load_profile(bad_waiver)
    with pytest.raises(HemscoreError, match="kind must be one of"):
        hemscore.assess({"profile": {"name": "X", "kind": "town", "year": 2022}})
    with pytest.raises(HemscoreError, match="cannot read a profile from a int"):
        hemscore.load_profile(3)  # type: ignore[arg-type]


def test_assess_many_in_workers_equals_one_process() -> None:
    paths = list(hemscore.iter_profiles([str(EXAMPLES)]))
    one = hemscore.assess_many(paths)
    two = hemscore.assess_many(paths, jobs=2)
    assert [a.to_json() for a in one] == [a.to_json() for a in two]
    assert [a.profile.path for a in two] == paths


def test_results_pickle() -> None:
    a = hemscore.assess(EXAMPLES / "china-2022.toml")
    again = pickle.loads(pickle.dumps(a))
    assert again.to_json() == a.to_json()
    assert again.score == a.score


def test_records_are_one_per_rule() -> None:
    a = hemscore.assess(EXAMPLES / "china-2022.toml")
    records = a.to_records()
    assert len(records) == len(a.results)
    te01 = next(r for r in records if r["rule"] == "TE-01")
    assert te01["value"] == 2.56 and te01["diagnostic"] == "technology"


def test_a_renamed_name_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hemscore._RENAMED, "score_profile", ("assess", "2.0"))
    with pytest.warns(DeprecationWarning, match="renamed hemscore.assess"):
        fn = hemscore.score_profile
    assert fn is hemscore.assess
    with pytest.raises(AttributeError):
        _ = hemscore.no_such_name


def test_unknown_paths() -> None:
    with pytest.raises(HemscoreError, match="no such file"):
        hemscore.load_profile(Path("nowhere.toml"))
