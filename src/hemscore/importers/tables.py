"""Spreadsheets to profiles and back: ``hemscore import table`` and ``hemscore export``.

Two layouts are read, from CSV (UTF-8, with or without a byte-order mark) or XLSX (openpyxl,
the ``xlsx`` extra):

- **wide**: one row per profile. Columns ``name``, ``kind``, ``year`` (required), ``country``,
  ``description``; one column per metric, headed by its id (``technology.rd_intensity_pct``),
  its key alone when that names one metric (``rd_intensity_pct``), or its English or Chinese
  title; ``<metric>.year``, ``<metric>.source`` and ``<metric>.note`` columns for provenance;
  ``<metric>[LABEL]`` columns for a shares table (``exports.destination_shares[US]``) or a
  series (``exports.new_product_sales_series[2019]``); ``waiver.<RULE>`` columns for waivers.
- **long**: one row per value, columns ``profile, metric, value`` and optional ``year``,
  ``source``, ``note``, ``label`` (a share's label or a series' year). Rows whose metric is
  ``kind``, ``year``, ``country`` or ``description`` set the profile's header; ``waiver.<RULE>``
  rows its waivers.

Every profile built is checked by the one profile loader (exactly what ``assess`` reads), and
every problem is reported at once as ``FILE:ROW:COLUMN: message`` (columns as a spreadsheet
letters them). Pure: returns profiles as TOML texts, or raises with every problem; writing
files is the caller's.

``export`` writes the wide layout with every provenance column, so that importing an export
gives back the same profiles (the tests hold the round trip to that).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hemscore.base.errors import (
    HemscoreError,
    ProfileError,
    UsageError,
    ValidationErrors,
    did_you_mean,
)
from hemscore.base.safe_text import csv_cell, csv_quoted, csv_unguard, formula_guard, xml_chars
from hemscore.model.catalogue import Metric
from hemscore.model.profile import Profile, validate_profile
from hemscore.reading.tomlsource import decode, read_limited, read_toml

#: Largest table read, in bytes (a sheet of thousands of profiles).
MAX_TABLE_BYTES = 20_000_000
HEADER = ("name", "kind", "year", "country", "description")
PROVENANCE = ("year", "source", "note")
LONG_COLUMNS = ("profile", "metric", "value", "year", "source", "note", "label")
XLSX_HINT = "reading XLSX needs openpyxl: pip install 'hemscore[xlsx]'"
_LABELLED = re.compile(r"^(?P<metric>.+?)\[(?P<label>[^\]]*)\]$")


class TableErrors(ValidationErrors):
    """Every problem found in a table."""


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet names it: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class Cell:
    """Where a value came from: its row (1-based) and column (0-based)."""

    row: int
    column: int


@dataclass
class Draft:
    """A profile being built from a table, with where each entry came from."""

    name: str
    row: int
    header: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: dict[str, str] = field(default_factory=dict)
    cells: dict[tuple[str, ...], Cell] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # metrics with a cell already reported


class Table:
    """Rows of cells read from a CSV or XLSX file; row 1 is the header."""

    def __init__(self, path: str, rows: list[list[Any]]) -> None:
        self.path = path
        self.rows = rows

    @property
    def header(self) -> list[str]:
        return [
            str(c).strip() if c is not None else "" for c in (self.rows[0] if self.rows else [])
        ]


def read_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file (by its suffix) into rows, bounded in size."""
    name = str(path)
    p = Path(path)
    raw = read_limited(p, ProfileError, "a CSV or XLSX file", limit=MAX_TABLE_BYTES)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return Table(name, _xlsx_rows(raw, name, sheet))
    if sheet is not None:
        raise UsageError("--sheet is for XLSX files", path=name)
    text = decode(raw, name, ProfileError)
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ProfileError(f"not a CSV table: {exc}", path=name) from None
    return Table(name, rows)


def _xlsx_rows(raw: bytes, name: str, sheet: str | None) -> list[list[Any]]:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        raise UsageError(XLSX_HINT, path=name) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ProfileError(f"not an XLSX workbook: {type(exc).__name__}", path=name) from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise UsageError(
                f'no sheet "{sheet}" (sheets: {", ".join(book.sheetnames)})', path=name
            )
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    return rows


