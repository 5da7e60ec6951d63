"""The real `hemscore assess` command: formats, exit codes and one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hemscore.model.catalogue import KINDS, Metric, builtin_catalogue

from .conftest import Run, write

MINIMAL = """[profile]
name = "Test Region"
kind = "region"
year = 2022

[technology]
rd_intensity_pct = { value = 2.1, year = 2022, source = "test yearbook" }
core_component_self_sufficiency_pct = 18.0
"""


def sample_value(m: Metric) -> str:
    """A valid TOML value for any metric, from its declared type and range."""
    if m.type == "bool":
        return "true"
    if m.type == "integer":
        return "3"
    if m.type == "shares":
        return "{ A = 50.0, B = 30.0, C = 20.0 }"
    if m.type == "series":
        return '{ value = { 2016 = 10.0, 2017 = 12.0, 2018 = 13.0, 2019 = 12.5 }, source = "estimate: test" }'
    lo = m.min if m.min is not None else 0.0
    hi = m.max if m.max is not None else lo + 10
    return repr(round(min(hi, max(lo, 1.5)), 3))


def full_profile(kind: str) -> str:
    lines = ["[profile]", f'name = "Full {kind}"', f'kind = "{kind}"', "year = 2022", ""]
    by_diag: dict[str, list[Metric]] = {}
    for m in builtin_catalogue().values():
        if kind in m.kinds:
            by_diag.setdefault(m.diagnostic, []).append(m)
    for diag, metrics in by_diag.items():
        lines.append(f"[{diag}]")
        lines += [f"{m.name} = {sample_value(m)}" for m in metrics]
        lines.append("")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", KINDS)
def test_every_catalogue_metric_is_accepted_and_fully_covered(
    kind: str, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, f"{kind}.toml", full_profile(kind))
    r = run_cli("assess", path, "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["overall"]["coverage"] == 1.0
    for d in data["diagnostics"]:
        assert d["coverage"] == 1.0, d["id"]
        assert all(rule["status"] in ("pass", "fail") for rule in d["rules"])


def test_table_report(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", write(tmp_path, "p.toml", MINIMAL))
    assert r.code == 0, r.err
    assert "Test Region" in r.out and "TE-13" in r.out and "Recommendations" in r.out
    assert "\x1b[" not in r.out  # piped: plain text
    assert max(len(line) for line in r.out.splitlines()) <= 100


def test_table_report_fits_80_columns(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    r = run_cli("assess", write(tmp_path, "p.toml", full_profile("region")))
    assert r.code == 0
    assert max(len(line) for line in r.out.splitlines()) <= 80


def test_chinese_report(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", write(tmp_path, "p.toml", MINIMAL), "--lang", "zh")
    assert r.code == 0
    assert "总分" in r.out and "改进建议" in r.out and "Recommendations" not in r.out


def test_markdown_report(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", write(tmp_path, "p.toml", MINIMAL), "--format", "markdown")
    assert r.code == 0
    assert r.out.startswith("## hemscore assessment: Test Region")
    assert "| TE-13 |" in r.out and "test yearbook" in r.out


def test_json_is_recomputable(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "p.toml", full_profile("country"))
    data = json.loads(run_cli("assess", path, "--format", "json").out)
    assert data["schema_version"] == "1.0"
    scores = []
    for d in data["diagnostics"]:
        assessed = [r for r in d["rules"] if r["score"] is not None]
        w = sum(r["weight"] for r in assessed)
        recomputed = sum(r["weight"] * r["score"] for r in assessed) / w
        assert recomputed == pytest.approx(d["score"], abs=1e-3)
        scores.append(d["score"])
    assert sum(scores) / len(scores) == pytest.approx(data["overall"]["score"], abs=1e-3)
    # recommendations: every failing rule, priority weight × (100 − score); the largest gain
    # first, ties by priority
    rules = {r["id"]: r for d in data["diagnostics"] for r in d["rules"]}
    failing = {rid for rid, r in rules.items() if r["status"] == "fail"}
    recs = data["recommendations"]
    assert failing and {x["rule"] for x in recs} == failing
    for x in recs:
        r = rules[x["rule"]]
        assert x["priority"] == pytest.approx(r["weight"] * (100 - r["score"]), abs=1e-3)
    assert recs == sorted(recs, key=lambda x: (-x["gain"], -x["priority"], x["rule"]))


def test_fail_under_is_a_gate(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "p.toml", MINIMAL)
    r = run_cli("assess", path, "--fail-under", "101", "--format", "json")
    assert r.code == 1
    json.loads(r.out)  # the report is still written
    assert "gate failed" in r.err
    # no overall score (too little data) cannot prove the gate passed
    assert run_cli("assess", path, "--fail-under", "0").code == 1
    full = write(tmp_path, "full.toml", full_profile("region"))
    assert run_cli("assess", full, "--fail-under", "0").code == 0


def test_fail_on_severity(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "p.toml", MINIMAL)
    r = run_cli("assess", path, "--fail-on", "critical", "--format", "json")
    assert r.code == 1 and "TE-03" in r.err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (None, "no such file"),
        ("[profile\nname = 1", "invalid TOML"),
        (MINIMAL + "bogus_key = 1\n", "technology.bogus_key: unknown metric"),
        (MINIMAL.replace("2.1,", "250,"), "technology.rd_intensity_pct.value: must be at most 100"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, text: str | None, fragment: str, run_cli: Callable[..., Run]
) -> None:
    # In-process: the message and the exit code come from the run, not from the process.
    path = tmp_path / "bad.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    r = run_cli("assess", path)
    assert r.code == 2
    assert r.out == ""
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"hemscore: error: {path}")
    assert fragment in lines[0]


def test_usage_error_exit_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("assess", "x.toml", "--format", "yaml")
    assert r.code == 2 and r.err.startswith("hemscore: error:") and len(r.err.splitlines()) == 1


def test_version(run_cli) -> None:  # type: ignore[no-untyped-def]
    from hemscore import __version__

    assert run_cli("--version").out == f"hemscore {__version__}\n"
