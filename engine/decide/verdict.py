"""Exact verdicts: integers and fractions, never floating point, compared with the target.

79.99999% does not meet 80%. Only when a standard declares its publisher's rounding
rule is the value rounded before comparing, and the verdict says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from engine.measure.base import Cell, exact
from engine.model.common import Level
from engine.model.results import Verdict
from engine.model.standard import Rounding, RoundingMethod, Standard, TargetStep, WrittenAs


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    value: Fraction | None  # a percentage, or a number in the measure's unit
    target: TargetStep | None
    decided_by: str
    threshold: Fraction | None = None  # the target level applied to this cell


def threshold_of(step: TargetStep, cell: Cell) -> tuple[Fraction | None, str]:
    """The target level for this cell, and where it came from (or why there is none)."""
    level = step.threshold
    if isinstance(level, Level):
        return Fraction(level.value), ""
    low, high = cell.row_targets.get(level.column, (None, None))
    if low is None:
        return None, f"no target in the '{level.column}' column for this cell"
    if low != high:
        return None, (f"the '{level.column}' column gives different targets in this cell "
                      f"({low} to {high}); segment the standard so each cell has one")
    scale = 100 if level.written_as is WrittenAs.fraction else 1
    return exact(low) * scale, f"target {low} from the '{level.column}' column"


def decide(std: Standard, cell: Cell) -> Decision:
    value = cell.value
    step = std.target_on(cell.period_start)
    if step is None:
        return Decision(Verdict.insufficient_data, value, None,
                        f"no target in force on {cell.period_start}")
    threshold, source = threshold_of(step, cell)
    if threshold is None:
        return Decision(Verdict.insufficient_data, value, step, source)
    if not cell.cases:
        return Decision(Verdict.insufficient_data, value, step, "no cases in this period",
                        threshold)
    if value is None or cell.cases < step.minimum_sample:
        return Decision(Verdict.insufficient_data, value, step,
                        f"{_fmt(cell.cases)} cases, fewer than the minimum sample of "
                        f"{step.minimum_sample}", threshold)
    compared, how = value, "exact value compared with the target"
    if std.rounding is not None:
        compared = Fraction(round_percent(value, std.rounding.decimals, std.rounding.method))
        how = (f"value rounded to {std.rounding.decimals} decimal(s) "
               f"({std.rounding.method.value.replace('_', ' ')}) before comparing, "
               "as the standard declares")
    if source:
        how = f"{how} ({source})"
    return Decision(_verdict(compared, threshold, step), value, step, how, threshold)


def _verdict(value: Fraction, threshold: Fraction, step: TargetStep) -> Verdict:
    band = Fraction(step.band.value) if step.band is not None else None
    if step.higher_is_better:
        if value < threshold:
            return Verdict.breach
        if band is not None and value < band:
            return Verdict.warning
        return Verdict.met
    if value > threshold:
        return Verdict.breach
    if band is not None and value > band:
        return Verdict.warning
    return Verdict.met


def round_percent(value: Fraction, decimals: int, method: RoundingMethod) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        exact_value = Decimal(value.numerator) / Decimal(value.denominator)
        mode = ROUND_HALF_UP if method is RoundingMethod.half_up else ROUND_HALF_EVEN
        return exact_value.quantize(Decimal(1).scaleb(-decimals), rounding=mode)


def shortfall(threshold: Fraction, cell: Cell, step: TargetStep,
              rounding: Rounding | None = None) -> int | None:
    """How many more cases meeting the standard (at_least) or fewer counted (at_most)
    would have met the target, compared as the verdict compares (with the standard's
    rounding rule, when it declares one); None where counts are not whole cases, or no
    number of cases would do."""
    if cell.exact is not None or cell.sample is not None \
            or not isinstance(cell.numerator, int) \
            or not isinstance(cell.denominator, int) or not cell.denominator:
        return None
    num, den, up = cell.numerator, cell.denominator, step.higher_is_better

    def meets(k: int) -> bool:
        value = Fraction((num + k) if up else (num - k)) * cell.scale / den
        if rounding is not None:
            value = Fraction(round_percent(value, rounding.decimals, rounding.method))
        return value >= threshold if up else value <= threshold

    low, high = 0, (den - num) if up else num  # meeting is monotone in k: bisect
    if high < 0 or not meets(high):
        return None
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if meets(middle) else (middle + 1, high)
    return low


def _fmt(number: int | float) -> str:
    return f"{number:,}"
