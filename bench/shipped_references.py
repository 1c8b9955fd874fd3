"""The contenders of ``python -m bench check --catalogue shipped``, and their child process.

``python -m bench.shipped_references NAME FORMAT MANIFEST`` runs one of them on the
extracts the manifest (a JSON file: dataset name → path) lists:

* ``engine`` — ``compliance check --standards standards --data claims=… --data
  client_survey=… --data telephony=… --as-of 2025-06-30 --format json --no-store --out
  bench/.cache/shipped/engine``: the whole shipped catalogue (nine standards, five
  datasets; the complaints register and the payment QA sample are the small shipped
  extracts), the command line's own entry point called in this fresh process;
* ``polars`` and ``duckdb`` — hand-written queries computing the numbers of the six
  standards on the generated extracts: BEN-01 and PEN-01 (claims), SAT-01 and RESP-01
  (client survey), CALL-01 and CALL-02 (telephony).

Each reference writes ``cells.json`` (numerator and denominator of every standard ×
period × segment, the whole population included, and the rows used per dataset) to its
folder under ``bench/.cache/shipped/``; ``bench/shipped.py`` compares them with the
engine's ``results.json``. The child prints one JSON line, as ``bench.references`` does.

The rules, from ``standards/datasets/*.yaml`` and the six standards (written out by
hand; no code is shared with the engine):

* claims: as ``bench/references.py`` (the claims dataset of ``bench/catalogue/`` is the
  shipped one). In Parquet the columns are typed already; the categories are still
  checked against their values.
* client survey: ``Response ID`` and ``Survey Date`` required; ``Survey Date`` parsed
  with ``%d/%m/%Y`` (a date column in Parquet); ``Region`` one of its four values (blank
  allowed); ``Channel`` any text; the two scores whole numbers (blank allowed); every
  copy of a repeated response id rejected; then the check ``satisfaction between 1 and
  5 and respect between 1 and 5``, which rejects a row only when it is false (a blank
  score with the other in range cannot be decided, and passes; a blank with the other
  out of range is false).
* telephony: every column required; ``Date`` ISO in CSV; ``Queue`` one of Pensions,
  Benefits, General; the four counts whole numbers; every copy of a repeated (date,
  queue) rejected, but the first of copies the same in every cell; then
  ``answered_10min <= calls_answered and calls_answered <= calls_offered`` and
  ``abandoned <= calls_offered``.
* BEN-01: BCH-01 of the check suite exactly (population not death grants and not
  withdrawn; 28 days lodged → decided, open overdue counted in the as-of month; month of
  decision × region).
* PEN-01: granted retirement pensions with an entitlement date; 30 days entitlement →
  first payment, open overdue counted; quarter of entitlement; whole population only.
* SAT-01 / RESP-01: ``share_meeting`` ``satisfaction >= 4`` / ``respect >= 4`` with
  ``when_unknown: exclude``: a blank score leaves the row out; quarter of the survey
  date; SAT-01 by region and, separately, by channel; RESP-01 by region. A blank region
  or channel is the segment ``(blank)``.
* CALL-01 / CALL-02: ``reported_ratio``: sums of ``answered_10min`` / ``abandoned`` over
  sums of ``calls_offered``, month of the date × queue.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, cast

from bench import AS_OF, CACHE, ROOT, compliance_check
from bench.readers import Read, Reader
from bench.references import (
    BENEFITS,
    CHANNELS,
    CLAIMS_KEPT,
    DUCKDB_CLAIMS,
    DUCKDB_STANDARDS,
    DUCKDB_TYPES,
    OUTCOMES,
    REGIONS,
    TITLE_ROWS,
    child,
    duckdb_cells,
    enum_sql,
    once,
    roll_up,
    types_sql,
)

OUT = CACHE / "shipped"
STANDARDS = ROOT / "standards"
GENERATED = ["claims", "client_survey", "telephony"]
REFERENCED = ["BEN-01", "PEN-01", "SAT-01", "RESP-01", "CALL-01", "CALL-02"]
QUEUES = ["Pensions", "Benefits", "General"]
SURVEY = {"Response ID": "response_id", "Survey Date": "survey_date", "Channel": "channel",
          "Region": "region", "Overall Satisfaction (1-5)": "satisfaction",
          "Treated With Respect (1-5)": "respect", "Comment": "comment"}
TELEPHONY = {"Date": "date", "Queue": "queue", "Calls Offered": "calls_offered",
             "Calls Answered": "calls_answered", "Answered Within 10 Min": "answered_10min",
             "Abandoned": "abandoned"}
CLAIMS = {"Claim ID": "claim_id", "Benefit Type": "benefit_type", "Region": "region",
          "Channel": "channel", "Outcome": "outcome", "Lodged Date": "lodged_date",
          "Decided Date": "decided_date", "Entitlement Date": "entitlement_date",
          "First Payment Date": "first_payment_date"}
CLAIM_CATEGORIES = {"benefit_type": BENEFITS, "region": REGIONS, "channel": CHANNELS,
                    "outcome": OUTCOMES}
COUNTS = ["calls_offered", "calls_answered", "answered_10min", "abandoned"]


def _paths(manifest: Path) -> dict[str, Path]:
    return {k: Path(v) for k, v in json.loads(manifest.read_text()).items()}


def _write_cells(out: Path, cells: list[dict[str, object]], used: dict[str, int]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "cells.json").write_text(json.dumps({"rows_used": used, "cells": cells}))


# --- the engine ----------------------------------------------------------------------

def engine_check() -> Read:
    import engine.cli  # noqa: F401  (the command line's module outside the timer, as above)

    out = OUT / "engine"

    def run(manifest: Path) -> dict[str, int]:
        data = [a for name, path in _paths(manifest).items()
                for a in ("--data", f"{name}={path}")]
        record = compliance_check(["--standards", str(STANDARDS), *data, "--as-of",
                                   AS_OF.isoformat(), "--no-store"], out)
        sets = [d for d in record["datasets"]
                if d["name"] in GENERATED]
        return {"rows": sum(d["rows_read"] for d in sets),
                "used": sum(d["rows_used"] for d in sets),
                "filtered": sum(d["rows_filtered"] for d in sets),
                "rejected": sum(d["rows_rejected"] for d in sets)}
    return run


# --- Polars --------------------------------------------------------------------------

EXCEL_DATE = "%Y-%m-%d %H:%M:%S"  # a date cell, read as text by fastexcel


def date_format(path: Path, written: str) -> str:
    """How a date is written in the file: as ``written`` in CSV, as a date cell read as
    text in a workbook, not at all (typed already) in Parquet."""
    return {".parquet": "", ".xlsx": EXCEL_DATE}.get(path.suffix, written)


def excel_text(path: Path, header_row: int) -> Any:
    """The workbook's one sheet as an Arrow table of text, headed by row ``header_row``
    (0-based, the title block above it): fastexcel (calamine, Rust), the fastest reader of
    the reading benchmark. DuckDB reads workbooks only through its excel extension,
    which it downloads: so both references read the workbook this way."""
    import fastexcel

    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=header_row, dtypes="string")
    return sheet.to_arrow()


def polars_check() -> Read:
    import polars as pl

    out = OUT / "polars"
    as_of = pl.lit(AS_OF)

    def enum(column: str, values: list[str]) -> pl.Expr:
        return pl.col(column).cast(pl.Enum(values), strict=False)

    def parsed(text: str, value: str) -> pl.Expr:  # blank, or a value that parsed
        return pl.col(text).is_null() | pl.col(value).is_not_null()

    def load(path: Path, names: dict[str, str], typed: dict[str, pl.Expr],
             skip: int = 0) -> pl.LazyFrame:
        """The extract with one column per header (renamed) and ``_t_`` + name holding
        the cell as found, so that a cell that did not parse can be told from a blank."""
        if path.suffix == ".parquet":
            raw = pl.scan_parquet(path)
        elif path.suffix == ".xlsx":
            raw = cast(pl.DataFrame, pl.from_arrow(excel_text(path, skip))).lazy()
        else:
            raw = pl.scan_csv(path, skip_rows=skip, infer_schema=False)
        raw = raw.select(*(pl.col(h).alias(f"_t_{n}") for h, n in names.items()))
        return raw.with_columns(*(e.alias(n) for n, e in typed.items()))

    def date(name: str, fmt: str) -> pl.Expr:
        col = pl.col(f"_t_{name}")
        if fmt == EXCEL_DATE:  # a date cell, as text; a text cell does not parse
            return col.str.strptime(pl.Datetime, fmt, strict=False).dt.date()
        return col.str.strptime(pl.Date, fmt, strict=False) if fmt else col

    def whole(name: str, text: bool) -> pl.Expr:
        col = pl.col(f"_t_{name}")
        return col.cast(pl.Int64, strict=False) if text else col

    def keep(frame: pl.LazyFrame, required: list[str], optional: list[str], key: list[str],
             checks: pl.Expr, columns: list[str], declared: list[str]) -> pl.DataFrame:
        valid = pl.all_horizontal(*(pl.col(c).is_not_null() for c in required),
                                  *(parsed(f"_t_{c}", c) for c in optional))
        return (once(frame.filter(valid), key, declared)  # a repeated key: one copy or none
                .filter(checks.fill_null(True))  # a check that cannot be decided passes
                .select(columns).collect())

    def claims(path: Path) -> pl.DataFrame:
        fmt = date_format(path, "%d/%m/%Y")
        dates = ["lodged_date", "decided_date", "entitlement_date", "first_payment_date"]
        frame = load(path, CLAIMS, {
            "claim_id": pl.col("_t_claim_id"),
            **{c: enum(f"_t_{c}", v) for c, v in CLAIM_CATEGORIES.items()},
            **{c: date(c, fmt) for c in dates}}, TITLE_ROWS)
        decided = pl.col("decided_date")
        checks = decided.is_null() | ((decided >= pl.col("lodged_date")) & (decided <= as_of))
        return keep(frame, ["claim_id", "benefit_type", "region", "lodged_date"],
                    ["channel", "outcome", "decided_date", "entitlement_date",
                     "first_payment_date"], ["claim_id"], checks,
                    [c for c in CLAIMS.values() if c != "claim_id"], list(CLAIMS.values()))

    def survey(path: Path) -> pl.DataFrame:
        text = path.suffix != ".parquet"
        frame = load(path, SURVEY, {
            "response_id": pl.col("_t_response_id"),
            "survey_date": date("survey_date", date_format(path, "%d/%m/%Y")),
            "channel": pl.col("_t_channel"), "region": enum("_t_region", REGIONS),
            "satisfaction": whole("satisfaction", text), "respect": whole("respect", text),
            "comment": pl.col("_t_comment")})
        checks = pl.col("satisfaction").is_between(1, 5) & pl.col("respect").is_between(1, 5)
        return keep(frame, ["response_id", "survey_date"], ["region", "satisfaction",
                                                            "respect"],
                    ["response_id"], checks,
                    ["survey_date", "channel", "region", "satisfaction", "respect"],
                    list(SURVEY.values()))

    def telephony(path: Path) -> pl.DataFrame:
        text = path.suffix != ".parquet"
        frame = load(path, TELEPHONY, {
            "date": date("date", date_format(path, "%Y-%m-%d")),
            "queue": enum("_t_queue", QUEUES),
            **{c: whole(c, text) for c in COUNTS}}, TITLE_ROWS if text else 0)
        c = pl.col
        checks = ((c("answered_10min") <= c("calls_answered"))
                  & (c("calls_answered") <= c("calls_offered"))
                  & (c("abandoned") <= c("calls_offered")))
        return keep(frame, list(TELEPHONY.values()), [], ["date", "queue"], checks,
                    ["date", "queue", *COUNTS], list(TELEPHONY.values()))

    def month(d: pl.Expr) -> pl.Expr:
        return d.dt.truncate("1mo")

    def quarter(d: pl.Expr) -> pl.Expr:
        return d.dt.truncate("1q")

    def within(pop: pl.LazyFrame, start: str, end: str, by: str, limit: int
               ) -> pl.LazyFrame:
        """share_within in days, open cases counted when overdue: the counted rows."""
        is_open = pl.col(end).is_null()
        met = (pl.col(end) - pl.col(start)).dt.total_days() <= limit
        overdue = (as_of - pl.col(start)).dt.total_days() >= limit
        left_out = (pl.col(start).is_null() | (is_open & ~overdue)
                    | (~is_open & (pl.col(end) < pl.col(start))))
        pdate = pl.when(pl.col(by).is_null() & is_open & overdue).then(as_of) \
            .otherwise(pl.col(by))
        return pop.filter(~left_out).with_columns(
            _num=(~is_open & met).cast(pl.Int64), _den=pl.lit(1, pl.Int64), _pdate=pdate)

    def cells(standard: str, rows: pl.LazyFrame, period: Any, segments: list[str]
              ) -> tuple[str, list[str], pl.LazyFrame]:
        """One group_by per standard at the finest grain; the cells are summed from it."""
        return standard, segments, rows.filter(pl.col("_pdate").is_not_null()).group_by(
            period(pl.col("_pdate")).alias("_pstart"), *segments).agg(
            pl.col("_num").sum(), pl.col("_den").sum())

    def share(rows: pl.LazyFrame, score: str) -> pl.LazyFrame:
        return rows.filter(pl.col(score).is_not_null()).with_columns(  # unknown: left out
            _num=(pl.col(score) >= 4).cast(pl.Int64), _den=pl.lit(1, pl.Int64),
            _pdate=pl.col("survey_date"))

    def ratio(rows: pl.LazyFrame, numerator: str) -> pl.LazyFrame:
        return rows.with_columns(_num=pl.col(numerator), _den=pl.col("calls_offered"),
                                 _pdate=pl.col("date"))

    def run(manifest: Path) -> dict[str, int]:
        paths = _paths(manifest)
        frames = {"claims": claims(paths["claims"]), "client_survey": survey(
            paths["client_survey"]), "telephony": telephony(paths["telephony"])}
        c, s, t = (frames[n].lazy() for n in GENERATED)
        bt, outcome = pl.col("benefit_type"), pl.col("outcome")
        standards = [
            cells("BEN-01", within(
                c.filter((bt != "Death grant") & (outcome.is_null() | (outcome != "Withdrawn"))),
                "lodged_date", "decided_date", "decided_date", 28), month, ["region"]),
            cells("PEN-01", within(
                c.filter((bt == "Retirement pension") & (outcome == "Granted")
                         & pl.col("entitlement_date").is_not_null()),
                "entitlement_date", "first_payment_date", "entitlement_date", 30),
                quarter, []),
            cells("SAT-01", share(s, "satisfaction"), quarter, ["region", "channel"]),
            cells("RESP-01", share(s, "respect"), quarter, ["region"]),
            cells("CALL-01", ratio(t, "answered_10min"), month, ["queue"]),
            cells("CALL-02", ratio(t, "abandoned"), month, ["queue"]),
        ]
        finest = pl.collect_all([query for _, _, query in standards])
        found = [cell for (standard, segments, _), frame in zip(standards, finest, strict=True)
                 for cell in roll_up(standard, [[c] for c in segments], frame)]
        used = {n: f.height for n, f in frames.items()}
        _write_cells(out, found, used)
        return {"used": sum(used.values()), "cells": len(found)}
    return run


# --- DuckDB --------------------------------------------------------------------------

# The claims from Parquet: typed already; a category outside its values does not cast.
DUCKDB_CLAIMS_PARQUET = "\n".join(
    enum_sql(n, v) for n, v in [("benefit", BENEFITS), ("region", REGIONS),
                                 ("channel", CHANNELS), ("outcome", OUTCOMES)]) + """
