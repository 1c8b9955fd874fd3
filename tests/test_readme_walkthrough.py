"""The README's walkthrough works as written: its standard validates and its feature passes.

The YAML and Gherkin blocks are taken from README.md itself, so the documentation
cannot drift from what the engine accepts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_block(language: str, after: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(after)
    match = re.compile(rf"```{language}\n(.*?)```", re.S).search(text, start)
    assert match, f"no {language} block after {after!r} in README.md"
    return match.group(1)


def test_walkthrough_standard_and_feature(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "standards", tmp_path / "standards")
    standard = readme_block("yaml", "standards/benefits/BEN-02.yaml")
    (tmp_path / "standards" / "benefits" / "BEN-02.yaml").write_text(standard)
    features = tmp_path / "features"
    (features / "benefits").mkdir(parents=True)
    shutil.copy(ROOT / "features" / "conftest.py", features / "conftest.py")
    (features / "benefits" / "ben02.feature").write_text(
        readme_block("gherkin", "features/benefits/ben02_disability_claims.feature"))
    (features / "test_walkthrough.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('benefits')\n")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nbdd_features_base_dir = features\nmarkers =\n    timeliness: timeliness\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "features"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
