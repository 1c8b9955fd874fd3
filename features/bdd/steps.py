"""The vocabulary as a list: each step definition's docstring is one example of it."""

from __future__ import annotations

import inspect

from bdd import alerts, given, goals, results

MODULES = (given, results, alerts, goals)


def vocabulary() -> list[tuple[str, str]]:
    """(keyword, example) for every step, in the order the modules define them."""
    found = []
    for order, module in enumerate(MODULES):
        for _, func in inspect.getmembers(module, inspect.isfunction):
            doc = (func.__doc__ or "").strip()
            keyword, _, text = doc.partition(" ")
            if func.__module__ == module.__name__ and keyword in ("Given", "When", "Then"):
                found.append((order, func.__code__.co_firstlineno, keyword, text))
    found.sort()
    return [(keyword, text) for _, _, keyword, text in found]


def examples() -> list[str]:
    return [text for _, text in vocabulary()]
