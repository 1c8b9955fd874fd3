"""The fuzz targets at length: ``python -m tests.fuzz [--examples N] [-k EXPR]``.

Run from the project's root. Sets ``FUZZ_EXAMPLES`` (so each target tries N new inputs,
not the suite's reproducible few), runs pytest on this folder in-process, prints the tally
and exits non-zero when any input failed to end cleanly.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=5000,
                        help="inputs per fuzz target (default 5000)")
    parser.add_argument("-k", dest="keyword", default=None,
                        help="only the fuzz tests matching this pytest -k expression")
    parser.add_argument("pytest_args", nargs="*",
                        help="further arguments for pytest (after --)")
    args = parser.parse_args(argv)
    os.environ["FUZZ_EXAMPLES"] = str(args.examples)

    import pytest

    started = time.perf_counter()
    command = [str(HERE), "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra"]
    if args.keyword:
        command += ["-k", args.keyword]
    code = pytest.main(command + args.pytest_args)
    elapsed = time.perf_counter() - started

    # pytest imported the harness under its own module name: find it by its file.
    harness = next((m for m in list(sys.modules.values())
                    if getattr(m, "__file__", None) == str(HERE / "harness.py")), None)
    failed = harness.failures() if harness is not None else 0
    tried = sum(t.tried for t in harness.TALLY.values()) if harness is not None else 0
    print(f"fuzz: {tried} inputs tried in {elapsed:.0f} s, {args.examples} per target; "
          f"{failed} failure{'' if failed == 1 else 's'}")
    return 1 if failed or code not in (0, 5) else 0


if __name__ == "__main__":
    sys.exit(main())
