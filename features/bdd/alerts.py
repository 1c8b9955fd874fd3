"""Then: the alerts raised, what they say, and the open cases they name."""

from __future__ import annotations

from pytest_bdd import parsers, then

from bdd.scene import Scene
from engine.model.results import Alert

KINDS = {"breach": "breach", "warning": "warning", "escalation": "escalation",
         "equity gap": "equity_gap", "no data": "no_data", "stale data": "stale_data",
         "overdue cases": "case_overdue", "cases at risk": "case_at_risk",
         "off trajectory": "off_trajectory"}
KIND = rf"(?P<kind>{'|'.join(KINDS)})"
WHICH = (r"(?: for (?P<standard>[A-Z][A-Z0-9-]*))?(?: in (?P<period>\S+))?"
         r"(?: (?P<where>overall|for .+))?")  # each part may be left out


def matching(scene: Scene, kind: str, standard: str, period: str | None,
             where: str | None) -> list[Alert]:
    code = KINDS[kind]
    wanted = None if where is None else scene.segment(where)
    return [a for a in scene.ran.record.alerts
            if (a.kind, a.standard) == (code, standard)
            and (period is None or a.period == period)
            and (wanted is None or a.segment == wanted)]


def _segment(where: str | None) -> str | None:
    """"for region North" → "in region North", the form Scene.segment reads."""
    if where is None or where == "overall":
        return where
    return "in " + where.removeprefix("for ")


def raised_words(scene: Scene, standard: str) -> str:
    alerts = [a for a in scene.ran.record.alerts if a.standard == standard]
    if not alerts:
        return f"no alert was raised for {standard}"
    kinds = {v: k for k, v in KINDS.items()}
    return "the alerts raised were: " + "; ".join(
        f"{kinds.get(a.kind, a.kind)} in {a.period} "
        + (" and ".join(f"{k} {v}" for k, v in a.segment.items()) or "overall")
        for a in alerts)


@then(parsers.re(rf"an? {KIND} alert is raised{WHICH}"))
def alert_raised(scene: Scene, kind: str, standard: str | None, period: str | None,
                 where: str | None) -> None:
    """Then a breach alert is raised for BEN-01 in 2025-03 for region South"""
    standard = standard or scene.need_standard()
    found = matching(scene, kind, standard, period, _segment(where))
    if len(found) != 1:
        said = f"{len(found)} such alerts" if found else raised_words(scene, standard)
        scene.fail(f"expected one {kind} alert for {standard}"
                   + (f" in {period}" if period else "") + (f" {where}" if where else "")
                   + f", but {said}")
    scene.alerts = found


@then(parsers.re(rf"no {KIND} alert is raised{WHICH}"))
def no_alert(scene: Scene, kind: str, standard: str | None, period: str | None,
             where: str | None) -> None:
    """Then no escalation alert is raised for CALL-01"""
    standard = standard or scene.need_standard()
    found = matching(scene, kind, standard, period, _segment(where))
    if found:
        scene.fail(f"expected no {kind} alert for {standard}, but: {found[0].message}")


@then(parsers.parse('the alert says "{words}"'))
def alert_says(scene: Scene, words: str) -> None:
    """Then the alert says "breached for 2 consecutive periods\""""
    if not scene.alerts:
        scene.fail('"the alert says" follows a step that finds one alert, e.g. '
                   '"Then a breach alert is raised for BEN-01"')
    message = scene.alerts[0].message
    if words not in message:
        scene.fail(f'expected the alert to say "{words}", but it says: {message}')


def case_alert(scene: Scene, code: str, case: str) -> dict[str, object] | None:
    for a in scene.ran.record.alerts:
        if a.kind == code and a.standard == scene.standard_id:
            for named in a.evidence.get("cases", []):
                if named["case"] == case:
                    return dict(named)
    return None


@then(parsers.re(r"(?P<thing>[\w ]+?) (?P<case>\S+) is reported overdue$"))
def reported_overdue(scene: Scene, thing: str, case: str) -> None:
    """Then claim C-1042 is reported overdue"""
    if case_alert(scene, "case_overdue", case) is None:
        at_risk = case_alert(scene, "case_at_risk", case)
        scene.fail(f"expected {thing} {case} among the overdue cases of {scene.standard_id}, "
                   + ("but it is reported at risk" if at_risk else "but it is not reported"))


@then(parsers.re(r"(?P<thing>[\w ]+?) (?P<case>\S+) is reported at risk, to be done by "
                 r"(?P<day>\S+)$"))
def reported_at_risk(scene: Scene, thing: str, case: str, day: str) -> None:
    """Then complaint K-7 is reported at risk, to be done by 2025-07-02"""
    named = case_alert(scene, "case_at_risk", case)
    if named is None or named["complete_by"] != day:
        said = f"it is due {named['complete_by']}" if named else "it is not reported at risk"
        scene.fail(f"expected {thing} {case} at risk, to be done by {day}, but {said}")


@then(parsers.re(r"(?P<thing>[\w ]+?) (?P<case>\S+) is not reported$"))
def not_reported(scene: Scene, thing: str, case: str) -> None:
    """Then claim C-3 is not reported"""
    for code in ("case_overdue", "case_at_risk"):
        if case_alert(scene, code, case) is not None:
            scene.fail(f"expected {thing} {case} not to be reported, but it is among the "
                       f"{code.replace('case_', '').replace('_', ' ')} cases")
