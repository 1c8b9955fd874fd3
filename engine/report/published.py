"""What the public statement may show of each result: verdicts and statuses as an icon
and words (never colour alone), each figure as published or withheld with its footnote
(:mod:`engine.report.suppress` decides which), and the anchors that link the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.model.results import Result, RunRecord, Verdict
from engine.model.tracking import TrackStatus
from engine.report.summary import shown
from engine.report.suppress import Suppressed, suppressed_words, suppression
from engine.wording import show_number

VERDICT = {Verdict.met: ("✔", "Met"), Verdict.warning: ("▲", "Met, close to target"),
           Verdict.breach: ("✘", "Not met"), Verdict.insufficient_data: ("…", "Not assessed")}
STATUS_CSS = {TrackStatus.achieved: "met", TrackStatus.on_track: "met",
              TrackStatus.at_risk: "warning", TrackStatus.off_track: "breach",
              TrackStatus.not_assessed: "none"}
FOOTNOTE = {Suppressed.primary: "*", Suppressed.secondary: "†"}
SUPPRESSED = "Suppressed"
Cell = tuple[str, str, tuple[tuple[str, str], ...]]  # standard, period, sorted segment


@dataclass(frozen=True)
class Badge:
    """A verdict or status: an icon and words, coloured by ``css`` — never colour alone."""

    icon: str
    words: str
    css: str


@dataclass(frozen=True)
class Figure:
    """A value and its count as published, or withheld (``why`` says which footnote)."""

    value: str
    cases: str
    why: str = ""
    mark: str = ""
    reason: str = ""


class Cells:
    """Which cells are withheld, and each result as published."""

    def __init__(self, record: RunRecord, threshold: int) -> None:
        self.threshold = threshold
        self.hidden: dict[Cell, Suppressed] = suppression(record.results, threshold)

    def why(self, standard: str, period: str | None, segment: dict[str, str]
            ) -> Suppressed | None:
        return self.hidden.get((standard, period or "", tuple(sorted(segment.items()))))

    def of(self, r: Result) -> Suppressed | None:
        return self.why(r.standard, r.period, r.segment)

    def withheld(self, why: Suppressed) -> Figure:
        return Figure(SUPPRESSED, SUPPRESSED, why.value, FOOTNOTE[why],
                      suppressed_words(why, self.threshold))

    def figure(self, r: Result) -> Figure:
        why = self.of(r)
        return self.withheld(why) if why else Figure(shown(r), show_number(r.cases))

    def any_between(self, standard: str, segment: dict[str, str], first: str, last: str
                    ) -> bool:
        """Whether a withheld cell of this series lies in ``first``..``last``."""
        seg = tuple(sorted(segment.items()))
        return any(s == standard and g == seg and first <= p <= last
                   for s, p, g in self.hidden)


def badge(v: Verdict) -> Badge:
    icon, words = VERDICT[v]
    return Badge(icon, words, v.value)


# A withheld segment's verdict would say which side of the target its value lies.
WITHHELD = Badge("–", SUPPRESSED, "none")


def anchor(kind: str, name: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name).strip('-').lower()}"


