"""Shared fixtures: the repository's folders and a runner for the real CLI in-process.

Also: tests marked ``needs_root`` or ``needs_browser`` fail instead of skipping when ``CI`` is
set (tests/ci_required.py).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hemscore.__main__ import main

from .browser import Prefetch, chromium
from .ci_required import pytest_configure, pytest_runtest_makereport  # noqa: F401 (hooks)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"


@pytest.fixture(autouse=True, scope="session")
def _home_of_our_own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the real home folder or cache: HOME is a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        # The hemscore processes the tests start load compiled bytecode, as an installed
        # package would, compiled once into a folder of this run's own (a container that sets
        # PYTHONDONTWRITEBYTECODE would otherwise recompile every module in every process).
        mp.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        mp.setenv("PYTHONPYCACHEPREFIX", str(tmp_path_factory.mktemp("pycache")))
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            mp.delenv(name, raising=False)
        # Reports are drawn at the width hemscore takes when COLUMNS is unset and stdout is not
        # a terminal (100), whatever the runner sets (pytest-xdist's workers set 80); a test
        # about width sets COLUMNS itself.
        mp.delenv("COLUMNS", raising=False)
        mp.delenv("LINES", raising=False)
        yield


# --- the garbage collector: what outlives a module is not scanned again -------------------------


def _freeze_the_heap(full: bool = True) -> None:
    """Move every object alive now out of the collector's sight (``gc.freeze``).

    The suite's heap grows to some 400,000 objects (modules, collected tests, rule sets held by
    modules); each full collection walked all of them, 3 to 4 s of a run in all. Frozen, they
    are not walked again; objects made later are collected as usual. Fresh garbage is collected
    first, so little of it is kept for good.
    """
    gc.collect(2 if full else 1)
    gc.freeze()


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a module's last test: freeze what it left alive (module globals, caches)."""
    if nextitem is None or getattr(nextitem, "module", None) is not getattr(item, "module", None):
        _freeze_the_heap(full=False)


# --- browser tests: their pages are visited in a process of their own, meanwhile ------------
# With pytest-xdist's two workers (the default, see pyproject.toml) each worker starts one and
# visits every page, and the browser tests are shared out between the two.

_PREFETCH = pytest.StashKey[Prefetch | None]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser tests run last: their pages are being visited while the others run."""
    browser = [i for i in items if i.get_closest_marker("browser") is not None]
    items[:] = [i for i in items if i.get_closest_marker("browser") is None] + browser


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the process that writes and visits the pages of the browser tests selected (each
    such module lists its pages in ``browser_specs(folder)``)."""
    _freeze_the_heap()
    session.config.stash[_PREFETCH] = None
    modules = sorted(
        {i.module.__name__ for i in session.items if isinstance(i, pytest.Function)}
        & {i.module.__name__ for i in session.items if i.get_closest_marker("browser")}
    )
    makers = [getattr(sys.modules[m], "browser_specs", None) for m in modules]
    makers = [m for m in makers if m is not None]
    if not makers or chromium() is None or shutil.which("pdftotext") is None:
        return
    folder = Path(tempfile.mkdtemp(prefix="hemscore-browser-"))
    pages = folder / "pages"
    pages.mkdir()
    specs = [spec for make in makers for spec in make(pages)]
    session.config.stash[_PREFETCH] = Prefetch(specs, folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    prefetch = config.stash.get(_PREFETCH, None)
    if prefetch is not None:
        prefetch.stop()


@pytest.fixture(scope="session")
def prefetched(pytestconfig: pytest.Config) -> Prefetch:
    """The browser pages' process (tests/browser.py); skips when it could not start."""
    prefetch = pytestconfig.stash.get(_PREFETCH, None)
    if prefetch is None:
        message = (
            "chromium or pdftotext is not installed: the browser pages were not visited "
            "(.ci/run installs them: apt-get install chromium poppler-utils)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return prefetch


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``hemscore ARGS`` in-process and capture exit code, stdout and stderr."""

    def run(*args: str) -> Run:
        argv = [str(a) for a in args]
        code = main(argv)
        captured = capsys.readouterr()
        check_report(argv, captured.out)
        return Run(code, captured.out, captured.err)

    return run


_REPORT_VALIDATOR: list[Any] = []
#: Reports already validated, by their exact text: the same text is the same documents, and a
#: run repeated by several tests (``assess china-2022.toml --format json``) is checked once.
_VALID_REPORTS: set[tuple[str, str]] = set()


def check_report(argv: list[str], out: str) -> None:
    """Validate an assess JSON or JSONL report against ``hemscore schema --report``."""
    if not argv or argv[0] != "assess" or not out:
        return
    fmt = next(
        (argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("--format", "-f")),
        next((a.split("=", 1)[1] for a in argv if a.startswith("--format=")), "table"),
    )
    if fmt not in ("json", "jsonl") or {"--output", "-o"} & set(argv):
        return
    if (fmt, out) in _VALID_REPORTS:
        return
    if not _REPORT_VALIDATOR:
        import jsonschema

        from hemscore.render.report_schema import report_schema

        _REPORT_VALIDATOR.append(jsonschema.Draft202012Validator(report_schema()))
    validator = _REPORT_VALIDATOR[0]
    docs = [json.loads(x) for x in out.splitlines()] if fmt == "jsonl" else [json.loads(out)]
    for doc in docs:
        validator.validate(doc)
    _VALID_REPORTS.add((fmt, out))


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p
