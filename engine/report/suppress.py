"""Small-number suppression for published output.

A cell (one standard, period and segment) with fewer cases than the threshold is
*primary* suppressed: its value, count and verdict are not published, so no one can be
identified. A published total and the other cells of the same breakdown still give away
the suppressed cells' combined count by subtraction, so within a breakdown the smallest
other cells are *secondarily* suppressed, smallest first, until at least two cells are
suppressed and together they hold at least the threshold. The whole population's own
result is published unless it is itself below the threshold. Cells with no cases reveal
nothing and are left alone.

Suppression applies to the public statement only; the internal workbook shows every cell.
"""

from __future__ import annotations

from enum import StrEnum

from engine.model.results import Result

Key = tuple[str, str, tuple[tuple[str, str], ...]]  # standard, period, segment


class Suppressed(StrEnum):
    primary = "primary"
    secondary = "secondary"


def key_of(r: Result) -> Key:
    return r.standard, r.period, tuple(sorted(r.segment.items()))


def suppression(results: list[Result], threshold: int) -> dict[Key, Suppressed]:
    """The cells not to publish, and why."""
    if threshold <= 0:
        return {}
    out: dict[Key, Suppressed] = {}
    breakdowns: dict[tuple[str, str, tuple[str, ...]], list[Result]] = {}
    for r in results:
        if 0 < r.cases < threshold:
            out[key_of(r)] = Suppressed.primary
        if r.segment:
            breakdowns.setdefault((r.standard, r.period, tuple(sorted(r.segment))),
                                  []).append(r)
    for cells in breakdowns.values():
        hidden = [r for r in cells if key_of(r) in out]
        others = sorted((r for r in cells if key_of(r) not in out and r.cases > 0),
                        key=lambda r: (r.cases, key_of(r)[2]))
        while hidden and others and (len(hidden) < 2
                                     or sum(r.cases for r in hidden) < threshold):
            protector = others.pop(0)
            out[key_of(protector)] = Suppressed.secondary
            hidden.append(protector)
    return out


def suppressed_words(why: Suppressed, threshold: int) -> str:
    if why is Suppressed.primary:
        return f"fewer than {threshold} cases, not published"
    return "not published, so that a smaller cell cannot be worked out"
