"""`hemscore init --name`: any name comes back from the template exactly, as valid TOML."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from hemscore.model.rules import load_ruleset
from hemscore.render.template import profile_template

RULESET = load_ruleset()


@given(st.text(min_size=1, max_size=40))  # an empty name takes the default
def test_any_name_round_trips(name: str) -> None:
    text = profile_template(RULESET, "region", 2023, name=name)
    assert tomllib.loads(text)["profile"]["name"] == name


def test_a_line_break_and_a_nul_are_escaped() -> None:
    text = profile_template(RULESET, "firm", 2023, name='a\nb\x00"c\\')
    line = next(x for x in text.splitlines() if x.startswith("name = "))
    assert line == 'name = "a\\u000Ab\\u0000\\"c\\\\"'
