"""Reading TOML: key lines for messages, the depth guard, and the parse cache of built-in files."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from hemscore.errors import ProfileError, RuleError
from hemscore.tomlsource import MAX_KEY_DEPTH, LineIndex, ParseCache, read_toml

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


def test_cached_read_equals_uncached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ParseCache, "_shared", ParseCache(tmp_path / "cache.marshal"))
    f = tmp_path / "rules.toml"
    f.write_text(TEXT, encoding="utf-8")
    plain = read_toml(f, error=RuleError)
    first = read_toml(f, error=RuleError, cache=True)  # a miss: parsed and stored
    assert (tmp_path / "cache.marshal").exists()
    monkeypatch.setattr(ParseCache, "_shared", ParseCache(tmp_path / "cache.marshal"))
    second = read_toml(f, error=RuleError, cache=True)  # a hit, from the file
    assert plain.data == first.data == second.data
    assert second.text == plain.text


def test_cache_misses_when_the_file_changes(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache.marshal")
    cache.put("f.toml", b"a = 1\n", {"a": 1})
    assert cache.get("f.toml", b"a = 1\n") == {"a": 1}
    assert cache.get("f.toml", b"a = 2\n") is None
    assert cache.get("other.toml", b"a = 1\n") is None


def test_cache_returns_fresh_copies(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache.marshal")
    cache.put("f.toml", b"x", {"a": [1]})
    cache.get("f.toml", b"x")["a"].append(2)  # type: ignore[index]
    assert cache.get("f.toml", b"x") == {"a": [1]}


def test_corrupt_or_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "cache.marshal").write_bytes(b"\x00garbage")
    cache = ParseCache(tmp_path / "cache.marshal")
    assert cache.get("f.toml", b"x") is None
    cache.put("f.toml", b"x", {"a": 1})  # rewrites it
    assert ParseCache(tmp_path / "cache.marshal").get("f.toml", b"x") == {"a": 1}
    blocked = ParseCache(tmp_path / "cache.marshal" / "not-a-dir" / "c.marshal")
    blocked.put("f.toml", b"x", {"a": 1})  # cannot write: no error, kept in memory
    assert blocked.get("f.toml", b"x") == {"a": 1}


def test_dates_are_not_cached(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache.marshal")
    cache.put("f.toml", b"x", {"d": datetime.date(2022, 1, 1)})
    assert cache.get("f.toml", b"x") is None
