"""Generate the example extracts for the service-standards compliance engine.

This script is the source of the example extracts shipped in ``standards/extracts/``;
do not edit those files by hand. Regenerate them with ``python tools/generate_example.py``
(use ``--out DIR`` to write elsewhere). The files are synthetic data for the period
1 January to 30 June 2025, as they would look if pulled on 30 June 2025 23:59:

* ``claims.csv``: case management claims (title block, day-first dates, 5 bad rows);
* ``telephony.xlsx``: daily ACD queue statistics (sheet ``Daily queue stats``);
* ``payment_qa.xlsx``: the payment accuracy QA sample (sheet ``QA sample``);
* ``complaints.csv``: the complaints register, separated by semicolons;
* ``client_survey.csv``: client survey responses, in UTF-8 with a BOM.

All randomness comes from one ``random.Random(20250630)``, so every run writes the same
bytes. For the XLSX files, the document properties and zip timestamps are fixed.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

SEED = 20250630
AS_OF = date(2025, 6, 30)
EXPORTED_AT = datetime(2025, 6, 30, 23, 59)
FIRST_DAY = date(2025, 1, 2)
REGIONS = ["North", "South", "East", "West"]
BENEFIT_TYPES = ["Retirement pension", "Disability benefit", "Unemployment benefit",
                 "Family allowance", "Death grant"]
# The 2025 Ontario public holidays. Complaint acknowledgement and resolution skip these days.
HOLIDAYS = {date(2025, 1, 1), date(2025, 2, 17), date(2025, 4, 18), date(2025, 5, 19),
            date(2025, 7, 1)}
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "standards" / "extracts"
Claim = dict[str, Any]

CLAIM_COLUMNS = ["Claim ID", "Benefit Type", "Region", "Channel", "Lodged Date",
                 "Decided Date", "Outcome", "Entitlement Date", "First Payment Date"]
# Mean processing days in December 2024, falling slightly each month. West is the slow
# office and North the fast one, so the regions land either side of 80% within 28 days.
CLAIM_MEAN_DAYS = {"North": 19.5, "East": 20.5, "South": 22.0, "West": 24.5}


def dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def days_from(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def is_working(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def add_working_days(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(days=1)
        n -= is_working(d)
    return d


def build_claims(rng: random.Random) -> list[Claim]:
    all_days = days_from(date(2024, 12, 1), AS_OF)
    weekdays = [d for d in all_days if d.weekday() < 5]
    claims: list[Claim] = []
    for _ in range(6000):
        channel = rng.choices(["Online", "Office", "Post"], [55, 30, 15])[0]
        # Only online claims can arrive at weekends, when offices and mailrooms are closed.
        lodged = rng.choice(all_days if channel == "Online" else weekdays)
        claims.append({"Channel": channel, "Lodged": lodged,
                       "Region": rng.choices(REGIONS, [30, 25, 20, 25])[0],
                       "Benefit Type": rng.choices(BENEFIT_TYPES, [30, 20, 25, 20, 5])[0]})
    claims.sort(key=lambda c: c["Lodged"])  # the CMS numbers claims in lodgement order
    for seq, c in enumerate(claims, 100001):
        c["Claim ID"] = f"C-{seq}"
        age = (AS_OF - c["Lodged"]).days
        months_in = (c["Lodged"].year - 2024) * 12 + c["Lodged"].month - 12  # Dec 2024 is 0
        mean = CLAIM_MEAN_DAYS[c["Region"]] - 0.45 * months_in
        days = max(2, round(rng.gauss(mean, 7)))
        if rng.random() < 0.03:  # complex cases that stall, giving the long tail
            days += rng.randint(15, 45)
        decided: date | None = c["Lodged"] + timedelta(days=days)
        if days > age:  # an extract can only show decisions made by the as-of date
            late = age < 20 and rng.random() < 0.4  # some recent claims are still open
            decided = None if late else c["Lodged"] + timedelta(days=rng.randint(0, age))
        while decided and decided.weekday() >= 5:  # decisions are issued on weekdays
            decided += timedelta(days=1)
        c["Decided"] = decided
        c["Outcome"] = rng.choices(["Granted", "Refused", "Withdrawn"], [80, 15, 5])[0]
    # Open claims the engine should flag: overdue (lodged over 28 days ago) or at risk (20-28).
    for lo, hi, n in [(29, 120, 25), (20, 28, 30)]:
        band = [c for c in claims if c["Decided"] and lo <= (AS_OF - c["Lodged"]).days <= hi]
        for c in rng.sample(band, n):
            c["Decided"] = None
    for c in claims:
        c["Outcome"] = c["Outcome"] if c["Decided"] else ""
        add_pension_dates(rng, c)
    # Pensions that have been granted but not yet paid. Three are already past 30 days.
    granted = [c for c in claims if c.get("Entitlement")]
    for start, end, n in [(date(2025, 4, 1), date(2025, 5, 25), 3), (date(2025, 6, 10), AS_OF, 2)]:
        for c in rng.sample([c for c in granted if start <= c["Entitlement"] <= end], n):
            c["Payment"] = None
    return claims


def add_pension_dates(rng: random.Random, c: Claim) -> None:
    if c["Outcome"] != "Granted" or c["Benefit Type"] != "Retirement pension":
        return
    lodged = c["Lodged"]
    next_month = date(lodged.year + lodged.month // 12, lodged.month % 12 + 1, 1)
    entitlement = max(next_month, c["Decided"])
    if entitlement > AS_OF:
        entitlement = c["Decided"]
    delay = rng.randint(0, 30) if rng.random() < 0.9 else rng.randint(31, 45)
    if entitlement + timedelta(days=delay) > AS_OF:  # payments shown must already have been made
        delay = rng.randint(0, (AS_OF - entitlement).days)
    c["Entitlement"], c["Payment"] = entitlement, entitlement + timedelta(days=delay)


def inject_bad_claims(rng: random.Random, rows: list[list[str]]) -> dict[str, list[str]]:
    """Add one of each data-quality fault that the engine must reject or flag.

    (a) Lodged Date 31/02/2025 (unparseable)
    (b) blank Claim ID
    (c) duplicate Claim ID: an earlier claim re-exported with a different decision
    (d) Decided Date before Lodged Date
    (e) Decided Date 15/08/2025, after the extract date
    """
    plain = [i for i, r in enumerate(rows) if r[5] and r[1] != "Retirement pension"]

    def pick(lo: float, hi: float) -> list[str]:
        return rows[rng.choice([i for i in plain if lo <= i / len(rows) < hi])]

    bad = {"a": rng.choice([rows[i] for i in plain if rows[i][4].endswith("/02/2025")]),
           "b": pick(0.50, 0.55), "d": pick(0.60, 0.65), "e": pick(0.85, 0.90)}
    bad["a"][4] = "31/02/2025"
    bad["b"][0] = ""
    lodged = datetime.strptime(bad["d"][4], "%d/%m/%Y").date()
    bad["d"][5] = dmy(lodged - timedelta(days=rng.randint(3, 12)))
    bad["e"][5] = "15/08/2025"
    dup = pick(0.10, 0.15).copy()
    decided = datetime.strptime(dup[5], "%d/%m/%Y").date()
    dup[5] = dmy(decided + timedelta(days=rng.randint(7, 21)))
    dup[6] = rng.choice([o for o in ("Granted", "Refused", "Withdrawn") if o != dup[6]])
    rows.insert(rows.index(pick(0.70, 0.75)), dup)
    bad["c"] = dup
    return bad


def write_claims(rng: random.Random, path: Path) -> tuple[int, dict[str, int]]:
    rows = [[c["Claim ID"], c["Benefit Type"], c["Region"], c["Channel"], dmy(c["Lodged"]),
             dmy(c["Decided"]), c["Outcome"], dmy(c.get("Entitlement")), dmy(c.get("Payment"))]
            for c in build_claims(rng)]
    bad = inject_bad_claims(rng, rows)
    pad = [""] * (len(CLAIM_COLUMNS) - 1)  # an Excel CSV export pads every row to full width
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows([["Benefit claims extract - Case Management System", *pad],
                     ["Extracted 30/06/2025 23:59", *pad], ["", *pad], CLAIM_COLUMNS])
        w.writerows(rows)
        w.writerows([["", *pad]] * 3)
    # The row numbers as a spreadsheet shows them: the header is row 4 and the data starts at row 5.
    return len(rows), {k: 5 + next(i for i, r in enumerate(rows) if r is row)
                       for k, row in sorted(bad.items())}


def put_row(ws: Worksheet, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"


def save_xlsx(wb: Workbook, path: Path) -> None:
    wb.properties.created = wb.properties.modified = EXPORTED_AT
    buf = io.BytesIO()
    # wb.save() would overwrite the modified time with now(), so call the writer directly.
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    # Zip entries carry the time they were written. Fix the time so the file is reproducible.
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=EXPORTED_AT.timetuple()[:6])
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)


# Queue shape. Benefits is the busiest queue, and its service level recovers after a
# difficult January and February. The abandonment rates are chosen so that some
# queue-months fall on either side of the 8-10% band.
QUEUE_BASE = {"Pensions": 620, "Benefits": 980, "General": 430}
WEEKDAY_FACTOR = [1.25, 1.02, 0.96, 0.95, 0.87]
MONTH_FACTOR = {1: 1.2, 2: 1.08, 3: 1.0, 4: 0.97, 5: 0.95, 6: 0.98}
ABANDON = {"Pensions": [0.072, 0.066, 0.062, 0.060, 0.057, 0.055],
           "Benefits": [0.118, 0.106, 0.096, 0.089, 0.083, 0.078],
           "General": [0.093, 0.090, 0.086, 0.081, 0.080, 0.076]}
WITHIN_10 = {"Pensions": [0.84, 0.85, 0.85, 0.86, 0.86, 0.87],
             "Benefits": [0.74, 0.76, 0.79, 0.81, 0.83, 0.85],
             "General": [0.80, 0.81, 0.82, 0.82, 0.83, 0.84]}


def write_telephony(rng: random.Random, path: Path) -> int:
    wb = Workbook()
    ws = wb.active
    ws.title = "Daily queue stats"
    ws["A1"] = "Contact centre telephony - daily queue statistics"
    ws["A1"].font = Font(bold=True)
    ws.merge_cells("A1:F1")
    ws["A2"] = "Source: ACD reporting, exported 30/06/2025"
    put_row(ws, 4, ["Date", "Queue", "Calls Offered", "Calls Answered",
                    "Answered Within 10 Min", "Abandoned"])
    row = 5
    for d in (d for d in days_from(FIRST_DAY, AS_OF) if d.weekday() < 5):
        for queue, base in QUEUE_BASE.items():
            m = d.month - 1  # index into the January-to-June profiles above
            volume = base * WEEKDAY_FACTOR[d.weekday()] * MONTH_FACTOR[d.month] * rng.gauss(1, 0.08)
            offered = min(1500, max(300, round(volume)))
            abandoned = round(offered * min(0.14, max(0.04, rng.gauss(ABANDON[queue][m], 0.012))))
            answered = offered - abandoned
            share = min(0.88, max(0.72, rng.gauss(WITHIN_10[queue][m], 0.02)))
            within = min(answered, round(offered * share))
            put_row(ws, row, [d, queue, offered, answered, within, abandoned])
            row += 1
    ws.cell(row=row + 2, column=1, value="Figures exclude calls to the automated line.")
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Daily statistics per ACD queue, Monday to Friday."
    notes["A2"] = "Answered Within 10 Min counts calls answered within 600 seconds of queuing."
    save_xlsx(wb, path)
    return row - 5


def write_payment_qa(rng: random.Random, path: Path) -> int:
    wb = Workbook()
    ws = wb.active
    ws.title = "QA sample"
    put_row(ws, 1, ["Review ID", "Review Date", "Benefit Type", "Region", "Payment Correct",
                    "Error Amount"])
    work = [d for d in days_from(FIRST_DAY, AS_OF) if is_working(d)]
    dates = sorted(rng.choice(work) for _ in range(1200))
    for i, d in enumerate(dates, 1):
        region = rng.choice(REGIONS)
        # South in March is the deliberate outlier, standing in for a bad payment-system release.
        ok = rng.random() < (0.86 if (region, d.month) == ("South", 3) else 0.962)
        amount = None if ok else round(min(850.0, max(12.5, rng.lognormvariate(4.6, 0.9))), 2)
        correct: str | None = "Y" if ok else "N"
        if i > len(dates) - 2:  # the two most recent reviews have not been assessed yet
            correct, amount = None, None
        put_row(ws, i + 1, [f"QA-{i:04d}", d, rng.choice(BENEFIT_TYPES), region, correct, amount])
        ws.cell(row=i + 1, column=6).number_format = "0.00"
    save_xlsx(wb, path)
    return len(dates)


def write_complaints(rng: random.Random, path: Path) -> int:
    channels = ["Online", "Phone", "Letter", "In person"]
    all_days = days_from(FIRST_DAY, AS_OF)
    work = [d for d in all_days if is_working(d)]
    items: list[tuple[date, str, int | None]] = []
    for _ in range(880):
        channel = rng.choices(channels, [45, 30, 15, 10])[0]
        items.append((rng.choice(all_days if channel == "Online" else work), channel, None))
    # Complaints received around long weekends and acknowledged 2 working days later. For
    # most of them, an engine that ignores the holiday calendar counts 3 days and flags a breach.
    for d in [date(2025, 2, 14)] * 3 + [date(2025, 4, 16)] * 3 + [date(2025, 4, 17)] * 5 \
            + [date(2025, 4, 18), date(2025, 4, 19), date(2025, 4, 20), date(2025, 5, 16)] * 2:
        items.append((d, rng.choice(channels) if is_working(d) else "Online", 2))
    items.sort(key=lambda t: t[0])
    old_open = set(rng.sample([i for i, t in enumerate(items)
                               if date(2025, 3, 1) <= t[0] <= date(2025, 5, 20)], 8))
    rows = []
    for i, (received, channel, ack_lag) in enumerate(items, 1):
        if ack_lag is None:
            ack_lag = rng.choices([0, 1, 2, 3], [35, 47, 14, 4])[0]
        # On a weekend receipt, the earliest possible acknowledgement is the next working day.
        ack = add_working_days(received, max(ack_lag, 0 if is_working(received) else 1))
        region = rng.choices(REGIONS, [30, 25, 20, 25])[0]
        mean = 16.5 - 0.5 * (received.month - 1) + (1.5 if region == "West" else 0)
        lag = min(35, max(3, round(rng.gauss(mean, 6))))
        available = sum(map(is_working, days_from(received + timedelta(days=1), AS_OF)))
        late = i - 1 in old_open
        if lag > available:  # most of these are resolved by the as-of date; a few remain open
            late = late or available < 3 or rng.random() < 0.12
            lag = 0 if late else rng.randint(3, available)
        resolved = None if late else add_working_days(received, lag)
        rows.append([f"CMP-25-{i:04d}", dmy(received), dmy(ack if ack <= AS_OF else None),
                     dmy(resolved), channel, region,
                     rng.choices(["Delay", "Staff conduct", "Decision", "Payment", "Other"],
                                 [35, 10, 25, 20, 10])[0]])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Complaint Ref", "Received", "Acknowledged", "Resolved", "Channel",
                    "Region", "Category"])
        w.writerows(rows)
    return len(rows)


SURVEY_COMMENTS = ["Quick and easy.", "Good service", "Friendly staff.",
                   "Waited too long on the phone, but the agent was helpful.",
                   'The officer said "leave it with me" and it was sorted the same day.',
                   'Online form kept timing out, tried 3 times, then "session expired".']
# The share of satisfied clients (4 or 5) by region. West dips in Q1 before recovering.
SATISFIED = {"North": 0.90, "South": 0.88, "East": 0.89, "West": 0.86}


def score(rng: random.Random, p_satisfied: float) -> int:
    if rng.random() < p_satisfied:
        return 5 if rng.random() < 0.5 else 4
    return rng.choices([1, 2, 3], [15, 30, 55])[0]


def write_survey(rng: random.Random, path: Path) -> int:
    all_days = days_from(FIRST_DAY, AS_OF)
    dates = sorted(rng.choice(all_days) for _ in range(1500))
    rows: list[list[object]] = []
    for i, d in enumerate(dates, 1):
        region = rng.choice(REGIONS)
        p_sat = 0.80 if region == "West" and d.month <= 3 else SATISFIED[region]
        scores: list[object] = [score(rng, p_sat), score(rng, 0.915)]
        if rng.random() < 0.03:  # some respondents skip one of the two questions
            scores[rng.randrange(2)] = ""
        comment = rng.choice(SURVEY_COMMENTS) if rng.random() < 0.08 else ""
        channel = rng.choices(["Online", "Phone", "In person"], [50, 30, 20])[0]
        rows.append([f"SRV-{i:05d}", dmy(d), channel, region, *scores, comment])
    # The CSV reader must handle a quoted comment with a newline and one with non-ASCII text.
    multiline, accented = rng.sample(range(len(rows)), 2)
    rows[multiline][-1] = "First call was cut off.\nThe second agent sorted it out."
    rows[accented][-1] = "Très bien servi, merci"
    # Excel needs a BOM to detect UTF-8, which is how the survey tool exports.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Response ID", "Survey Date", "Channel", "Region", "Overall Satisfaction (1-5)",
                    "Treated With Respect (1-5)", "Comment"])
        w.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    # Keep this order fixed: every extract draws from the same random stream.
    n_claims, bad = write_claims(rng, out / "claims.csv")
    counts = {"claims.csv": n_claims,
              "telephony.xlsx": write_telephony(rng, out / "telephony.xlsx"),
              "payment_qa.xlsx": write_payment_qa(rng, out / "payment_qa.xlsx"),
              "complaints.csv": write_complaints(rng, out / "complaints.csv"),
              "client_survey.csv": write_survey(rng, out / "client_survey.csv")}
    print(f"Wrote extracts to {out}")
    for name, n in counts.items():
        print(f"  {name}: {n} data rows")
    print("  claims.csv bad rows (spreadsheet row numbers): "
          + ", ".join(f"({key}) {row}" for key, row in bad.items()))


if __name__ == "__main__":
    main()
