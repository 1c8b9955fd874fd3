"""The expression language: what it accepts (with its type and columns), what it refuses
(with a message a person can act on), and what rows its translation keeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pytest

from engine.expr import MAX_LENGTH, ExprError, parse
from engine.model.dataset import ColumnType

COLUMNS = {
    "id": ColumnType.integer,
    "name": ColumnType.string,
    "benefit_type": ColumnType.category,
    "x": ColumnType.integer,
    "amount": ColumnType.decimal,
    "ok": ColumnType.boolean,
    "lodged_date": ColumnType.date,
    "decided_date": ColumnType.date,
    "answered_at": ColumnType.datetime,
}

# (expression, its type, the columns it uses); parsed with want=None so any type is allowed.
ACCEPTED = [
    ("decided_date <= as_of", "boolean", {"decided_date"}),
    ("decided_date >= lodged_date", "boolean", {"decided_date", "lodged_date"}),
    ("decided_date >= '2025-04-01'", "boolean", {"decided_date"}),
    ("answered_at > decided_date", "boolean", {"answered_at", "decided_date"}),
    ("benefit_type in ('A', 'B')", "boolean", {"benefit_type"}),
    ("benefit_type not in ('A')", "boolean", {"benefit_type"}),
    ("x between 1 and 3", "boolean", {"x"}),
    ("lower(name) like 'a%'", "boolean", {"name"}),
    ("coalesce(name, '') != 'x'", "boolean", {"name"}),
    ("name is null or name is not null", "boolean", {"name"}),
    ("x == 1", "boolean", {"x"}),
    ("x <> 2 and not ok", "boolean", {"x", "ok"}),
    ("ok", "boolean", {"ok"}),
    ("ok = true", "boolean", {"ok"}),
    ("abs(amount) > 1.5", "boolean", {"amount"}),
    ("length(trim(name)) > 0", "boolean", {"name"}),
    ("upper(name) = 'IT''S'", "boolean", {"name"}),
    ("-x < 0", "boolean", {"x"}),
    ("x + 1", "number", {"x"}),
    ("(x * 2 - amount) / 3", "number", {"x", "amount"}),
    ("upper(name)", "string", {"name"}),
    ("coalesce(decided_date, lodged_date)", "date", {"decided_date", "lodged_date"}),
    ("as_of", "date", set()),
]


@pytest.mark.parametrize(("text", "kind", "used"), ACCEPTED)
def test_accepted(text: str, kind: str, used: set[str]) -> None:
    parsed = parse(text, COLUMNS, want=None)
    assert parsed.type == kind
    assert parsed.columns == used


# (expression, the message, a part of the hint or None for no hint)
REJECTED = [
    pytest.param("benefit_typ = 'A'", "unknown column 'benefit_typ'",
                 "did you mean 'benefit_type'? columns: amount, answered_at, as_of, ",
                 id="unknown column"),
    pytest.param("nmae is null", "unknown column 'nmae'", "did you mean 'name'?",
                 id="misspelt column"),
    pytest.param('name = "Alice"', '"Alice" is read as a column name',
                 "put text in single quotes: 'like this'", id="double-quoted text"),
    pytest.param("name = 1", "cannot compare 'name' (string) with '1' (number)",
                 "text with text in single quotes", id="text compared with a number"),
    pytest.param("decided_date > 5", "cannot compare 'decided_date' (date) with '5' (number)",
                 "dates compare with dates", id="date compared with a number"),
    pytest.param("decided_date >= '1 April 2025'",
                 "cannot compare 'decided_date' (date) with ''1 April 2025'' (string)",
                 "dates compare with dates ('2025-04-01')", id="date not in ISO form"),
    pytest.param("x and ok", "'and' needs a boolean, but 'x' is a number", None,
                 id="number as a condition"),
    pytest.param("lower(x) = 'a'", "'lower' needs a string, but 'x' is a number", None,
                 id="function on the wrong type"),
    pytest.param("coalesce(x, 'a') = 1", "coalesce needs values of one type", None,
                 id="coalesce of mixed types"),
    pytest.param("name = null", "compare with null using 'is null', not '=='", None,
                 id="equals null"),
    pytest.param("x is 1", "'is' is only for 'is null' and 'is not null'", None,
                 id="is with a value"),
    pytest.param("ok is not true", "'is' is only for 'is null' and 'is not null'", None,
                 id="is with a boolean"),
    pytest.param("x in (select 1)",
                 "'in' takes a list of values, like region in ('North', 'South')", None,
                 id="in with a subquery"),
    pytest.param("x = (select max(x) from t)",
                 "'(SELECT MAX(x) FROM t)' is not allowed in an expression",
                 "see the expression language", id="scalar subquery"),
    pytest.param("exists(select 1)", "'EXISTS(SELECT 1)' is not allowed in an expression",
                 "see the expression language", id="exists"),
    pytest.param("x in (id)", "'in' takes plain values; 'id' is not one", None,
                 id="in with a column"),
    pytest.param("eval('1') = 1", "unknown function 'eval'",
                 "functions: abs, coalesce, length, lower, trim, upper", id="eval"),
    pytest.param("__import__('os')", "unknown function '__import__'", "functions: abs,",
                 id="__import__"),
    pytest.param("sum(x) > 1", "'SUM(x)' is not allowed in an expression",
                 "see the expression language", id="aggregate"),
    pytest.param("x = 1; drop table t", "'x = 1; DROP TABLE t' is not allowed in an expression",
                 "see the expression language", id="semicolon"),
    pytest.param("cast(x as string) = '1'", "'CAST(x AS TEXT)' is not allowed in an expression",
                 "see the expression language", id="cast"),
    pytest.param("t.x = 1", "'t.x' is not a column name", "use plain column names",
                 id="qualified column"),
    pytest.param("name like name", "'like' takes a pattern in single quotes, like 'A%'", None,
                 id="like without a pattern"),
    pytest.param("x + 1", "'x + 1' gives a number, but a boolean is needed here",
                 "write a comparison, like region = 'North'", id="not a condition"),
    pytest.param("x = 1 or", "cannot read the expression 'x = 1 or'",
                 "text goes in single quotes, names are plain words", id="unfinished"),
    pytest.param("   ", "the expression is empty", None, id="blank"),
    pytest.param("x = 1 or " * 300, f"the expression is longer than {MAX_LENGTH} characters",
                 None, id="too long"),
]


@pytest.mark.parametrize(("text", "message", "hint"), REJECTED)
def test_rejected(text: str, message: str, hint: str | None) -> None:
    with pytest.raises(ExprError) as caught:
        parse(text, COLUMNS)
    assert caught.value.message == message
    if hint is None:
        assert caught.value.hint is None
    else:
        assert caught.value.hint is not None and hint in caught.value.hint


# --- translation: what the query keeps --------------------------------------------------

AS_OF = dt.date(2025, 6, 30)
ROWS: dict[str, list[Any]] = {
    "id":           [1, 2, 3, 4],
    "name":         ["alice", "Bob", None, "2025-01-01"],
    "benefit_type": ["A", "B", "C", None],
    "x":            [1, 3, 5, None],
    "amount":       [-2.5, 0.0, 1.0, None],
    "ok":           [True, False, None, True],
    "lodged_date":  [dt.date(2024, 12, 1), dt.date(2025, 6, 1), dt.date(2025, 6, 1), None],
    "decided_date": [dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 1), None],
    "answered_at":  [dt.datetime(2025, 1, 1, 10), dt.datetime(2025, 4, 1), None,
                     dt.datetime(2025, 3, 31, 23, 59)],
}
SCHEMA = {"id": "int64", "name": "string", "benefit_type": "string", "x": "int64",
          "amount": "float64", "ok": "boolean", "lodged_date": "date", "decided_date": "date",
          "answered_at": "timestamp"}

# (expression, the ids of the rows it keeps). SQL's null logic: a comparison with a
# blank cell is unknown, and a filter keeps only rows where the condition is true.
KEPT = [
    ("decided_date <= as_of", [1, 2]),
    ("decided_date > '2025-06-30'", [3]),
    ("'2025-06-30' <= decided_date", [2, 3]),
    ("decided_date in ('2025-01-01', '2025-07-01')", [1, 3]),
    ("decided_date between '2025-01-01' and '2025-06-30'", [1, 2]),
    ("answered_at >= '2025-04-01'", [2]),
    # A date-time beside a date is compared by its day: 23:59 on 31 March is on 31 March.
    ("answered_at <= '2025-03-31'", [1, 4]),
    ("answered_at between '2025-01-01' and '2025-03-31'", [1, 4]),
    ("answered_at <= as_of", [1, 2, 4]),
    ("decided_date >= lodged_date", [1, 2, 3]),
    ("benefit_type in ('A', 'B')", [1, 2]),
    ("benefit_type not in ('A')", [2, 3]),
    ("x between 1 and 3", [1, 2]),
    ("lower(name) like 'a%'", [1]),
    ("upper(name) = 'BOB'", [2]),
    ("length(trim(name)) = 3", [2]),
    ("abs(amount) > 1", [1]),
    ("-x < -2", [2, 3]),
    ("x / 2 > 1", [2, 3]),
    # Divided by zero is unknown, as a blank is (not infinity): neither kept nor its opposite.
    ("x / amount > 0", [3]),
    ("not (x / amount > 0)", [1]),
    ("(amount - amount) / amount is null", [2, 4]),
    ("x = 1.0", [1]),
    ("name != 'alice'", [2, 4]),
    ("coalesce(name, '') != 'alice'", [2, 3, 4]),
    ("coalesce(x, 0) = 0", [4]),
    ("coalesce(ok, false)", [1, 4]),
    ("name is null", [3]),
    ("name is not null", [1, 2, 4]),
    ("ok", [1, 4]),
    ("not ok", [2]),
    ("ok = true and x < 5 or benefit_type = 'C'", [1, 3]),
    # A quoted ISO date beside a text column stays text.
    ("name = '2025-01-01'", [4]),
]


@pytest.fixture(scope="module")
def table() -> Any:
    return ibis.memtable(ROWS, schema=SCHEMA)


@pytest.fixture(scope="module")
def con() -> Any:
    return ibis.duckdb.connect()


def ids(con: Any, rows: Any) -> list[int]:
    return list(con.to_pyarrow(rows.select("id")).column("id").to_pylist())


@pytest.mark.parametrize(("text", "kept"), KEPT)
def test_translation_keeps_the_right_rows(table: Any, con: Any, text: str, kept: list[int]
                                          ) -> None:
    condition = parse(text, COLUMNS).to_ibis(table, AS_OF)
    assert sorted(ids(con, table.filter(condition))) == kept


@pytest.mark.parametrize(("text", "kept"), KEPT)
def test_polars_translation_keeps_the_same_rows(text: str, kept: list[int]) -> None:
    import polars as pl

    frame = pl.DataFrame(ROWS, schema={**dict.fromkeys(ROWS, None),
                                       "answered_at": pl.Datetime("us")})
    condition = parse(text, COLUMNS).to_polars(AS_OF)
    assert frame.filter(condition)["id"].to_list() == kept


def test_as_of_is_the_run_date_not_a_constant(table: Any, con: Any) -> None:
    condition = parse("decided_date <= as_of", COLUMNS).to_ibis(table, dt.date(2025, 1, 1))
    assert ids(con, table.filter(condition)) == [1]
