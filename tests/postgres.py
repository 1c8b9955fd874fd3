"""A PostgreSQL server for the store tests, and a fresh database for each test.

``COMPLIANCE_TEST_POSTGRES_URL`` names a server to use (its user must be allowed to
create databases). Without it, a throwaway cluster is started from PostgreSQL's server
binaries (on PATH, or where Debian's ``postgresql`` package puts them,
``/usr/lib/postgresql/<version>/bin``) in a temporary folder, on a free port of
127.0.0.1, and removed at the end of the session. PostgreSQL refuses to run as root, so
under root the cluster runs as the ``postgres`` user (or ``nobody``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

URL_VARIABLE = "COMPLIANCE_TEST_POSTGRES_URL"
NOT_INSTALLED = ("PostgreSQL not installed: apt-get install postgresql, or set "
                 f"{URL_VARIABLE}")
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
# A throwaway cluster need not survive a crash: no fsync, no full-page writes.
SETTINGS = {"listen_addresses": "'127.0.0.1'", "fsync": "off", "synchronous_commit": "off",
            "full_page_writes": "off", "max_connections": "50"}


class Server:
    """A PostgreSQL server the tests may create databases on."""

    def __init__(self, url: sa.URL) -> None:
        self.url = url
        self.admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def create_database(self) -> str:
        """A new empty database; its URL, password included, for the code under test."""
        name = f"compliance_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = sa.make_url(url).database
        with self.admin.connect() as conn:
            force = " WITH (FORCE)" if conn.dialect.server_version_info >= (13,) else ""
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"{force}')


@contextmanager
def server() -> Iterator[Server | str]:
    """The server to test against, or why there is none (a reason to skip)."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        url = sa.make_url(given)
        if url.drivername == "postgresql":  # SQLAlchemy's default would be psycopg2
            url = url.set(drivername="postgresql+psycopg")
        yield Server(url)
        return
    bindir = server_programs()
    if bindir is None:
        yield NOT_INSTALLED
        return
    with throwaway_cluster(bindir) as url:
        yield Server(url)


def server_programs() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    folders = []
    on_path = shutil.which("initdb")
    if on_path:  # may be a symlink into the versioned folder: pg_ctl looks beside itself
        folders.append(Path(on_path).resolve().parent)
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    folders += sorted(versions, key=lambda p: _version(p.parent.name), reverse=True)
    for folder in folders:
        if all(os.access(folder / name, os.X_OK) for name in SERVER_PROGRAMS):
            return folder
    return None


@contextmanager
def throwaway_cluster(bindir: Path) -> Iterator[sa.URL]:
    """initdb and pg_ctl start in a temporary folder; stopped and removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="compliance-pg-"))
    data, log = folder / "data", folder / "server.log"
    run_as = _server_user()
    if run_as:
        os.chown(folder, run_as["user"], run_as["group"])
    try:
        _initdb(run_as, folder, bindir, data)
        for attempt in range(3):  # another process may take the free port first
            port = _free_port()
            with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                for name, value in {**SETTINGS, "port": str(port),
                                    "unix_socket_directories": f"'{folder}'"}.items():
                    conf.write(f"{name} = {value}\n")
            try:
                _call(run_as, folder, bindir / "pg_ctl", "-D", str(data), "-l", str(log),
                      "-w", "-t", "60", "start")
                break
            except RuntimeError:
                if attempt == 2:
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"PostgreSQL did not start:\n{tail}") from None
        try:
            yield sa.URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1",
                                port=port, database="postgres")
        finally:
            _call(run_as, folder, bindir / "pg_ctl", "-D", str(data), "-m", "immediate",
                  "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _initdb(run_as: dict[str, Any], folder: Path, bindir: Path, data: Path) -> None:
    """A cluster that sorts text as most servers do, linguistically ('north' before
    'South'), so that a test catches an order left to the database's collation; ICU
    needs PostgreSQL 15 built with it, else the C locale will do."""
    common = ("-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
              "--no-sync")
    try:
        _call(run_as, folder, bindir / "initdb", *common, "--locale=C",
              "--locale-provider=icu", "--icu-locale=en-US")
    except RuntimeError:
        shutil.rmtree(data, ignore_errors=True)
        _call(run_as, folder, bindir / "initdb", *common, "--no-locale")


def _call(run_as: dict[str, Any], cwd: Path, program: Path, *args: str) -> None:
    done = subprocess.run([str(program), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, **run_as)
    if done.returncode != 0:
        raise RuntimeError(f"{program.name} failed: {done.stdout}{done.stderr}")


def _server_user() -> dict[str, Any]:
    """Under root, run the server programs as postgres (or nobody): they refuse root."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    raise RuntimeError("running as root, and there is no postgres or nobody user to run "
                       "PostgreSQL as")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())
