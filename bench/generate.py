"""Seeded, cached claims extracts in the exact shape of ``standards/extracts/claims.csv``.

The title block, headers, ``%d/%m/%Y`` dates and value mixes follow
``tools/generate_example.py`` (the source of the shipped example). Per 20,000 rows one
row of each kind is made bad, to exercise the reject paths: an unparseable date, a
duplicate claim id (an earlier claim re-exported), a blank claim id, a decision dated
before lodgement, an unknown region.

Files are written once under ``bench/.cache/`` and reused until the row count is new or
``GENERATOR_VERSION`` changes (a ``.json`` stamp beside each file records both).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from bench import AS_OF, CACHE, HEADER, SHEET, TITLE

GENERATOR_VERSION = 1
SEED = 20250630
FIRST_DAY = dt.date(2024, 12, 1)
EXPORTED_AT = dt.datetime(2025, 6, 30, 23, 59)
DATES = ["Lodged Date", "Decided Date", "Entitlement Date", "First Payment Date"]
EXCEL_MAX_ROWS = 1_048_576
BAD_EVERY = 20_000
BAD_DATES = ["31/02/2025", "2025-13-01", "not known", "00/00/0000", "15/15/2025"]

REGIONS = {"North": 0.30, "South": 0.25, "East": 0.20, "West": 0.25}
MEAN_DAYS = {"North": 19.5, "South": 22.0, "East": 20.5, "West": 24.5}
BENEFITS = {"Retirement pension": 0.30, "Disability benefit": 0.20,
            "Unemployment benefit": 0.25, "Family allowance": 0.20, "Death grant": 0.05}
CHANNELS = {"Online": 0.55, "Office": 0.30, "Post": 0.15}
OUTCOMES = {"Granted": 0.80, "Refused": 0.15, "Withdrawn": 0.05}


@dataclass(frozen=True)
class Claims:
    frame: pl.DataFrame  # one column per header: text as Utf8, the four dates as Date
    bad: dict[str, dict[int, str]]  # date column → {row index: unparseable text}


def ensure(rows: int, fmt: str, *, force: bool = False) -> tuple[Path, float | None]:
    """The cached file of ``rows`` data rows in ``fmt`` (csv or xlsx), and the seconds it
    took to generate (None when it came from the cache)."""
    path = CACHE / f"claims-{rows}.{fmt}"
    stamp = path.with_name(path.name + ".json")
    wanted = {"generator": GENERATOR_VERSION, "seed": SEED, "rows": rows}
    if not force and path.exists() and stamp.exists():
        found = json.loads(stamp.read_text())
        if {k: found.get(k) for k in wanted} == wanted:
            return path, None
    if fmt == "xlsx" and rows + 4 > EXCEL_MAX_ROWS:
        raise ValueError(f"{rows:,} rows do not fit in an Excel sheet ({EXCEL_MAX_ROWS:,} rows)")
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    claims = build(rows)
    tmp = path.with_name(path.name + ".tmp")
    writer = _write_csv(claims, tmp) if fmt == "csv" else _write_xlsx(claims, tmp)
    os.replace(tmp, path)
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps(wanted | {"writer": writer, "seconds": round(seconds, 1)}))
    return path, seconds


@lru_cache(maxsize=1)
def build(rows: int) -> Claims:
    rng = np.random.default_rng(SEED)
    first, as_of = np.datetime64(FIRST_DAY, "D"), np.datetime64(AS_OF, "D")
    channel = _choice(rng, CHANNELS, rows)
    lodged = first + rng.integers(0, (AS_OF - FIRST_DAY).days + 1, rows)
    # Only online claims arrive at weekends; the rest wait for Monday (AS_OF is a Monday).
    lodged = np.where(channel == "Online", lodged, _next_weekday(lodged))
    order = np.argsort(lodged, kind="stable")  # the CMS numbers claims in lodgement order
    lodged, channel = lodged[order], channel[order]
    region = _choice(rng, REGIONS, rows)
    benefit = _choice(rng, BENEFITS, rows)

    age = (as_of - lodged).astype(np.int64)
    months_in = (lodged.astype("M8[M]") - np.datetime64("2024-12", "M")).astype(np.int64)
    mean = np.vectorize(MEAN_DAYS.__getitem__)(region) - 0.45 * months_in
    days = np.maximum(2, np.rint(rng.normal(mean, 7))).astype(np.int64)
    days += (rng.random(rows) < 0.03) * rng.integers(15, 46, rows)  # stalled complex cases
    late = days > age  # an extract only shows decisions made by the as-of date
    days = np.where(late, (rng.random(rows) * (age + 1)).astype(np.int64), days)
    decided = _next_weekday(lodged + days)  # decisions are issued on weekdays
    still_open = (late & (age < 20) & (rng.random(rows) < 0.4)) \
        | ((age > 28) & (rng.random(rows) < 0.005))  # a few overdue open claims
    outcome = _choice(rng, OUTCOMES, rows)

    pension = (benefit == "Retirement pension") & (outcome == "Granted") & ~still_open
    next_month = (lodged.astype("M8[M]") + 1).astype("M8[D]")
    entitlement = np.maximum(next_month, decided)
    entitlement = np.where(entitlement > as_of, decided, entitlement)
    payment = np.minimum(entitlement + rng.integers(0, 15, rows), as_of)
    unpaid = rng.random(rows) < 0.01  # granted, not yet paid

    nat = np.datetime64("NaT", "D")
    frame = pl.DataFrame({
        "Claim ID": pl.select(pl.format("C-{}", pl.int_range(100_001, 100_001 + rows)))
        .to_series(),
        "Benefit Type": benefit,
        "Region": region,
        "Channel": _blank(channel, rng.random(rows) < 0.005),  # an optional column
        "Lodged Date": lodged,
        "Decided Date": np.where(still_open, nat, decided),
        "Outcome": _blank(outcome, still_open),
        "Entitlement Date": np.where(pension, entitlement, nat),
        "First Payment Date": np.where(pension & ~unpaid, payment, nat),
    })
    return _spoil(rng, frame)


def _spoil(rng: np.random.Generator, frame: pl.DataFrame) -> Claims:
    rows, each = frame.height, max(1, frame.height // BAD_EVERY)
    low = min(500, rows // 2)
    picked = rng.choice(np.arange(low, rows), 5 * each, replace=False)
    bad_date, duplicate, blank_id, before, region = np.split(picked, 5)
    ids = frame["Claim ID"].clone()
    ids.scatter(duplicate, ids.gather(duplicate - rng.integers(1, low + 1, each)))
    ids.scatter(blank_id, None)
    lodged = frame["Lodged Date"]
    decided = frame["Decided Date"].clone()
    decided.scatter(before, (lodged.gather(before).cast(pl.Int32) - 3).cast(pl.Date))
    regions = frame["Region"].clone().scatter(region, "Central")
    texts = [BAD_DATES[i % len(BAD_DATES)] for i in range(each)]
    half = each // 2  # unparseable dates: half in Lodged Date, half in Decided Date
    bad = {"Lodged Date": dict(zip(bad_date[half:].tolist(), texts[half:], strict=True)),
           "Decided Date": dict(zip(bad_date[:half].tolist(), texts[:half], strict=True))}
    return Claims(frame.with_columns(ids, decided, regions), bad)


def _write_csv(claims: Claims, path: Path) -> str:
    text = claims.frame.with_columns(pl.col(DATES).dt.strftime("%d/%m/%Y"))
    for column, cells in claims.bad.items():
        text = text.with_columns(text[column].clone().scatter(list(cells), list(cells.values())))
    pad = "," * (len(HEADER) - 1)  # an Excel CSV export pads every row to full width
    with path.open("wb") as f:
        f.write("".join(f"{line}{pad}\r\n" for line in [*TITLE, ""]).encode())
        text.write_csv(f, line_terminator="\r\n")
        f.write(f"{pad}\r\n".encode() * 3)  # the example ends with three blank rows
    return f"polars {pl.__version__}"


def _write_xlsx(claims: Claims, path: Path) -> str:
    return write_workbook(claims.frame.select(HEADER), claims.bad, path, SHEET,
                          [TITLE[0], TITLE[1], ""])


def write_workbook(frame: pl.DataFrame, bad: dict[str, dict[int, str]], path: Path,
                   sheet: str, title: list[str]) -> str:
    """A workbook as a system exports one: ``title`` rows, the header, then the rows with
    real date cells and numbers; a ``bad`` cell (an unparseable date) is a text cell, as
    a hand-edited sheet has. xlsxwriter in constant_memory mode (rows streamed to disk,
    strings inline, a fixed creation time: the bytes are the same on every run);
    openpyxl's write_only mode where xlsxwriter is missing (about half as fast). Returns
    the writer used."""
    columns = [frame[name].to_list() for name in frame.columns]
    for name, cells in bad.items():
        column = columns[frame.columns.index(name)]
        for i, value in cells.items():
            column[i] = value
    try:
        import xlsxwriter
    except ImportError:  # dates keep openpyxl's default format
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        out = book.create_sheet(sheet)
        for line in title:
            out.append([line] if line else [])
        out.append(frame.columns)
        for row in zip(*columns, strict=True):
            out.append(row)
        book.save(path)
        return "openpyxl write_only"
    xbook = xlsxwriter.Workbook(path, {"constant_memory": True,
                                      "default_date_format": "dd/mm/yyyy"})
    xbook.set_properties({"created": EXPORTED_AT})
    xsheet = xbook.add_worksheet(sheet)
    for r, line in enumerate(title):
        if line:
            xsheet.write_row(r, 0, [line])
    xsheet.write_row(len(title), 0, frame.columns)
    for r, row in enumerate(zip(*columns, strict=True), start=len(title) + 1):
        xsheet.write_row(r, 0, row)
    xbook.close()
    return f"xlsxwriter {xlsxwriter.__version__} (constant_memory)"


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    return rng.choice(np.array(list(weights), dtype=object), size, p=list(weights.values()))


def _blank(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[where] = None
    return out


def _next_weekday(days: np.ndarray) -> np.ndarray:
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    return days + np.where(weekday >= 5, 7 - weekday, 0)
