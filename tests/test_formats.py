"""Every output format: golden files on one profile, the streaming protocol, and each format's
own contract (JUnit parses, GitHub escaping, CSV columns, JSON shape).

The golden files are produced by the code and reviewed; they change only through
`python -m tests.test_golden --update`, which shows the diff first (see tests/test_golden.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hemscore.engine.assessment import Assessment, assess
from hemscore.engine.loader import load_profile
from hemscore.model.rules import load_ruleset
from hemscore.render.formats import REGISTRY, RenderOptions, renderer, streaming
from hemscore.render.formats.github import command, escape_data, escape_property

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
GOLDEN = Path(__file__).parent / "golden" / "formats"
REGION = "tests/fixtures/pipeline/region.toml"  # relative, so paths in outputs are stable
FIRM = "tests/fixtures/pipeline/firm.toml"

#: golden file name -> extra CLI arguments (all on the region fixture)
CASES: dict[str, list[str]] = {
    "region.table.txt": ["--format", "table", "--detail"],
    "region.json": ["--format", "json"],
    "region.jsonl": ["--format", "jsonl"],
    "region.csv": ["--format", "csv"],
    "region.detail.csv": ["--format", "csv", "--detail"],
    "region.md": ["--format", "markdown"],
    "region.junit.xml": ["--format", "junit"],
    "region.github.txt": ["--format", "github"],
    "region.html": ["--format", "html"],
    "region.svg": ["--format", "svg"],
    "region.zh.md": ["--format", "markdown", "--lang", "zh"],
}


def cli_output(args: list[str]) -> tuple[int, str]:
    """`hemscore assess REGION ARGS` from the repository root, no colour, 100 columns."""
    import contextlib

    from hemscore.__main__ import main

    saved = {k: os.environ.pop(k, None) for k in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    os.environ["COLUMNS"] = "100"
    cwd = os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["assess", REGION, *args])
    finally:
        os.chdir(cwd)
        os.environ.pop("COLUMNS", None)
        os.environ.update({k: v for k, v in saved.items() if v is not None})
    return code, out.getvalue()


def test_every_format_has_a_golden_file() -> None:
    covered = {args[args.index("--format") + 1] for args in CASES.values()}
    assert covered == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(CASES))
def test_format_matches_golden(name: str) -> None:
    golden = GOLDEN / name
    assert golden.exists(), f"no golden file {name}: see `python -m tests.test_golden`"
    code, out = cli_output(CASES[name])
    assert code == 0
    assert out == golden.read_text(encoding="utf-8")


def test_another_process_writes_the_golden_files() -> None:
    """Set and dict order must not leak into a report: a process with another hash seed than
    the one that recorded them writes every golden file byte for byte."""
    script = (
        "import json, sys\n"
        "from tests.test_formats import CASES, cli_output\n"
        "json.dump({n: cli_output(a) for n, a in CASES.items()}, sys.stdout)\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    for name in sorted(CASES):
        assert out[name] == [0, (GOLDEN / name).read_text(encoding="utf-8")], name


# --- the streaming protocol ------------------------------------------------------------------


@pytest.fixture(scope="module")
def assessments() -> list[Assessment]:
    ruleset = load_ruleset()
    return [
        assess(load_profile(str(FIXTURES / n), ruleset.metrics), ruleset)
        for n in ("region.toml", "firm.toml")
    ]


STREAMING = ["table", "json", "jsonl", "csv", "markdown", "junit", "github", "html"]


def test_which_formats_stream() -> None:
    assert sorted(n for n in REGISTRY if streaming(renderer(n))) == sorted(STREAMING)


@pytest.mark.parametrize("name", STREAMING)
@pytest.mark.parametrize("detail", [False, True])
def test_streamed_pieces_join_to_the_whole_report(
    name: str, detail: bool, assessments: list[Assessment]
) -> None:
    module = renderer(name)
    stream = streaming(module)
    assert stream is not None
    options = RenderOptions(detail=detail, many=True)
    pieces = [stream.begin(options)]
    pieces += [stream.item(a, options, i) for i, a in enumerate(assessments)]
    pieces.append(stream.end(options, len(assessments)))
    assert "".join(pieces) == module.render(assessments, options)


# --- json and jsonl --------------------------------------------------------------------------


def test_json_is_one_object_for_one_and_a_list_for_several(assessments: list[Assessment]) -> None:
    module = renderer("json")
    one = json.loads(module.render(assessments[:1], RenderOptions()))
    assert isinstance(one, dict) and one["schema_version"] == "1.0"
    several = json.loads(module.render(assessments, RenderOptions()))
    assert [x["profile"]["name"] for x in several] == ['Test Province, "North"', "Test Firm"]
    forced = json.loads(module.render(assessments[:1], RenderOptions(many=True)))
    assert isinstance(forced, list) and len(forced) == 1


def test_jsonl_lines_are_the_json_objects(assessments: list[Assessment]) -> None:
    lines = renderer("jsonl").render(assessments, RenderOptions()).splitlines()
    whole = json.loads(renderer("json").render(assessments, RenderOptions()))
    assert [json.loads(line) for line in lines] == whole
    assert all("\n" not in line and ": " not in line[:40] for line in lines)


# --- csv -------------------------------------------------------------------------------------


def test_csv_has_one_row_per_profile(assessments: list[Assessment]) -> None:
    rows = list(csv.DictReader(io.StringIO(renderer("csv").render(assessments, RenderOptions()))))
    assert [r["name"] for r in rows] == ['Test Province, "North"', "Test Firm"]
    assert list(rows[0]) == [
        "path",
        "name",
        "kind",
        "year",
        "overall",
        "grade",
        "coverage",
        "cluster",
        "technology",
        "exports",
        "talent",
        "policy",
    ]
    region = assessments[0]
    assert float(rows[0]["overall"]) == pytest.approx(region.score, abs=1e-4)
    assert rows[1]["overall"] == "" and rows[1]["grade"] == "?"  # too little data: no score


def test_csv_detail_has_one_row_per_rule(assessments: list[Assessment]) -> None:
    text = renderer("csv").render(assessments, RenderOptions(detail=True))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(a.results) for a in assessments)
    by_rule = {(r["name"], r["rule"]): r for r in rows}
    te03 = by_rule[("Test Firm", "TE-03")]
    assert te03["status"] == "fail" and te03["line"] == "8" and te03["value"] == "10.0"
    assert by_rule[('Test Province, "North"', "PO-05")]["status"] == "waived"


# --- junit -----------------------------------------------------------------------------------


def test_junit_parses_with_one_testcase_per_rule(assessments: list[Assessment]) -> None:
    root = ET.fromstring(renderer("junit").render(assessments, RenderOptions()))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == len(assessments)
    for suite, a in zip(suites, assessments):
        cases = suite.findall("testcase")
        assert len(cases) == len(a.results) == int(suite.get("tests", ""))
        assert [c.get("name", "").split()[0] for c in cases] == [r.id for r in a.results]
        failures = [c for c in cases if c.find("failure") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        assert len(failures) == len(a.failing()) == int(suite.get("failures", ""))
        assert len(skipped) == sum(r.status in ("missing", "waived") for r in a.results)
        assert int(suite.get("skipped", "")) == len(skipped)


def test_junit_uses_only_schema_attributes(assessments: list[Assessment]) -> None:
    """Attributes of Jenkins' junit-10.xsd only, so strict consumers load the file."""
    allowed = {  # as declared in jenkinsci/xunit-plugin's junit-10.xsd
        "testsuites": {"name", "time", "tests", "failures", "errors"},
        "testsuite": {
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        },
        "properties": set(),
        "property": {"name", "value"},
        "testcase": {"name", "time", "classname", "group"},
        "failure": {"message", "type"},
        "skipped": {"message", "type"},
    }
    required = {
        "testsuite": {"name", "tests", "failures", "errors"},
        "testcase": {"name"},
        "property": {"name", "value"},
    }
    root = ET.fromstring(renderer("junit").render(assessments, RenderOptions()))
    for el in root.iter():
        assert set(el.attrib) <= allowed[el.tag], el.tag
        assert required.get(el.tag, set()) <= set(el.attrib), el.tag
    assert all(re.fullmatch(r"[0-9.]*", s.get("time", "")) for s in root.iter("testsuite"))


