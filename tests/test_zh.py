"""``--lang zh`` is Chinese throughout: every report and template surface has no leftover English
interface word, and Chinese sentences use full-width punctuation (，：) rather than ASCII ', '
and ': '.

The profiles are the region fixtures with Chinese names, sources and a waiver, so that every word
of the output is either the interface's or an identifier (rule and metric ids, commands, TOML
keys, units such as HHI), never English data.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
from pathlib import Path

import pytest

from hemscore.__main__ import main

from .analysis_helpers import fixture

#: English interface words that must not appear in Chinese output (whole words, case-sensitive).
ENGLISH = [
    "Overall", "overall", "Grade", "Coverage", "coverage", "Diagnostic", "DIAGNOSTIC", "Rule",
    "Rules", "Metric", "METRIC", "Value", "Target", "Score", "Status", "Strengths", "Weaknesses",
    "Recommendations", "Waivers", "Source", "Effort", "Gain", "From", "Leader", "Median", "Rank",
    "Nominal", "Profile", "Old", "New", "SEVERITY", "METHOD", "TITLE", "pass", "fail", "missing",
    "waived", "data", "critical", "high", "medium", "low", "linear", "bands", "boolean",
    "concentration", "trend", "yes", "no", "ranked", "insufficient", "Paper", "paper", "unit",
    "scored", "rule", "rules", "estimate", "if", "met", "the", "of", "and", "to", "by", "Aggregation",
    "arithmetic", "geometric", "Regression", "changed", "unchanged", "leader", "strong", "moderate",
    "emerging", "reference", "Weight", "severity",
]  # fmt: skip
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
#: an ASCII colon or comma in Chinese text: after a Chinese character, or before one (the GitHub
#: annotation separator "::" excepted)
ASCII_PUNCT = re.compile(rf"[{CJK}][:,]|(?<!:)[:,] ?[{CJK}]")
IDENTIFIER = re.compile(r"[._/=]|^-|^[A-Z]{2}-\d")


def _zh_profiles(tmp_path: Path) -> tuple[Path, Path]:
    out = []
    for year in (2021, 2022):
        text = fixture(f"region-{year}.toml").read_text(encoding="utf-8")
        text = text.replace('name = "Test Province"', 'name = "测试省"')
        text = re.sub(r'source = "estimate: [^"]*"', 'source = "estimate: 按同类地区估算"', text)
        text = re.sub(r'source = "(?!estimate)[^"]*"', 'source = "省统计年鉴"', text)
        text = re.sub(r"(?m)^\[waivers\][^\[]*", "", text)
        text += '\n[waivers]\nPO-05 = "本省尚无国家级科技园区"\n'
        p = tmp_path / f"region-{year}.toml"
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out[0], out[1]


def _visible(text: str) -> str:
    """The text a reader sees: for HTML and SVG, without styles, scripts and tags; GitHub
    annotations decoded."""
    if text.startswith("::"):
        for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(code, char)
        text = text.replace("::", "\n")  # the annotation syntax, not punctuation
    text = re.sub(r"(?s)<(style|script)[^>]*>.*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    # data, not interface: the documented estimate mark and the rule's citation of its source
    text = text.replace("estimate: ", "")
    return re.sub(r"(?m)^出处：.*$", "", text)


def _english(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", " ".join(
        w for w in _visible(text).split() if not IDENTIFIER.search(w) and w != '"estimate:"'
    ))  # fmt: skip
    return sorted({w for w in words if w in ENGLISH})


def _run(args: list[str | Path]) -> tuple[int, str, str]:
    """``hemscore ARGS`` in-process, as the ``run_cli`` fixture runs it: (exit code, stdout,
    stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every Chinese report and template surface, at 200 columns: drawn once for the checks
    below, which read the same texts."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "200")
        return _outputs(tmp_path_factory.mktemp("zh"))


def _outputs(tmp_path: Path) -> dict[str, str]:
    old, new = _zh_profiles(tmp_path)
    commands = {
        f"assess {fmt}": ["assess", new, "--format", fmt]
        for fmt in ("table", "markdown", "github", "junit", "html", "svg")
    }
    commands |= {
        "assess detail": ["assess", new, "--detail"],
        "rules": ["rules"],
        "rules show": ["rules", "show", "CL-02"],
        "init region": ["init", "--kind", "region"],
        "init firm": ["init", "--kind", "firm"],
        "compare": ["compare", old, new, "--relative-to", old],
        "compare detail": ["compare", old, new, "--detail"],
        "compare markdown": ["compare", old, new, "--format", "markdown"],
        "plan": ["plan", old, "--target", "70"],
        "plan markdown": ["plan", old, "--target", "70", "--format", "markdown"],
        "sensitivity": ["sensitivity", old, new, "--runs", "50", "--seed", "1"],
        "diff": ["diff", old, new],
        "diff markdown": ["diff", old, new, "--format", "markdown"],
    }
    out = {}
    for name, args in commands.items():
        code, stdout, stderr = _run([*args, "--lang", "zh"])
        assert code in (0, 1), (name, stderr)
        out[name] = stdout
    return out


def test_zh_outputs_have_no_english_interface_words(outputs: dict[str, str]) -> None:
    found = {name: w for name, text in outputs.items() if (w := _english(text))}
    assert found == {}


def test_zh_sentences_use_full_width_punctuation(outputs: dict[str, str]) -> None:
    found = {}
    for name, text in outputs.items():
        hits = [
            m.group(0) for line in _visible(text).splitlines() for m in ASCII_PUNCT.finditer(line)
        ]
        lines = [line for line in _visible(text).splitlines() if ASCII_PUNCT.search(line)]
        if hits:
            found[name] = lines[:3]
    assert found == {}


def test_the_checks_can_fail() -> None:
    assert _english("总分 Overall 60") == ["Overall"]
    assert _english("technology.rd_intensity_pct CL-01 HHI") == []
    assert ASCII_PUNCT.search("数值 2.56%, 目标")
    assert ASCII_PUNCT.search("评分规则: CL-01")
    assert not ASCII_PUNCT.search(_visible("::notice title=测试::总分"))


def test_zh_schema_descriptions_use_full_width_punctuation(run_cli) -> None:  # type: ignore[no-untyped-def]
    import json

    r = run_cli("schema", "--lang", "zh")
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                text = value.replace("estimate: ", "") if isinstance(value, str) else ""
                if key in ("description", "title") and ASCII_PUNCT.search(text):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(r.out))
    assert found == []
