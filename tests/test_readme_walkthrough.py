"""The README's walkthrough works as written: its standard validates and its feature passes.

The YAML and Gherkin blocks are taken from README.md itself, so the documentation
cannot drift from what the engine accepts.
"""

from __future__ import annotations

import re
from pathlib import Path

from feature_tree import copy_tree, run_features

ROOT = Path(__file__).resolve().parents[1]


def readme_block(language: str, after: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(after)
    match = re.compile(rf"```{language}\n(.*?)```", re.S).search(text, start)
    assert match, f"no {language} block after {after!r} in README.md"
    return match.group(1)


def test_walkthrough_standard_and_feature(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    standard = readme_block("yaml", "standards/benefits/BEN-02.yaml")
    (tree / "standards" / "benefits" / "BEN-02.yaml").write_text(standard)
    (tree / "features" / "benefits").mkdir(exist_ok=True)
    (tree / "features" / "benefits" / "ben02_disability_claims.feature").write_text(
        readme_block("gherkin", "features/benefits/ben02_disability_claims.feature"))
    done = run_features(tree, "-k", "test_ben02")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
