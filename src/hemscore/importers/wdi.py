"""World Bank WDI indicator files in, hemscore country profiles out.

Two layouts are read:

- the long form of the reference extract: a header ``economy,year,<indicator>`` (the WDI code in
  lower case, dots as underscores), then one row per economy and year, economies as ISO 3166
  alpha-3 codes in lower case;
- the World Bank's wide download (``API_<CODE>_DS2_<lang>_csv_v2_<n>.csv``): four preamble
  lines (``"Data Source","World Development Indicators",``, a blank line,
  ``"Last Updated Date","<date>",``, a blank line), then the header ``"Country Name","Country
  Code","Indicator Name","Indicator Code","1960",…`` with one column per year; an empty cell is
  a value not published.

Which indicator feeds which catalogue metric, the derived measures and the known economies are
data (``wdi.toml`` beside this module). :func:`read_files` reads and checks every row and raises
a :class:`WdiError` naming the file and line of the first problem; :func:`build_profiles` is
pure and turns the rows into one profile document per economy for one year;
:func:`write_profiles` writes them all or nothing.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hemscore.base.datawindow import window
from hemscore.base.errors import HemscoreError
from hemscore.model.catalogue import Metric, builtin_diagnostics

TABLE_PATH = Path(__file__).with_name("wdi.toml")
#: A WDI wide download is a few hundred kilobytes; anything far larger is not one.
MAX_FILE_BYTES = 16_000_000
PROVENANCE_FILE = "provenance.tsv"
WIDE_FIXED = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
DERIVED_METHODS = ("ratio", "share_pct", "series")


class WdiError(HemscoreError):
    """A WDI file, or the mapping table, that cannot be imported (exit code 2)."""


@dataclass(frozen=True)
class IndicatorSpec:
    """One WDI indicator the importer knows, and the metric it maps onto (if any)."""

    code: str
    title: str
    metric: str | None = None

    @property
    def column(self) -> str:
        """Its column name in the long form: ``GB.XPD.RSDV.GD.ZS`` -> ``gb_xpd_rsdv_gd_zs``."""
        return self.code.lower().replace(".", "_")


@dataclass(frozen=True)
class DerivedSpec:
    """A catalogue metric computed from indicators (see ``wdi.toml`` for the methods)."""

    metric: str
    method: str
    inputs: tuple[str, ...]  # ratio: numerator, denominator; share_pct: part, rest; series: one
    digits: int
    divide_by: float = 1.0
    note: str = ""  # e.g. the unit after divide_by, written into the source


@dataclass(frozen=True)
class Economy:
    code: str  # ISO 3166 alpha-3, lower case
    iso2: str
    name: str


@dataclass(frozen=True)
class WdiTable:
    """The declared mapping: indicators, derived measures and economies."""

    publisher: str
    licence: str
    ddf_repository: str
    first_year: int
    last_year: int
    indicators: dict[str, IndicatorSpec]
    derived: dict[str, DerivedSpec]
    economies: dict[str, Economy]

    def by_column(self, column: str) -> IndicatorSpec | None:
        for spec in self.indicators.values():
            if spec.column == column:
                return spec
        return None


@dataclass(frozen=True)
class Observation:
    """One published value: where it was read and from which release."""

    value: float
    path: str
    line: int
    release: str


@dataclass
class WdiData:
    """Every value read: (indicator code, economy, year) -> observation."""

    rows: dict[tuple[str, str, int], Observation] = field(default_factory=dict)
    skipped_economies: set[str] = field(default_factory=set)

    def get(self, code: str, economy: str, year: int) -> Observation | None:
        return self.rows.get((code, economy, year))

    @property
    def economies(self) -> set[str]:
        return {e for _, e, _ in self.rows}

    @property
    def years(self) -> set[int]:
        return {y for _, _, y in self.rows}


# ---------------------------------------------------------------------------------------------
# the mapping table
# ---------------------------------------------------------------------------------------------


def load_table(path: Path = TABLE_PATH, metrics: Mapping[str, Metric] | None = None) -> WdiTable:
    """Read and check the mapping table; with ``metrics``, every mapped metric must exist."""
    from hemscore.reading.tomlsource import read_toml

    doc = read_toml(path, error=WdiError)
    name = str(path)

    def fail(msg: str, *keys: str) -> WdiError:
        return WdiError(msg, path=name, line=doc.line_of(*keys) if keys else None)

    data = doc.data
    head = data.get("wdi", {})
    indicators: dict[str, IndicatorSpec] = {}
    for code, spec in data.get("indicators", {}).items():
        metric = spec.get("metric")
        if metric is not None and metrics is not None and metric not in metrics:
            raise fail(f'unknown metric "{metric}"', "indicators", code, "metric")
        indicators[code] = IndicatorSpec(code, str(spec.get("title", code)), metric)
    derived: dict[str, DerivedSpec] = {}
    for metric, spec in data.get("derived", {}).items():
        if metrics is not None and metric not in metrics:
            raise fail(f'unknown metric "{metric}"', "derived", metric)
        method = spec.get("method")
        keys = {
            "ratio": ("numerator", "denominator"),
            "share_pct": ("part", "rest"),
            "series": ("indicator",),
        }.get(method)
        if keys is None:
            raise fail(f"method must be one of {', '.join(DERIVED_METHODS)}", "derived", metric)
        inputs = tuple(str(spec.get(k)) for k in keys)
        for k, code in zip(keys, inputs):
            if code not in indicators:
                raise fail(f'unknown indicator "{code}"', "derived", metric, k)
        derived[metric] = DerivedSpec(
            metric,
            method,
            inputs,
            int(spec.get("digits", 4)),
            float(spec.get("divide_by", 1.0)),
            str(spec.get("note", "")),
        )
    economies = {
        code: Economy(code, str(e["iso2"]), str(e["name"]))
        for code, e in data.get("economies", {}).items()
    }
    return WdiTable(
        publisher=str(head.get("publisher", "World Bank WDI")),
        licence=str(head.get("licence", "CC BY 4.0")),
        ddf_repository=str(head.get("ddf_repository", "")),
        first_year=int(head.get("first_year", 1960)),
        last_year=int(head.get("last_year", 2100)),
        indicators=indicators,
        derived=derived,
        economies=economies,
    )


# ---------------------------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------------------------


def input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a directory gives every ``*.csv`` directly inside it, in sorted order."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() == ".csv" and q.is_file())
            if not found:
                raise WdiError("no .csv files in this directory", path=str(raw))
            out.extend(found)
        else:
            out.append(p)
    return out


def _read_text(path: Path) -> str:
    from hemscore.reading.tomlsource import decode, read_limited

    name = str(path)
    raw = read_limited(path, WdiError, "a CSV file", limit=MAX_FILE_BYTES)
    return decode(raw, name, WdiError)


def _show(text: str, limit: int = 40) -> str:
    """A value from the file, quoted for a one-line message (escapes, cut short)."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    return '"' + shown.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


