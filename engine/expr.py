"""Safe expressions: the small SQL-like language of population filters, conditions and checks.

An expression such as ``benefit_type != 'Death grant' and region in ('North', 'East')``
is parsed by sqlglot into a syntax tree, every node is checked against a whitelist,
every name against the dataset's declared columns, and every operator against the
types of its operands — all when the standards load. Only then is it translated, into
an Ibis expression for the query engine or a Polars expression for row checks while
reading. Nothing from a standard is executed as Python.

The language:

* names: the dataset's columns, and ``as_of`` (the extract's as-of date)
* literals: ``'text'`` (single quotes), numbers, ``true``, ``false``, ``null``;
  ``'2025-04-01'`` compared with a date column is a date; a date-time compared with a
  date (``as_of`` included) is compared by its day
* comparison: ``=  !=  <>  <  <=  >  >=``, ``between … and …``, ``in (…)``,
  ``not in (…)``, ``is null``, ``is not null``, ``like 'A%'``
* logic: ``and``, ``or``, ``not``, parentheses
* arithmetic on numbers: ``+ - * /``
* functions: ``lower``, ``upper``, ``trim``, ``length``, ``coalesce``, ``abs``
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from engine.model.dataset import ColumnType
from engine.problems import unknown_name_hint

# Expression types: the column types, plus 'number' for numeric literals and 'null'.
STRING, NUMBER, BOOLEAN, DATE, DATETIME, NULL = (
    "string", "number", "boolean", "date", "datetime", "null",
)
_KIND = {
    ColumnType.string: STRING, ColumnType.category: STRING,
    ColumnType.integer: NUMBER, ColumnType.decimal: NUMBER,
    ColumnType.boolean: BOOLEAN, ColumnType.date: DATE, ColumnType.datetime: DATETIME,
}
_COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "==", exp.NEQ: "!=", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=",
}
_ARITHMETIC: dict[type[exp.Expression], str] = {
    exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/",
}
_FUNCTIONS = {"lower": STRING, "upper": STRING, "trim": STRING, "length": NUMBER,
              "abs": NUMBER, "coalesce": None}
MAX_LENGTH = 2_000
# sqlglot parses recursively (about 25 Python frames a bracket) and every step after it
# walks the tree recursively: bounded here, an expression is refused in words, never by
# a RecursionError from deep inside a library.
MAX_NESTING = 16   # brackets, functions, 'case', 'not' and signs inside one another
MAX_DEPTH = 100    # operations in the tree, a long chain of 'and' or '+' included
_OPEN = {TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE, TokenType.CASE}
_CLOSE = {TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE, TokenType.END}
_PREFIX = {TokenType.NOT, TokenType.DASH, TokenType.PLUS, TokenType.TILDE}


class ExprError(ValueError):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression, ready to translate."""

    text: str
    tree: exp.Expression
    type: str
    columns: frozenset[str]
    kinds: tuple[tuple[str, str], ...] = ()  # every declared column's expression type

    def to_ibis(self, table: Any, as_of: dt.date) -> Any:
        return _ToIbis(table, dict(self.kinds), as_of).visit(self.tree)

    def to_polars(self, as_of: dt.date) -> Any:
        """The same expression over a Polars frame of the declared columns."""
        return _ToPolars(dict(self.kinds), as_of).visit(self.tree)