def _blank(row: Sequence[Any]) -> bool:
    return all(_text(c) is None and not isinstance(c, bool) for c in row)


# -- reading cells ------------------------------------------------------------------------------


def _text(cell: Any) -> str | None:
    """A cell as text (None when empty); a spreadsheet guard apostrophe is dropped."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    s = str(cell).strip()
    if not s:
        return None
    return csv_unguard(s)  # the guards export puts in


def _number(cell: Any, integer: bool) -> Any:
    """A numeric cell as int or float; raises ValueError with the reason."""
    if isinstance(cell, bool):
        raise ValueError(f"expected a number, got {str(cell).lower()}")  # noqa: TRY004 - a cell
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise ValueError("must be a finite number")
        return int(cell) if integer and cell.is_integer() else cell
    s = _text(cell)
    assert s is not None
    try:
        if integer and re.fullmatch(r"[+-]?\d+", s):
            return int(s)
        v = (
            float(s.replace(",", ""))
            if re.fullmatch(r"[+-]?[\d,]*\.?\d+(e[+-]?\d+)?", s, re.IGNORECASE)
            else None
        )
    except ValueError:
        v = None
    if v is None or not math.isfinite(v):
        raise ValueError(f'expected a number, got "{s}"')
    return v


def _boolean(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    s = (_text(cell) or "").lower()
    if s in ("true", "yes", "1", "是"):
        return True
    if s in ("false", "no", "0", "否"):
        return False
    raise ValueError(f'expected true or false, got "{_text(cell)}"')


def _value(metric: Metric, cell: Any) -> Any:
    if metric.type == "bool":
        return _boolean(cell)
    return _number(cell, metric.type == "integer")


def _year(cell: Any) -> int:
    v = _number(cell, True)
    if not isinstance(v, int):
        raise ValueError(f"expected a year such as 2021, got {v!r}")  # noqa: TRY004 - a cell
    return v


# -- resolving column names ---------------------------------------------------------------------


class Names:
    """Resolves a metric named by id, key, or English or Chinese title."""

    def __init__(self, metrics: Mapping[str, Metric]) -> None:
        self.metrics = metrics
        self.by_name: dict[str, str | None] = {}
        for mid, m in metrics.items():
            self.by_name[mid.lower()] = mid
            for alias in (m.name, m.text("en", "title"), m.text("zh", "title")):
                key = alias.strip().lower()
                if not key:
                    continue
                # a key or title two metrics share names neither
                self.by_name[key] = None if self.by_name.get(key, mid) != mid else mid

    def find(self, text: str) -> str | None:
        return self.by_name.get(text.strip().lower())

    def suggest(self, text: str) -> str:
        return did_you_mean(text, [k for k, v in self.by_name.items() if v])


@dataclass(frozen=True)
class Column:
    """What a wide table's column holds."""

    role: str  # "header", "value", "provenance", "item", "waiver"
    key: str  # header key, metric id, or rule id
    extra: str = ""  # provenance key, or the share's label / series' year


def _wide_column(name: str, names: Names) -> Column | str:
    """The column's meaning, or the problem with its name."""
    low = name.strip().lower()
    if low in HEADER:
        return Column("header", low)
    if low.startswith("waiver."):
        rid = name.strip()[len("waiver.") :]
        return Column("waiver", rid) if rid else "a waiver column needs a rule id: waiver.RULE"
    m = _LABELLED.match(name.strip())
    if m:
        mid = names.find(m.group("metric"))
        if mid is None:
            return f'unknown metric "{m.group("metric")}"{names.suggest(m.group("metric"))}'
        if names.metrics[mid].type not in ("shares", "series"):
            return f"{mid} is a single value, not a shares table or a series: drop the [...]"
        return Column("item", mid, m.group("label").strip())
    for prov in PROVENANCE:
        if low.endswith("." + prov):
            mid = names.find(name.strip()[: -len(prov) - 1])
            if mid is not None:
                return Column("provenance", mid, prov)
    mid = names.find(name)
    if mid is None:
        return f'unknown column "{name.strip()}"{names.suggest(name)}'
    if names.metrics[mid].type in ("shares", "series"):
        return f"{mid} is a table: give one column per item, {mid}[LABEL]"
    return Column("value", mid)


