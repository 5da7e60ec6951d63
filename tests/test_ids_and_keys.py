"""Rule ids are plain ASCII, and a pattern that checks a whole key checks all of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, Run

RULE = """[[rules]]
id = "{rid}"
metric = "cluster.location_quotient"
severity = "high"
method = "linear"
worst = 0.8
target = 1.2
best = 2.0
paper = ["1.1"]
basis = "design"
source = "a source"
en.title = "A title"
en.what = "What."
en.why = "Why."
en.recommendation = "Do this."
"""


@pytest.mark.parametrize(
    ("rid", "shown"),
    [
        ("\u0421L-01", "U+0421 CYRILLIC CAPITAL LETTER ES"),
        ("CL-01\u200b", "U+200B ZERO WIDTH SPACE"),
        ("CL 01", "U+0020 SPACE"),
        ("CL-01\\nhemscore: error: forged", "U+000A"),
        ("CL.01", "U+002E FULL STOP"),
    ],
)
def test_a_rule_id_outside_ascii_letters_digits_dash_underscore_is_refused(
    run_cli: Callable[..., Run], tmp_path: Path, rid: str, shown: str
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "extra.toml").write_text(RULE.format(rid=rid), encoding="utf-8")
    profile = EXAMPLES / "china-2022.toml"
    for command in ("assess", "validate"):
        r = run_cli(command, profile, "--rules", ROOT / "rules", "--rules", rules)
        assert r.code == 2, r.out
        lines = r.err.splitlines()
        assert len(lines) == 1, r.err
        assert lines[0].startswith(f"hemscore: error: {rules / 'extra.toml'}:2: ")
        assert "ASCII letters, digits, - and _" in lines[0] and shown in lines[0], lines[0]


def test_plain_ids_still_load(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "extra.toml").write_text(RULE.format(rid="X_01-b"), encoding="utf-8")
    r = run_cli("rules", "--rules", ROOT / "rules", "--rules", rules, "--format", "json")
    assert r.code == 0, r.err
    assert "X_01-b" in [x["id"] for x in json.loads(r.out)]


def test_a_series_key_with_a_trailing_newline_is_not_a_year(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    p = tmp_path / "p.toml"
    p.write_text(
        '[profile]\nname = "S"\nkind = "country"\nyear = 2020\n\n'
        "[exports.new_product_sales_series]\n"
        'value = { 2018 = 10.0, 2019 = 12.0, "2019\\n" = 99.0, 2020 = 13.0 }\n'
        'source = "s"\n',
        encoding="utf-8",
    )
    r = run_cli("validate", p)
    assert r.code == 2
    assert "series keys must be years" in r.err and '"2019\\n"' in r.err, r.err
    assert len(r.err.splitlines()) == 1
