"""Every numeric option of every command refuses NaN and infinity (exit 2, one line).

A gate compared with NaN never fails (``score < nan`` is always false), and an infinite weight
factor or target turns the arithmetic behind a report into NaN. The options are found by
walking the CLI itself, so an option added later is checked without editing this file.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from types import NoneType, UnionType
from typing import Any

import pytest
import typer

from hemscore.cli.app import build

from .conftest import EXAMPLES

EXAMPLE = str(EXAMPLES / "china-2022.toml")

#: A valid call of each command, so that a refused value is the only thing wrong with the run.
VALID_CALL: dict[str, list[str]] = {
    "assess": [EXAMPLE, "--format", "json"],
    "compare": [EXAMPLE, "--format", "json"],
    "plan": [EXAMPLE, "--target", "60", "--format", "json"],
    "sensitivity": [EXAMPLE, "--runs", "5", "--format", "json"],
    "diff": [EXAMPLE, EXAMPLE, "--format", "json"],
}

NOT_FINITE = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e999", "-1e400"]


def _is_float(annotation: Any) -> bool:
    if annotation is float:
        return True
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not NoneType]
        return args == [float]
    return False


def _commands() -> Iterator[tuple[str, Callable[..., Any]]]:
    app = build()  # every command of the command table
    for c in app.registered_commands:
        assert c.callback is not None
        yield c.name or c.callback.__name__.replace("_", "-"), c.callback
    for g in app.registered_groups:
        sub = g.typer_instance
        assert sub is not None and sub.info.name
        if sub.registered_callback and sub.registered_callback.callback:
            yield sub.info.name, sub.registered_callback.callback
        for c in sub.registered_commands:
            assert c.callback is not None
            yield f"{sub.info.name} {c.name or c.callback.__name__}", c.callback


def float_options() -> list[tuple[str, str]]:
    """(command, option) for every option whose value is a float, in every command."""
    found = []
    for name, callback in _commands():
        hints = typing.get_type_hints(callback, include_extras=True)
        for param, hint in hints.items():
            if typing.get_origin(hint) is not typing.Annotated:
                continue
            base, *meta = typing.get_args(hint)
            info = next((m for m in meta if isinstance(m, typer.models.OptionInfo)), None)
            if info is None or not _is_float(base):
                continue
            # in Annotated use, typer.Option's first argument (``default``) is the first flag
            first = [info.default] if isinstance(info.default, str) else []
            flags = [d for d in [*first, *info.param_decls] if d.startswith("--")]
            flag = flags[0] if flags else "--" + param.replace("_", "-")
            found.append((name, flag))
    return sorted(found)


FLOAT_OPTIONS = float_options()


def test_the_walk_finds_the_known_float_options() -> None:
    # guards the walk itself: were it to find nothing, the tests below would check nothing
    for known in [
        ("assess", "--fail-under"),
        ("assess", "--min-coverage"),
        ("compare", "--min-coverage"),
        ("diff", "--min-coverage"),
        ("plan", "--target"),
        ("plan", "--min-coverage"),
        ("sensitivity", "--low"),
        ("sensitivity", "--high"),
        ("sensitivity", "--min-coverage"),
    ]:
        assert known in FLOAT_OPTIONS


@pytest.mark.parametrize(("command", "option"), FLOAT_OPTIONS)
@pytest.mark.parametrize("value", NOT_FINITE)
def test_a_float_option_refuses_nan_and_infinity(run_cli, command, option, value) -> None:  # type: ignore[no-untyped-def]
    args = [*command.split(), *VALID_CALL.get(command, []), f"{option}={value}"]
    r = run_cli(*args)
    assert r.code == 2, (args, r.err)
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"hemscore: error: Invalid value for '{option}'"), lines[0]
    assert "must be a finite number" in lines[0], lines[0]
    assert r.out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["assess", EXAMPLE, "--min-coverage", "1.5"],
            "Invalid value for '--min-coverage': must be between 0 and 1 (got 1.5)",
        ),
        (
            ["plan", EXAMPLE, "--target", "-1"],
            "Invalid value for '--target' / '-t': must be between 0 and 100 (got -1)",
        ),
        (
            ["sensitivity", EXAMPLE, "--low", "-0.5"],
            "Invalid value for '--low': must be between 0 and 100 (got -0.5)",
        ),
        (
            ["assess", EXAMPLE, "--fail-under", "sixty"],
            "Invalid value for '--fail-under': 'sixty' is not a number",
        ),
    ],
)
def test_ranges_and_words_are_refused_with_one_line(run_cli, args, message) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*args)
    assert r.code == 2
    assert r.err.splitlines() == [f"hemscore: error: {message} (see 'hemscore {args[0]} --help')"]


def test_finite_values_still_work(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(
        "assess", EXAMPLE, "--format", "json", "--fail-under", "1e-3", "--min-coverage", "0"
    )
    assert r.code == 0, r.err
    r = run_cli("assess", EXAMPLE, "--format", "json", "--fail-under", "99.5")
    assert r.code == 1
    assert "is below 99.5" in r.err


@pytest.mark.parametrize(
    ("bounds", "text", "message"),
    [
        ((0.0, None), "-1", "must be at least 0 (got -1)"),
        ((None, 10.0), "10.5", "must be at most 10 (got 10.5)"),
        ((0.0, 1.0), "-inf", "must be a finite number (got -inf)"),
    ],
)
def test_the_parser_states_the_bound_it_enforces(bounds, text, message) -> None:  # type: ignore[no-untyped-def]
    from pydantic_core import PydanticCustomError

    from hemscore.cli.options import FiniteFloat

    with pytest.raises(PydanticCustomError) as caught:
        FiniteFloat(*bounds)(text)
    assert caught.value.message() == message
    assert FiniteFloat(*bounds)(" 0.5 ") == 0.5
