"""The CI rule for tests that need root or a browser: a skip becomes a failure when CI is set."""

from __future__ import annotations

import pytest

from .ci_required import in_ci

pytest_plugins = ["pytester"]

SUITE = """
import pytest

@pytest.mark.needs_root
def test_root():
    pytest.skip("not root")

@pytest.mark.needs_browser
def test_browser():
    pytest.skip("no browser")

def test_other():
    pytest.skip("fine to skip")

@pytest.mark.needs_root
def test_runs():
    pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest("from tests.ci_required import *  # noqa: F403\n")
    pytester.makepyfile(SUITE)
    return pytester


def test_in_ci_a_required_skip_fails(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1, failed=2, skipped=1)
    result.stdout.fnmatch_lines(["*where tests marked needs_root must run*not root*"])


def test_outside_ci_a_required_skip_skips(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    suite.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest"
    ).assert_outcomes(passed=1, skipped=3)


@pytest.mark.parametrize(
    ("value", "ci"),
    [("true", True), ("1", True), ("yes", True), ("", False), ("false", False), ("0", False)],
)
def test_which_values_of_ci_count(monkeypatch: pytest.MonkeyPatch, value: str, ci: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is ci
