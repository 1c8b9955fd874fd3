"""Fuzz the expression language (engine/expr.py): filters, conditions and counts.

Every text must parse and type-check, or be refused with an :class:`ExprError` in words
(which the loader turns into a problem at the key's ``file:line:col``); an expression that
was accepted must then translate to Polars and to Ibis and run on a few rows, nulls among
them, without an error. Inputs: any text, and text built from the language's own parts
(declared and unknown columns, literals, operators and functions in and out of the
whitelist, nesting) then damaged (a quote or bracket dropped, a character inserted, cut
short, made very long or very deep).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import backend, expr
from engine.model.dataset import ColumnType
from engine.problems import InputError, Problem

from .harness import ends_cleanly, fuzz_settings

COLUMNS = {
    "region": ColumnType.category, "benefit_type": ColumnType.string,
    "amount": ColumnType.decimal, "calls": ColumnType.integer,
    "lodged_date": ColumnType.date, "decided_at": ColumnType.datetime,
    "urgent": ColumnType.boolean,
}
AS_OF = dt.date(2025, 6, 30)
WANTS = [expr.BOOLEAN, expr.NUMBER, None]


def parsed_or_refused(text: str, want: str | None) -> expr.Expression:
    """As the loader sees it: an :class:`ExprError` becomes a problem, exit code 2."""
    try:
        return expr.parse(text, COLUMNS, want=want)
    except expr.ExprError as err:
        raise InputError([Problem(Path("standard.yaml"), err.message, hint=err.hint)]) from None


@cache
def frames() -> tuple[Any, Any]:
    """A Polars frame and an Ibis table (on DuckDB) of three rows, one of them all nulls."""
    import ibis
    import polars as pl

    frame = pl.DataFrame({
        "region": ["North", "South", None], "benefit_type": ["Pension", " death grant ", None],
        "amount": [12.5, -3.0, None], "calls": [3, 0, None],
        "lodged_date": [dt.date(2025, 1, 31), dt.date(2025, 6, 30), None],
        "decided_at": [dt.datetime(2025, 2, 1, 9), dt.datetime(2025, 7, 1, 0, 30), None],
        "urgent": [True, False, None],
    })
    return frame, ibis.memtable(frame.to_arrow())


@cache
def duckdb() -> Any:
    from engine.backend import connect

    return connect("duckdb")


def translated(parsed: expr.Expression) -> None:
    """An accepted expression must run on both engines."""
    frame, table = frames()
    frame.select(parsed.to_polars(AS_OF).alias("value"))
    duckdb().to_pyarrow(table.select(value=parsed.to_ibis(table, AS_OF)))


def check(text: str, want: str | None, *, target: str, run: bool = True) -> str:
    def call() -> None:
        parsed = parsed_or_refused(text, want)
        if run:
            translated(parsed)

    return ends_cleanly(target, call, shown=f"{text!r} (want {want})")


# The language's parts, and some that are not in it.
NAMES = [*COLUMNS, "as_of", "regoin", "Region", '"region"', "rows.region", "x.y.z", "_",
         "select", "from", "__import__", "os", "self", "null_", "true_"]
FUNCTIONS = ["lower", "upper", "trim", "length", "abs", "coalesce", "LOWER", "Trim",
             "sqrt", "now", "current_date", "exec", "eval", "__import__", "read_csv",
             "system", "cast", "date", "concat", "regexp_matches", "sum", "count", "max"]
BINARY = ["=", "==", "!=", "<>", "<", "<=", ">", ">=", "and", "or", "+", "-", "*", "/",
          "like", "not like", "ilike", "%", "||", "&", "|", "^", "<<", "::", "is", "is not",
          "in", "->", "->>", "glob", "similar to", "collate", "@>", "div", "//"]
UNARY = ["not ", "-", "+", "~", "not not ", "- -", "exists "]

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
string_literal = texts.map(lambda s: "'" + s.replace("'", "''") + "'")
date_literal = st.builds(
    lambda y, m, d: f"'{y:04d}-{m:02d}-{d:02d}'",
    st.integers(0, 10_000), st.integers(0, 13), st.integers(0, 32),
)
number = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(["1e999", "-1e999", ".5", "5.", "0x1F", "1_000", "00012", "1e", "NaN",
                     "inf", "9" * 400]),
)
leaf = st.one_of(
    st.sampled_from(NAMES), string_literal, date_literal, number,
    st.sampled_from(["true", "false", "null", "TRUE", "Null", "*", "?", "$1", ":x", "@x",
                     "''", "'", '"', "(", ")", "[]", "{}", "as_of", "interval 1 day",
                     "date '2025-01-01'", "x'00'", "e'\\n'"]),
)


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(" ".join),
        st.tuples(st.sampled_from(UNARY), children).map("".join),
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
        st.tuples(children, st.booleans(), st.lists(children, max_size=4)).map(
            lambda t: f"{t[0]} {'not in' if t[1] else 'in'} ({', '.join(t[2])})"),
        st.tuples(children, st.booleans()).map(
            lambda t: f"{t[0]} is {'not ' if t[1] else ''}null"),
        st.tuples(children, children, children).map(
            lambda t: f"case when {t[0]} then {t[1]} else {t[2]} end"),
    )


expressions = st.recursive(leaf, _grow, max_leaves=12)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A grammatical expression, then perhaps damaged the way a hurried edit damages it."""
    text = draw(expressions)
    edit = draw(st.sampled_from(["none", "none", "drop", "insert", "cut", "repeat", "deep"]))
    if edit == "drop" and text:
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + text[i + 1:]
    elif edit == "insert":
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.sampled_from(list("'\"()[]{};,\\%_\0\n\t`$#-"))) + text[i:]
    elif edit == "cut" and text:
        text = text[:draw(st.integers(0, len(text) - 1))]
    elif edit == "repeat":
        text = " and ".join([text] * draw(st.integers(2, 300)))
    elif edit == "deep":
        n = draw(st.integers(1, 1200))
        opener = draw(st.sampled_from(["(", "not ", "- ", "lower(", "abs(", "coalesce(x, "]))
        closer = ")" if opener.endswith("(") or opener.endswith(", ") else ""
        text = opener * n + text + closer * draw(st.sampled_from([n, 0, n // 2]))
    return text


# Well-typed expressions, so that most are accepted and their translation is exercised.
def _typed() -> dict[str, st.SearchStrategy[str]]:
    def cols(*types: ColumnType) -> st.SearchStrategy[str]:
        return st.sampled_from([n for n, t in COLUMNS.items() if t in types])

    # Literals the size of real thresholds: near 2**63 DuckDB's int64 arithmetic overflows on
    # the data, which the run reports as exit 3 naming the standard (tests/test_faults.py).
    ints = st.integers(-(10**9), 10**9).map(str)
    floats = st.floats(allow_nan=False, allow_infinity=False).map(repr)
    num = st.deferred(lambda: st.one_of(
        cols(ColumnType.integer, ColumnType.decimal), ints, floats,
        st.tuples(num, st.sampled_from(["+", "-", "*", "/"]), num).map(" ".join),
        num.map(lambda n: f"abs({n})"), text_.map(lambda t: f"length({t})"),
        st.tuples(num, num).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        num.map(lambda n: f"-({n})"), num.map(lambda n: f"({n})")))
    text_ = st.deferred(lambda: st.one_of(
        cols(ColumnType.string, ColumnType.category), string_literal,
        st.tuples(st.sampled_from(["lower", "upper", "trim"]), text_).map(
            lambda t: f"{t[0]}({t[1]})"),
        st.tuples(text_, text_).map(lambda t: f"coalesce({t[0]}, {t[1]})")))
    date = st.one_of(cols(ColumnType.date, ColumnType.datetime), st.just("as_of"))
    day = st.dates().map(lambda d: f"'{d.isoformat()}'")
    ops = st.sampled_from(["=", "!=", "<>", "<", "<=", ">", ">="])
    compare = st.one_of(
        st.tuples(num, ops, num).map(" ".join), st.tuples(text_, ops, text_).map(" ".join),
        st.tuples(date, ops, st.one_of(date, day)).map(" ".join),
        st.tuples(day, ops, date).map(" ".join),
        st.tuples(num, num, num).map(lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
        st.tuples(date, day, st.one_of(day, date)).map(
            lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
        st.tuples(text_, st.booleans(), st.lists(string_literal, min_size=1, max_size=4)).map(
            lambda t: f"{t[0]} {'not in' if t[1] else 'in'} ({', '.join(t[2])})"),
        st.tuples(st.one_of(num, text_, date), st.booleans()).map(
            lambda t: f"{t[0]} is {'not ' if t[1] else ''}null"),
        st.tuples(text_, st.sampled_from(["like", "not like"]), string_literal).map(" ".join),
        st.sampled_from(["urgent", "true", "false", "urgent = true", "urgent is null"]))
    cond = st.deferred(lambda: st.one_of(
        compare, cond.map(lambda c: f"not ({c})"),
        st.tuples(cond, st.sampled_from(["and", "or"]), cond).map(" ".join)))
    return {expr.BOOLEAN: cond, expr.NUMBER: num}


TYPED = _typed()


@fuzz_settings()
@given(data=st.data(), want=st.sampled_from([expr.BOOLEAN, expr.NUMBER]))
def test_well_typed_expressions_are_accepted_and_run(data: st.DataObject, want: str) -> None:
    text = data.draw(TYPED[want], label="text")
    outcome = check(text, want, target="expressions-typed")
    if len(text) < expr.MAX_LENGTH // 4 and text.count("(") < expr.MAX_NESTING // 3:
        assert outcome == "ok", text


@fuzz_settings()
@given(text=texts, want=st.sampled_from(WANTS))
def test_any_text_parses_or_is_refused(text: str, want: str | None) -> None:
    check(text, want, target="expressions-text")


@fuzz_settings()
@given(text=damaged(), want=st.sampled_from(WANTS))
def test_grammar_aware_expressions_parse_and_run_or_are_refused(text: str, want: str | None
                                                                 ) -> None:
    check(text, want, target="expressions-grammar")


@fuzz_settings()
@given(text=expressions.filter(lambda t: "(" not in t).map(
    lambda t: "(" + t + ") and (" + t + ")"), want=st.just(expr.BOOLEAN))
def test_well_formed_conditions_run_when_accepted(text: str, want: str | None) -> None:
    check(text, want, target="expressions-grammar")


# Regressions found by the targets above, kept as plain cases.
DEEP = [
    pytest.param("(" * 10_000 + "region = 'North'" + ")" * 10_000, id="10,000 brackets"),
    pytest.param("(" * 45 + "region = 'North'" + ")" * 45, id="45 brackets"),
    pytest.param("(" * 17 + "region = 'North'" + ")" * 17, id="17 brackets"),
    pytest.param("(" * 1000 + "region = 'North'", id="1,000 unclosed brackets"),
    pytest.param("not " * 400 + "urgent", id="400 nots"),
    pytest.param("lower(" * 300 + "region" + ")" * 300 + " = 'x'", id="300 functions"),
    pytest.param("calls = " + "- " * 900 + "1", id="900 minus signs"),
    pytest.param("case when " * 150 + "true", id="150 cases"),
    pytest.param("+".join(["calls"] * 300) + " > 1", id="a chain of 300 additions"),
    pytest.param(" or ".join(["region = 'North'"] * 101), id="101 alternatives"),
]


@pytest.mark.parametrize("text", DEEP)
def test_deep_nesting_is_refused_in_words(text: str) -> None:
    with pytest.raises(expr.ExprError) as caught:
        expr.parse(text[: expr.MAX_LENGTH], COLUMNS)
    message = caught.value.message
    assert "nest" in message or "chains" in message or "cannot read" in message, message


def test_nesting_within_the_limits_is_accepted_and_runs() -> None:
    inner = " or ".join(["calls = 1"] * 80)
    depth = expr.MAX_NESTING - 1
    parsed = expr.parse("not " + "(" * depth + inner + ")" * depth, COLUMNS)
    translated(parsed)
    translated(expr.parse("(" * expr.MAX_NESTING + "urgent" + ")" * expr.MAX_NESTING, COLUMNS))


def test_length_is_signed_on_both_engines() -> None:
    # Polars counted lengths in u32: '-length(x)' failed and 'length(a) - length(b)' wrapped.
    parsed = expr.parse("length(region) - length(benefit_type)", COLUMNS, want=expr.NUMBER)
    frame, table = frames()
    polars_values = frame.select(parsed.to_polars(AS_OF)).to_series().to_list()
    found = duckdb().to_pyarrow(table.select(v=parsed.to_ibis(table, AS_OF)))
    duckdb_values = found["v"].to_pylist()
    assert polars_values[:2] == list(duckdb_values[:2]) == [5 - 7, 5 - 13]
    translated(expr.parse("-length(region) < 0", COLUMNS))


@pytest.mark.parametrize("text", ["calls = 9223372036854775808", "calls > -99999999999999999999",
                                  "amount < 1e999"])
def test_numbers_the_engines_cannot_hold_are_refused(text: str) -> None:
    with pytest.raises(expr.ExprError, match="is too large"):
        expr.parse(text, COLUMNS)


def test_in_needs_a_value_and_a_known_name() -> None:
    for text in ("* in ()", "region in ()"):
        with pytest.raises(expr.ExprError, match="'in' takes a list of values"):
            expr.parse(text, COLUMNS)


@pytest.mark.parametrize("text", ["not null", "lower(null) = 'a'", "null + 1 > 0"])
def test_a_constant_null_is_refused_with_what_to_write_instead(text: str) -> None:
    # Found by the fuzz: each crashed Polars.
    with pytest.raises(expr.ExprError, match="always null"):
        expr.parse(text, COLUMNS)


def test_between_a_date_and_a_text_is_refused() -> None:
    # Found by the fuzz: accepted, then crashed Polars.
    with pytest.raises(expr.ExprError, match="a date with one bound and text with the other"
                       ) as caught:
        expr.parse("'2025-01-01' between region and lodged_date", COLUMNS)
    assert caught.value.hint == "give 'between' two dates or two texts"


def test_int64_overflow_on_the_data_is_a_data_error_the_run_can_name() -> None:
    """Found by the fuzz: an accepted expression whose whole-number arithmetic overflows
    on the rows. DuckDB raises one of its data errors, which the run turns into exit 3
    naming the standard (engine.backend.data_errors; tests/test_faults.py)."""
    parsed = expr.parse("amount = (9223372036854775795 + abs(length(benefit_type)))", COLUMNS)
    _, table = frames()
    con = duckdb()
    with pytest.raises(backend.data_errors(con)):
        con.to_pyarrow(table.select(value=parsed.to_ibis(table, AS_OF)))


@pytest.mark.parametrize("text", ["trim(region, 'x') = 'a'", "trim(both 'x' from region) = 'a'",
                                  "trim(leading from region) = 'a'"])
def test_trim_with_characters_is_refused_not_silently_dropped(text: str) -> None:
    with pytest.raises(expr.ExprError, match="trim"):
        expr.parse(text, COLUMNS)
    translated(expr.parse("trim(region) = 'North'", COLUMNS))


def test_the_limit_is_named_with_what_to_do() -> None:
    with pytest.raises(expr.ExprError) as caught:
        expr.parse("(" * 45 + "urgent" + ")" * 45, COLUMNS)
    assert caught.value.message == (f"the expression nests more than {expr.MAX_NESTING} "
                                    "brackets, functions or 'not's inside one another")
    assert caught.value.hint is not None and "in (...)" in caught.value.hint
