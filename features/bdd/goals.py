"""Then: improvement goals — the baseline, the path and where each period stands on it."""

from __future__ import annotations

from fractions import Fraction

from pytest_bdd import parsers, then

from bdd.results import WHERE, rounded
from bdd.scene import Scene
from engine.model.tracking import Tracking, TrackPoint, TrackStatus

STATUS = {"on track": TrackStatus.on_track, "at risk": TrackStatus.at_risk,
          "off track": TrackStatus.off_track, "achieved": TrackStatus.achieved,
          "not assessed": TrackStatus.not_assessed}
STATUS_RE = rf"(?P<status>{'|'.join(STATUS)})"


def tracking(scene: Scene, standard: str, where: str) -> Tracking:
    wanted = scene.segment(where)
    for t in scene.ran.record.tracking:
        if (t.standard, t.segment) == (standard, wanted):
            return t
    scene.fail(f"{standard} has no improvement goal tracked {where}")


def point(scene: Scene, standard: str, period: str, where: str) -> TrackPoint:
    t = tracking(scene, standard, where)
    for p in t.history:
        if p.period == period:
            return p
    scene.fail(f"the improvement path of {standard} {where} has no {period}; it has "
               f"{', '.join(p.period for p in t.history) or 'no periods'}")


def near(value: float | None, like: str) -> bool:
    return value is not None and rounded(value, like) == Fraction(like)


@then(parsers.re(rf"the baseline of (?P<standard>\S+) {WHERE} is (?P<value>[\d.]+)% from "
                 r"(?P<period>\S+)$"))
def baseline_is(scene: Scene, standard: str, where: str, value: str, period: str) -> None:
    """Then the baseline of BEN-01 overall is 75.0% from 2025-01"""
    b = tracking(scene, standard, where).baseline
    if b.period != period or not near(b.value, value):
        scene.fail(f"expected the baseline of {standard} {where} to be {value}% from "
                   f"{period}, but it is {b.value}% from {b.period} ({b.source})")


@then(parsers.re(rf"(?P<standard>\S+) should be at (?P<value>[\d.]+)% in (?P<period>\S+) "
                 rf"on its improvement path {WHERE}$"))
def expected_at(scene: Scene, standard: str, value: str, period: str, where: str) -> None:
    """Then BEN-01 should be at 76.6% in 2025-06 on its improvement path overall"""
    p = point(scene, standard, period, where)
    if not near(p.expected, value):
        scene.fail(f"expected the path of {standard} at {value}% in {period} {where}, but it "
                   f"is at {p.expected}")


@then(parsers.re(rf"(?P<standard>\S+) is {STATUS_RE} on its improvement path in "
                 rf"(?P<period>\S+) {WHERE}$"))
def status_in(scene: Scene, standard: str, status: str, period: str, where: str) -> None:
    """Then BEN-01 is on track on its improvement path in 2025-06 overall"""
    p = point(scene, standard, period, where)
    if p.status is not STATUS[status]:
        scene.fail(f"expected {standard} {status} in {period} {where}, but it is "
                   f"{p.status.value.replace('_', ' ')}"
                   + (f" ({p.note})" if p.note else ""))


@then(parsers.re(rf'the improvement goal of (?P<standard>\S+) {WHERE} says "(?P<words>.+)"'))
def goal_says(scene: Scene, standard: str, where: str, words: str) -> None:
    """Then the improvement goal of CALL-10 overall says "the trend reaches the goal\""""
    t = tracking(scene, standard, where)
    if words not in t.status_reason:
        scene.fail(f'expected the improvement goal of {standard} {where} to say "{words}", '
                   f"but it says: {t.status_reason}")


@then(parsers.re(rf"the improvement goal of (?P<standard>\S+) {WHERE} is {STATUS_RE}$"))
def goal_status(scene: Scene, standard: str, where: str, status: str) -> None:
    """Then the improvement goal of CALL-10 overall is at risk"""
    t = tracking(scene, standard, where)
    if t.status is not STATUS[status]:
        scene.fail(f"expected the improvement goal of {standard} {where} to be {status}, but "
                   f"it is {t.status.value.replace('_', ' ')}: {t.status_reason}")