CREATE TABLE typed AS
SELECT "Claim ID" AS claim_id,
       TRY_CAST("Benefit Type" AS benefit) AS benefit_type, "Benefit Type" AS t_benefit,
       TRY_CAST("Region" AS region) AS region, "Region" AS t_region,
       TRY_CAST("Channel" AS channel) AS channel, "Channel" AS t_channel,
       TRY_CAST("Outcome" AS outcome) AS outcome, "Outcome" AS t_outcome,
       "Lodged Date" AS lodged_date, "Decided Date" AS decided_date,
       "Entitlement Date" AS entitlement_date, "First Payment Date" AS first_payment_date
FROM read_parquet($path);
CREATE TABLE claims AS
WITH valid AS (
  SELECT rowid AS _at, * EXCLUDE (t_benefit, t_region, t_channel, t_outcome) FROM typed
  WHERE claim_id IS NOT NULL AND benefit_type IS NOT NULL AND region IS NOT NULL
    AND lodged_date IS NOT NULL AND (t_channel IS NULL OR channel IS NOT NULL)
    AND (t_outcome IS NULL OR outcome IS NOT NULL)
),
""" + CLAIMS_KEPT + """
DROP TABLE typed;
"""

# The survey and the telephony extract: $source is read_csv(…) or read_parquet(…).
DUCKDB_SURVEY = enum_sql("survey_region", REGIONS) + """
CREATE TABLE typed_survey AS
SELECT "Response ID" AS response_id, "Survey Date" AS survey_date, "Channel" AS channel,
       TRY_CAST("Region" AS survey_region) AS region, "Region" AS t_region,
       "Overall Satisfaction (1-5)" AS satisfaction, "Treated With Respect (1-5)" AS respect,
       "Comment" AS comment
