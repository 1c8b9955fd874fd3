"""Given: the standard, the extract's date, and the extract's rows."""

from __future__ import annotations

import datetime as dt

from pytest_bdd import given, parsers

from bdd.scene import Scene


@given(parsers.parse("the standard {standard}"))
def the_standard(scene: Scene, standard: str) -> None:
    """Given the standard BEN-01"""
    scene.choose(standard)


@given(parsers.parse("the extract is dated {day}"))
def the_extract_date(scene: Scene, day: str) -> None:
    """Given the extract is dated 2025-06-30"""
    try:
        scene.as_of = dt.date.fromisoformat(day)
    except ValueError:
        scene.fail(f"'{day}' is not a date written as year-month-day, e.g. 2025-06-30")


@given(parsers.re(r"these (?P<things>[\w ]+):"))
def these_rows(scene: Scene, things: str, datatable: list[list[str]]) -> None:
    """Given these claims:"""
    scene.add_rows(datatable)


@given(parsers.re(r"(?P<count>\d+) (?P<things>[\w ]+) like this:"))
def rows_like_this(scene: Scene, count: str, things: str, datatable: list[list[str]]) -> None:
    """Given 33 claims like this:"""
    if len(datatable) != 2:
        scene.fail(f"'{count} {things} like this' takes a table of one row under its "
                   "heading; for several rows use 'these {things}:' with a How many column")
    scene.add_rows(datatable, times=int(count))
