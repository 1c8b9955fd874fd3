"""How numbers are shown: never rounded onto a target, a warning threshold, or zero."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.wording import show_gap, show_percent, show_value


@pytest.mark.parametrize(("value", "marks", "shown"), [
    (Fraction(7996, 100), Fraction(80), "79.96%"),
    (Fraction(7996, 100), None, "80.0%"),
    (Fraction(80), Fraction(80), "80.0%"),          # equal to its target: one decimal
    (Fraction(799999, 10000), Fraction(80), "79.9999%"),
    # a warning: met, but below the band; 95.98% must not read as the band's 96%
    (Fraction(573 * 100, 597), (Fraction(95), Fraction(96)), "95.98%"),
    (Fraction(573 * 100, 597), (Fraction(95), None), "96.0%"),
])
def test_a_percentage_is_never_rounded_onto_a_mark(value: Fraction, marks: object,
                                                   shown: str) -> None:
    assert show_percent(value, marks) == shown  # type: ignore[arg-type]


def test_a_value_in_its_unit_gets_two_decimals_or_more_near_its_target() -> None:
    assert show_value(Fraction(194, 10), "days") == "19.40 days"
    assert show_value(Fraction(20999, 1000), "days", Fraction(21)) == "20.999 days"


@pytest.mark.parametrize(("gap", "unit", "decimals", "shown"), [
    (Fraction(-76, 10), "%", 1, "7.6 points"),
    (Fraction(4, 100), "%", 1, "0.04 points"),      # not "0.0 points"
    (Fraction(1, 10**7), "%", 2, "0.000000 points"),  # six decimals at most
    (Fraction(24, 10), "days", 2, "2.40 days"),
    (Fraction(1, 2), "", 1, "0.5 points"),
])
def test_a_gap_is_never_shown_as_zero_when_it_is_not(gap: Fraction, unit: str,
                                                     decimals: int, shown: str) -> None:
    assert show_gap(gap, unit, decimals) == shown