FROM $source;
CREATE TABLE survey AS
WITH valid AS (
  SELECT rowid AS _at, * EXCLUDE (t_region) FROM typed_survey
  WHERE response_id IS NOT NULL AND survey_date IS NOT NULL
    AND (t_region IS NULL OR region IS NOT NULL)
),
repeated AS (SELECT response_id FROM valid GROUP BY ALL HAVING count(*) > 1),
copies AS (SELECT * FROM valid SEMI JOIN repeated USING (response_id)),
first AS (SELECT response_id, min(_at) AS _at FROM copies GROUP BY ALL
          HAVING count(DISTINCT row(survey_date, channel, region, satisfaction, respect,
                                    comment)) = 1)
SELECT * EXCLUDE (response_id, _at) FROM (
  SELECT * FROM valid ANTI JOIN repeated USING (response_id)
  UNION ALL BY NAME
  SELECT * FROM copies SEMI JOIN first USING (response_id, _at))
WHERE coalesce(satisfaction BETWEEN 1 AND 5 AND respect BETWEEN 1 AND 5, true);
DROP TABLE typed_survey;
"""
DUCKDB_TELEPHONY = enum_sql("queue", QUEUES) + """
CREATE TABLE typed_telephony AS
SELECT "Date" AS date, TRY_CAST("Queue" AS queue) AS queue, "Calls Offered" AS calls_offered,
       "Calls Answered" AS calls_answered, "Answered Within 10 Min" AS answered_10min,
       "Abandoned" AS abandoned