def parse(text: str, columns: Mapping[str, ColumnType], *, want: str | None = BOOLEAN
          ) -> Expression:
    """Parse and check ``text`` against ``columns``; raise :class:`ExprError` if it is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is longer than {MAX_LENGTH} characters")
    text = text.replace("==", "=")
    try:
        try:
            _check_nesting(sqlglot.Dialect.get_or_raise("duckdb").tokenize(text))
            tree = sqlglot.parse_one(text, read="duckdb")
        except (ParseError, TokenError) as exc:
            raise ExprError(f"cannot read the expression '{text}'",
                            _parse_hint(str(exc))) from None
        if tree is None:
            raise ExprError("the expression is empty")
        _check_depth(tree)
        checker = _Checker(columns)
        kind = checker.visit(tree)
    except RecursionError:
        # The limits above should make this unreachable; if not, still a refusal in words.
        raise ExprError("the expression is nested too deeply", _SIMPLER) from None
    if want is not None and kind not in (want, NULL):
        raise ExprError(f"'{text}' gives a {kind}, but a {want} is needed here",
                        "write a comparison, like region = 'North'" if want == BOOLEAN else None)
    return Expression(text, tree, kind, frozenset(checker.used),
                      tuple((n, _KIND[t]) for n, t in columns.items()))


_SIMPLER = ("write it more simply: drop brackets that are not needed, use in (...) for a "
            "list of values, or split it into separate conditions")


def _check_nesting(tokens: list[Token]) -> None:
    """Refuse text that nests deeper than :data:`MAX_NESTING` before it is parsed."""
    levels = [0]  # the nesting inside each open bracket
    run = deepest = 0  # prefix operators ('not', '-') in a row, which also nest
    for token in tokens:
        kind = token.token_type
        if kind in _PREFIX:
            run += 1
            deepest = max(deepest, levels[-1] + run)
        elif kind in _OPEN:
            levels.append(levels[-1] + run + 1)
            deepest = max(deepest, levels[-1])
            run = 0
        else:
            if kind in _CLOSE and len(levels) > 1:
                levels.pop()
            run = 0
        if deepest > MAX_NESTING:
            raise ExprError(f"the expression nests more than {MAX_NESTING} brackets, functions "
                            "or 'not's inside one another", _SIMPLER)


def _check_depth(tree: exp.Expression) -> None:
    """Refuse a tree deeper than :data:`MAX_DEPTH`, measured without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, _LEAVES):
            depth += 1
        if depth > MAX_DEPTH:
            raise ExprError(f"the expression chains or nests more than {MAX_DEPTH} operations",
                            _SIMPLER)
        stack.extend((child, depth) for child in node.iter_expressions())


_LEAVES = (exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null)


def _parse_hint(detail: str) -> str:
    first = detail.splitlines()[0] if detail else ""
    return f"text goes in single quotes, names are plain words ({first})".strip()


