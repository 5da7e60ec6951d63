"""`assess --jobs N`: worker processes give the same report, byte for byte, as one process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import hemscore.render.batch
from tests.conftest import EXAMPLES, Run

#: Small chunks, so a small batch still spans several chunks and both workers.
CHUNK = 4


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hemscore.render.batch, "CHUNK", CHUNK)


FORMATS = ["jsonl", "json", "csv", "markdown", "junit", "github", "table", "html"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More profiles than two chunks, with refused inputs first, in the middle and last."""
    folder = tmp_path_factory.mktemp("batch")
    (folder / "a-00-bad.toml").write_text("[profile\n", encoding="utf-8")
    (folder / "a-01-bad.toml").write_text('[profile]\nname = "x"\n', encoding="utf-8")
    examples = sorted(EXAMPLES.glob("*.toml"))
    for i in range(CHUNK * 2 + 5):
        shutil.copy(examples[i % len(examples)], folder / f"b-{i:03}.toml")
    (folder / "b-020-bad.toml").write_text("[profile]\nkind = 3\n", encoding="utf-8")
    (folder / "z-bad.toml").write_text("= 1\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_jobs_give_the_same_bytes(batch: Path, run_cli: Callable[..., Run], fmt: str) -> None:
    one = run_cli("assess", str(batch), "-f", fmt, "--jobs", "1", "--fail-under", "50")
    two = run_cli("assess", str(batch), "-f", fmt, "--jobs", "2", "--fail-under", "50")
    assert one.code == two.code == 2  # refused inputs win over the gate
    assert one.out == two.out and one.out
    assert one.err == two.err
    assert one.err.count("hemscore: error:") >= 4
    assert "gate failed" in one.err


def test_jobs_zero_means_one_per_processor(run_cli: Callable[..., Run]) -> None:
    china = str(EXAMPLES / "china-2022.toml")
    one = run_cli("assess", china, "-f", "json")
    auto = run_cli("assess", china, china, "-f", "jsonl", "--jobs", "0")
    assert one.code == auto.code == 0
    assert auto.out.count("\n") == 2


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_compact_line_holds_the_full_reports_numbers(
    run_cli: Callable[..., Run], example: str
) -> None:
    import json

    path = str(EXAMPLES / example)
    full = json.loads(run_cli("assess", path, "-f", "json").out)
    r = run_cli("assess", path, "-f", "jsonl", "--compact")
    assert r.code == 0 and r.out.count("\n") == 1
    compact = json.loads(r.out)
    assert compact["compact"] is True
    for key in ("schema_version", "ruleset", "profile", "overall"):
        assert compact[key] == full[key]
    assert compact["diagnostics"] == [
        {k: d[k] for k in ("id", "status", "score", "coverage")} for d in full["diagnostics"]
    ]
    expected = [
        [
            r["id"],
            r["status"],
            r["value"],
            r["score"],
            r["passed"],
            r["gap"],
            None if r["input"] is None else r["input"]["year"],
            None if r["input"] is None else r["input"]["estimate"],
        ]
        for d in full["diagnostics"]
        for r in d["rules"]
    ]
    assert compact["rules"] == expected
    assert compact["recommendations"] == [[x["rule"], x["gain"]] for x in full["recommendations"]]


def test_compact_needs_jsonl(run_cli: Callable[..., Run]) -> None:
    r = run_cli("assess", str(EXAMPLES / "china-2022.toml"), "--compact")
    assert r.code == 2 and r.err == "hemscore: error: --compact goes with --format jsonl\n"
