"""Every measure kind, case by case: rows in, the numbers and verdict an analyst expects out.

Each case is a small extract and one standard, written as a policy analyst would write
them, run through the public API. Expected numbers are worked out by hand in the
comments; they include the boundary ("decided on day 28 meets within 28 days"), empty
periods, segments below the minimum sample, a target that changes mid-year, business days
across a public holiday, and open cases on the as-of date.
"""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
from measure_cases import cells, excluded, run

from engine.explain import explain

CLAIMS = {"id": "string", "lodged": "date", "decided": "date", "region": "category"}


def claim(i: int, lodged: str, decided: str | None, region: str = "South") -> list[Any]:
    return [f"C{i}", lodged, decided, region]


CASES: list[dict[str, Any]] = [
    dict(
        id="within 28 days: day 28 meets, day 29 does not; 50% meets a 50% target",
        columns=CLAIMS,
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "month", "by": "decided"}, segments=["region"],
                      target={"at_least": "50%"}),
        rows=[claim(1, "2025-03-01", "2025-03-29", "North"),   # 28 days: met
              claim(2, "2025-03-01", "2025-03-30", "North"),   # 29 days: not met
              claim(3, "2025-03-02", "2025-03-30")],           # 28 days: met
        expect={("2025-03", "all"): (2, 3, "met"),
                ("2025-03", "region=North"): (1, 2, "met"),
                ("2025-03", "region=South"): (1, 1, "met")},
    ),
    dict(
        id="a row whose population condition is unknown (a blank cell) is outside it",
        columns=CLAIMS,
        standard=dict(population="not (region = 'North')",
                      measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "month", "by": "decided"}, target={"at_least": "50%"}),
        rows=[claim(1, "2025-03-01", "2025-03-29", "North"),   # outside: North
              claim(2, "2025-03-01", "2025-03-30", ""),        # outside: unknown
              claim(3, "2025-03-02", "2025-03-30"),            # inside: met
              claim(4, "2025-03-01", "2025-03-30")],           # inside: not met
        expect={("2025-03", "all"): (1, 2, "met")},
        outside=2,
    ),
    dict(
        id="target changes in May; an empty month; a segment below the minimum sample",
        columns=CLAIMS,
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "month", "by": "decided"}, segments=["region"],
                      target=[{"at_least": "80%", "minimum_sample": 2},
                              {"from": "2025-05-01", "at_least": "90%", "minimum_sample": 2}]),
        rows=[*(claim(i, "2025-04-01", "2025-04-10") for i in range(4)),       # April: 4 met
              claim(4, "2025-03-01", "2025-04-15"),                            # 45 days
              claim(5, "2025-06-01", "2025-06-05", "North"),                   # June: North 1
              *(claim(i, "2025-06-01", "2025-06-05") for i in range(6, 13)),   # 7 met
              *(claim(i, "2025-04-01", "2025-06-20") for i in range(13, 15))],  # 2 late
        expect={("2025-04", "all"): (4, 5, "met"),            # 80% against 80%
                ("2025-05", "all"): (0, 0, "insufficient_data"),  # no cases: not a breach
                ("2025-06", "all"): (8, 10, "breach"),        # 80% against 90% from May
                ("2025-06", "region=North"): (1, 1, "insufficient_data"),  # 1 < 2
                ("2025-06", "region=South"): (7, 9, "breach"),
                ("2025-04", "region=North"): (0, 0, "insufficient_data")},
        targets={("2025-04", "all"): "80%", ("2025-06", "all"): "90%"},
    ),
    dict(
        id="2 business days across Good Friday (Ontario); received on a Saturday",
        columns=CLAIMS,
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "2 business days"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_least": "60%"}),
        rows=[claim(1, "2025-04-17", "2025-04-22"),   # Thu → Tue: Fri 18 holiday; 2: met
              claim(2, "2025-04-17", "2025-04-23"),   # 3 business days: not met
              claim(3, "2025-04-19", "2025-04-22")],  # Sat → Tue: Mon, Tue = 2: met
        expect={("2025-04", "all"): (2, 3, "met")},
    ),
    dict(
        id="an open case is late in business days only when the next day would miss too",
        columns=CLAIMS, as_of="2025-06-30",  # a Monday; Tuesday 1 July is Canada Day
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "2 business days",
                                                "open_cases": "count_when_overdue"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_least": "50%"}),
        rows=[claim(1, "2025-06-25", None),   # done on 1 July: Thu, Fri, Mon = 3 — late
              claim(2, "2025-06-26", None)],  # done on 1 July: Fri, Mon = 2 — still in time
        expect={("2025-06", "all"): (0, 1, "breach")},
        excluded={"open_within_limit": 1},
    ),
    dict(
        id="a listed closure is not a business day",
        columns=CLAIMS, closures=["2025-04-21"],
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "2 business days"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_least": "60%"}),
        rows=[claim(1, "2025-04-17", "2025-04-22"), claim(2, "2025-04-17", "2025-04-23"),
              claim(3, "2025-04-19", "2025-04-22")],
        expect={("2025-04", "all"): (3, 3, "met")},   # Mon 21 closed: 17 → 23 is 2 days
    ),
    dict(
        id="48 hours: exactly 48:00 meets, 48:01 does not",
        columns={"id": "string", "opened": "datetime", "closed": "datetime"},
        standard=dict(measure={"share_within": {"from": "opened", "to": "closed",
                                                "limit": "48 hours"}},
                      period={"kind": "month", "by": "opened"}, target={"at_least": "50%"}),
        rows=[["A", "2025-05-01 09:00", "2025-05-03 09:00"],
              ["B", "2025-05-01 09:00", "2025-05-03 09:01"]],
        expect={("2025-05", "all"): (1, 2, "met")},
    ),
    dict(
        id="limits by category, a negotiated due date overrides, paused days are taken off",
        columns={"id": "string", "type": "category", "lodged": "date", "decided": "date",
                 "due": "date", "paused": "integer"},
        standard=dict(measure={"share_within": {
            "from": "lodged", "to": "decided", "due": "due", "pause": {"days": "paused"},
            "limits": {"by": "type", "values": {"Passport": "20 business days",
                                                "Visa": "30 days"}}}},
            period={"kind": "month", "by": "lodged"}, target={"at_least": "50%"}),
        rows=[["P1", "Passport", "2025-05-01", "2025-05-29", None, None],  # 19 bd (Victoria Day)
              ["P2", "Passport", "2025-05-01", "2025-06-02", None, None],  # 21 bd
              ["V1", "Visa", "2025-05-01", "2025-06-05", None, 6],         # 35 - 6 = 29 days
              ["V2", "Visa", "2025-05-01", "2025-06-05", "2025-06-10", None],  # before due
              ["V3", "Visa", "2025-05-01", "2025-06-05", None, None],      # 35 days
              ["O1", "Other", "2025-05-01", "2025-05-02", None, None],     # no limit: left out
              ["O2", "Other", "2025-05-01", "2025-05-12", "2025-05-10", None]],  # after due
        expect={("2025-05", "all"): (3, 6, "met")},
        excluded={"no_limit_for_category": 1},
    ),
    dict(
        id="stop-the-clock between two dates",
        columns={"id": "string", "lodged": "date", "decided": "date", "stop": "date",
                 "restart": "date"},
        standard=dict(measure={"share_within": {
            "from": "lodged", "to": "decided", "limit": "28 days",
            "pause": {"from": "stop", "to": "restart"}}},
            period={"kind": "month", "by": "decided"}, target={"at_least": "50%"}),
        rows=[["A", "2025-03-01", "2025-04-03", "2025-03-10", "2025-03-16"],  # 33 - 6 = 27
              ["B", "2025-03-01", "2025-04-03", None, None]],                 # 33
        expect={("2025-04", "all"): (1, 2, "met")},
    ),
    dict(
        id="an open case past its limit is a breach now, in the as-of period",
        columns=CLAIMS, as_of="2025-05-31",
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days",
                                                "open_cases": "count_when_overdue"}},
                      period={"kind": "month", "by": "decided"}, target={"at_least": "80%"}),
        rows=[claim(1, "2025-05-01", "2025-05-20"),   # met
              claim(2, "2025-04-01", None),           # open 60 days: a miss in May
              claim(3, "2025-05-20", None)],          # open 11 days: left out
        expect={("2025-05", "all"): (1, 2, "breach")},
        counts={("2025-05", "all"): {"open_overdue_counted": 1}},
        excluded={"open_within_limit": 1},
    ),
    dict(
        id="open cases excluded when the standard says so",
        columns=CLAIMS, as_of="2025-05-31",
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "month", "by": "decided"}, target={"at_least": "80%"}),
        rows=[claim(1, "2025-05-01", "2025-05-20"), claim(2, "2025-04-01", None),
              claim(3, "2025-05-20", None)],
        expect={("2025-05", "all"): (1, 1, "met")},
        excluded={"open_within_limit": 1, "open_overdue_excluded": 1},
    ),
    dict(
        id="advance notice: exactly 30 days before meets; too late once the as-of date passes",
        columns={"id": "string", "sent": "date", "change": "date"},
        standard=dict(measure={"advance_notice": {"event": "sent", "before": "change",
                                                  "notice": "30 days",
                                                  "open_cases": "count_when_overdue"}},
                      period={"kind": "month", "by": "change"}, target={"at_least": "50%"}),
        rows=[["N1", "2025-05-01", "2025-05-31"],   # 30 days before: met
              ["N2", "2025-05-02", "2025-05-31"],   # 29 days: not met
              ["N3", None, "2025-07-15"],           # 15 days left on 30 June: already late
              ["N4", None, "2025-08-15"],           # can still be met
              ["N5", None, "2025-07-31"]],          # a notice on 1 July is still in time
        expect={("2025-05", "all"): (1, 2, "met"),
                ("2025-06", "all"): (0, 0, "insufficient_data"),
                ("2025-07", "all"): (0, 1, "breach")},
        excluded={"open_within_limit": 2},
    ),
    dict(
        id="a condition: 600 seconds meets 'within 600'; an unknown wait is left out",
        columns={"id": "string", "day": "date", "wait": "integer"},
        standard=dict(measure={"share_meeting": {"condition": "wait <= 600"}},
                      period={"kind": "month", "by": "day"}, target={"at_least": "50%"}),
        rows=[["A", "2025-05-02", 600], ["B", "2025-05-03", 601], ["C", "2025-05-04", None]],
        expect={("2025-05", "all"): (1, 2, "met")},
        excluded={"condition_unknown": 1},
    ),
    dict(
        id="a condition with unknown counted as not met",
        columns={"id": "string", "day": "date", "wait": "integer"},
        standard=dict(measure={"share_meeting": {"condition": "wait <= 600",
                                                 "when_unknown": "not_met"}},
                      period={"kind": "month", "by": "day"}, target={"at_least": "50%"}),
        rows=[["A", "2025-05-02", 600], ["B", "2025-05-03", 601], ["C", "2025-05-04", None]],
        expect={("2025-05", "all"): (1, 3, "breach")},
    ),
    dict(
        id="reported counts rolled up by quarter, numerator as arithmetic",
        columns={"month": "date", "org": "category", "attendances": "integer",
                 "breaches": "integer"},
        standard=dict(measure={"reported_ratio": {"numerator": "attendances - breaches",
                                                  "denominator": "attendances"}},
                      period={"kind": "quarter", "by": "month"}, segments=["org"],
                      target={"at_least": "95%"}),
        rows=[["2025-01-01", "A", 100, 10], ["2025-02-01", "A", 200, 30],
              ["2025-03-01", "B", 50, 0], ["2025-04-01", "B", 10, None]],
        expect={("2025-Q1", "all"): (310, 350, "breach"),     # 88.57%
                ("2025-Q1", "org=A"): (260, 300, "breach"),
                ("2025-Q1", "org=B"): (50, 50, "met")},
        excluded={"missing_counts": 1},
    ),
    dict(
        id="complaints per 1,000 clients, lower is better",
        columns={"month": "date", "complaints": "integer", "clients": "integer"},
        standard=dict(measure={"rate": {"events": "complaints", "exposure": "clients",
                                        "per": 1000}},
                      period={"kind": "month", "by": "month"}, target={"at_most": 5}),
        rows=[["2025-05-01", 12, 3000], ["2025-06-01", 15, 3000]],
        values={("2025-05", "all"): (F(4), "met"), ("2025-06", "all"): (F(5), "met")},
    ),
    dict(
        id="abandoned calls per 100, a condition per row; 8 per 100 breaches at most 7.5",
        columns={"id": "string", "day": "date", "abandoned": "boolean"},
        standard=dict(measure={"rate": {"events": "abandoned", "per": 100}},
                      period={"kind": "month", "by": "day"},
                      target={"at_most": 7.5, "warning_above": 6}),
        rows=[[f"K{i}", "2025-05-02", "Y" if i < 2 else "N"] for i in range(25)]
        + [[f"J{i}", "2025-06-02", "Y" if i < 3 else "N"] for i in range(40)],
        values={("2025-05", "all"): (F(8), "breach"),           # 2 of 25
                ("2025-06", "all"): (F(15, 2), "warning")},     # 3 of 40: at the target
    ),
    dict(
        id="mean days from lodged to decided; an open case is left out",
        columns=CLAIMS,
        standard=dict(measure={"summary": {"statistic": "mean", "from": "lodged",
                                           "to": "decided", "unit": "days"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_most": 21}),
        rows=[claim(1, "2025-05-01", "2025-05-11"), claim(2, "2025-05-01", "2025-05-21"),
              claim(3, "2025-05-01", "2025-05-22"), claim(4, "2025-05-01", "2025-05-31"),
              claim(5, "2025-05-01", None)],
        values={("2025-05", "all"): (F(81, 4), "met")},   # (10 + 20 + 21 + 30) / 4
        excluded={"open": 1},
    ),
    dict(
        id="median of an even count is the mean of the two middle values",
        columns=CLAIMS,
        standard=dict(measure={"summary": {"statistic": "median", "from": "lodged",
                                           "to": "decided", "unit": "days"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_most": 20}),
        rows=[claim(1, "2025-05-01", "2025-05-11"), claim(2, "2025-05-01", "2025-05-21"),
              claim(3, "2025-05-01", "2025-05-22"), claim(4, "2025-05-01", "2025-05-31")],
        values={("2025-05", "all"): (F(41, 2), "breach")},
    ),
    dict(
        id="90th percentile by nearest rank is an observed value",
        columns=CLAIMS,
        standard=dict(measure={"summary": {"statistic": "percentile", "p": 90,
                                           "from": "lodged", "to": "decided", "unit": "days"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_most": 30}),
        rows=[claim(1, "2025-05-01", "2025-05-11"), claim(2, "2025-05-01", "2025-05-21"),
              claim(3, "2025-05-01", "2025-05-22"), claim(4, "2025-05-01", "2025-05-31")],
        values={("2025-05", "all"): (F(30), "met")},      # rank ceil(0.9 × 4) = 4
    ),
    dict(
        id="90th percentile interpolated as Excel's PERCENTILE.INC",
        columns=CLAIMS,
        standard=dict(measure={"summary": {"statistic": "percentile", "p": 90,
                                           "method": "linear", "from": "lodged",
                                           "to": "decided", "unit": "weeks"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_most": 4}),
        rows=[claim(1, "2025-05-01", "2025-05-11"), claim(2, "2025-05-01", "2025-05-21"),
              claim(3, "2025-05-01", "2025-05-22"), claim(4, "2025-05-01", "2025-05-31")],
        values={("2025-05", "all"): (F(273, 70), "met")},  # 21 + 0.7 × 9 = 27.3 days
    ),
    dict(
        id="a mean score is exact: 4.1 and 4.3 average exactly 4.2",
        columns={"id": "string", "day": "date", "score": "decimal"},
        standard=dict(measure={"summary": {"statistic": "mean", "value": "score"}},
                      period={"kind": "month", "by": "day"}, target={"at_least": 4.2}),
        rows=[["A", "2025-05-02", "4.1"], ["B", "2025-05-03", "4.3"],
              ["C", "2025-05-04", None]],
        values={("2025-05", "all"): (F(21, 5), "met")},
        excluded={"missing_value": 1},
    ),
    dict(
        id="satisfied: 4 or 5 on a five-point scale; no answer and 7 are left out",
        columns={"id": "string", "day": "date", "score": "integer"},
        standard=dict(measure={"survey_share": {"score": "score", "at_or_above": 4,
                                                "scale": [1, 5]}},
                      period={"kind": "quarter", "by": "day"}, target={"at_least": "85%"}),
        rows=[["A", "2025-04-02", 5], ["B", "2025-04-03", 4], ["C", "2025-05-04", 3],
              ["D", "2025-05-05", None], ["E", "2025-06-06", 7]],
        expect={("2025-Q2", "all"): (2, 3, "breach")},
        excluded={"no_answer": 1, "outside_scale": 1},
    ),
    dict(
        id="backlog: open on the as-of date and older than 28 days",
        columns=CLAIMS,
        standard=dict(measure={"backlog": {"from": "lodged", "to": "decided",
                                           "limit": "28 days"}},
                      period={"kind": "month", "by": "lodged"}, target={"at_most": "40%"}),
        rows=[claim(1, "2025-05-01", None),           # 60 days: in the backlog
              claim(2, "2025-06-10", None),           # 20 days
              claim(3, "2025-05-01", "2025-06-01"),   # closed: left out
              claim(4, "2025-05-01", "2025-07-05"),   # open on 30 June, 60 days
              claim(5, "2025-07-02", None),           # opened after the as-of date
              claim(6, "2025-06-02", None)],          # exactly 28 days: not older
        expect={("2025-06", "all"): (2, 4, "breach")},
        excluded={"closed": 1, "opened_after_as_of": 1},
    ),
    dict(
        id="availability 24/7: overlapping outages merged, maintenance taken out",
        columns={"start": "datetime", "end": "datetime", "planned": "boolean"},
        standard=dict(measure={"availability": {"from": "start", "to": "end",
                                                "maintenance": "planned",
                                                "since": "2025-06-01"}},
                      period={"kind": "month", "by": "start"}, target={"at_least": "99.5%"}),
        rows=[["2025-06-10 00:00", "2025-06-10 04:00", "Y"],   # 4 h maintenance
              ["2025-06-12 10:00", "2025-06-12 12:00", "N"],   # merged with the next:
              ["2025-06-12 11:00", "2025-06-12 12:30", "N"],   # 2.5 h down
              ["2025-06-10 03:00", "2025-06-10 05:00", "N"]],  # 1 h beyond maintenance
        # 2,592,000 scheduled − 14,400 maintenance = 2,577,600; 12,600 down
        expect={("2025-06", "all"): (2_565_000, 2_577_600, "met")},
    ),
    dict(
        id="availability in opening hours on business days; an outage still open",
        columns={"start": "datetime", "end": "datetime"},
        standard=dict(measure={"availability": {
            "from": "start", "to": "end", "since": "2025-06-01",
            "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "08:00-20:00",
                         "business_days_only": True}}},
            period={"kind": "month", "by": "start"}, target={"at_least": "99%"}),
        rows=[["2025-06-14 10:00", "2025-06-14 12:00"],   # Saturday: closed anyway
              ["2025-06-16 19:00", "2025-06-16 21:00"],   # 1 h inside opening hours
              ["2025-06-30 18:00", None]],                # open: 2 h to closing
        # 21 weekdays × 12 h = 907,200 s; 3 h = 10,800 s down
        expect={("2025-06", "all"): (896_400, 907_200, "breach")},
        alert_says="98.8% (249.0 of 252.0 scheduled hours available) against a target of "
        "at least 99%",
    ),
    dict(
        id="a target per row (as in a service inventory), written as a fraction",
        columns={"sid": "string", "year": "date", "target": "decimal", "met": "integer",
                 "total": "integer"},
        standard=dict(measure={"reported_ratio": {"numerator": "met", "denominator": "total"}},
                      period={"kind": "fiscal_year", "by": "year"}, segments=["sid"],
                      target={"at_least": {"column": "target", "written_as": "fraction"}}),
        rows=[["S1", "2024-04-01", "0.8", 8, 10], ["S2", "2024-04-01", "0.9", 8, 10]],
        expect={("FY2024-25", "sid=S1"): (8, 10, "met"),      # 80% against 0.8
                ("FY2024-25", "sid=S2"): (8, 10, "breach"),
                ("FY2024-25", "all"): (16, 20, "insufficient_data")},  # targets differ
        targets={("FY2024-25", "sid=S1"): "80%", ("FY2024-25", "sid=S2"): "90%"},
    ),
    dict(
        id="79.99999% does not meet 80%",
        columns={"month": "date", "met": "integer", "total": "integer"},
        standard=dict(measure={"reported_ratio": {"numerator": "met", "denominator": "total"}},
                      period={"kind": "year", "by": "month"}, target={"at_least": "80%"}),
        rows=[["2025-01-01", 7_999_999, 10_000_000]],
        expect={("2025", "all"): (7_999_999, 10_000_000, "breach")},
    ),
    dict(
        id="a declared rounding rule: 79.5% rounds half up to 80%",
        columns={"month": "date", "met": "integer", "total": "integer"},
        standard=dict(measure={"reported_ratio": {"numerator": "met", "denominator": "total"}},
                      period={"kind": "year", "by": "month"}, target={"at_least": "80%"},
                      rounding={"decimals": 0, "method": "half_up"}),
        rows=[["2025-01-01", 795, 1000]],
        expect={("2025", "all"): (795, 1000, "met")},
    ),
    dict(
        id="fiscal years from April; ISO weeks",
        columns=CLAIMS,
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "fiscal_year", "by": "decided"},
                      target={"at_least": "50%"}),
        rows=[claim(1, "2025-03-01", "2025-03-31"), claim(2, "2025-03-20", "2025-04-01")],
        expect={("FY2024-25", "all"): (0, 1, "breach"), ("FY2025-26", "all"): (1, 1, "met")},
    ),
    dict(
        id="a rolling 28-day window ending on the as-of date",
        columns=CLAIMS,
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "rolling", "by": "decided", "days": 28},
                      target={"at_least": "50%"}),
        rows=[claim(1, "2025-06-01", "2025-06-03"),   # the window's first day
              claim(2, "2025-06-01", "2025-06-02")],  # the day before: outside
        expect={("R28D:2025-06-30", "all"): (1, 1, "met")},
        excluded={"outside_window": 1},
    ),
    dict(
        id="open 28 days at the end of the as-of day can no longer meet 28 days",
        columns=CLAIMS, as_of="2025-05-29",
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days",
                                                "open_cases": "count_when_overdue"}},
                      period={"kind": "month", "by": "decided"}, target={"at_least": "50%"}),
        rows=[claim(1, "2025-05-01", None),          # 28 days on 29 May: decided tomorrow, 29
              claim(2, "2025-05-02", None),          # 27 days: tomorrow is still in time
              claim(3, "2025-05-01", "2025-05-20")],
        expect={("2025-05", "all"): (1, 2, "met")},
        excluded={"open_within_limit": 1},
    ),
    dict(
        id="an open case due on the as-of date is late; due tomorrow, it can still make it",
        columns={"id": "string", "lodged": "date", "decided": "date", "due": "date"},
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "due": "due",
                                                "open_cases": "count_when_overdue"}},
                      period={"kind": "month", "by": "decided"}, target={"at_least": "50%"}),
        rows=[["A", "2025-06-01", None, "2025-06-30"], ["B", "2025-06-01", None, "2025-07-01"],
              ["C", "2025-06-01", "2025-06-10", "2025-06-10"]],   # decided on its due day
        expect={("2025-06", "all"): (1, 2, "met")},
        counts={("2025-06", "all"): {"open_overdue_counted": 1}},
        excluded={"open_within_limit": 1},
    ),
    dict(
        id="a case closed before it opened, in hours, is left out",
        columns={"id": "string", "opened": "datetime", "closed": "datetime"},
        standard=dict(measure={"share_within": {"from": "opened", "to": "closed",
                                                "limit": "4 hours"}},
                      period={"kind": "month", "by": "opened"}, target={"at_least": "50%"}),
        rows=[["A", "2025-05-01 10:00", "2025-05-01 09:00"],
              ["B", "2025-05-01 08:00", "2025-05-01 18:00"]],
        expect={("2025-05", "all"): (0, 1, "breach")},
        excluded={"ends_before_start": 1},
    ),
    dict(
        id="a blank yes/no is an unknown event, left out, not 'no event'",
        columns={"id": "string", "day": "date", "abandoned": "boolean"},
        standard=dict(measure={"rate": {"events": "abandoned", "per": 100}},
                      period={"kind": "month", "by": "day"}, target={"at_most": 40}),
        rows=[["A", "2025-05-02", "Y"], ["B", "2025-05-02", "N"], ["C", "2025-05-02", None]],
        values={("2025-05", "all"): (F(50), "breach")},
        excluded={"missing_counts": 1},
    ),
    dict(
        id="each target step reads its own column",
        columns={"sid": "string", "year": "date", "t_old": "decimal", "t_new": "decimal",
                 "met": "integer", "total": "integer"},
        standard=dict(measure={"reported_ratio": {"numerator": "met", "denominator": "total"}},
                      period={"kind": "fiscal_year", "by": "year"}, segments=["sid"],
                      target=[{"at_least": {"column": "t_old", "written_as": "fraction"}},
                              {"from": "2025-04-01",
                               "at_least": {"column": "t_new", "written_as": "percent"}}]),
        rows=[["S1", "2024-04-01", "0.8", "95", 9, 10], ["S1", "2025-04-01", "0.8", "95", 9, 10]],
        expect={("FY2024-25", "sid=S1"): (9, 10, "met"),       # 90% against 80%
                ("FY2025-26", "sid=S1"): (9, 10, "breach")},   # 90% against 95%
        targets={("FY2024-25", "sid=S1"): "80%", ("FY2025-26", "sid=S1"): "95%"},
    ),
    dict(
        id="a segment column whose name ends in _right, with business days",
        columns={"id": "string", "lodged": "date", "decided": "date", "office_right": "string"},
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "2 business days"}},
                      period={"kind": "month", "by": "lodged"}, segments=["office_right"],
                      target={"at_least": "50%"}),
        rows=[["A", "2025-04-17", "2025-04-22", "X"]],
        expect={("2025-04", "office_right=X"): (1, 1, "met")},
    ),
    dict(
        id="a blank period date in a rolling window is left out and counted",
        columns={"id": "string", "day": "date", "wait": "integer"},
        standard=dict(measure={"share_meeting": {"condition": "wait <= 600"}},
                      period={"kind": "rolling", "by": "day", "days": 28},
                      target={"at_least": "50%"}),
        rows=[["A", "2025-06-20", 60], ["B", None, 60]],
        expect={("R28D:2025-06-30", "all"): (1, 1, "met")},
        excluded={"no_period_date": 1},
    ),
    dict(
        id="ISO weeks",
        columns=CLAIMS,
        standard=dict(measure={"share_within": {"from": "lodged", "to": "decided",
                                                "limit": "28 days"}},
                      period={"kind": "week", "by": "decided"}, target={"at_least": "50%"}),
        rows=[claim(1, "2025-06-01", "2025-06-29"), claim(2, "2025-06-01", "2025-06-30")],
        expect={("2025-W26", "all"): (1, 1, "met"), ("2025-W27", "all"): (0, 1, "breach")},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_measure(case: dict[str, Any], tmp_path: Path) -> None:
    outcome = run(tmp_path, case["columns"], case["standard"], case["rows"],
                  as_of=case.get("as_of", "2025-06-30"), closures=case.get("closures"))
    got = cells(outcome)
    for key, (num, den, verdict) in case.get("expect", {}).items():
        assert key in got, f"no result for {key}; got {sorted(got)}"
        cell = got[key]
        assert (cell.numerator, cell.denominator, cell.verdict) == (num, den, verdict), key
        if den:
            assert cell.value == F(num) * 100 / den, key
    for key, (value, verdict) in case.get("values", {}).items():
        assert (got[key].value, got[key].verdict) == (value, verdict), key
    for key, target in case.get("targets", {}).items():
        assert got[key].target == target, key
    for key, counts in case.get("counts", {}).items():
        assert counts.items() <= got[key].counts.items(), key
    assert excluded(outcome) == case.get("excluded", {})
    if "outside" in case:
        assert outcome.record.standards[0].rows_outside_population == case["outside"]
    if "alert_says" in case:  # availability's seconds are not cases to be found
        (alert,) = outcome.record.alerts
        assert case["alert_says"] in alert.message and "more cases" not in alert.message
    words = explain(tmp_path, "T-01")  # every kind explains itself, with its query
    assert f"Measure:    {next(iter(case['standard']['measure']))}: " in words
    assert "SELECT" in words