class _Checker:
    def __init__(self, columns: Mapping[str, ColumnType]) -> None:
        self.columns = {name: _KIND[t] for name, t in columns.items()}
        self.columns.setdefault("as_of", DATE)
        self.used: set[str] = set()

    def visit(self, node: exp.Expression | None) -> str:
        if node is None:  # sqlglot leaves out what is missing: '@' is abs() of nothing
            raise ExprError("the expression is incomplete: an operator or function is "
                            "missing its value")
        method: Callable[[Any], str] | None = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExprError(f"'{node.sql()}' is not allowed in an expression",
                            "see the expression language in the README")
        return method(node)

    def _Paren(self, node: exp.Paren) -> str:
        return self.visit(node.this)

    def _Column(self, node: exp.Column) -> str:
        if node.table:
            raise ExprError(f"'{node.sql()}' is not a column name", "use plain column names")
        name = node.name
        if name not in self.columns:
            quoted = node.this.args.get("quoted") if isinstance(node.this, exp.Identifier) else None
            if quoted:
                raise ExprError(f'"{name}" is read as a column name',
                                "put text in single quotes: 'like this'")
            raise ExprError(f"unknown column '{name}'",
                            unknown_name_hint(name, self.columns, "columns"))
        if name != "as_of":
            self.used.add(name)
        return self.columns[name]

    def _Literal(self, node: exp.Literal) -> str:
        if not node.is_string:
            _number(node.this)
        return STRING if node.is_string else NUMBER

    def _Boolean(self, node: exp.Boolean) -> str:
        return BOOLEAN

    def _Null(self, node: exp.Null) -> str:
        return NULL

    def _Neg(self, node: exp.Neg) -> str:
        return self._need(node.this, NUMBER, "-")

    def _need(self, node: exp.Expression, kind: str, op: str) -> str:
        got = self.visit(node)
        if got == NULL:
            # The engines cannot type it ('not null' fails on Polars), and it is a mistake.
            raise ExprError(f"'{op}' needs a {kind}, but '{node.sql()}' is always null",
                            "test for a missing value with 'is null'")
        if got != kind:
            raise ExprError(f"'{op}' needs a {kind}, but '{node.sql()}' is a {got}")
        return kind

    def _logic(self, node: exp.Expression) -> str:
        self._need(node.left, BOOLEAN, type(node).__name__.lower())
        self._need(node.right, BOOLEAN, type(node).__name__.lower())
        return BOOLEAN

    _And = _Or = _logic

    def _Not(self, node: exp.Not) -> str:
        return self._need(node.this, BOOLEAN, "not")

    def _compare_pair(self, left: exp.Expression, right: exp.Expression, op: str) -> None:
        lt, rt = self.visit(left), self.visit(right)
        if NULL in (lt, rt):
            raise ExprError(f"compare with null using 'is null', not '{op}'")
        if _comparable(lt, rt, left, right):
            return
        raise ExprError(
            f"cannot compare '{left.sql()}' ({lt}) with '{right.sql()}' ({rt})",
            "dates compare with dates ('2025-04-01'), text with text in single quotes",
        )

    def _comparison(self, node: exp.Expression) -> str:
        self._compare_pair(node.left, node.right, _COMPARISONS[type(node)])
        return BOOLEAN

    _EQ = _NEQ = _GT = _GTE = _LT = _LTE = _comparison

    def _Between(self, node: exp.Between) -> str:
        low, high = node.args.get("low"), node.args.get("high")
        self._compare_pair(node.this, low, "between")
        self._compare_pair(node.this, high, "between")
        # A quoted date is a date beside a date and text beside text: one reading only.
        temporal = {DATE, DATETIME}
        if len({bool({self.visit(node.this), self.visit(bound)} & temporal)
                for bound in (low, high)}) > 1:
            raise ExprError(f"'{node.sql()}' compares a date with one bound and text with the "
                            "other", "give 'between' two dates or two texts")
        return BOOLEAN

    def _In(self, node: exp.In) -> str:
        if node.args.get("query") or node.args.get("unnest") or node.args.get("field") \
                or not node.expressions:
            raise ExprError("'in' takes a list of values, like region in ('North', 'South')")
        for item in node.expressions:
            if not isinstance(item, exp.Literal | exp.Boolean):
                raise ExprError(f"'in' takes plain values; '{item.sql()}' is not one")
            self._compare_pair(node.this, item, "in")
        return BOOLEAN

    def _Is(self, node: exp.Is) -> str:
        if not isinstance(node.expression, exp.Null):
            raise ExprError("'is' is only for 'is null' and 'is not null'")
        self.visit(node.this)
        return BOOLEAN

    def _Like(self, node: exp.Like) -> str:
        self._need(node.this, STRING, "like")
        if not (isinstance(node.expression, exp.Literal) and node.expression.is_string):
            raise ExprError("'like' takes a pattern in single quotes, like 'A%'")
        return BOOLEAN

    def _arith(self, node: exp.Expression) -> str:
        op = _ARITHMETIC[type(node)]
        self._need(node.left, NUMBER, op)
        self._need(node.right, NUMBER, op)
        return NUMBER

    _Add = _Sub = _Mul = _Div = _arith

    def _function(self, name: str, args: list[exp.Expression]) -> str:
        if name not in _FUNCTIONS:
            raise ExprError(f"unknown function '{name}'",
                            unknown_name_hint(name, _FUNCTIONS, "functions"))
        if name == "coalesce":
            kinds = {self.visit(a) for a in args} - {NULL}
            if len(kinds) > 1:
                raise ExprError("coalesce needs values of one type")
            return kinds.pop() if kinds else NULL
        if len(args) != 1:
            raise ExprError(f"{name}() takes one value")
        self._need(args[0], STRING if name in ("lower", "upper", "trim", "length") else NUMBER,
                   name)
        result = _FUNCTIONS[name]
        assert result is not None
        return result

    def _Lower(self, node: exp.Lower) -> str:
        return self._function("lower", [node.this])

    def _Upper(self, node: exp.Upper) -> str:
        return self._function("upper", [node.this])

    def _Trim(self, node: exp.Trim) -> str:
        # trim(x, 'chars') and trim(both 'x' from s) parse to Trim too: the translation
        # trims spaces only, so anything more is refused rather than silently dropped.
        if any(node.args.get(k) for k in ("expression", "position", "collation")):
            raise ExprError("trim() takes one value and removes spaces only")
        return self._function("trim", [node.this])

    def _Length(self, node: exp.Length) -> str:
        return self._function("length", [node.this])

    def _Abs(self, node: exp.Abs) -> str:
        return self._function("abs", [node.this])

    def _Coalesce(self, node: exp.Coalesce) -> str:
        return self._function("coalesce", [node.this, *node.expressions])

    def _Anonymous(self, node: exp.Anonymous) -> str:
        return self._function(str(node.this).lower(), list(node.expressions))