FROM $source;
CREATE TABLE telephony AS
WITH valid AS (
  SELECT rowid AS _at, * FROM typed_telephony
  WHERE date IS NOT NULL AND queue IS NOT NULL AND calls_offered IS NOT NULL
    AND calls_answered IS NOT NULL AND answered_10min IS NOT NULL AND abandoned IS NOT NULL
),
repeated AS (SELECT date, queue FROM valid GROUP BY ALL HAVING count(*) > 1),
copies AS (SELECT * FROM valid SEMI JOIN repeated USING (date, queue)),
first AS (SELECT date, queue, min(_at) AS _at FROM copies GROUP BY ALL
          HAVING count(DISTINCT row(calls_offered, calls_answered, answered_10min, abandoned)) = 1)
SELECT * EXCLUDE (_at) FROM (
  SELECT * FROM valid ANTI JOIN repeated USING (date, queue)
  UNION ALL BY NAME
  SELECT * FROM copies SEMI JOIN first USING (date, queue, _at))
WHERE answered_10min <= calls_answered AND calls_answered <= calls_offered
  AND abandoned <= calls_offered;
DROP TABLE typed_telephony;
"""
# ignore_errors drops a row with a cell that does not cast (a bad date, a region outside
# its values is caught by TRY_CAST above, a score that is not a whole number).
SURVEY_TYPES = {"Response ID": "VARCHAR", "Survey Date": "DATE", "Channel": "VARCHAR",
                "Region": "VARCHAR", "Overall Satisfaction (1-5)": "BIGINT",
                "Treated With Respect (1-5)": "BIGINT", "Comment": "VARCHAR"}
TELEPHONY_TYPES = {"Date": "DATE", "Queue": "VARCHAR", "Calls Offered": "BIGINT",
                   "Calls Answered": "BIGINT", "Answered Within 10 Min": "BIGINT",
                   "Abandoned": "BIGINT"}


_SURVEY_CSV = (f"read_csv($path, header=true, dateformat='%d/%m/%Y', ignore_errors=true, "
               f"types={types_sql(SURVEY_TYPES)})")
_TELEPHONY_CSV = (f"read_csv($path, skip={TITLE_ROWS}, header=true, dateformat='%Y-%m-%d', "
                  f"ignore_errors=true, types={types_sql(TELEPHONY_TYPES)})")
# The claims' own read_csv(…) call in DUCKDB_CLAIMS, which a workbook's typed view replaces.
_CLAIMS_CSV = re.compile(r"FROM read_csv\(.*?\);", re.DOTALL)

DUCKDB_SHIPPED = {
    "BEN-01": DUCKDB_STANDARDS["BCH-01"],  # the same standard, word for word
    "PEN-01": """