# -- building profiles --------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """One profile built from a table: its TOML text and the profile the loader made of it."""

    name: str
    row: int
    text: str
    profile: Profile


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[tuple[int, int, HemscoreError]] = []

    def add(self, row: int, column: int | None, message: str, key: str | None = None) -> None:
        where = f"{self.path}:{row}" + ("" if column is None else f":{column_letter(column)}")
        self.items.append((row, column or 0, ProfileError(message, path=where, key=key)))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda t: (t[0], t[1]))
            raise TableErrors([e for _, _, e in self.items])


def import_table(
    table: Table,
    metrics: Mapping[str, Metric],
    *,
    layout: str = "auto",
    default_source: str | None = None,
) -> list[Imported]:
    """Profiles from a table; every problem at once (:class:`TableErrors`)."""
    problems = _Problems(table.path)
    if not table.rows:
        problems.add(1, None, "the table is empty: expected a header row and data rows")
        problems.raise_if_any()
    header = table.header
    lowered = [h.lower() for h in header]
    if layout == "auto":
        layout = "long" if {"profile", "metric", "value"} <= set(lowered) else "wide"
    names = Names(metrics)
    if layout == "long":
        drafts = _long(table, lowered, names, problems)
    else:
        drafts = _wide(table, header, names, problems)
    return _finish(drafts, table, metrics, default_source, problems)


def _set(draft: Draft, metric: Metric, entry: str, value: Any, cell: Cell) -> None:
    table = draft.sections.setdefault(metric.diagnostic, {})
    spec = table.setdefault(metric.name, {})
    spec[entry] = value
    draft.cells[(metric.diagnostic, metric.name, entry)] = cell
    draft.cells.setdefault((metric.diagnostic, metric.name), cell)


def _wide(table: Table, header: list[str], names: Names, problems: _Problems) -> list[Draft]:
    columns: list[Column | None] = []
    seen: dict[tuple[str, str, str], int] = {}
    for j, name in enumerate(header):
        if not name:
            columns.append(None)
            continue
        col = _wide_column(name, names)
        if isinstance(col, str):
            problems.add(1, j, col)
            columns.append(None)
            continue
        ident = (col.role, col.key, col.extra)
        if ident in seen:
            problems.add(1, j, f'the same column as {column_letter(seen[ident])} ("{name}")')
        seen[ident] = j
        columns.append(col)
    for required in ("name", "kind", "year"):
        if ("header", required, "") not in seen:
            problems.add(
                1, None, f'no "{required}" column (wide layout: name, kind, year, metrics…)'
            )
    drafts: list[Draft] = []
    for i, row in enumerate(table.rows[1:], start=2):
        if _blank(row):
            continue
        name_at = seen.get(("header", "name", ""))
        title = _text(row[name_at]) if name_at is not None and name_at < len(row) else None
        draft = Draft(title or "", i)
        if not title:
            problems.add(i, name_at, "name is empty")
        for j, cell in enumerate(row):
            what = columns[j] if j < len(columns) else None
            if what is None or _text(cell) is None and not isinstance(cell, bool):
                if what is None and j >= len(columns) and _text(cell) is not None:
                    problems.add(i, j, "a value under no column header")
                continue
            _put(draft, what, cell, Cell(i, j), names, problems)
        drafts.append(draft)
    return drafts


def _put(
    draft: Draft, col: Column, cell: Any, where: Cell, names: Names, problems: _Problems
) -> None:
    try:
        if col.role == "header":
            if col.key == "year":
                draft.header["year"] = _year(cell)
            else:
                draft.header[col.key] = _text(cell)
            draft.cells[("profile", col.key)] = where
        elif col.role == "waiver":
            draft.waivers[col.key] = _text(cell) or ""
            draft.cells[("waivers", col.key)] = where
        else:
            metric = names.metrics[col.key]
            if col.role == "value":
                _set(draft, metric, "value", _value(metric, cell), where)
            elif col.role == "provenance":
                value = _year(cell) if col.extra == "year" else _text(cell)
                _set(draft, metric, col.extra, value, where)
            else:  # one item of a shares table or series
                spec = draft.sections.setdefault(metric.diagnostic, {}).setdefault(metric.name, {})
                items = spec.setdefault("value", {})
                items[col.extra] = _number(cell, False)
                draft.cells[(metric.diagnostic, metric.name, "value", col.extra)] = where
                draft.cells.setdefault((metric.diagnostic, metric.name), where)
    except ValueError as exc:
        problems.add(where.row, where.column, str(exc), key=col.key)
        draft.bad.add(col.key)


