"""When the check runs; then what it found for each period and segment."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from pytest_bdd import parsers, then, when

from bdd.scene import Scene
from engine.model.results import Result, Verdict
from engine.problems import InputError
from engine.run import check

VERDICTS = {"met": Verdict.met, "in warning": Verdict.warning, "breached": Verdict.breach,
            "not judged": Verdict.insufficient_data}
WORDS = {v: k for k, v in VERDICTS.items()}
WHERE = r"(?P<where>overall|in (?:(?! with ).)+?)"


@when("the compliance check runs")
def run_check(scene: Scene) -> None:
    """When the compliance check runs"""
    path = scene.write_extract()
    try:
        scene.outcome = check(scene.folder, data={scene.dataset.name: str(path)},
                              as_of=scene.as_of, only=[scene.standard_id])
    except InputError as error:
        scene.stopped, scene.stopped_at = error, scene.at  # read by a later step, or a failure


@then(parsers.parse("the check stops because {words}"))
def check_stops(scene: Scene, words: str) -> None:
    """Then the check stops because more than max_rejected 1%"""
    scene.stop_read = True
    if scene.stopped is None:
        scene.fail(f"expected the check to stop because {words}, but it ran")
    elif words.casefold() not in str(scene.stopped).casefold():
        scene.fail(f"expected the check to stop because {words}, but it stopped: "
                   f"{scene.stopped}")


def rounded(value: Fraction | float, like: str) -> Fraction:
    """``value`` rounded half up to as many decimals as ``like`` has, as people round
    (81.25 written with one decimal is 81.3)."""
    places = Decimal(1).scaleb(-(len(like.split(".")[1]) if "." in like else 0))
    exact = Fraction(value)
    with localcontext() as ctx:
        ctx.prec = 60  # a tie is a finite decimal, exact at this precision
        decimal = Decimal(exact.numerator) / Decimal(exact.denominator)
        return Fraction(decimal.quantize(places, rounding=ROUND_HALF_UP))


def shown(value: str | None, like: str) -> Fraction | None:
    """The exact value rounded half up to as many decimals as ``like`` has."""
    return None if value is None else rounded(Fraction(value), like)


def described(r: Result) -> str:
    value = "no value" if r.value is None else \
        f"{float(r.value):.4f}".rstrip("0").rstrip(".") + r.unit
    target = f" against {r.target.value}" if r.target else ""
    return (f"{WORDS[r.verdict]} with {value}{target} "
            f"({r.numerator} of {r.denominator}; {r.decided_by})")


@then(parsers.re(rf"(?P<standard>\S+) is (?P<verdict>met|breached|in warning) for "
                 rf"(?P<period>\S+) {WHERE} with (?P<value>[\d.]+)(?P<unit>%| \S.*?) "
                 r"against (?P<target>.+)"))
def verdict_is(scene: Scene, standard: str, verdict: str, period: str, where: str,
               value: str, unit: str, target: str) -> None:
    """Then BEN-01 is breached for 2025-05 in region North with 78.0% against 80%"""
    r = scene.result(standard, period, where)
    target_shown = r.target.value if r.target else "no target"
    unit_shown = unit if unit == "%" else unit.strip()
    if (r.verdict, shown(r.value_exact, value), r.unit, target_shown) != (
            VERDICTS[verdict], Fraction(value), unit_shown, target.strip()):
        scene.fail(f"expected {standard} {verdict} for {period} {where} with {value}{unit} "
                   f"against {target}, but it is {described(r)}")


@then(parsers.re(rf"(?P<standard>\S+) is (?P<verdict>met|breached|in warning|not judged) "
                 rf"for (?P<period>\S+) {WHERE}$"))
def verdict_only(scene: Scene, standard: str, verdict: str, period: str, where: str) -> None:
    """Then CMP-01 is met for 2025-05 overall"""
    r = scene.result(standard, period, where)
    if r.verdict is not VERDICTS[verdict]:
        scene.fail(f"expected {standard} {verdict} for {period} {where}, but it is "
                   f"{described(r)}")


@then(parsers.re(rf"(?P<standard>\S+) has too few cases to judge (?P<period>\S+) {WHERE}$"))
def too_few(scene: Scene, standard: str, period: str, where: str) -> None:
    """Then BEN-01 has too few cases to judge 2025-06 in region North"""
    verdict_only(scene, standard, "not judged", period, where)


@then(parsers.re(rf"(?P<standard>\S+) counts (?P<numerator>[\d.]+) of (?P<denominator>[\d.]+) "
                 rf"for (?P<period>\S+) {WHERE}$"))
def counts_are(scene: Scene, standard: str, numerator: str, denominator: str, period: str,
               where: str) -> None:
    """Then BEN-01 counts 1 of 2 for 2025-03 in region North"""
    r = scene.result(standard, period, where)
    if (Fraction(str(r.numerator)), Fraction(str(r.denominator))) != (
            Fraction(numerator), Fraction(denominator)):
        scene.fail(f"expected {standard} to count {numerator} of {denominator} for {period} "
                   f"{where}, but it counts {r.numerator} of {r.denominator}")


@then(parsers.re(rf"(?P<standard>\S+) has no result for (?P<period>\S+) {WHERE}$"))
def no_result(scene: Scene, standard: str, period: str, where: str) -> None:
    """Then BEN-01 has no result for 2025-07 overall"""
    wanted = scene.segment(where)
    found = [r for r in scene.ran.record.results
             if (r.standard, r.period, r.segment) == (standard, period, wanted)]
    if found:
        scene.fail(f"expected no result for {standard} {period} {where}, but it is "
                   f"{described(found[0])}")


@then(parsers.re(r"(?P<standard>\S+) leaves out (?P<count>\d+) (?P<things>[\w ]+?) "
                 r"as (?P<reason>[\w ]+)$"))
def leaves_out(scene: Scene, standard: str, count: str, things: str, reason: str) -> None:
    """Then BEN-01 leaves out 1 claim as open within limit"""
    code = reason.strip().replace(" ", "_")
    std = next((s for s in scene.ran.record.standards if s.id == standard), None)
    if std is None:
        scene.fail(f"{standard} was not in this run")
    left = dict(std.excluded)
    left["outside_population"] = std.rows_outside_population
    if left.get(code, 0) != int(count):
        said = ", ".join(f"{n} as {k.replace('_', ' ')}" for k, n in left.items() if n) \
            or "nothing"
        scene.fail(f"expected {standard} to leave out {count} {things} as {reason}, but it "
                   f"leaves out {said}")


@then(parsers.re(r"(?P<thing>[\w ]+?) (?P<case>\S+) is rejected because (?P<words>.+)$"))
def rejected(scene: Scene, thing: str, case: str, words: str) -> None:
    """Then claim C-3 is rejected because the decision is dated before the claim was lodged"""
    row = scene.file_row.get(case)
    if row is None:
        scene.fail(f"no {thing} {case} was given in this scenario")
    found = [r for ex in scene.ran.extracts.values() for r in ex.rejects if r.row == row]
    if not any(words.casefold() in r.message.casefold() for r in found):
        said = "; ".join(r.message for r in found) or "it was not rejected"
        scene.fail(f"expected {thing} {case} (row {row} of the extract) to be rejected "
                   f"because {words}, but {said}")
