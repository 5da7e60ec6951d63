"""The pre-commit hook's default file pattern: hemscore's files, not every TOML file."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT


def _hook_pattern(key: str) -> re.Pattern[str] | None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    m = re.search(rf"^  {key}: '([^']*)'$", text, re.MULTILINE)
    return re.compile(m.group(1)) if m else None


def _selected(path: str) -> bool:
    files, exclude = _hook_pattern("files"), _hook_pattern("exclude")
    assert files is not None
    # pre-commit matches with re.search on the path relative to the repository
    return bool(files.search(path)) and not (exclude and exclude.search(path))


@pytest.mark.parametrize(
    "path",
    [
        "rustfmt.toml",
        ".cargo/config.toml",
        "hatch.toml",
        "config/app.toml",
        "docs/book.toml",
        ".github/dependabot.toml",
    ],
)
def test_other_tools_toml_files_are_left_alone(path: str) -> None:
    assert not _selected(path)


@pytest.mark.parametrize(
    "path",
    [
        "profiles/china-2022.toml",
        "data/profiles/region/anhui.toml",
        "hemscore/rules/extra.toml",
        "china-2022.profile.toml",
    ],
)
def test_profiles_and_rule_files_are_checked(path: str) -> None:
    assert _selected(path)