WITH counted AS (
  SELECT (first_payment_date IS NOT NULL
          AND first_payment_date - entitlement_date <= 30)::INT AS num,
         entitlement_date AS pdate
  FROM claims
  WHERE benefit_type = 'Retirement pension' AND outcome = 'Granted'
    AND entitlement_date IS NOT NULL
    AND NOT (first_payment_date IS NULL AND $as_of - entitlement_date < 30)
    AND NOT (first_payment_date IS NOT NULL AND first_payment_date < entitlement_date)
)
SELECT date_trunc('quarter', pdate)::DATE AS period_start, sum(num) AS num, count(*) AS den
FROM counted GROUP BY ALL
""",
    "SAT-01": """
SELECT date_trunc('quarter', survey_date)::DATE AS period_start,
       region::VARCHAR AS region_value, channel AS channel_value,
       sum((satisfaction >= 4)::INT) AS num, count(*) AS den,
       grouping(region) = 0 AS by_region, grouping(channel) = 0 AS by_channel
FROM survey WHERE satisfaction IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, region), (period_start, channel))
""",
    "RESP-01": """
SELECT date_trunc('quarter', survey_date)::DATE AS period_start,
       region::VARCHAR AS region_value, sum((respect >= 4)::INT) AS num, count(*) AS den,
       grouping(region) = 0 AS by_region
