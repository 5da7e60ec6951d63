"""The built-in rule library documents itself, covers the catalogue, and is versioned."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from hemscore.model.catalogue import builtin_catalogue
from hemscore.model.rules import LANGS, TEXT_FIELDS, load_ruleset

from .conftest import ROOT

LIBRARY = load_ruleset()
FINGERPRINT = Path(__file__).parent / "golden" / "ruleset-fingerprint.json"
PAPER = ROOT.parent / "shared" / "paper" / "paper.zh.txt"


@pytest.mark.parametrize("rule", LIBRARY.rules, ids=lambda r: r.id)
def test_every_rule_documents_itself_in_both_languages(rule) -> None:  # type: ignore[no-untyped-def]
    for lang in LANGS:
        for key in TEXT_FIELDS:
            text = rule.texts.get(lang, {}).get(key, "")
            assert text.strip(), f"{rule.id} lacks {lang}.{key}"
        zh = "".join(rule.texts["zh"].values())
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{rule.id}: zh texts are not Chinese"
    assert rule.paper, f"{rule.id} cites no paper section"
    assert rule.basis in ("published", "design", "panel") and rule.source
    assert (rule.basis == "panel") == (rule.calibration is not None)
    why = rule.texts["en"]["why"]
    assert any(f"§{s}" in why for s in rule.paper if s != "intro"), (
        f"{rule.id}: why names no section"
    )


def test_every_catalogue_metric_is_scored() -> None:
    scored = {r.metric for r in LIBRARY.rules}
    missing = sorted(set(builtin_catalogue()) - scored)
    assert not missing, f"metrics with no rule: {missing}"


def test_special_metrics_get_their_rules() -> None:
    by_metric: dict[str, list] = {}  # type: ignore[type-arg]
    for r in LIBRARY.rules:
        by_metric.setdefault(r.metric, []).append(r)
    for mid, m in builtin_catalogue().items():
        if m.type == "shares":
            assert {r.measure for r in by_metric[mid]} == {"hhi", "largest"}, mid
        if m.type == "series":
            assert {r.measure for r in by_metric[mid]} == {"cagr", "peak"}, mid
    rd = {r.kinds for r in by_metric["technology.rd_intensity_pct"]}
    # rule set 2.0 splits the economy rule by kind: countries are calibrated on the panel
    assert rd == {("country",), ("region",), ("cluster", "firm")}


def test_every_method_is_used() -> None:
    assert {r.method for r in LIBRARY.rules} == {
        "linear",
        "bands",
        "boolean",
        "concentration",
        "trend",
    }


def test_every_diagnostic_has_rules_and_titles() -> None:
    for d in LIBRARY.diagnostics:
        assert sum(1 for r in LIBRARY.rules if r.diagnostic == d.id) >= 2, d.id
        assert d.text("en", "title") and d.text("zh", "title") != d.text("en", "title")


def _fingerprint() -> str:
    parts = []
    for r in LIBRARY.rules:
        parts.append(
            (
                r.id,
                r.metric,
                r.diagnostic,
                r.kinds,
                r.weight,
                r.method,
                r.measure,
                getattr(r.scoring, "years", 3),  # a trend's window (3 for every other method)
                r.target if isinstance(r.target, bool) else True,  # a yes-or-no rule's expected
                repr(r.scale),
            )
        )
    parts.append(("grades", LIBRARY.grades))
    parts.append(("diagnostics", [(d.id, d.weight) for d in LIBRARY.diagnostics]))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_version_changes_whenever_a_band_or_weight_changes() -> None:
    """The recorded fingerprint of bands and weights belongs to one rule-set version.

    Changing a band, weight or grade without bumping `version` in rules/ruleset.toml fails
    here; after bumping it, record the new pair with `python -m tests.test_library`.
    """
    recorded = json.loads(FINGERPRINT.read_text(encoding="utf-8"))
    if recorded["version"] == LIBRARY.version:
        assert recorded["fingerprint"] == _fingerprint(), (
            "bands, weights or grades changed: bump the version in rules/ruleset.toml"
        )
    else:
        pytest.fail(
            f"rule set is {LIBRARY.version}, fingerprint recorded for {recorded['version']}: "
            "run `python -m tests.test_library` to record it"
        )


@pytest.mark.skipif(not PAPER.exists(), reason="the paper (../shared) is not beside this checkout")
def test_rule_texts_do_not_copy_the_paper() -> None:
    paper = re.sub(r"\s+", "", PAPER.read_text(encoding="utf-8"))
    n = 12
    grams = {paper[i : i + n] for i in range(len(paper) - n)}
    for r in LIBRARY.rules:
        for key, text in r.texts["zh"].items():
            flat = re.sub(r"\s+", "", text)
            copied = [flat[i : i + n] for i in range(len(flat) - n) if flat[i : i + n] in grams]
            assert not copied, f"{r.id} zh.{key} repeats the paper: {copied[0]}"


if __name__ == "__main__":
    FINGERPRINT.parent.mkdir(exist_ok=True)
    FINGERPRINT.write_text(
        json.dumps({"version": LIBRARY.version, "fingerprint": _fingerprint()}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"recorded {LIBRARY.version}")
