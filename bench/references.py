"""The ``check`` suite's contenders, and the child process that times one of them.

``python -m bench.references NAME check PATH`` runs one of:

* ``engine`` — ``compliance check --standards bench/catalogue --data claims=PATH
  --as-of 2025-06-30 --format json --out bench/.cache/check/engine`` (the command line's
  own entry point, called in this fresh process; what it prints goes to ``stdout.json``);
* ``polars`` — a hand-written Polars query computing the same numbers;
* ``duckdb`` — a hand-written DuckDB SQL script computing the same numbers.

Each reference writes ``cells.json`` (one line per standard × period × segment, the
whole population included: numerator and denominator) to its folder under
``bench/.cache/check/``; ``bench/check.py`` compares them with the engine's
``results.json``. The child prints one JSON line, as ``bench.readers`` does: the seconds
after the tool's imports, the peak resident memory after the imports and at the end.

The references are written out by hand from the five standards in ``bench/catalogue/``
and the dataset declaration (``datasets/claims.yaml``); they share no code with the
engine. To drop exactly the rows the engine rejects they apply the same rules: every
row below the header whose cells are all blank is left out (the three trailing blank
rows); the four dates are parsed with ``%d/%m/%Y``; ``Claim ID``, ``Benefit Type``,
``Region`` and ``Lodged Date`` are required; a category must be one of its declared
values; a non-blank cell that does not parse rejects its row; of the rows that remain,
every copy of a repeated ``Claim ID`` is rejected, but the first of copies the same in
every cell (one row exported twice); then the two row checks
(``decided_date >= lodged_date``, ``decided_date <= as_of``; a blank date passes). The
engine also accepts ISO dates (``2025-01-31``), strips spaces around cells and rejects
rows with more cells than the header; the generated extract has none of those, so the
references do not repeat them.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import AS_OF, CACHE, ROOT, compliance_check
from bench.readers import Read, Reader, _peak_mib

CATALOGUE = ROOT / "bench" / "catalogue"
# The five standards the references are written from (the other five of the folder are
# for python -m bench decide).
CHECKED = ["BCH-01", "BCH-02", "BCH-03", "BCH-04", "BCH-05"]
OUT = CACHE / "check"
TITLE_ROWS = 3
FISCAL_SHIFT = 3  # catalogue.yaml: fiscal_year_start 4 (April) → months after January
CALENDAR = ("CA", "ON")  # catalogue.yaml: calendar country and subdivision
BLANK = "(blank)"  # how the engine names a blank segment value

BENEFITS = ["Retirement pension", "Disability benefit", "Unemployment benefit",
            "Family allowance", "Death grant"]
REGIONS = ["North", "South", "East", "West"]
CHANNELS = ["Online", "Office", "Post"]
OUTCOMES = ["Granted", "Refused", "Withdrawn"]


def _write_cells(out: Path, cells: list[dict[str, object]], used: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "cells.json").write_text(json.dumps({"rows_used": used, "cells": cells}))


def _holidays(first_year: int, last_year: int) -> list[dt.date]:
    import holidays

    country, subdivision = CALENDAR
    return sorted(holidays.country_holidays(country, subdiv=subdivision,
                                            years=range(first_year, last_year + 1)))


# --- the engine ----------------------------------------------------------------------

def engine_check() -> Read:
    # Only the command line's module: what the engine imports lazily (Polars, Ibis,
    # DuckDB) is timed, as it is for anyone who types the command.
    import engine.cli  # noqa: F401

    out = OUT / "engine"

    def run(path: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        record = compliance_check(
            ["--standards", str(CATALOGUE), "--data", f"claims={path}", "--as-of",
             AS_OF.isoformat(), *(arg for sid in CHECKED for arg in ("--standard", sid))], out)
        ds = record["datasets"][0]
        return {"rows": ds["rows_read"], "used": ds["rows_used"],
                "filtered": ds["rows_filtered"], "rejected": ds["rows_rejected"]}
    return run


# --- Polars --------------------------------------------------------------------------

CLAIM_COLUMNS = ["claim_id", "benefit_type", "region", "channel", "outcome", "lodged_date",
                 "decided_date", "entitlement_date", "first_payment_date"]


def once(frame: Any, key: str | list[str], columns: list[str]) -> Any:
    """The rows of ``frame`` (lazy) whose key no other row has; and of copies the same in
    every declared cell (one row exported twice), the first. Repeated keys are few: the
    copies are compared among themselves only."""
    import polars as pl

    counted = frame.with_row_index("_at").with_columns(_n=pl.len().over(key))
    copies = counted.filter(pl.col("_n") > 1).filter(
        (pl.struct(columns).n_unique().over(key) == 1)
        & (pl.col("_at") == pl.col("_at").min().over(key)))
    return pl.concat([counted.filter(pl.col("_n") == 1), copies]).drop("_at", "_n")


def polars_check() -> Read:
    import polars as pl

    out = OUT / "polars"
    as_of = pl.lit(AS_OF)

    def date(header: str) -> pl.Expr:
        return pl.col(header).str.strptime(pl.Date, "%d/%m/%Y", strict=False)

    def category(header: str, values: list[str]) -> pl.Expr:
        return pl.col(header).cast(pl.Enum(values), strict=False)

    def parsed(text: str, value: str) -> pl.Expr:  # blank, or a value that parsed
        return pl.col(text).is_null() | pl.col(value).is_not_null()

    def claims(path: Path) -> pl.DataFrame:
        """The rows the engine uses: typed, bad rows dropped."""
        # (A row whose every cell is blank has no Claim ID: the first test drops it.)
        text = pl.scan_csv(path, skip_rows=TITLE_ROWS, infer_schema=False)
        typed = text.with_columns(
            claim_id=pl.col("Claim ID"),
            benefit_type=category("Benefit Type", BENEFITS),
            region=category("Region", REGIONS),
            channel=category("Channel", CHANNELS),
            outcome=category("Outcome", OUTCOMES),
            lodged_date=date("Lodged Date"),
            decided_date=date("Decided Date"),
            entitlement_date=date("Entitlement Date"),
            first_payment_date=date("First Payment Date"),
        )
        valid = (pl.col("claim_id").is_not_null() & pl.col("benefit_type").is_not_null()
                 & pl.col("region").is_not_null() & pl.col("lodged_date").is_not_null()
                 & parsed("Channel", "channel") & parsed("Outcome", "outcome")
                 & parsed("Decided Date", "decided_date")
                 & parsed("Entitlement Date", "entitlement_date")
                 & parsed("First Payment Date", "first_payment_date"))
        decided = pl.col("decided_date")
        checks = decided.is_null() | ((decided >= pl.col("lodged_date")) & (decided <= as_of))
        return (once(typed.filter(valid), "claim_id", CLAIM_COLUMNS)  # among valid rows
                .filter(checks)
                .select("benefit_type", "region", "channel", "outcome", "lodged_date",
                        "decided_date", "entitlement_date", "first_payment_date")
                .collect())

    def within(pop: pl.LazyFrame, start: str, end: str, by: str, met: pl.Expr,
               overdue: pl.Expr) -> pl.LazyFrame:
        """share_within with open_cases: count_when_overdue: the counted rows, _num, _pdate."""
        is_open = pl.col(end).is_null()
        left_out = (pl.col(start).is_null() | (is_open & ~overdue)
                    | (~is_open & (pl.col(end) < pl.col(start))))
        pdate = pl.when(pl.col(by).is_null() & is_open & overdue).then(as_of) \
            .otherwise(pl.col(by))
        return pop.filter(~left_out).with_columns(
            _num=(~is_open & met).cast(pl.Int64), _pdate=pdate)

    def cells(standard: str, rows: pl.LazyFrame, period: Callable[[pl.Expr], pl.Expr],
              segments: list[list[str]]) -> tuple[str, list[list[str]], pl.LazyFrame]:
        """One group_by per standard, by period and every segment column at once (the
        categories as their codes); the coarser cells are summed from it afterwards."""
        columns = list(dict.fromkeys(c for s in segments for c in s))
        return standard, segments, rows.filter(pl.col("_pdate").is_not_null()).group_by(
            period(pl.col("_pdate")).alias("_pstart"), *columns).agg(
            _num=pl.col("_num").sum(), _den=pl.len())

    def month(d: pl.Expr) -> pl.Expr:
        return d.dt.truncate("1mo")

    def quarter(d: pl.Expr) -> pl.Expr:
        return d.dt.truncate("1q")

    def fiscal_year(d: pl.Expr) -> pl.Expr:
        return d.dt.offset_by(f"-{FISCAL_SHIFT}mo").dt.truncate("1y") \
            .dt.offset_by(f"{FISCAL_SHIFT}mo")

    def days(start: str, end: str, limit: int) -> tuple[pl.Expr, pl.Expr]:
        met = (pl.col(end) - pl.col(start)).dt.total_days() <= limit
        # Open at the end of the as-of day: late once even tomorrow would miss the limit.
        return met, (as_of - pl.col(start)).dt.total_days() >= limit

    def run(path: Path) -> dict[str, int]:
        frame = claims(path)
        c = frame.lazy()
        bt, outcome = pl.col("benefit_type"), pl.col("outcome")
        first, last = frame.select(
            pl.min_horizontal(pl.col("^.*_date$").min()).alias("first"),
            pl.max_horizontal(pl.col("^.*_date$").max()).alias("last")).row(0)
        holidays = _holidays(first.year, max(last, AS_OF).year)
        one = pl.duration(days=1)

        def business(start: str, end: str, limit: int) -> tuple[pl.Expr, pl.Expr]:
            # Business days after the start, up to and including the end: [start+1, end+1).
            def count(a: pl.Expr, b: pl.Expr) -> pl.Expr:
                return pl.business_day_count(a + one, b + one, holidays=holidays)
            return count(pl.col(start), pl.col(end)) <= limit, \
                count(pl.col(start), as_of) >= limit

        standards = [
            # BCH-01: 28 days, by month of decision × region; open overdue counted.
            cells("BCH-01", within(
                c.filter((bt != "Death grant") & (outcome.is_null() | (outcome != "Withdrawn"))),
                "lodged_date", "decided_date", "decided_date",
                *days("lodged_date", "decided_date", 28)), month, [["region"]]),
            # BCH-02: disability, 20 business days, by quarter of decision × channel.
            cells("BCH-02", within(
                c.filter(bt == "Disability benefit"), "lodged_date", "decided_date",
                "decided_date", *business("lodged_date", "decided_date", 20)),
                quarter, [["channel"]]),
            # BCH-03: pensions paid within 10 days of entitlement, by month × region.
            cells("BCH-03", within(
                c.filter((bt == "Retirement pension") & (outcome == "Granted")
                         & pl.col("entitlement_date").is_not_null()),
                "entitlement_date", "first_payment_date", "entitlement_date",
                *days("entitlement_date", "first_payment_date", 10)), month, [["region"]]),
            # BCH-04: share granted (blank outcome left out), by quarter of decision ×
            # channel and × region and channel.
            cells("BCH-04", c.filter((bt != "Death grant") & outcome.is_not_null())
                   .with_columns(_num=(outcome == "Granted").cast(pl.Int64),
                                 _pdate=pl.col("decided_date")),
                   quarter, [["channel"], ["region", "channel"]]),
            # BCH-05: every claim, 35 days, by fiscal year of lodgement × benefit type.
            cells("BCH-05", within(c, "lodged_date", "decided_date", "lodged_date",
                                    *days("lodged_date", "decided_date", 35)),
                   fiscal_year, [["benefit_type"]]),
        ]
        finest = pl.collect_all([query for _, _, query in standards])
        found = [cell for (standard, segments, _), frame_ in zip(standards, finest, strict=True)
                 for cell in roll_up(standard, segments, frame_)]
        _write_cells(out, found, frame.height)
        return {"used": frame.height, "cells": len(found)}
    return run


# --- DuckDB --------------------------------------------------------------------------

def enum_sql(name: str, values: list[str]) -> str:
    """``CREATE TYPE name AS ENUM (…)`` for a category's values."""
    return f"CREATE TYPE {name} AS ENUM ({', '.join(repr(v) for v in values)});"


