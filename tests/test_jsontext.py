"""The indented JSON writer (``reading.jsontext.dumps``) writes exactly what the json module
writes with ``indent=2, ensure_ascii=False, allow_nan=False``, and fails as it fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemscore.base.safe_text import json_text
from hemscore.reading.jsontext import dumps

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.sampled_from(["", "\x00", "\x7f", "\u2028", "\u202e", '"', "\\", "é", "中文"]),
)
#: Values as reports hold them (string keys), and the json module's other key types.
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=5),
        st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none()), inner, max_size=3),
    ),
    max_leaves=25,
)


def _reference(value: Any) -> str:
    return json_text(json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)) + "\n"


@settings(max_examples=150)
@given(VALUES)
def test_the_writer_writes_what_the_json_module_writes(value: Any) -> None:
    assert dumps(value) == _reference(value)


def test_an_assessment_is_written_as_the_json_module_writes_it() -> None:
    from hemscore import api

    record = api.to_dict(api.assess("examples/china-2022.toml"), lang="zh")
    assert dumps(record) == _reference(record)
    assert dumps([record, record]) == _reference([record, record])


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([1.0, float("nan")], ValueError, "Out of range float values are not JSON compliant: nan"),
        ({"a": float("inf")}, ValueError, "Out of range float values are not JSON compliant: inf"),
        ({"a": {1, 2}}, TypeError, "Object of type set is not JSON serializable"),
        ({(1, 2): 0}, TypeError, "keys must be str, int, float, bool or None, not tuple"),
    ],
)
def test_what_json_refuses_is_refused_with_its_message(
    value: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        dumps(value)


def test_a_cycle_is_refused_as_the_json_module_refuses_it() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps(loop)
