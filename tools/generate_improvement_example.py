"""Generate the extract of the improvement-plan example (examples/improvement-plan/).

Three years of monthly contact-centre figures, July 2022 to June 2025, for two
centres, already counted: calls offered, and calls answered by an agent within 10
minutes. The figures are synthetic, built to show what tracking does:

* demand rises slowly and peaks every January (benefit renewals) and dips in summer;
* the share answered within 10 minutes falls in the January peak and recovers;
* from July 2024 a callback service (initiatives.yaml) lifts it by about 5 points.

All randomness comes from one ``random.Random(SEED)``, so every run writes the same
bytes. Do not edit the CSV by hand; run ``python tools/generate_improvement_example.py``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from pathlib import Path

SEED = 20250630
FIRST = dt.date(2022, 7, 1)
MONTHS = 36
CALLBACK_START = dt.date(2024, 7, 1)
CALLBACK_EFFECT = 5.0  # points
CENTRES = {"Halifax": (21000, 72.0), "Winnipeg": (15500, 69.0)}  # calls a month, share %
# Demand by month of the year (January renewals, the summer lull), as a multiplier.
DEMAND = {1: 1.28, 2: 1.12, 3: 1.05, 4: 1.0, 5: 0.97, 6: 0.93, 7: 0.88, 8: 0.9, 9: 1.0,
          10: 1.02, 11: 1.0, 12: 0.95}
DEFAULT_OUT = (Path(__file__).resolve().parent.parent / "examples" / "improvement-plan"
               / "extracts" / "contact_centre_monthly.csv")


def month(i: int) -> dt.date:
    index = FIRST.year * 12 + FIRST.month - 1 + i
    return dt.date(index // 12, index % 12 + 1, 1)


def rows(rng: random.Random) -> list[list[str]]:
    out = []
    for i in range(MONTHS):
        first = month(i)
        for centre, (calls, share) in CENTRES.items():
            offered = round(calls * DEMAND[first.month] * (1 + 0.004 * i) * rng.gauss(1, 0.03))
            # A busier month is answered less quickly: 25 points per 100% more demand.
            level = share - 25 * (DEMAND[first.month] - 1) + 0.05 * i + rng.gauss(0, 1.0)
            if first >= CALLBACK_START:
                level += CALLBACK_EFFECT
            answered = math.floor(offered * min(level, 99.0) / 100)
            out.append([first.strftime("%Y-%m"), centre, str(offered), str(answered)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["Month", "Centre", "Calls offered", "Answered within 10 min"])
        writer.writerows(rows(random.Random(SEED)))


if __name__ == "__main__":
    main()