def _long(table: Table, lowered: list[str], names: Names, problems: _Problems) -> list[Draft]:
    at: dict[str, int] = {}
    for j, h in enumerate(lowered):
        if h in LONG_COLUMNS:
            if h in at:
                problems.add(1, j, f'a second "{h}" column')
            at[h] = j
        elif h:
            problems.add(1, j, f'unknown column "{h}" (long layout: {", ".join(LONG_COLUMNS)})')
    drafts: dict[str, Draft] = {}

    def get(row: list[Any], key: str) -> Any:
        j = at.get(key)
        return row[j] if j is not None and j < len(row) else None

    for i, row in enumerate(table.rows[1:], start=2):
        if _blank(row):
            continue
        name = _text(get(row, "profile"))
        what = _text(get(row, "metric"))
        if not name or not what:
            problems.add(
                i, at.get("profile" if not name else "metric"), "profile and metric are required"
            )
            continue
        draft = drafts.setdefault(name, Draft(name, i))
        value, vj = get(row, "value"), at.get("value", 0)
        low = what.lower()
        if low in HEADER[1:]:
            _put(draft, Column("header", low), value, Cell(i, vj), names, problems)
            continue
        if low.startswith("waiver."):
            _put(
                draft, Column("waiver", what[len("waiver.") :]), value, Cell(i, vj), names, problems
            )
            continue
        mid = names.find(what)
        if mid is None:
            problems.add(i, at.get("metric"), f'unknown metric "{what}"{names.suggest(what)}')
            continue
        metric = names.metrics[mid]
        label = _text(get(row, "label"))
        if metric.type in ("shares", "series"):
            if label is None:
                problems.add(
                    i,
                    at.get("label"),
                    f"{mid} is a table: give each item's label (or year) in a label column",
                )
                continue
            if (metric.diagnostic, metric.name, "value", label) in draft.cells:
                problems.add(i, at.get("label"), f'a second row for {mid} "{label}"')
                continue
            if _text(value) is None:
                problems.add(i, vj, "value is empty")
                continue
            _put(draft, Column("item", mid, label), value, Cell(i, vj), names, problems)
        else:
            if (metric.diagnostic, metric.name, "value") in draft.cells:
                problems.add(i, at.get("metric"), f"a second row for {mid}")
                continue
            if _text(value) is None and not isinstance(value, bool):
                problems.add(i, vj, "value is empty")
                continue
            _put(draft, Column("value", mid), value, Cell(i, vj), names, problems)
        for prov in PROVENANCE:
            cell = get(row, prov)
            if _text(cell) is not None and prov in at:
                _put(
                    draft, Column("provenance", mid, prov), cell, Cell(i, at[prov]), names, problems
                )
    return list(drafts.values())


