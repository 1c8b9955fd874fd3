"""Track: results history → trajectory, forecast, on or off track; initiatives' impact;
demand ahead.

* :mod:`engine.track.series` — each standard's history per segment, this run's results
  first, then earlier runs' from the store;
* :mod:`engine.track.trajectory` — the improvement path and the status of each period;
* :mod:`engine.track.forecast` — least-squares forecasts with prediction intervals;
* :mod:`engine.track.impact` — before and after a quality initiative;
* :mod:`engine.track.demand` — cases per period ahead, for resource planning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from engine.model.catalogue import Catalogue
from engine.model.results import Result
from engine.model.tracking import Impact, Tracking
from engine.track.demand import forecast_demand
from engine.track.impact import impact
from engine.track.series import THIS_RUN, history
from engine.track.trajectory import track
from engine.wording import segment_key

__all__ = ["THIS_RUN", "forecast_demand", "track_standards"]


def track_standards(catalogue: Catalogue, results: list[Result],
                    stored: Iterable[tuple[str, Result]], as_of: dt.date
                    ) -> tuple[list[Tracking], list[Impact]]:
    """Tracking for every standard measured with an improvement goal, and the impact of
    every initiative on the standards it aims at that were measured."""
    measured = {r.standard: r for r in results}
    stored = list(stored)
    fiscal = catalogue.settings.fiscal_year_start
    series = {}
    wanted = {a.standard for i in catalogue.initiatives for a in i.standards}
    for sid in sorted(measured):
        std = catalogue.standards[sid]
        if std.improvement is not None or sid in wanted:
            series[sid] = history(std, (r for r in results if r.standard == sid),
                                  (s for s in stored if s[1].standard == sid))
    tracking = []
    for sid, found in series.items():
        std = catalogue.standards[sid]
        if std.improvement is not None:
            tracking += track(std, found, as_of, fiscal, measured[sid].standard_version,
                              measured[sid].unit)
    impacts = []
    for initiative in catalogue.initiatives:
        for aim in initiative.standards:
            if aim.standard not in series:
                continue
            segment, points = series[aim.standard].get(segment_key(aim.segment),
                                                       (aim.segment, []))
            impacts.append(impact(initiative, catalogue.standards[aim.standard], segment,
                                  points, as_of, measured[aim.standard].unit))
    return tracking, impacts
