"""What a run imports before its first extract is read, and what it leaves behind.

``engine.run`` imports only what loading the standards and reading the extracts need;
the query engine, the measure kinds, the decision layer and SciPy are imported in a
thread while the first extract is read (some 0.8 s of imports; a 10M-row run gains about
0.5 s, bench/README.md). Each test runs in a fresh interpreter, where nothing is
imported yet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imported while the first extract is read, never before it.
AFTER_READING = ["ibis", "duckdb", "pandas", "scipy", "engine.measure", "engine.decide",
                 "engine.track"]


def python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_importing_the_pipeline_leaves_the_query_engine_for_later() -> None:
    loaded = json.loads(python(
        "import json, sys, engine.cli, engine.run\n"
        f"print(json.dumps([m for m in {AFTER_READING!r} if m in sys.modules]))\n"))
    assert loaded == []


def test_a_run_that_stops_on_its_data_leaves_no_import_running() -> None:
    """The imports are waited for on every way out, so a run that stops before it
    measures leaves no thread importing behind it (here: the claims file is missing)."""
    left = json.loads(python(
        "import json, threading\n"
        "from engine.run import check\n"
        "from engine.problems import InputError\n"
        "try:\n"
        "    check('standards', data={'claims': 'no-such-file.csv'}, only=['BEN-01'])\n"
        "except InputError as error:\n"
        "    assert error.exit_code == 3, error.exit_code\n"
        "print(json.dumps([t.name for t in threading.enumerate() if t.name == 'imports']))\n"))
    assert left == []



def test_the_imports_run_while_the_first_extract_is_read_and_connect_after_it() -> None:
    """What the run does first, in order: reading starts while the imports are still
    under way (they take far longer than reaching the first file), and the query engine
    is connected only once that extract is read."""
    order = json.loads(python(
        "import json, threading\n"
        "import engine.backend, engine.run\n"
        "order = []\n"
        "read, connect = engine.run.read_dataset, engine.backend.connect\n"
        "def reading(*args, **kwargs):\n"
        "    alive = any(t.name == 'imports' for t in threading.enumerate())\n"
        "    order.append('read, importing' if alive else 'read')\n"
        "    return read(*args, **kwargs)\n"
        "def connecting(*args, **kwargs):\n"
        "    order.append('connect')\n"
        "    return connect(*args, **kwargs)\n"
        "engine.run.read_dataset, engine.backend.connect = reading, connecting\n"
        "engine.run.check('standards', only=['BEN-01'])\n"
        "print(json.dumps(order))\n"))
    assert order == ["read, importing", "connect"]


def test_the_command_line_collects_cycles_less_often_and_the_library_leaves_that_alone(
        ) -> None:
    """``compliance`` runs Python's cycle collector once allocations outnumber frees by
    50,000, not 700 (its own process: bench/README.md, "Python's cycle collector");
    ``engine.run.check``, which may run inside someone else's program, does not touch
    the setting."""
    seen = json.loads(python(
        "import gc, json, sys\n"
        "import engine.run\n"
        "engine.run.check('standards', only=['BEN-01'])\n"
        "library = gc.get_threshold()[0]\n"
        "from engine.cli import main\n"
        "sys.argv = ['compliance', 'validate', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps([library, gc.get_threshold()[0]]))\n"))
    assert seen == [700, 50_000]
