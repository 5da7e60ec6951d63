"""The analysis commands' HTML pages the tests render: one command line per command.

Used by tests/test_analysis_html.py (structure, escaping, language) and
tests/test_analysis_html_browser.py (Chromium), and by scripts/screenshots.py for docs/img/.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from hemscore.__main__ import main

from .browser import Spec
from .conftest import EXAMPLES, ROOT

CHINA, JAPAN, US = (str(EXAMPLES / f"{n}.toml") for n in ("china-2022", "japan-2022", "us-2014"))
REGION = ROOT / "tests" / "fixtures" / "analysis"
HOSTILE = ROOT / "tests" / "hostile"
HOSTILE_RULES = ["--rules", str(ROOT / "rules"), "--rules", str(HOSTILE / "rules")]

#: command -> its arguments (the page of each is what the docs show)
COMMANDS: dict[str, list[str]] = {
    "compare": ["compare", CHINA, JAPAN, US, "--detail", "--relative-to", JAPAN],
    "plan": ["plan", CHINA, "--target", "70"],
    "diff": ["diff", str(REGION / "region-2021.toml"), str(REGION / "region-2022.toml")],
    "audit": ["audit"],  # the reference panel
    "sensitivity": ["sensitivity", CHINA, JAPAN, US, "--runs", "200", "--seed", "1"],
}


def hostile_commands(saved: Path) -> dict[str, list[str]]:
    """Each command on the hostile profile and rule file (tests/hostile/); ``saved`` is where
    the hostile assessment's JSON is written for diff to read."""
    profile = str(HOSTILE / "profile.toml")
    return {
        "compare": ["compare", profile, CHINA, *HOSTILE_RULES, "--detail", "--common"],
        "plan": ["plan", profile, "--target", "60", *HOSTILE_RULES],
        "diff": ["diff", str(saved), profile, *HOSTILE_RULES],
        "audit": ["audit", profile, CHINA, JAPAN, US, *HOSTILE_RULES],
        "sensitivity": ["sensitivity", profile, CHINA, "--runs", "20", *HOSTILE_RULES],
    }


def render(args: list[str], lang: str, out: Path) -> Path:
    """``hemscore ARGS --format html --lang LANG`` written to ``out`` (plan prints to stdout)."""
    argv = [*args, "--format", "html", "--lang", lang]
    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        code = main(argv if args[0] == "plan" else [*argv, "-o", str(out), "--force"])
    assert code in (0, 1), (argv, err.getvalue())
    if args[0] == "plan":
        out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def save_hostile_json(folder: Path) -> Path:
    saved = folder / "hostile.json"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["assess", str(HOSTILE / "profile.toml"), *HOSTILE_RULES, "--format", "json"])
    saved.write_text(buf.getvalue(), encoding="utf-8")
    return saved


LANGS = ("en", "zh")


@pytest.fixture(scope="session")
def analysis_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every page, rendered once for the session: ``NAME.LANG`` for each command and language,
    ``hostile-NAME`` for each command on hostile text (English)."""
    tmp = tmp_path_factory.mktemp("analysis-pages")
    files = {
        f"{name}.{lang}": render(args, lang, tmp / f"{name}.{lang}.html")
        for name, args in COMMANDS.items()
        for lang in LANGS
    }
    saved = save_hostile_json(tmp)
    for name, args in hostile_commands(saved).items():
        files[f"hostile-{name}"] = render(args, "en", tmp / f"hostile-{name}.html")
    return files


def browser_specs(folder: Path) -> list[Spec]:
    """Every page as the prefetching process writes and visits it (tests/browser.py): the
    hostile ones only for their DOM."""
    folder = folder / "analysis"
    folder.mkdir()
    specs = []
    for name, args in COMMANDS.items():
        for lang in LANGS:
            argv = [*args, "--format", "html", "--lang", lang]
            specs.append(
                Spec(f"{name}.{lang}", str(folder / f"{name}.{lang}.html"), argv, name == "plan")
            )
    saved = folder / "hostile.json"
    argv = ["assess", str(HOSTILE / "profile.toml"), *HOSTILE_RULES, "--format", "json"]
    specs.append(Spec("hostile-json", str(saved), argv, stdout=True, visit=False))
    for name, args in hostile_commands(saved).items():
        argv = [*args, "--format", "html", "--lang", "en"]
        html = str(folder / f"hostile-{name}.html")
        specs.append(Spec(f"hostile-{name}", html, argv, name == "plan", pdf=False, png=False))
    return specs
