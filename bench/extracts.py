"""Seeded, cached extracts for the shipped catalogue: client survey, telephony, claims.

``python -m bench check --catalogue shipped`` runs ``compliance check`` with the whole
shipped ``standards/`` folder on three generated extracts (the complaints register and
the payment QA sample keep their small shipped files):

* ``survey-ROWS.csv|parquet`` — the shape of ``standards/extracts/client_survey.csv``
  (dataset ``client_survey``): a UTF-8 file with a byte-order mark, CRLF line ends, the
  header ``Response ID,Survey Date,Channel,Region,Overall Satisfaction (1-5),Treated With
  Respect (1-5),Comment``, dates ``%d/%m/%Y``, one row per response from 1 December 2024
  to 30 June 2025 in date order. The value mixes follow ``tools/generate_example.py``:
  regions alike, channels Online 50 / Phone 30 / In person 20, each score 4 or 5 with
  the region's chance (West lower in January to March), 3% of responses skip one of the
  two questions (a blank score), 8% leave a comment (some quoted, with commas and
  quotation marks). Unlike the shipped file, 0.3% have no region and 0.5% no channel,
  so that blank segments are exercised. Per 20,000 rows one row of each kind is bad:
  an unparseable date, a duplicate response id, a blank response id, a score out of
  the 1-5 scale (0 or 6), an unknown region; and one comment holds a line break.
* ``telephony.csv|parquet`` — the ``telephony`` dataset: daily statistics per queue
  (Pensions, Benefits, General), Monday to Friday. Its key is ``[date, queue]`` and its
  queues are fixed, so it cannot grow to a million rows without centuries of days: it
  holds ten years (1 July 2015 to 30 June 2025: 2,609 weekdays, 7,827 queue-days,
  7,828 rows with the repeated one), whatever ``--rows``
  says. The CSV has the workbook's title block (two title rows and a blank one) above
  the header, ISO dates (the dataset declares no date format; the shipped file is a
  workbook with date cells). Six rows are bad: an unparseable date, a queue-day
  exported twice (both copies rejected), an unknown queue, more calls answered than
  offered, more abandoned than offered.
* ``claims-ROWS.parquet`` — the rows of ``bench/generate.py``'s claims CSV
  (``claims-ROWS.csv``, reused as it is) as Parquet.

Workbooks (``--formats xlsx``, at most a sheet's 1,048,576 rows) hold the same rows as
the CSV files, written by xlsxwriter: the claims by ``bench/generate.py`` (sheet
``Claims`` under its title block), the survey on a sheet ``Responses`` with its header in
the first row, the telephony on ``Daily queue stats`` (the sheet the dataset names)
under its title block. Dates are real date cells and scores and counts numbers; an
unparseable date is a text cell, as in a hand-edited sheet.

Parquet files hold the header names as column names and typed columns: dates as
``date32``, scores and counts as ``int64`` (a blank is null), text as strings. A typed
file cannot hold an unparseable date: those cells are null there. So in Parquet a bad
``Lodged Date``, ``Survey Date`` or telephony ``Date`` is a missing required value
(still rejected) and a bad ``Decided Date`` leaves the claim open (not rejected): the
Parquet claims extract rejects 250 rows per million where the CSV rejects 300.

Everything comes from one seed; files are written once to ``bench/.cache/`` and reused
until ``EXTRACTS_VERSION`` changes (a ``.json`` stamp beside each file records it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from bench import AS_OF, CACHE
from bench.generate import (
    BAD_DATES,
    BAD_EVERY,
    DATES,
    FIRST_DAY,
    SEED,
    build,
    ensure,
    write_workbook,
)

EXTRACTS_VERSION = 1

SURVEY_HEADER = ["Response ID", "Survey Date", "Channel", "Region",
                 "Overall Satisfaction (1-5)", "Treated With Respect (1-5)", "Comment"]
SCORES = SURVEY_HEADER[4:6]
SURVEY_REGIONS = ["North", "South", "East", "West"]
SATISFIED = {"North": 0.90, "South": 0.88, "East": 0.89, "West": 0.86}
SURVEY_CHANNELS = {"Online": 0.50, "Phone": 0.30, "In person": 0.20}
COMMENTS = ["Quick and easy.", "Good service", "Friendly staff.",
            "Waited too long on the phone, but the agent was helpful.",
            'The officer said "leave it with me" and it was sorted the same day.',
            'Online form kept timing out, tried 3 times, then "session expired".',
            "Très bien servi, merci"]

SURVEY_SHEET = "Responses"  # the dataset names no sheet: the first is read
TELEPHONY_SHEET = "Daily queue stats"  # the sheet the telephony dataset names
TELEPHONY_TITLE = ["Contact centre telephony - daily queue statistics",
                   "Source: ACD reporting, exported 30/06/2025"]
TELEPHONY_HEADER = ["Date", "Queue", "Calls Offered", "Calls Answered",
                    "Answered Within 10 Min", "Abandoned"]
TELEPHONY_FIRST = dt.date(2015, 7, 1)
QUEUES = {"Pensions": 620, "Benefits": 980, "General": 430}  # base calls a day
WEEKDAY_FACTOR = [1.25, 1.02, 0.96, 0.95, 0.87]
ABANDON = {"Pensions": 0.062, "Benefits": 0.095, "General": 0.085}
WITHIN_10 = {"Pensions": 0.85, "Benefits": 0.79, "General": 0.82}


def ensure_survey(rows: int, fmt: str, force: bool = False) -> tuple[Path, float | None]:
    if fmt == "xlsx":
        return _cached(f"survey-{rows}.xlsx", {"rows": rows}, force,
                       lambda tmp: write_workbook(*survey(rows), tmp, SURVEY_SHEET, []))
    return _cached(f"survey-{rows}.{fmt}", {"rows": rows}, force,
                   lambda tmp: _write(survey(rows), tmp, fmt, _survey_csv, "%d/%m/%Y"))


def ensure_telephony(fmt: str, force: bool = False) -> tuple[Path, float | None]:
    if fmt == "xlsx":
        return _cached("telephony.xlsx", {}, force,
                       lambda tmp: write_workbook(*telephony(), tmp, TELEPHONY_SHEET,
                                                  [*TELEPHONY_TITLE, ""]))
    return _cached(f"telephony.{fmt}", {}, force,
                   lambda tmp: _write(telephony(), tmp, fmt, _telephony_csv, "%Y-%m-%d"))


def ensure_claims(rows: int, fmt: str, force: bool = False) -> tuple[Path, float | None]:
    if fmt in ("csv", "xlsx"):  # bench/generate.py's, as the reading benchmark uses
        return ensure(rows, fmt, force=force)
    return _cached(f"claims-{rows}.{fmt}", {"rows": rows}, force,
                   lambda tmp: _parquet(claims_typed(rows), tmp))


def _cached(name: str, wanted: dict[str, object], force: bool,
            write: Callable[[Path], str]) -> tuple[Path, float | None]:
    path = CACHE / name
    stamp = path.with_name(name + ".json")
    wanted = {"extracts": EXTRACTS_VERSION, "seed": SEED, **wanted}
    if not force and path.exists() and stamp.exists():
        found = json.loads(stamp.read_text())
        if {k: found.get(k) for k in wanted} == wanted:
            return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = path.with_name(name + ".tmp")
    writer = write(tmp)
    os.replace(tmp, path)
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps(wanted | {"writer": writer, "seconds": round(seconds, 1)}))
    return path, seconds


def _write(typed: tuple[pl.DataFrame, dict[str, dict[int, str]]], path: Path, fmt: str,
           csv: Callable[[pl.DataFrame, Path], None], date_format: str) -> str:
    frame, bad = typed
    if fmt == "parquet":
        return _parquet(frame, path)
    text = frame.with_columns(pl.col(pl.Date).dt.strftime(date_format))
    text = text.with_columns(pl.col(pl.Int64).cast(pl.String))
    for column, cells in bad.items():  # the text a typed column cannot hold
        text = text.with_columns(text[column].clone().scatter(list(cells), list(cells.values())))
    csv(text, path)
    return f"polars {pl.__version__}"


def _parquet(frame: pl.DataFrame, path: Path) -> str:
    frame.write_parquet(path)  # zstd, Polars' default
    return f"polars {pl.__version__} parquet"


# --- client survey -------------------------------------------------------------------

def survey(rows: int) -> tuple[pl.DataFrame, dict[str, dict[int, str]]]:
    """The survey as typed columns, and the unparseable text of the bad-date rows."""
    rng = np.random.default_rng([SEED, 2])
    first = np.datetime64(FIRST_DAY, "D")
    day = np.sort(first + rng.integers(0, (AS_OF - FIRST_DAY).days + 1, rows))
    region_code = rng.integers(0, 4, rows)
    q1 = (day.astype("M8[M]").astype(np.int64) % 12) < 3  # January to March
    p_sat = np.where((region_code == SURVEY_REGIONS.index("West")) & q1, 0.80,
                     np.array(list(SATISFIED.values()))[region_code])
    scores = [_score(rng, p_sat, rows), _score(rng, np.full(rows, 0.915), rows)]
    skip = rng.random(rows) < 0.03  # a respondent skips one of the two questions
    which = rng.integers(0, 2, rows)
    for i in range(2):
        scores[i] = np.where(skip & (which == i), -1, scores[i])
    channel_code = rng.choice(len(SURVEY_CHANNELS), rows, p=list(SURVEY_CHANNELS.values()))
    comment_code = rng.integers(0, len(COMMENTS), rows)
    commented = rng.random(rows) < 0.08
    channel = _pick(list(SURVEY_CHANNELS), channel_code, rng.random(rows) < 0.005)
    region = _pick(SURVEY_REGIONS, region_code, rng.random(rows) < 0.003)
    comment = _pick(COMMENTS, comment_code, ~commented)

    each = max(1, rows // BAD_EVERY)
    low = min(500, rows // 2)
    picked = rng.choice(np.arange(low, rows), 6 * each, replace=False)
    bad_date, duplicate, blank_id, out_of_range, unknown, multiline = np.split(picked, 6)
    ids = pl.select(pl.format("SRV-{}", pl.int_range(1, rows + 1).cast(pl.String)
                              .str.zfill(8))).to_series()
    ids.scatter(duplicate, ids.gather(duplicate - rng.integers(1, low + 1, each)))
    ids.scatter(blank_id, None)
    scores[0][out_of_range[::2]] = 6
    scores[1][out_of_range[1::2]] = 0
    region.scatter(unknown, "Central")
    comment.scatter(multiline, "First call was cut off.\nThe second agent sorted it out.")
    frame = pl.DataFrame({
        "Response ID": ids,
        "Survey Date": day,
        "Channel": channel,
        "Region": region,
        SCORES[0]: scores[0],
        SCORES[1]: scores[1],
        "Comment": comment,
    }).with_columns(pl.col(SCORES).replace(-1, None))
    texts = [BAD_DATES[i % len(BAD_DATES)] for i in range(each)]
    bad = {"Survey Date": dict(zip(bad_date.tolist(), texts, strict=True))}
    frame = frame.with_columns(frame["Survey Date"].clone().scatter(bad_date, None))
    return frame, bad


def _pick(values: list[str], codes: np.ndarray, blank: np.ndarray) -> pl.Series:
    """The values at ``codes``, null where ``blank``."""
    picked = pl.Series(values, dtype=pl.String).gather(codes)
    return pl.select(pl.when(pl.Series(blank)).then(None).otherwise(picked)).to_series()


def _score(rng: np.random.Generator, p_satisfied: np.ndarray, rows: int) -> np.ndarray:
    satisfied = rng.random(rows) < p_satisfied
    high = np.where(rng.random(rows) < 0.5, 5, 4)
    low = rng.choice(np.array([1, 2, 3]), rows, p=[0.15, 0.30, 0.55])
    return np.where(satisfied, high, low).astype(np.int64)


def _survey_csv(text: pl.DataFrame, path: Path) -> None:
    # As the survey tool exports: UTF-8 with a BOM (for Excel), CRLF line ends.
    text.write_csv(path, include_bom=True, line_terminator="\r\n")


# --- telephony -----------------------------------------------------------------------

def telephony() -> tuple[pl.DataFrame, dict[str, dict[int, str]]]:
    """Ten years of weekday queue statistics, and the unparseable text of a bad date."""
    rng = np.random.default_rng([SEED, 3])
    days = np.arange(np.datetime64(TELEPHONY_FIRST, "D"), np.datetime64(AS_OF, "D") + 1)
    weekday = (days.astype(np.int64) + 3) % 7
    days = days[weekday < 5]
    n = len(days) * len(QUEUES)
    day = np.repeat(days, len(QUEUES))
    queue = pl.Series(list(QUEUES) * len(days), dtype=pl.String)
    base = np.tile(np.array(list(QUEUES.values()), dtype=float), len(days))
    month = day.astype("M8[M]").astype(np.int64) % 12
    season = np.where(month < 2, 1.15, np.where(month < 6, 0.98, 1.0))
    factor = np.array(WEEKDAY_FACTOR)[((day.astype(np.int64) + 3) % 7)]
    offered = np.clip(np.rint(base * factor * season * rng.normal(1, 0.08, n)), 300, 1500)
    abandon = np.tile(np.array(list(ABANDON.values())), len(days))
    abandoned = np.rint(offered * np.clip(rng.normal(abandon, 0.012), 0.04, 0.14))
    answered = offered - abandoned
    within = np.tile(np.array(list(WITHIN_10.values())), len(days))
    within10 = np.minimum(answered, np.rint(offered * np.clip(rng.normal(within, 0.02),
                                                              0.72, 0.88)))
    frame = pl.DataFrame({
        "Date": day, "Queue": queue,
        "Calls Offered": offered.astype(np.int64), "Calls Answered": answered.astype(np.int64),
        "Answered Within 10 Min": within10.astype(np.int64),
        "Abandoned": abandoned.astype(np.int64)})
    # Six bad rows: an unparseable date, a queue-day exported twice (the second copy goes), an
    # unknown queue, more answered than offered, more abandoned than offered.
    bad_date, duplicate, unknown, answered_more, abandoned_more = \
        (rng.choice(np.arange(100, n), 5, replace=False)).tolist()
    frame = pl.concat([frame[:duplicate + 1], frame[duplicate:duplicate + 1],
                       frame[duplicate + 1:]])
    shift = [i + (i > duplicate) for i in (bad_date, unknown, answered_more, abandoned_more)]
    bad_date, unknown, answered_more, abandoned_more = shift

    def offered_at(i: int) -> int:
        return int(frame["Calls Offered"][i])

    frame = frame.with_columns(
        frame["Date"].clone().scatter(bad_date, None),
        frame["Queue"].clone().scatter(unknown, "Complaints"),
        frame["Calls Answered"].clone().scatter(answered_more, offered_at(answered_more) + 7),
        frame["Abandoned"].clone().scatter(abandoned_more, offered_at(abandoned_more) + 3),
    )
    return frame, {"Date": {bad_date: "31/02/2025"}}


def _telephony_csv(text: pl.DataFrame, path: Path) -> None:
    pad = "," * (len(TELEPHONY_HEADER) - 1)
    with path.open("wb") as f:
        f.write("".join(f"{line}{pad}\r\n" for line in [*TELEPHONY_TITLE, ""]).encode())
        text.write_csv(f, line_terminator="\r\n")


# --- claims as Parquet ---------------------------------------------------------------

def claims_typed(rows: int) -> pl.DataFrame:
    """``bench/generate.py``'s claims, typed; an unparseable date is a null here."""
    claims = build(rows)
    frame = claims.frame
    for column, cells in claims.bad.items():
        frame = frame.with_columns(frame[column].clone().scatter(list(cells), None))
    assert set(claims.bad) <= set(DATES)
    return frame
