"""A copy of the project's features, standards and examples in a scratch folder, for tests
that run the features on changed inputs (a mistake in a feature, a changed standard)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".compliance", "__pycache__", "*.feature", "out", "data")


def copy_tree(into: Path, *, features: bool = False) -> Path:
    """Copy pyproject.toml, standards/, examples/ and features/ (its steps and tests;
    its feature files too when ``features``) into ``into``."""
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    for folder in ("standards", "examples"):
        shutil.copytree(ROOT / folder, into / folder, ignore=shutil.ignore_patterns(
            ".compliance", "__pycache__", "out"))
    shutil.copytree(ROOT / "features", into / "features",
                    ignore=shutil.ignore_patterns(".compliance", "__pycache__")
                    if features else SKIP)
    return into


def run_features(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest on the copy's features, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "pytest", "features", "-q", "-p",
                           "no:cacheprovider", *args], cwd=tree, capture_output=True,
                          text=True, timeout=600, check=False)