def _lines(text: str) -> list[str]:
    """The file's lines, split on line breaks only (``\n`` or ``\r\n``), so line numbers match
    what an editor shows even when a value holds another Unicode line separator."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the line break that ends the last line
    return lines


def _number(text: str, name: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise WdiError(f"not a number: {_show(text)}", path=name, line=line) from None
    if not math.isfinite(value):
        raise WdiError(f"not a finite number: {_show(text)}", path=name, line=line)
    return value


def _year(text: str, table: WdiTable, name: str, line: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise WdiError(f"not a year: {_show(text)}", path=name, line=line)
    year = int(text)
    if not table.first_year <= year <= table.last_year:
        raise WdiError(
            f"year {year} is outside {table.first_year}–{table.last_year}", path=name, line=line
        )
    return year


def _provenance_release(path: Path, column: str, table: WdiTable) -> str | None:
    """The release of a long-form file from the ``provenance.tsv`` beside it, if there is one."""
    prov = path.parent / PROVENANCE_FILE
    if not prov.is_file():
        return None
    text = _read_text(prov)
    lines = _lines(text)
    header = lines[0].split("\t") if lines else []
    if "indicator" not in header or "commit" not in header:
        raise WdiError("expected columns indicator and commit", path=str(prov), line=1)
    i, c = header.index("indicator"), header.index("commit")
    for number, row in enumerate(lines[1:], start=2):
        cells = row.split("\t")
        if len(cells) != len(header):
            raise WdiError(
                f"{len(cells)} fields, the header has {len(header)}", path=str(prov), line=number
            )
        if cells[i] == column:
            commit = cells[c].strip()
            if not commit:
                raise WdiError("empty commit", path=str(prov), line=number)
            return f"{table.ddf_repository}@{commit[:10]}"
    return None


def read_files(
    paths: Sequence[str | Path],
    table: WdiTable,
    *,
    release: str | None = None,
    skip_other_economies: bool = False,
) -> WdiData:
    """Read every file (long form or wide download) into one :class:`WdiData`.

    ``release`` names the WDI release of every file, overriding what a file or its
    ``provenance.tsv`` says. Any problem raises :class:`WdiError` with the file and line.
    """
    data = WdiData()
    for path in input_files(paths):
        text = _read_text(path)
        first = text.split("\n", 1)[0].strip()
        if first.startswith("economy,"):
            _read_long(path, text, table, data, release, skip_other_economies)
        elif first.startswith(('"Data Source"', "Data Source")):
            _read_wide(path, text, table, data, release, skip_other_economies)
        else:
            raise WdiError(
                "not a WDI file: expected the header economy,year,<indicator> or the World "
                'Bank download layout (first line "Data Source",…)',
                path=str(path),
                line=1,
            )
    return data


def _add(
    data: WdiData,
    key: tuple[str, str, int],
    obs: Observation,
) -> None:
    before = data.rows.get(key)
    if before is not None:
        raise WdiError(
            f"duplicate row: {key[0]} for {key[1]} in {key[2]} was already read at "
            f"{before.path}:{before.line}",
            path=obs.path,
            line=obs.line,
        )
    data.rows[key] = obs


def _economy(
    raw: str, table: WdiTable, data: WdiData, skip: bool, name: str, line: int
) -> str | None:
    code = raw.strip().lower()
    if code in table.economies:
        return code
    if skip:
        data.skipped_economies.add(code)
        return None
    raise WdiError(
        f"unknown economy {_show(raw)} (known: the {len(table.economies)} economies of "
        "hemscore/importers/wdi.toml; --skip-other-economies leaves others out)",
        path=name,
        line=line,
    )


def _read_long(
    path: Path, text: str, table: WdiTable, data: WdiData, release: str | None, skip: bool
) -> None:
    name = str(path)
    lines = _lines(text)
    header = lines[0].strip().split(",")
    if len(header) != 3 or header[:2] != ["economy", "year"]:
        raise WdiError("wrong header: expected economy,year,<indicator>", path=name, line=1)
    spec = table.by_column(header[2])
    if spec is None:
        raise WdiError(
            f"unknown indicator {_show(header[2])} (known: the indicators of "
            "hemscore/importers/wdi.toml)",
            path=name,
            line=1,
        )
    rel = release or _provenance_release(path, header[2], table)
    if rel is None:
        raise WdiError(
            f"no release known for {spec.code}: put {PROVENANCE_FILE} beside the file or give "
            "--release",
            path=name,
        )
    for number, row in enumerate(lines[1:], start=2):
        if not row.strip():
            raise WdiError("empty line", path=name, line=number)
        cells = row.split(",")
        if len(cells) != 3:
            raise WdiError(f"{len(cells)} fields, expected 3", path=name, line=number)
        economy = _economy(cells[0], table, data, skip, name, number)
        year = _year(cells[1].strip(), table, name, number)
        value = _number(cells[2].strip(), name, number)
        if economy is not None:
            _add(data, (spec.code, economy, year), Observation(value, name, number, rel))


def _read_wide(
    path: Path, text: str, table: WdiTable, data: WdiData, release: str | None, skip: bool
) -> None:
    name = str(path)
    lines = _lines(text)
    rows = list(csv.reader(lines))
    if len(rows) < 5:
        raise WdiError(
            "truncated: the file ends before the header (line 5 of the World Bank layout)",
            path=name,
            line=len(lines) or 1,
        )
    if not rows[0] or rows[0][0].strip() != "Data Source":
        raise WdiError('wrong preamble: expected "Data Source" on line 1', path=name, line=1)
    if not rows[2] or rows[2][0].strip() != "Last Updated Date" or len(rows[2]) < 2:
        raise WdiError(
            'wrong preamble: expected "Last Updated Date","<date>" on line 3', path=name, line=3
        )
    updated = rows[2][1].strip()
    header = rows[4]
    if header and header[-1] == "":  # the World Bank ends every line with a comma
        header = header[:-1]
    if tuple(h.strip() for h in header[:4]) != WIDE_FIXED:
        raise WdiError(
            'wrong header: expected "Country Name","Country Code","Indicator Name",'
            '"Indicator Code", then one column per year',
            path=name,
            line=5,
        )
    years = [_year(h.strip(), table, name, 5) for h in header[4:]]
    if not years:
        raise WdiError("wrong header: no year columns", path=name, line=5)
    rel = release or f"{table.publisher} last updated {updated}"
    width = len(header)
    for number, cells in enumerate(rows[5:], start=6):
        if not cells:
            continue  # blank lines between or after rows carry nothing
        if cells[-1] == "" and len(cells) == width + 1:
            cells = cells[:-1]
        if len(cells) != width:
            raise WdiError(
                f"truncated row: {len(cells)} fields, the header has {width}",
                path=name,
                line=number,
            )
        code = cells[3].strip()
        spec = table.indicators.get(code)
        if spec is None:
            raise WdiError(
                f"unknown indicator {_show(code)} (known: the indicators of "
                "hemscore/importers/wdi.toml)",
                path=name,
                line=number,
            )
        economy = _economy(cells[1], table, data, skip, name, number)
        for year, cell in zip(years, cells[4:]):
            if not cell.strip():
                continue
            value = _number(cell.strip(), name, number)
            if economy is not None:
                _add(data, (code, economy, year), Observation(value, name, number, rel))
    if not text.endswith("\n"):
        # A download cut off mid-row may still split into the right number of fields when the
        # cut falls on a comma; a complete World Bank file ends with a line break.
        raise WdiError("truncated: the last line has no line break", path=name, line=len(lines))


# ---------------------------------------------------------------------------------------------
# building profiles
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """How the year of each value is chosen."""

    year: int  # the profile's year
    latest: bool  # False: values of ``year`` only; True: the latest within the data window

    def years(self) -> list[int]:
        """Candidate years, latest first."""
        return sorted(window(self.year), reverse=True) if self.latest else [self.year]

    def describe(self) -> str:
        if not self.latest:
            return f"values of {self.year}"
        w = window(self.year)
        return f"the latest value within {w[0]}–{w[-1]}"


def _releases(obs: Sequence[tuple[str, Observation]]) -> str:
    distinct = sorted({o.release for _, o in obs})
    if len(distinct) == 1:
        return f"release {distinct[0]}"
    # e.g. "releases repo@abc (CODE1), @def (CODE2)": the shared "repo" is written once
    prefixes = {o.release.partition("@")[0] for _, o in obs}
    if len(prefixes) == 1 and all("@" in o.release for _, o in obs):
        first, *rest = obs
        parts = [f"{first[1].release} ({first[0]})"]
        parts += [f"@{o.release.partition('@')[2]} ({code})" for code, o in rest]
        return "releases " + ", ".join(parts)
    return "releases " + ", ".join(f"{o.release} ({code})" for code, o in obs)


def _source(table: WdiTable, what: str, when: str, obs: Sequence[tuple[str, Observation]]) -> str:
    return f"{table.publisher} {what} ({table.licence}), {when}; {_releases(obs)}"


def _check_range(metric: Metric, value: float, where: Observation) -> None:
    lo, hi = metric.min, metric.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"{'' if lo is None else f'{lo:g}'}–{'' if hi is None else f'{hi:g}'}"
        raise WdiError(
            f"{metric.id} = {value:g} is outside its range {bounds}",
            path=where.path,
            line=where.line,
        )


def _values(
    economy: str,
    data: WdiData,
    table: WdiTable,
    metrics: Mapping[str, Metric],
    choice: Choice,
) -> dict[str, dict[str, Any]]:
    """metric id -> {value, year, source} for one economy."""
    out: dict[str, dict[str, Any]] = {}
    for spec in table.indicators.values():
        if spec.metric is None:
            continue
        for y in choice.years():
            o = data.get(spec.code, economy, y)
            if o is not None:
                _check_range(metrics[spec.metric], o.value, o)
                out[spec.metric] = {
                    "value": o.value,
                    "year": y,
                    "source": _source(table, spec.code, str(y), [(spec.code, o)]),
                }
                break
    for d in table.derived.values():
        entry = _derived(d, economy, data, table, choice)
        if entry is not None:
            out[d.metric] = entry
    return out


def _derived(
    d: DerivedSpec, economy: str, data: WdiData, table: WdiTable, choice: Choice
) -> dict[str, Any] | None:
    if d.method == "series":
        code = d.inputs[0]
        points = {
            y: o
            for (c, e, y), o in data.rows.items()
            if c == code and e == economy and y <= choice.year
        }
        if not points or max(points) not in choice.years():
            return None
        last = max(points)
        used = [(code, points[y]) for y in sorted(points)]
        return {
            "value": {
                str(y): round(points[y].value / d.divide_by, d.digits) for y in sorted(points)
            },
            "year": last,
            "source": _source(
                table,
                f"{code} {d.note}".strip(),
                f"{min(points)}–{last}",
                used[-1:],
            ),
        }
    a_code, b_code = d.inputs
    for y in choice.years():
        a, b = data.get(a_code, economy, y), data.get(b_code, economy, y)
        if a is None or b is None:
            continue
        if d.method == "ratio":
            if b.value <= 0 or a.value < 0:
                continue
            value, what = a.value / b.value, f"{a_code} ÷ {b_code}"
        else:
            total = a.value + b.value
            if total <= 0 or a.value < 0 or b.value < 0:
                continue
            value, what = 100.0 * a.value / total, f"100 × {a_code} ÷ ({a_code} + {b_code})"
        return {
            "value": round(value, d.digits),
            "year": y,
            "source": _source(table, what, str(y), [(a_code, a), (b_code, b)]),
        }
    return None


def build_profiles(
    data: WdiData, table: WdiTable, metrics: Mapping[str, Metric], choice: Choice
) -> dict[str, dict[str, Any]]:
    """One profile document per economy read (ISO3 -> TOML data), in a stable order."""
    docs: dict[str, dict[str, Any]] = {}
    for code in sorted(data.economies):
        eco = table.economies[code]
        values = _values(code, data, table, metrics, choice)
        doc: dict[str, Any] = {
            "profile": {
                "name": eco.name,
                "kind": "country",
                "year": choice.year,
                "country": eco.iso2,
                "description": (
                    f"{eco.name} from {table.publisher} indicators ({table.licence}), "
                    f"{choice.describe()}. Written by hemscore import wdi."
                ),
            }
        }
        sections = [*builtin_diagnostics(), *(mid.split(".", 1)[0] for mid in sorted(values))]
        for section in dict.fromkeys(sections):
            block = {
                mid.split(".", 1)[1]: values[mid]
                for mid in sorted(values)
                if mid.split(".", 1)[0] == section
            }
            if block:
                doc[section] = block
        docs[code] = doc
    return docs


def render_profile(doc: Mapping[str, Any]) -> str:
    """The TOML text of one profile document."""
    import tomli_w

    head = "# Generated by `hemscore import wdi`; regenerate it rather than editing it.\n\n"
    return head + tomli_w.dumps(dict(doc))


# ---------------------------------------------------------------------------------------------
# writing, all or nothing
# ---------------------------------------------------------------------------------------------


def refuse_replacing_inputs(output: Path, inputs: Sequence[Path]) -> None:
    """An import's OUTPUT folder is replaced as a whole: it must not be, or hold, an input."""
    from hemscore.base.errors import UsageError

    out = output.resolve()
    for p in inputs:
        q = p.resolve()
        if q == out or out in q.parents:
            raise UsageError(f"would replace the input {p}: write elsewhere", path=str(output))


