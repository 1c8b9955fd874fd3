"""The step vocabulary is unambiguous and documented: each step's example matches that
step alone, and the README lists every one."""

from __future__ import annotations

from pathlib import Path

from bdd.steps import vocabulary
from pytest_bdd.steps import step_function_context_registry

README = Path(__file__).resolve().parents[1] / "README.md"


def _ours() -> list:  # type: ignore[type-arg]
    return [c for c in step_function_context_registry.values()
            if c.step_func.__module__.startswith("bdd.")]


def test_each_example_matches_exactly_one_step() -> None:
    steps = _ours()
    for keyword, text in vocabulary():
        matching = [c.step_func.__name__ for c in steps
                    if c.type == keyword.lower() and c.parser.is_matching(text)]
        assert len(matching) == 1, f"{keyword} {text}: matched by {matching}"


def test_every_step_has_an_example() -> None:
    documented = {c.step_func.__name__ for c in _ours() if (c.step_func.__doc__ or "").strip()}
    assert {c.step_func.__name__ for c in _ours()} == documented


def test_the_readme_lists_every_step() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [f"{k} {t}" for k, t in vocabulary() if f"{k} {t}" not in text]
    assert not missing, "README's 'Steps you can use' lacks:\n" + "\n".join(missing)