def types_sql(types: dict[str, str]) -> str:
    """read_csv's ``types={…}`` argument: each header and its type."""
    return "{" + ", ".join(f"'{h}': '{t}'" for h, t in types.items()) + "}"


DUCKDB_TYPES = {"Claim ID": "VARCHAR", "Benefit Type": "benefit", "Region": "region",
                 "Channel": "channel", "Outcome": "outcome", "Lodged Date": "DATE",
                 "Decided Date": "DATE", "Entitlement Date": "DATE",
                 "First Payment Date": "DATE"}
# The claims kept, from the valid rows (``_at``: each one's place in the file): a repeated
# id keeps none of its rows, or the first of copies the same in every cell; then the checks.
CLAIMS_KEPT = """repeated AS (SELECT claim_id FROM valid GROUP BY ALL HAVING count(*) > 1),
copies AS (SELECT * FROM valid SEMI JOIN repeated USING (claim_id)),
first AS (SELECT claim_id, min(_at) AS _at FROM copies GROUP BY ALL
          HAVING count(DISTINCT row(benefit_type, region, channel, outcome, lodged_date,
                                    decided_date, entitlement_date, first_payment_date)) = 1)
SELECT * EXCLUDE (claim_id, _at) FROM (
  SELECT * FROM valid ANTI JOIN repeated USING (claim_id)
  UNION ALL BY NAME
  SELECT * FROM copies SEMI JOIN first USING (claim_id, _at))
WHERE decided_date IS NULL OR (decided_date >= lodged_date AND decided_date <= $as_of);"""
DUCKDB_CLAIMS = f"""
{enum_sql("benefit", BENEFITS)}
{enum_sql("region", REGIONS)}
{enum_sql("channel", CHANNELS)}
{enum_sql("outcome", OUTCOMES)}
-- ignore_errors drops every row with a cell that does not cast: an unparseable date, a
-- value outside its category. DuckDB casts only the columns a query reads, so the
-- whole row is read here, once.
CREATE TABLE typed AS
SELECT "Claim ID" AS claim_id, "Benefit Type" AS benefit_type, "Region" AS region,
       "Channel" AS channel, "Outcome" AS outcome, "Lodged Date" AS lodged_date,
       "Decided Date" AS decided_date, "Entitlement Date" AS entitlement_date,
       "First Payment Date" AS first_payment_date
FROM read_csv($path, skip={TITLE_ROWS}, header=true, dateformat='%d/%m/%Y',
              ignore_errors=true, types={types_sql(DUCKDB_TYPES)});
-- Required cells (a row whose every cell is blank has no claim_id either), then every
-- copy of a repeated id among those rows but the first of copies the same in every cell
-- (one row exported twice), then the two row checks.
CREATE TABLE claims AS
WITH valid AS (
  SELECT rowid AS _at, * FROM typed
  WHERE claim_id IS NOT NULL AND benefit_type IS NOT NULL AND region IS NOT NULL
    AND lodged_date IS NOT NULL
),
{CLAIMS_KEPT}
DROP TABLE typed;
"""