FROM survey WHERE respect IS NOT NULL
GROUP BY GROUPING SETS ((period_start), (period_start, region))
""",
    "CALL-01": """
SELECT date_trunc('month', date)::DATE AS period_start, queue::VARCHAR AS queue_value,
       sum(answered_10min) AS num, sum(calls_offered) AS den, grouping(queue) = 0 AS by_queue
FROM telephony GROUP BY GROUPING SETS ((period_start), (period_start, queue))
""",
    "CALL-02": """
SELECT date_trunc('month', date)::DATE AS period_start, queue::VARCHAR AS queue_value,
       sum(abandoned) AS num, sum(calls_offered) AS den, grouping(queue) = 0 AS by_queue
FROM telephony GROUP BY GROUPING SETS ((period_start), (period_start, queue))
""",
}


def duckdb_check() -> Read:
    import duckdb

    out = OUT / "duckdb"

    def script(con: Any, sql: str, path: Path, source: str = "") -> None:
        quoted = "'" + str(path).replace("'", "''") + "'"
        sql = sql.replace("$source", source).replace("$path", quoted) \
            .replace("$as_of", f"DATE '{AS_OF}'")
        for statement in sql.split(";"):
            if statement.strip():
                con.execute(statement)

    def typed_view(con: Any, name: str, path: Path, header_row: int,
                   types: dict[str, str]) -> str:
        """A workbook's text typed as read_csv(types=…, ignore_errors=true) types a CSV:
        each cell cast, and a row with a cell that does not cast left out."""
        con.register(f"{name}_text", excel_text(path, header_row))

        def cast(header: str, kind: str) -> str:
            cell = '"' + header + '"'
            if kind == "DATE":
                return f"TRY_CAST(TRY_STRPTIME({cell}, '{EXCEL_DATE}') AS DATE)"
            return f"TRY_CAST({cell} AS {kind})"
        columns = ", ".join(f'{cast(h, t)} AS "{h}"' for h, t in types.items())
        whole = " AND ".join(f'("{h}" IS NULL OR {cast(h, t)} IS NOT NULL)'
                             for h, t in types.items())
        con.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM {name}_text WHERE {whole}")
        return name

    def run(manifest: Path) -> dict[str, int]:
        paths = _paths(manifest)
        con = duckdb.connect()
        kind = paths["claims"].suffix
        if kind == ".xlsx":  # the categories' types first: the claims' view casts to them
            types, rest = [], []
            for statement in DUCKDB_CLAIMS.split(";"):
                (types if statement.strip().startswith("CREATE TYPE") else rest).append(
                    statement)
            script(con, ";".join(types), paths["claims"])
            source = typed_view(con, "claims_xlsx", paths["claims"], TITLE_ROWS,
                                DUCKDB_TYPES)
            script(con, _CLAIMS_CSV.sub(f"FROM {source};", ";".join(rest), count=1),
                   paths["claims"])
            script(con, DUCKDB_SURVEY, paths["client_survey"], typed_view(
                con, "survey_xlsx", paths["client_survey"], 0, SURVEY_TYPES))
            script(con, DUCKDB_TELEPHONY, paths["telephony"], typed_view(
                con, "telephony_xlsx", paths["telephony"], TITLE_ROWS, TELEPHONY_TYPES))
        else:
            parquet = kind == ".parquet"
            script(con, DUCKDB_CLAIMS_PARQUET if parquet else DUCKDB_CLAIMS, paths["claims"])
            script(con, DUCKDB_SURVEY, paths["client_survey"],
                   "read_parquet($path)" if parquet else _SURVEY_CSV)
            script(con, DUCKDB_TELEPHONY, paths["telephony"],
                   "read_parquet($path)" if parquet else _TELEPHONY_CSV)
        found = duckdb_cells(con, DUCKDB_SHIPPED)
        used = {}
        for name, table in zip(GENERATED, ["claims", "survey", "telephony"], strict=True):
            row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            used[name] = int(row[0]) if row else 0
        _write_cells(out, found, used)
        return {"used": sum(used.values()), "cells": len(found)}
    return run


def tools(fmt: str) -> list[Reader]:
    module = "bench.shipped_references"
    return [
        Reader("engine", fmt, True,
               "compliance check --standards standards --data claims=… --data "
               "client_survey=… --data telephony=… --as-of 2025-06-30 --format json "
               "--no-store --out DIR (engine.cli.main in a fresh process)",
               engine_check, module=module),
        Reader("polars", fmt, False,
               "hand-written lazy Polars: scan each extract, typed and cleaned, one "
               "group_by per standard, collect_all, coarser cells summed from it",
               polars_check, module=module),
        Reader("duckdb", fmt, False,
               "hand-written DuckDB SQL: each extract into a typed, cleaned table, then one "
               "GROUPING SETS query per standard", duckdb_check, module=module),
    ]


def main(argv: list[str]) -> None:
    name, fmt, manifest = argv
    child(next(t for t in tools(fmt) if t.name == name), Path(manifest))


if __name__ == "__main__":
    main(sys.argv[1:])