def _finish(
    drafts: Sequence[Draft],
    table: Table,
    metrics: Mapping[str, Metric],
    default_source: str | None,
    problems: _Problems,
) -> list[Imported]:
    import tomli_w

    out: list[Imported] = []
    names_seen: dict[tuple[str, Any], int] = {}
    for d in drafts:
        key = (d.name, d.header.get("year"))
        if key in names_seen:
            problems.add(
                d.row,
                None,
                f'the profile "{d.name}" ({key[1]}) is already on row {names_seen[key]}',
            )
            continue
        names_seen[key] = d.row
        data: dict[str, Any] = {
            "profile": {"name": d.name, **{k: v for k, v in d.header.items() if v is not None}}
        }
        for section, entries in d.sections.items():
            body: dict[str, Any] = {}
            for key_, spec in entries.items():
                if "value" not in spec:
                    if f"{section}.{key_}" not in d.bad:  # else its value was reported
                        where = d.cells[(section, key_)]
                        problems.add(
                            where.row,
                            where.column,
                            "provenance without a value",
                            key=f"{section}.{key_}",
                        )
                    continue
                if default_source and "source" not in spec:
                    spec = {**spec, "source": default_source}
                body[key_] = spec["value"] if set(spec) == {"value"} else spec
            if body:
                data[section] = body
        if d.waivers:
            data["waivers"] = d.waivers
        text = tomli_w.dumps(data)
        try:
            doc = read_toml(f"{table.path}:{d.row}", text=text, error=ProfileError)
            profile = validate_profile(doc, metrics)
        except HemscoreError as err:
            for p in getattr(err, "problems", [err]):
                where = _cell_for(d, p.key)
                problems.add(where.row, where.column, p.message, key=p.key)
            continue
        out.append(Imported(d.name, d.row, text, profile))
    problems.raise_if_any()
    return out


def _cell_for(d: Draft, key: str | None) -> Cell:
    if key:
        parts = tuple(key.split("."))
        for n in range(len(parts), 0, -1):
            if parts[:n] in d.cells:
                return d.cells[parts[:n]]
    return Cell(d.row, -1)


# -- file names ---------------------------------------------------------------------------------


def file_name(name: str, year: int) -> str:
    """A file name for a profile: its name (letters of any script kept) and year."""
    slug = re.sub(r"[^\w]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-_")
    return f"{slug or 'profile'}-{year}.toml"


# -- export -------------------------------------------------------------------------------------


def export_rows(profiles: Sequence[Profile], metrics: Mapping[str, Metric]) -> list[list[Any]]:
    """The wide table of raw values with provenance: a header row, then one row per profile."""
    used = [mid for mid in metrics if any(mid in p.values for p in profiles)]
    columns: list[tuple[str, Any]] = [(h, ("header", h)) for h in HEADER]
    for mid in used:
        m = metrics[mid]
        mvs = [p.values[mid] for p in profiles if mid in p.values]
        if m.type in ("shares", "series"):
            labels: list[Any] = []
            for mv in mvs:
                labels += [k for k in mv.value if k not in labels]
            if m.type == "series":
                labels.sort()
            columns += [(f"{mid}[{lab}]", ("item", mid, lab)) for lab in labels]
        else:
            columns.append((mid, ("value", mid)))
        for prov in PROVENANCE:
            if any(getattr(mv, prov) is not None for mv in mvs):
                columns.append((f"{mid}.{prov}", ("prov", mid, prov)))
    waiver_ids = sorted({rid for p in profiles for rid in p.waivers})
    columns += [(f"waiver.{rid}", ("waiver", rid)) for rid in waiver_ids]
    rows: list[list[Any]] = [[c[0] for c in columns]]
    for p in profiles:
        row: list[Any] = []
        for _, spec in columns:
            kind = spec[0]
            if kind == "header":
                row.append(getattr(p, spec[1]))
            elif kind == "waiver":
                row.append(p.waivers.get(spec[1]))
            else:
                held = p.values.get(spec[1])
                if held is None:
                    row.append(None)
                elif kind == "item":
                    row.append(held.value.get(spec[2]))
                elif kind == "value":
                    row.append(held.value)
                else:
                    row.append(getattr(held, spec[2]))
        rows.append(row)
    return rows


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    return csv_cell(str(v))


def export_csv(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV, lines ending in LF: a cell holding a comma, quote, CR or LF is quoted; text
    that a spreadsheet would run as a formula gets a leading apostrophe, which ``import table``
    drops again."""
    return "".join(",".join(csv_quoted(_csv_cell(v)) for v in row) + "\n" for row in rows)


def export_xlsx(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as an XLSX workbook of one sheet."""
    try:
        import openpyxl
    except ImportError:
        raise UsageError(XLSX_HINT.replace("reading", "writing")) from None
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("profiles")
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsx_cell(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    v = xml_chars(v)  # XLSX is XML: characters it cannot carry are shown as escapes
    return formula_guard(v)