# One query per standard: the counted rows (left out: open within the limit, completion
# before the start, no date to place the row in a period), then one GROUPING SETS
# aggregation for the whole population and each segmentation (categories grouped by their
# ENUM codes, named afterwards).
DUCKDB_STANDARDS = {
    "BCH-01": """
WITH pop AS (
  SELECT * FROM claims
  WHERE benefit_type <> 'Death grant' AND coalesce(outcome::VARCHAR, '') <> 'Withdrawn'
), rows AS (
  SELECT region, decided_date IS NULL AS is_open,
         decided_date - lodged_date <= 28 AS met, $as_of - lodged_date >= 28 AS overdue,
         lodged_date AS start_date, decided_date AS end_date, decided_date AS by_date
  FROM pop
), counted AS (
  SELECT region, (NOT is_open AND met)::INT AS num,
         CASE WHEN by_date IS NULL AND is_open AND overdue THEN $as_of ELSE by_date END AS pdate
  FROM rows
  WHERE start_date IS NOT NULL AND NOT (is_open AND NOT overdue)
    AND NOT (NOT is_open AND end_date < start_date)
)
SELECT date_trunc('month', pdate)::DATE AS period_start, region::VARCHAR AS region_value,
       sum(num) AS num, count(*) AS den, grouping(region) = 0 AS by_region
FROM counted WHERE pdate IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, region))
""",
    "BCH-02": """
WITH pop AS (
  SELECT * FROM claims WHERE benefit_type = 'Disability benefit'
), rows AS (
  SELECT channel, decided_date IS NULL AS is_open,
         e.n - s.n <= 20 AS met, (SELECT n FROM cal WHERE d = $as_of) - s.n >= 20 AS overdue,
         lodged_date AS start_date, decided_date AS end_date, decided_date AS by_date
  FROM pop LEFT JOIN cal s ON s.d = pop.lodged_date LEFT JOIN cal e ON e.d = pop.decided_date
), counted AS (
  SELECT channel, (NOT is_open AND met)::INT AS num,
         CASE WHEN by_date IS NULL AND is_open AND overdue THEN $as_of ELSE by_date END AS pdate
  FROM rows
  WHERE start_date IS NOT NULL AND NOT (is_open AND NOT overdue)
    AND NOT (NOT is_open AND end_date < start_date)
)
SELECT date_trunc('quarter', pdate)::DATE AS period_start, channel::VARCHAR AS channel_value,
       sum(num) AS num, count(*) AS den, grouping(channel) = 0 AS by_channel
FROM counted WHERE pdate IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, channel))
""",
    "BCH-03": """
WITH pop AS (
  SELECT * FROM claims
  WHERE benefit_type = 'Retirement pension' AND outcome = 'Granted'
    AND entitlement_date IS NOT NULL
), rows AS (
  SELECT region, first_payment_date IS NULL AS is_open,
         first_payment_date - entitlement_date <= 10 AS met,
         $as_of - entitlement_date >= 10 AS overdue,
         entitlement_date AS start_date, first_payment_date AS end_date,
         entitlement_date AS by_date
  FROM pop
), counted AS (
  SELECT region, (NOT is_open AND met)::INT AS num,
         CASE WHEN by_date IS NULL AND is_open AND overdue THEN $as_of ELSE by_date END AS pdate
  FROM rows
  WHERE start_date IS NOT NULL AND NOT (is_open AND NOT overdue)
    AND NOT (NOT is_open AND end_date < start_date)
)
SELECT date_trunc('month', pdate)::DATE AS period_start, region::VARCHAR AS region_value,
       sum(num) AS num, count(*) AS den, grouping(region) = 0 AS by_region
FROM counted WHERE pdate IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, region))
""",
    "BCH-04": """
WITH counted AS (  -- a blank outcome cannot be decided: left out
  SELECT region, channel, (outcome = 'Granted')::INT AS num, decided_date AS pdate
  FROM claims WHERE benefit_type <> 'Death grant' AND outcome IS NOT NULL
)
SELECT date_trunc('quarter', pdate)::DATE AS period_start, region::VARCHAR AS region_value,
       channel::VARCHAR AS channel_value,
       sum(num) AS num, count(*) AS den,
       grouping(region) = 0 AS by_region, grouping(channel) = 0 AS by_channel
FROM counted WHERE pdate IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, channel),
                        (period_start, region, channel))
""",
    "BCH-05": f"""
WITH rows AS (
  SELECT benefit_type, decided_date IS NULL AS is_open,
         decided_date - lodged_date <= 35 AS met, $as_of - lodged_date >= 35 AS overdue,
         lodged_date AS start_date, decided_date AS end_date, lodged_date AS by_date
  FROM claims
), counted AS (
  SELECT benefit_type, (NOT is_open AND met)::INT AS num,
         CASE WHEN by_date IS NULL AND is_open AND overdue THEN $as_of ELSE by_date END AS pdate
  FROM rows
  WHERE start_date IS NOT NULL AND NOT (is_open AND NOT overdue)
    AND NOT (NOT is_open AND end_date < start_date)
)
SELECT (date_trunc('year', pdate - INTERVAL {FISCAL_SHIFT} MONTH)
        + INTERVAL {FISCAL_SHIFT} MONTH)::DATE AS period_start,
       benefit_type::VARCHAR AS benefit_type_value, sum(num) AS num, count(*) AS den,
       grouping(benefit_type) = 0 AS by_benefit_type
FROM counted WHERE pdate IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, benefit_type))
""",
}