def test_junit_survives_control_characters(assessments: list[Assessment]) -> None:
    from dataclasses import replace

    a = assessments[1]
    odd = replace(a, profile=replace(a.profile, name="bell\x07 & <tag>"))
    root = ET.fromstring(renderer("junit").render([odd], RenderOptions()))
    assert root.find("testsuite").get("name", "").startswith("bell\\x07 & <tag>")  # type: ignore[union-attr]


# --- github ----------------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "m: x, y", file="p,1.toml", line=3, title="T: t") == (
        "::error file=p%2C1.toml,line=3,title=T%3A t::m: x, y\n"
    )
    assert command("warning", "m", file="<stdin>", line=3) == "::warning::m\n"


def test_github_annotates_each_failing_rule_at_its_line(assessments: list[Assessment]) -> None:
    firm = assessments[1]
    lines = renderer("github").render([firm], RenderOptions()).splitlines()
    assert lines[0].startswith("::notice file=tests/") or lines[0].startswith("::notice file=")
    # then one warning per data-quality warning (the fixture's values name no source)
    quality = lines[1 : 1 + len(firm.warnings)]
    assert all("title=Data quality%3A " in line for line in quality)
    annotated = lines[1 + len(firm.warnings) :]
    assert len(annotated) == len(firm.failing())
    for line, r in zip(annotated, firm.failing()):
        level = "error" if r.rule.severity in ("high", "critical") else "warning"
        assert line.startswith(f"::{level} ")
        assert f",line={r.input.line}," in line  # type: ignore[union-attr]
        assert f"title={r.id} " in line