def check_built(files: Mapping[str, str], output: Path) -> None:
    """Read every profile an import is about to write back through the profile validator
    (against the built-in catalogue); a profile that does not validate is a bug, and nothing
    is written."""
    from hemscore.base.errors import ProfileError
    from hemscore.model.catalogue import builtin_catalogue
    from hemscore.model.profile import validate_profile
    from hemscore.reading.tomlsource import read_toml

    for name, text in files.items():
        path = str(output / name)
        try:
            validate_profile(read_toml(path, text=text, error=ProfileError), builtin_catalogue())
        except HemscoreError as err:
            raise HemscoreError(
                f"the profile built does not validate ({err}); nothing written (please report this)",
                path=path,
            ) from None


def write_profiles(files: Mapping[str, str], out: Path, *, force: bool = False) -> None:
    """Write ``{file name: text}`` as the directory ``out``, all or nothing.

    Everything is written into a fresh directory beside ``out`` and moved into place once
    complete. An existing ``out`` is refused unless ``force``; with ``force`` it is replaced
    as a whole (its old content is removed only after the new one is in place).
    """
    target = out.resolve()
    exists = target.exists() or target.is_symlink()
    if exists and not force:
        raise WdiError("already exists (use --force to replace it)", path=str(out))
    if exists and not target.is_dir():
        raise WdiError("exists and is not a directory", path=str(out))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise WdiError(f"cannot write: {exc.strerror or exc}", path=str(out)) from None
    old: Path | None = None
    try:
        for fname, text in files.items():
            (tmp / fname).parent.mkdir(parents=True, exist_ok=True)
            (tmp / fname).write_text(text, encoding="utf-8", newline="\n")
        os.chmod(tmp, 0o777 & ~_umask())
        if exists:
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.rename(target, old / "content")
        os.rename(tmp, target)
    except OSError as exc:
        if old is not None and not target.exists():
            os.rename(old / "content", target)  # put the old directory back
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise WdiError(f"cannot write: {exc.strerror or exc}", path=str(out)) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