def duckdb_check() -> Read:
    import duckdb

    out = OUT / "duckdb"

    def run(path: Path) -> dict[str, int]:
        con = duckdb.connect()
        for statement in DUCKDB_CLAIMS.split(";"):
            if statement.strip():
                con.execute(statement.replace("$path", "'" + str(path).replace("'", "''") + "'")
                            .replace("$as_of", f"DATE '{AS_OF}'"))
        first, last = con.execute(
            "SELECT least(min(lodged_date), min(entitlement_date)), "
            "greatest(max(decided_date), max(first_payment_date), $as_of) FROM claims",
            {"as_of": AS_OF}).fetchone() or (AS_OF, AS_OF)
        holidays = ", ".join(f"DATE '{h}'" for h in _holidays(first.year, last.year))
        # The business-day calendar: each day, with the count of business days up to it.
        con.execute(f"""
            CREATE TABLE cal AS
            SELECT day::DATE AS d,
                   sum((isodow(day) <= 5 AND day::DATE NOT IN ({holidays}))::INT)
                       OVER (ORDER BY day) AS n
            FROM range(DATE '{first}', DATE '{last}' + INTERVAL 1 DAY, INTERVAL 1 DAY) t(day)
            """)
        found = duckdb_cells(con, DUCKDB_STANDARDS)
        row = con.execute("SELECT count(*) FROM claims").fetchone()
        used = int(row[0]) if row else 0
        _write_cells(out, found, used)
        return {"used": used, "cells": len(found)}
    return run