# --- html, svg and Rich ----------------------------------------------------------------------


def test_svg_is_xml_and_html_has_a_title(assessments: list[Assessment]) -> None:
    svg = renderer("svg").render(assessments[:1], RenderOptions())
    assert ET.fromstring(svg).tag.endswith("svg")
    page = renderer("html").render(assessments[:1], RenderOptions())
    assert "<title>hemscore assessment — Test Province, &quot;North&quot;</title>" in page


def test_only_table_and_svg_import_rich() -> None:
    formats = Path(__file__).parent.parent / "src" / "hemscore" / "formats"
    importing = sorted(
        p.name
        for p in formats.glob("*.py")
        if "from rich" in p.read_text() or "import rich" in p.read_text()
    )
    assert set(importing) <= {"table.py", "svg.py"}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "junit", "github"])
def test_machine_formats_do_not_load_rich(fmt: str) -> None:
    code = (
        "import sys\nfrom hemscore.__main__ import main\n"
        f"rc = main(['assess', {str(FIXTURES / 'firm.toml')!r}, '--format', {fmt!r}])\n"
        "sys.stdout.flush()\n"
        "print('RICH' if any(m == 'rich' or m.startswith('rich.') for m in sys.modules) else 'NORICH')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.rstrip().endswith("NORICH")


def test_every_format_is_documented() -> None:
    doc = (ROOT / "docs" / "pipelines.md").read_text(encoding="utf-8")
    for name in REGISTRY:
        assert f"| `{name}` |" in doc, name


def test_csv_text_cells_cannot_become_formulas(tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import csv as csvlib
    import io

    p = tmp_path / "p.toml"
    p.write_text(
        '[profile]\nname = "=HYPERLINK(\\"http://x\\")"\nkind = "firm"\nyear = 2020\n'
        '[technology]\nrd_intensity_pct = { value = 5.0, source = "@SUM(A1)" }\n',
        encoding="utf-8",
    )
    summary = list(csvlib.reader(io.StringIO(run_cli("assess", p, "--format", "csv").out)))
    assert summary[1][1] == '\'=HYPERLINK("http://x")'
    detail = list(
        csvlib.DictReader(io.StringIO(run_cli("assess", p, "--format", "csv", "--detail").out))
    )
    assert {row["source"] for row in detail if row["source"]} == {"'@SUM(A1)"}


def test_table_shows_brackets_in_texts_as_written(tmp_path: Path) -> None:
    # Rule texts come from rule files anyone may write; Rich must not read them as markup
    # (an unmatched "[/x]" used to stop the report with an error).
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    cluster = rules / "cluster.toml"
    text = cluster.read_text(encoding="utf-8")
    old = 'en.title = "Innovation cooperation among firms"'  # CL-04, scored for China
    assert old in text
    cluster.write_text(
        text.replace(old, 'en.title = "Share [/x] of [bold]firms"'), encoding="utf-8"
    )
    ruleset = load_ruleset([str(rules)])
    a = assess(load_profile(str(ROOT / "examples/china-2022.toml"), ruleset.metrics), ruleset)
    out = renderer("table").render([a], RenderOptions(width=140))
    assert "Share [/x] of [bold]firms" in out
