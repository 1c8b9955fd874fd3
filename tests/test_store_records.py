"""The store keeps each run's whole record and rejects, so reports can be rebuilt from
it: the latest run by default, or one chosen by the start of its id. On SQLite and
PostgreSQL alike (``store_url``)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.model.results import RunRecord
from engine.problems import InputError
from engine.run import Outcome
from engine.store import KEPT_REJECTS, Store


def as_run(outcome: Outcome, run_id: str, as_of: dt.date) -> RunRecord:
    record = outcome.record
    return record.model_copy(update={"run": record.run.model_copy(
        update={"id": run_id, "as_of": as_of})})


def test_the_latest_run_or_the_one_named_comes_back_as_it_was_kept(
        shipped_run: Outcome, store_url: str) -> None:
    store = Store(store_url)
    older = as_run(shipped_run, "aa11" + "0" * 28, dt.date(2025, 5, 31))
    newer = as_run(shipped_run, "ab22" + "0" * 28, dt.date(2025, 6, 30))
    rejects = [{"dataset": "claims", "file": "x.csv", "row": 7, "column": "a",
                "value": "=1+1", "reason": "not_a_date", "message": "m"}]
    for record in (newer, older):  # kept out of order: the as-of date decides
        store.record(record)
        store.keep(record, rejects)
    latest, kept_rejects = store.stored()
    assert latest == newer and kept_rejects == rejects
    assert store.stored("aa1")[0] == older
    assert [r.id for r in store.kept_runs()] == [newer.run.id, older.run.id]
    with pytest.raises(InputError) as err:
        store.stored("a")
    assert "2 runs start with 'a'" in str(err.value.problems[0])
    with pytest.raises(InputError) as err:
        store.stored("a%")  # a LIKE wildcard is taken literally
    assert "no run whose id starts with 'a%'" in str(err.value.problems[0])


def test_rejects_kept_are_capped(shipped_run: Outcome, store_url: str) -> None:
    store = Store(store_url)
    many = [{"dataset": "d", "file": "f", "row": i, "column": "c", "value": "",
             "reason": "r", "message": "m"} for i in range(KEPT_REJECTS + 5)]
    store.record(shipped_run.record)
    store.keep(shipped_run.record, many)
    assert len(store.stored()[1]) == KEPT_REJECTS