def roll_up(standard: str, segments: list[list[str]], finest: Any
            ) -> list[dict[str, object]]:
    """The whole population's and each segmentation's cells, summed from a Polars frame of
    sums at the finest grain (period × every segment column)."""
    import polars as pl

    found: list[dict[str, object]] = []
    for columns in [[], *segments]:
        sums = finest.group_by("_pstart", *columns).agg(pl.col("_num", "_den").sum()) \
            .with_columns(pl.col(columns).cast(pl.String).fill_null(BLANK))
        found += [{"standard": standard, "period_start": rec["_pstart"].isoformat(),
                   "segment": {c: rec[c] for c in columns},
                   "numerator": rec["_num"], "denominator": rec["_den"]}
                  for rec in sums.iter_rows(named=True)]
    return found


def duckdb_cells(con: Any, queries: dict[str, str]) -> list[dict[str, object]]:
    """Each standard's GROUPING SETS query run, its rows as cells."""
    found: list[dict[str, object]] = []
    for standard, sql in queries.items():
        query = con.execute(sql, {"as_of": AS_OF} if "$as_of" in sql else {})
        names = [d[0] for d in query.description or []]
        for rec in (dict(zip(names, r, strict=True)) for r in query.fetchall()):
            # by_X: the cell is grouped by X; X_value is its value (NULL when blank).
            segment = {k.removeprefix("by_"): rec[f"{k.removeprefix('by_')}_value"] or BLANK
                       for k in names if k.startswith("by_") and rec[k]}
            found.append({"standard": standard,
                          "period_start": rec["period_start"].isoformat(),
                          "segment": segment, "numerator": int(rec["num"]),
                          "denominator": int(rec["den"])})
    return found


