"""A pytest plugin: in CI, a test that needs root or a browser must run, not skip.

Mark such a test ``@pytest.mark.needs_root`` or ``@pytest.mark.needs_browser``. On a
developer's machine it may skip when the need is not met; when the ``CI`` environment variable
is set (``CI=true``, as ``.ci/run`` is run), such a skip is reported as a failure instead, so a
CI machine that lost root or its browser cannot pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

REQUIRED_IN_CI = ("needs_root", "needs_browser")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_root: needs root; must run (not skip) in CI")
    config.addinivalue_line("markers", "needs_browser: needs a browser; must run (not skip) in CI")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    needs = [m for m in REQUIRED_IN_CI if item.get_closest_marker(m) is not None]
    if report.skipped and needs and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where tests marked {', '.join(needs)} must run: {reason}"
