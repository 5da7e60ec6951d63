"""Shared by the analysis reports: their texts (``report.*`` in :mod:`hemscore.base.messages`),
numbers and profile labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hemscore.base import numbers
from hemscore.base.messages import first
from hemscore.model.profile import Profile
from hemscore.reading.jsontext import dumps as strict_dumps


def label(lang: str, key: str, **fmt: object) -> str:
    """An analysis report's text ``report.<key>`` in ``lang``, else the common text ``key``."""
    return first(lang, ("report." + key, key), **fmt)


#: Numbers for people (fixed decimals, signed changes) and for JSON (:mod:`hemscore.base.numbers`).
num = numbers.fixed
signed = numbers.signed
jnum = numbers.round4


def jvalue(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, (str, int)):
        return v
    if isinstance(v, float):
        return jnum(v)
    if isinstance(v, dict):
        return {str(k): jvalue(x) for k, x in v.items()}
    return v


def dumps(obj: Any) -> str:
    """The JSON text of a report: indented, UTF-8, a final newline (same input, same bytes)."""
    return strict_dumps(obj)


def profile_labels(profiles: Sequence[Profile]) -> list[str]:
    """Short, unique column labels: the name, then the year, then the path when names repeat."""
    labels = [p.name for p in profiles]
    if len(set(labels)) < len(labels):
        labels = [f"{p.name} ({p.year})" if labels.count(p.name) > 1 else p.name for p in profiles]
    if len(set(labels)) < len(labels):
        labels = [
            f"{lab} [{p.path}]" if labels.count(lab) > 1 else lab
            for lab, p in zip(labels, profiles)
        ]
    return labels


def profile_dict(p: Profile, label_: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": p.name,
        "kind": p.kind,
        "year": p.year,
        "country": p.country,
        "path": p.path,
    }
    if label_ is not None:
        out = {"label": label_, **out}
    return out


def md_cell(text: str) -> str:
    """Text for a Markdown table cell, heading or list item (see :func:`safe_text.markdown`)."""
    from hemscore.base.safe_text import markdown

    return markdown(text)


def print_fitted(con: Any, table: Any, keep: int = 1) -> None:
    """Print a Rich table within the console's width without cutting a column or a word.

    Rich squeezes a table that is too wide by narrowing its widest columns, below the length
    of their longest word if need be (``Technolo`` / ``gy``), and drops columns it cannot fit.
    Here every column gets at least the width of its longest word: when the columns' minimum
    widths fit, the spare width goes to the columns that would wrap; when they do not, the
    columns are printed in several panels, each repeating the first ``keep`` columns (the row
    labels), one below the other.
    """
    width = con.width
    indexes = list(range(len(table.columns)))
    keys, rest = indexes[:keep], indexes[keep:]
    panels: list[list[int]] = []
    current = list(keys)
    for i in rest:
        trial = [*current, i]
        if len(current) > len(keys) and _minimum(con, _panel(table, trial)) > width:
            panels.append(current)
            current = [*keys, i]
        else:
            current = trial
    panels.append(current)
    for n, columns in enumerate(panels):
        panel = table if len(panels) == 1 else _panel(table, columns)
        if n:
            panel.title = None
        _widen(con, panel, width)
        con.print(panel)


def _panel(table: Any, columns: list[int]) -> Any:
    """The table with only ``columns`` (their cells and the rows kept)."""
    import copy

    panel = copy.copy(table)
    panel.columns = []
    for new, old in enumerate(columns):
        column = copy.copy(table.columns[old])
        column._index = new
        panel.columns.append(column)
    return panel


def _measures(con: Any, table: Any) -> list[Any]:
    """Each column's (minimum, maximum) width, padding included; a column that never wraps
    needs its longest line."""
    out = []
    for c in table.columns:
        m = table._measure_column(con, con.options, c)
        out.append(m.with_minimum(m.maximum) if c.no_wrap else m)
    return out


def _minimum(con: Any, table: Any) -> int:
    return int(sum(m.minimum for m in _measures(con, table)) + table._extra_width)


def _widen(con: Any, table: Any, width: int) -> None:
    """Give each column a fixed width between its longest word and its longest line, sharing the
    width left over in proportion to what each column would need to wrap no line."""
    measures = _measures(con, table)
    room = width - table._extra_width
    if sum(m.maximum for m in measures) <= room or sum(m.minimum for m in measures) > room:
        return  # fits as it is, or one column alone is wider than the console: Rich folds it
    spare = room - sum(m.minimum for m in measures)
    wants = [m.maximum - m.minimum for m in measures]
    total = sum(wants)
    shares = [spare * w / total for w in wants]
    extra = [int(s) for s in shares]
    left = spare - sum(extra)
    for i in sorted(range(len(shares)), key=lambda i: extra[i] - shares[i])[:left]:
        extra[i] += 1
    for column, m, add in zip(table.columns, measures, extra, strict=True):
        column.width = m.minimum + add - table._get_padding_width(column._index)
