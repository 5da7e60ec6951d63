"""A bounded, seeded fuzz run of the profile loader and engine.

Example profiles are mutated (bytes flipped, lines deleted, duplicated or swapped, TOML-ish
tokens spliced in, the file cut short) and random bytes and token soup are added. Each input
goes through what ``hemscore assess`` does with one input, in-process; the only outcomes
allowed are an assessment (exit 0 or 1) or a HemscoreError (exit 2, one message naming the
input). A handful also go through the real CLI: a folder of them in-process through its
``run``, standard input in a process of its own. Fixed seed: a failure reproduces, and the
failing input is written out for a bad-input case.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hemscore.base.errors import HemscoreError, ProfileError
from hemscore.engine.assessment import assess
from hemscore.engine.validation import check_profile
from hemscore.model.rules import load_ruleset
from hemscore.reading.tomlsource import decode, read_toml
from hemscore.render.formats import RenderOptions
from hemscore.render.formats import json as json_format

from .conftest import Run

ROOT = Path(__file__).parent.parent
SEED = 20_260_601
MUTANTS = 1_500  # about 3 seconds
TOKENS = [
    b"=",
    b"[",
    b"]",
    b"[[",
    b"{",
    b"}",
    b",",
    b'"',
    b"'",
    b'"""',
    b".",
    b"#",
    b"\n",
    b"nan",
    b"inf",
    b"-inf",
    b"-1",
    b"1e309",
    b"0x10",
    b"true",
    b"2022-01-01",
    b"1" * 400,
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\r",
    b"\t",
    b"value = ",
    b"[profile]",
    b"[waivers]",
    b"kind = ",
    b'"firm"',
    b"year",
    b"{ value = 1 }",
    b"\\u0000",
    "é".encode(),
]


def seeds() -> list[bytes]:
    files = sorted((ROOT / "examples").glob("*.toml")) + [ROOT / "tests/bad/ok/region.toml"]
    return [f.read_bytes() for f in files if f.exists()]


def mutate(raw: bytes, rng: random.Random) -> bytes:
    """One to three random edits of ``raw``."""
    for _ in range(rng.randint(1, 3)):
        lines = raw.split(b"\n")
        op = rng.randrange(7)
        if op == 0 and raw:  # flip a byte
            i = rng.randrange(len(raw))
            raw = raw[:i] + bytes([rng.randrange(256)]) + raw[i + 1 :]
        elif op == 1 and len(lines) > 1:  # delete a line
            del lines[rng.randrange(len(lines))]
            raw = b"\n".join(lines)
        elif op == 2:  # duplicate a line
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            raw = b"\n".join(lines)
        elif op == 3 and len(lines) > 1:  # swap two lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            raw = b"\n".join(lines)
        elif op == 4:  # splice in a token
            i = rng.randrange(len(raw) + 1)
            raw = raw[:i] + rng.choice(TOKENS) + raw[i:]
        elif op == 5 and raw:  # cut the file short
            raw = raw[: rng.randrange(len(raw))]
        else:  # replace a value: the text after an "=" on some line
            i = rng.randrange(len(lines))
            key, eq, _ = lines[i].partition(b"=")
            if eq:
                lines[i] = key + b"= " + rng.choice(TOKENS)
            raw = b"\n".join(lines)
    return raw


def inputs() -> list[bytes]:
    rng = random.Random(SEED)
    base = seeds()
    out = [mutate(rng.choice(base), rng) for _ in range(MUTANTS)]
    out += [bytes(rng.randrange(256) for _ in range(rng.randrange(2000))) for _ in range(50)]
    out += [b" ".join(rng.choice(TOKENS) for _ in range(rng.randrange(60))) for _ in range(100)]
    return out


RULESET = load_ruleset()


def run_one(raw: bytes, name: str = "<fuzz>") -> int:
    """What ``hemscore assess`` does with one input: its exit code (0/1 assessed, 2 refused)."""
    try:
        doc = read_toml(name, text=decode(raw, name, ProfileError), error=ProfileError)
        profile = check_profile(doc, RULESET)
    except HemscoreError as err:
        lines = err.lines()
        assert lines and all(line.startswith(name) for line in lines), lines
        return 2
    for how in ("arithmetic", "geometric"):
        a = assess(profile, RULESET, aggregation=how)
        json.loads(json_format.render([a], RenderOptions()))
    return 0


def test_fuzz_loader_and_engine(tmp_path: Path) -> None:
    outcomes = {0: 0, 2: 0}
    for n, raw in enumerate(inputs()):
        try:
            outcomes[run_one(raw)] += 1
        except Exception:  # noqa: BLE001 - any other exception is the finding
            crash = tmp_path / f"crash-{n}.toml"
            crash.write_bytes(raw)
            pytest.fail(
                f"input {n} crashed the loader or engine (saved to {crash}):\n{raw[:300]!r}"
            )
    # the mutations must reach both outcomes, or the fuzzing tests nothing
    assert outcomes[0] > 50 and outcomes[2] > 50, outcomes


def test_fuzz_through_the_cli(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(SEED + 1)
    base = seeds()
    folder = tmp_path / "mutants"
    folder.mkdir()
    for i in range(20):
        (folder / f"m{i:02d}.toml").write_bytes(mutate(rng.choice(base), rng))
    env = {**os.environ, "NO_COLOR": "1"}
    monkeypatch.setenv("NO_COLOR", "1")
    runs = [
        (["assess", str(folder), "--format", "json", "--quiet"], None),
        (["assess", str(folder), "--format", "jsonl", "--quiet"], None),
        (["assess", "-", "--format", "json"], mutate(rng.choice(base), rng)),
        (["assess", "-", "--format", "json"], bytes(rng.randrange(256) for _ in range(500))),
    ]
    for args, stdin in runs:
        if stdin is None:  # files only: in-process, through the CLI's run()
            r = run_cli(*args)
            code, out, err = r.code, r.out, r.err
        else:  # standard input: a process of its own
            done = subprocess.run(
                [sys.executable, "-m", "hemscore", *args],
                input=stdin,
                capture_output=True,
                env=env,
                timeout=120,
                check=False,
            )
            code, out, err = done.returncode, done.stdout.decode(), done.stderr.decode()
        assert code in (0, 1, 2), err
        assert "Traceback" not in out + err and "internal error" not in err, err
        assert all(line.startswith("hemscore: ") for line in err.splitlines()), err
        if out and "jsonl" in args:
            [json.loads(line) for line in out.splitlines()]
        elif out:
            json.loads(out)
