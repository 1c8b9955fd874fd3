"""Fixtures shared by the tests: the shipped examples' runs, and the alert store on each
backend it supports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import postgres
import pytest

from engine.run import Outcome, check

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shipped_run() -> Outcome:
    """The shipped example (standards/ and its extracts), checked once per session
    without a store: every alert new, nothing written."""
    return check(ROOT / "standards")


@pytest.fixture(scope="session")
def improvement_run() -> Outcome:
    """examples/improvement-plan as of 2025-06-30: goals, an initiative and demand."""
    import datetime as dt

    return check(ROOT / "examples" / "improvement-plan", as_of=dt.date(2025, 6, 30))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    """A PostgreSQL server for the session (see ``tests/postgres.py``), or a skip; a
    failure instead where COMPLIANCE_REQUIRE_POSTGRES is set (as in CI, which installs it)."""
    with postgres.server() as found:
        if isinstance(found, str):
            if os.environ.get("COMPLIANCE_REQUIRE_POSTGRES"):
                pytest.fail(found)
            pytest.skip(found)
        yield found


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    server: postgres.Server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)
