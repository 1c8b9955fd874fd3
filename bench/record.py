"""What every figures file records: the machine, the package versions, the engine's source."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata

from bench import ROOT

PACKAGES = ["service-standards-engine", "polars", "duckdb", "pyarrow", "openpyxl",
            "python-calamine", "fastexcel", "xlsxwriter", "numpy", "ibis-framework",
            "holidays"]


def machine() -> dict[str, object]:
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count()}


def versions() -> dict[str, str | None]:
    return {p: version(p) for p in PACKAGES}


def engine_source() -> dict[str, object]:
    """The commit the engine was read from, and whether engine/ had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()
    return {"commit": git("rev-parse", "HEAD") or None,
            "engine_changed": bool(git("status", "--porcelain", "--", "engine"))}


def version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