TOOLS = [
    Reader("engine", "check", True,
           "compliance check --standards bench/catalogue --data claims=PATH --as-of "
           "2025-06-30 --format json --out DIR (engine.cli.main in a fresh process)",
           engine_check, module="bench.references"),
    Reader("polars", "check", False,
           "hand-written lazy Polars query: scan_csv, typed and cleaned, one group_by per "
           "standard × segmentation, collect_all", polars_check,
           module="bench.references"),
    Reader("duckdb", "check", False,
           "hand-written DuckDB SQL: read_csv into a typed, cleaned table, then one "
           "GROUPING SETS query per standard", duckdb_check,
           module="bench.references"),
]


def find(name: str) -> Reader:
    return next(t for t in TOOLS if t.name == name)


def main(argv: list[str]) -> None:
    name, _, path = argv
    child(find(name), Path(path))


def child(reader: Reader, path: Path) -> None:
    """Time one run of ``reader`` in this fresh process; print its figures as JSON."""
    run = reader.load()
    base = _peak_mib()
    started = time.perf_counter()
    counts = run(path)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)  # the whole process, every thread
    print(json.dumps({"seconds": seconds, "base_mib": base, "peak_mib": _peak_mib(),
                      "cpu_seconds": usage.ru_utime + usage.ru_stime} | counts))


if __name__ == "__main__":
    main(sys.argv[1:])
