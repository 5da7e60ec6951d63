"""Reading TOML: key lines for messages and the depth guard."""

from __future__ import annotations

import pytest

from hemscore.base.errors import ProfileError
from hemscore.reading.tomlsource import MAX_KEY_DEPTH, LineIndex, read_toml

TEXT = """\
[profile]
name = "x"

[technology]
rd_intensity_pct = { value = 2.1, year = 2022 }
"quoted.key" = 1
a.b.c = 2

[[rules]]
id = "A"

[[rules]]
id = "B"
method = "linear"
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (["profile"], 1),
        (["profile", "name"], 2),
        (["technology", "rd_intensity_pct"], 5),
        (["technology", "rd_intensity_pct", "year"], 5),  # inside an inline table
        (["technology", "quoted.key"], 6),
        (["technology", "a", "b", "c"], 7),
        (["technology", "a"], 7),  # a prefix of a dotted key
        (["technology", "missing"], 4),  # falls back to the table
        (["rules", "1", "method"], 14),  # in the second [[rules]]
        (["rules", "0", "method"], 9),  # not set there: the table's header
        (["nowhere"], None),
    ],
)
def test_line_index(path: list[str], line: int | None) -> None:
    assert LineIndex(TEXT).find(path) == line


def test_depth_guard_names_the_line() -> None:
    deep = "[profile]\nname = 1\n[" + ".".join(["a"] * (MAX_KEY_DEPTH + 1)) + "]\n"
    with pytest.raises(ProfileError) as exc:
        read_toml("deep.toml", text=deep, error=ProfileError)
    assert str(exc.value) == (
        f"deep.toml:3: invalid TOML: a key nested more than {MAX_KEY_DEPTH} levels deep"
    )


def test_depth_just_under_the_limit_parses() -> None:
    doc = read_toml("ok.toml", text=".".join(["a"] * MAX_KEY_DEPTH) + " = 1\n", error=ProfileError)
    assert doc.data["a"]["a"]
