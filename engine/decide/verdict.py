"""Exact verdicts: integers and fractions, never floating point, compared with the target.

79.99999% does not meet 80%. Only when a standard declares its publisher's rounding
rule is the value rounded before comparing, and the verdict says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from engine.measure.base import Cell
from engine.model.results import Verdict
from engine.model.standard import RoundingMethod, Standard, TargetStep


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    value: Fraction | None  # percent
    target: TargetStep | None
    decided_by: str


def exact(number: int | float) -> Fraction:
    return Fraction(number) if isinstance(number, int) else Fraction(Decimal(repr(number)))


def percent(cell: Cell) -> Fraction | None:
    if not cell.denominator:
        return None
    return exact(cell.numerator) * 100 / exact(cell.denominator)


def decide(std: Standard, cell: Cell) -> Decision:
    value = percent(cell)
    step = std.target_on(cell.period_start)
    if step is None:
        return Decision(Verdict.insufficient_data, value, None,
                        f"no target in force on {cell.period_start}")
    if value is None or cell.denominator < step.minimum_sample:
        return Decision(Verdict.insufficient_data, value, step,
                        f"{_fmt(cell.denominator)} cases, fewer than the minimum sample of "
                        f"{step.minimum_sample}")
    compared, how = value, "exact value compared with the target"
    if std.rounding is not None:
        compared = Fraction(round_percent(value, std.rounding.decimals, std.rounding.method))
        how = (f"value rounded to {std.rounding.decimals} decimal(s) "
               f"({std.rounding.method.value.replace('_', ' ')}) before comparing, "
               "as the standard declares")
    return Decision(_verdict(compared, step), value, step, how)


def _verdict(value: Fraction, step: TargetStep) -> Verdict:
    if step.at_least is not None:
        if value < Fraction(step.at_least):
            return Verdict.breach
        if step.warning_below is not None and value < Fraction(step.warning_below):
            return Verdict.warning
        return Verdict.met
    assert step.at_most is not None
    if value > Fraction(step.at_most):
        return Verdict.breach
    if step.warning_above is not None and value > Fraction(step.warning_above):
        return Verdict.warning
    return Verdict.met


def round_percent(value: Fraction, decimals: int, method: RoundingMethod) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        exact_value = Decimal(value.numerator) / Decimal(value.denominator)
        mode = ROUND_HALF_UP if method is RoundingMethod.half_up else ROUND_HALF_EVEN
        return exact_value.quantize(Decimal(1).scaleb(-decimals), rounding=mode)


def shortfall(value: Fraction, cell: Cell, step: TargetStep) -> int | None:
    """How many more cases meeting the standard (at_least) or fewer failing (at_most) would
    have been needed, for case-level counts; None where that is not meaningful."""
    if not isinstance(cell.numerator, int) or not isinstance(cell.denominator, int):
        return None
    den = cell.denominator
    if step.at_least is not None:
        needed = Fraction(step.at_least) * den / 100
        need = -(-needed.numerator // needed.denominator)  # ceiling
        return max(0, need - cell.numerator)
    assert step.at_most is not None
    allowed = Fraction(step.at_most) * den / 100
    return max(0, cell.numerator - allowed.numerator // allowed.denominator)


def _fmt(number: int | float) -> str:
    return f"{number:,}"