def _comparable(lt: str, rt: str, left: exp.Expression, right: exp.Expression) -> bool:
    if lt == rt:
        return True
    temporal = {DATE, DATETIME}
    if lt in temporal and rt in temporal:
        return True
    # A quoted ISO date beside a date column is a date.
    if lt in temporal and rt == STRING:
        return _iso_literal(right) is not None
    if rt in temporal and lt == STRING:
        return _iso_literal(left) is not None
    return False


_INT64 = 2**63 - 1


def _number(text: str) -> int | float:
    """A number literal's value; refused when the query engines cannot hold it."""
    try:
        value: int | float = float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        raise ExprError(f"'{text}' is not a number") from None
    if isinstance(value, int) and abs(value) > _INT64:
        raise ExprError(f"the number {text} is too large",
                        f"whole numbers in an expression are at most {_INT64:,}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ExprError(f"the number {text} is too large", "write it as a finite number")
    return value


def _iso_literal(node: exp.Expression) -> dt.date | None:
    if isinstance(node, exp.Literal) and node.is_string:
        try:
            return dt.date.fromisoformat(node.this)
        except ValueError:
            return None
    return None


def _compare(left: Any, right: Any, op: type[exp.Expression]) -> Any:
    import operator

    fn = {exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.GT: operator.gt,
          exp.GTE: operator.ge, exp.LT: operator.lt, exp.LTE: operator.le}[op]
    return fn(left, right)


class _Translate:
    """Checked sqlglot tree → an expression of one backend; the backends differ only in
    the leaf and method names below, so the language means the same on each."""

    def __init__(self, kinds: Mapping[str, str], as_of: dt.date) -> None:
        self.kinds = kinds
        self.as_of = as_of

    def visit(self, node: exp.Expression) -> Any:
        if isinstance(node, exp.Paren):
            return self.visit(node.this)
        if isinstance(node, exp.Column):
            if node.name == "as_of" and node.name not in self.kinds:
                return self.literal(self.as_of)
            return self.column(node.name)
        if isinstance(node, exp.Literal):
            text = node.this
            if node.is_string:
                return self.literal(text)  # a date only beside a date: see pair()
            return self.literal(_number(text))
        if isinstance(node, exp.Boolean):
            return self.literal(bool(node.this))
        if isinstance(node, exp.Null):
            return self.literal(None)
        if isinstance(node, exp.Neg):
            return -self.visit(node.this)
        if isinstance(node, exp.And):
            return self.visit(node.left) & self.visit(node.right)
        if isinstance(node, exp.Or):
            return self.visit(node.left) | self.visit(node.right)
        if isinstance(node, exp.Not):
            return ~self.visit(node.this)
        if type(node) in _COMPARISONS:
            return _compare(*self.pair(node.left, node.right), type(node))
        if type(node) in _ARITHMETIC:
            left, right = self.visit(node.left), self.visit(node.right)
            if isinstance(node, exp.Div):  # by zero: unknown on every engine, as a blank
                right = self.nonzero(right)
            return {exp.Add: left.__add__, exp.Sub: left.__sub__, exp.Mul: left.__mul__,
                    exp.Div: left.__truediv__}[type(node)](right)
        if isinstance(node, exp.Between):
            this, low = self.pair(node.this, node.args["low"])
            return self.between(this, low, self.pair(node.this, node.args["high"])[1])
        if isinstance(node, exp.In):
            return self.isin(self.visit(node.this),
                             [self.pair(node.this, v)[1] for v in node.expressions])
        if isinstance(node, exp.Is):
            return self.isnull(self.visit(node.this))
        if isinstance(node, exp.Like):
            return self.like(self.visit(node.this), node.expression.this)
        if isinstance(node, exp.Coalesce):
            return self.coalesce([self.visit(a) for a in [node.this, *node.expressions]])
        name = (str(node.this).lower() if isinstance(node, exp.Anonymous)
                else type(node).__name__.lower())
        return self.function(name, self.visit(
            node.expressions[0] if isinstance(node, exp.Anonymous) else node.this))

    def pair(self, left: exp.Expression, right: exp.Expression) -> tuple[Any, Any]:
        """Both sides of a comparison: a quoted ISO date is a date beside a date or
        date-time (and text beside text), and a date-time beside a date is compared by its
        day, so ``decided_at <= as_of`` holds all through the as-of day."""
        lk, rk = self._kind(left, right), self._kind(right, left)
        return self._side(left, lk, rk), self._side(right, rk, lk)

    def _kind(self, node: exp.Expression, beside: exp.Expression) -> str:
        kind = _KindOf(self.kinds).visit(node)
        if _iso_literal(node) is not None and \
                _KindOf(self.kinds).visit(beside) in (DATE, DATETIME):
            return DATE
        return kind

    def _side(self, node: exp.Expression, kind: str, other: str) -> Any:
        day = _iso_literal(node)
        value = self.literal(day) if day is not None and kind == DATE else self.visit(node)
        return self.day_of(value) if kind == DATETIME and other == DATE else value

    # The backend's vocabulary.
    def column(self, name: str) -> Any: raise NotImplementedError
    def literal(self, value: object) -> Any: raise NotImplementedError
    def between(self, this: Any, low: Any, high: Any) -> Any: raise NotImplementedError
    def isin(self, this: Any, values: list[Any]) -> Any: raise NotImplementedError
    def isnull(self, this: Any) -> Any: raise NotImplementedError
    def like(self, this: Any, pattern: str) -> Any: raise NotImplementedError
    def coalesce(self, values: list[Any]) -> Any: raise NotImplementedError
    def function(self, name: str, arg: Any) -> Any: raise NotImplementedError
    def day_of(self, value: Any) -> Any: raise NotImplementedError
    def nonzero(self, value: Any) -> Any: raise NotImplementedError


class _ToIbis(_Translate):
    def __init__(self, table: Any, kinds: Mapping[str, str], as_of: dt.date) -> None:
        import ibis

        super().__init__(kinds, as_of)
        self.ibis = ibis
        self.table = table

    def column(self, name: str) -> Any:
        return self.table[name]

    def literal(self, value: object) -> Any:
        return self.ibis.null() if value is None else self.ibis.literal(value)

    def between(self, this: Any, low: Any, high: Any) -> Any:
        return this.between(low, high)

    def isin(self, this: Any, values: list[Any]) -> Any:
        return this.isin(values)

    def isnull(self, this: Any) -> Any:
        return this.isnull()

    def like(self, this: Any, pattern: str) -> Any:
        return this.like(pattern)

    def coalesce(self, values: list[Any]) -> Any:
        return self.ibis.coalesce(*values)

    def function(self, name: str, arg: Any) -> Any:
        # Look the method up by name: a string column has no .abs, a number no .lower.
        return getattr(arg, {"trim": "strip"}.get(name, name))()

    def day_of(self, value: Any) -> Any:
        return value.date()

    def nonzero(self, value: Any) -> Any:
        return value.nullif(0)


class _ToPolars(_Translate):
    """Polars' ``&``, ``|`` and ``~`` on booleans are Kleene logic, as SQL's are."""

    def __init__(self, kinds: Mapping[str, str], as_of: dt.date) -> None:
        import polars as pl

        super().__init__(kinds, as_of)
        self.pl = pl

    def column(self, name: str) -> Any:
        return self.pl.col(name)

    def literal(self, value: object) -> Any:
        return self.pl.lit(value)

    def between(self, this: Any, low: Any, high: Any) -> Any:
        return this.is_between(low, high)

    def isin(self, this: Any, values: list[Any]) -> Any:
        pl = self.pl
        return pl.any_horizontal([this == v for v in values]) if values else pl.lit(False)

    def isnull(self, this: Any) -> Any:
        return this.is_null()

    def like(self, this: Any, pattern: str) -> Any:
        return this.str.contains(_like_regex(pattern))

    def coalesce(self, values: list[Any]) -> Any:
        return self.pl.coalesce(values)

    def function(self, name: str, arg: Any) -> Any:
        calls: dict[str, Callable[[Any], Any]] = {
            "lower": lambda a: a.str.to_lowercase(), "upper": lambda a: a.str.to_uppercase(),
            "trim": lambda a: a.str.strip_chars(),
            # A signed length, as DuckDB's: Polars counts in u32, where 3 - 5 wraps round.
            "length": lambda a: a.str.len_chars().cast(self.pl.Int64),
            "abs": lambda a: a.abs(),
        }
        return calls[name](arg)

    def day_of(self, value: Any) -> Any:
        return value.dt.date()

    def nonzero(self, value: Any) -> Any:
        return self.pl.when(value != 0).then(value)


class _KindOf(_Checker):
    """The expression type of a checked node (the checker's answer, without recording)."""

    def __init__(self, kinds: Mapping[str, str]) -> None:
        self.columns = dict(kinds)
        self.columns.setdefault("as_of", DATE)
        self.used = set()


def _like_regex(pattern: str) -> str:
    import re

    body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return f"(?s)^{body}$"
