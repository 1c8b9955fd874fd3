"""Tracking through a whole run: the shipped improvement-plan example against an
independent computation (statsmodels), history from the store, off_trajectory alerts,
targets in force per period, demand counts, and ``compliance track``."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from typer.testing import CliRunner

from engine.cli import app
from engine.model.results import RunRecord
from engine.run import check

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "improvement-plan"
EXTRACT = PLAN / "extracts" / "contact_centre_monthly.csv"


def run(standards: Path = PLAN, **kwargs: object) -> RunRecord:
    return check(standards, **kwargs).record  # type: ignore[arg-type]


def whole(record: RunRecord, standard: str = "CALL-10"):  # type: ignore[no-untyped-def]
    return next(t for t in record.tracking if t.standard == standard and not t.segment)


def statsmodels_forecast(values: list[float], months: list[int], goal_index: int,
                         goal_month: int) -> tuple[float, float, float]:
    """OLS of value on a trend and month-of-year dummies, predicted for one month."""
    def row(t: int, month: int) -> list[float]:
        return [1.0, float(t), *[1.0 if month == m else 0.0 for m in range(2, 13)]]

    x = np.array([row(t, m) for t, m in enumerate(months)])
    fitted = sm.OLS(np.array(values), x).fit()
    frame = fitted.get_prediction(np.array([row(goal_index, goal_month)])).summary_frame(
        alpha=0.05)
    return (float(frame["mean"].iloc[0]), float(frame["obs_ci_lower"].iloc[0]),
            float(frame["obs_ci_upper"].iloc[0]))


@pytest.mark.parametrize("as_of, months", [(dt.date(2025, 6, 30), 36),
                                           (dt.date(2024, 6, 30), 24)])
def test_the_shipped_forecast_matches_statsmodels(tmp_path: Path, as_of: dt.date,
                                                  months: int) -> None:
    record = run(as_of=as_of)
    t = whole(record)
    mine = [r for r in record.results if r.standard == "CALL-10" and not r.segment
            and r.period_end <= as_of]
    assert len(mine) == months
    values = [r.value for r in mine]
    month_of_year = [r.period_start.month for r in mine]
    # The goal's month, 2026-03, counted from the first month (2022-07).
    goal_index = (2026 - 2022) * 12 + (3 - 7)
    mean, lower, upper = statsmodels_forecast(values, month_of_year, goal_index, 3)  # type: ignore[arg-type]
    assert t.forecast.period == "2026-03"
    assert "month-of-year effects" in (t.forecast.method or "")
    assert t.forecast.periods_used == months
    assert t.forecast.value == pytest.approx(mean, rel=1e-9)
    assert t.forecast.lower == pytest.approx(lower, rel=1e-9)
    assert t.forecast.upper == pytest.approx(upper, rel=1e-9)


def test_the_callback_initiative_shows_a_real_improvement() -> None:
    (impact,) = run(as_of=dt.date(2025, 6, 30)).initiatives
    assert impact.initiative == "Callback service"
    assert impact.finding == "improved" and impact.distinguishable
    assert impact.seasonal_adjustment
    assert (impact.before.first, impact.before.last) == ("2023-07", "2024-06")  # type: ignore[union-attr]
    assert (impact.after.first, impact.after.last) == ("2024-07", "2025-06")  # type: ignore[union-attr]
    # The generator plants +5 points from July 2024 on a drift of 0.05 a month, which adds
    # 12 × 0.05 = 0.6 between windows a year apart: 5.6 in all.
    assert impact.lower is not None and impact.upper is not None
    assert impact.lower > 0 and impact.lower < 5.6 < impact.upper
    cases_after = impact.after.cases  # type: ignore[union-attr]
    assert impact.additional_cases == pytest.approx(impact.change * cases_after / 100)  # type: ignore[operator]
    assert impact.cost_per_additional_case == pytest.approx(180000 / impact.additional_cases)  # type: ignore[operator]


def test_history_comes_from_earlier_runs_in_the_store(tmp_path: Path) -> None:
    rows = list(csv.reader(EXTRACT.open(encoding="utf-8")))
    header, body = rows[0], rows[1:]
    first, last = tmp_path / "to_2024_06.csv", tmp_path / "from_2024_07.csv"
    for path, keep in ((first, lambda m: m <= "2024-06"), (last, lambda m: m > "2024-06")):
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *[r for r in body if keep(r[0])]])
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    run(data={"calls": str(first)}, as_of=dt.date(2024, 6, 30), store=store)
    later = run(data={"calls": str(last)}, as_of=dt.date(2025, 6, 30), store=store)
    t = whole(later)
    sources = Counter(p.source.split(",")[0].split(" ")[0] for p in t.history)
    assert sources == {"run": 24, "this": 12}
    assert t.history[0].source.startswith("run ") and t.history[0].source.endswith(
        "as of 2024-06-30")
    full = whole(run(as_of=dt.date(2025, 6, 30)))  # the whole extract at once
    assert t.forecast.value == pytest.approx(full.forecast.value, rel=1e-12)
    assert t.baseline == full.baseline
    assert [p.status for p in t.history] == [p.status for p in full.history]


def test_without_the_store_only_the_extract_periods_are_tracked(tmp_path: Path) -> None:
    rows = [r for r in csv.reader(EXTRACT.open(encoding="utf-8"))]
    last = tmp_path / "from_2024_07.csv"
    with last.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0], *[r for r in rows[1:] if r[0] > "2024-06"]])
    t = whole(run(data={"calls": str(last)}, as_of=dt.date(2025, 6, 30)))
    assert t.baseline.value is None and "no results in the baseline period" in t.baseline.source
    assert t.status.value == "not_assessed"


def test_off_trajectory_alerts_follow_the_status_and_the_policy(tmp_path: Path) -> None:
    record = run(as_of=dt.date(2025, 6, 30))
    status = {json.dumps(t.segment): t.status.value for t in record.tracking}
    assert status == {"{}": "at_risk", '{"centre": "Halifax"}': "on_track",
                      '{"centre": "Winnipeg"}': "off_track"}
    raised = [a for a in record.alerts if a.kind == "off_trajectory"]
    assert [a.segment for a in raised] == [{"centre": "Winnipeg"}]
    (alert,) = raised
    assert alert.key == "CALL-10:off_trajectory:centre=Winnipeg"
    assert alert.severity == "high"
    assert "off track for its improvement goal of 85% by 2026-03-31" in alert.message
    assert "3.62 points behind the path's 81.2%" in alert.message
    assert alert.evidence["status"] == "off_track"
    # when: at_risk hears of the whole population too.
    copy = tmp_path / "plan"
    shutil.copytree(PLAN, copy, ignore=shutil.ignore_patterns(".compliance"))
    (copy / "alert-policy.yaml").write_text(
        "default:\n  off_trajectory: {when: at_risk, severity: medium}\n", encoding="utf-8")
    raised = [a for a in run(copy, as_of=dt.date(2025, 6, 30)).alerts
              if a.kind == "off_trajectory"]
    assert sorted(json.dumps(a.segment) for a in raised) == ['{"centre": "Winnipeg"}', "{}"]
    assert {a.severity for a in raised} == {"medium"}


def test_each_period_is_tracked_against_the_target_in_force_then() -> None:
    record = run(ROOT / "standards", as_of=dt.date(2025, 6, 30))
    t = whole(record, "BEN-01")
    targets = {p.period: p.target for p in t.history}
    assert targets["2025-03"] == "80%" and targets["2025-04"] == "85%"
    assert t.baseline.period == "2025-01" and t.baseline.source.startswith("the value of 2025-01")


def test_demand_counts_every_claim_by_the_month_it_was_lodged() -> None:
    record = run(ROOT / "standards", as_of=dt.date(2025, 6, 30))
    claims = next(d for d in record.demand if d.dataset == "claims")
    extract = ROOT / "standards" / "extracts" / "claims.csv"
    lines = extract.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Claim ID"))
    lodged = Counter()
    for row in csv.DictReader(lines[start:]):
        if row["Claim ID"] and row["Lodged Date"]:
            _, month, year = row["Lodged Date"].split("/")
            lodged[f"{year}-{month}"] += 1
    used = next(ds.rows_used for ds in record.datasets if ds.name == "claims")
    counted = {p.period: p.cases for p in claims.history}
    # Every claim kept is counted in the month it was lodged (the lodged date is required);
    # a month can only lose the rows the reader rejected.
    assert sum(counted.values()) == used
    assert sorted(counted) == sorted(lodged)
    assert all(0 <= lodged[m] - counted[m] <= 5 for m in counted)
    assert len(claims.forecast) == 6 and claims.forecast[0].period == "2025-07"


def test_compliance_track_prints_the_goals_chart_initiatives_and_demand() -> None:
    result = CliRunner().invoke(app, ["track", "--standards", str(PLAN), "--no-store"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Improvement goals — as of 2025-06-30" in out
    assert "CALL-10: value █ against the path │" in out
    assert "2026-03" in out and "░ forecast" in out
    assert "Callback service (from 2024-07-01), CALL-10: improved, +5.60 pts" in out
    assert "calls (offered by month, per month): 2025-06 had 37,780; expected 2025-07" in out
    as_json = CliRunner().invoke(app, ["track", "--standards", str(PLAN), "--no-store",
                                       "--format", "json"])
    assert as_json.exit_code == 0
    parsed = json.loads(as_json.stdout)
    assert {t["status"] for t in parsed["tracking"]} == {"at_risk", "on_track", "off_track"}
    assert parsed["initiatives"][0]["finding"] == "improved"


def test_compliance_track_records_nothing_in_the_store(tmp_path: Path) -> None:
    copy = tmp_path / "plan"
    shutil.copytree(PLAN, copy, ignore=shutil.ignore_patterns(".compliance"))
    result = CliRunner().invoke(app, ["track", "--standards", str(copy)])
    assert result.exit_code == 0, result.output
    from engine.store import Store, default_url

    assert Store(default_url(copy)).runs() == 0


def test_check_writes_tracking_csv_and_a_summary_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--standards", str(PLAN), "--no-store",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 1  # the standard is breached
    assert ("Improvement goals: 1 at risk, 1 on track, 1 off track (compliance track shows "
            "the paths and forecasts).") in result.output
    rows = list(csv.DictReader((tmp_path / "tracking.csv").open(encoding="utf-8")))
    assert len(rows) == 3 * 36
    june = next(r for r in rows if r["segment"] == "centre Winnipeg" and r["period"] == "2025-06")
    assert june["status"] == "off_track" and june["source"] == "this run"
