"""The maturity scorecard: standards grouped by the service attribute they serve, with
the share met in each, so a service sees where it is weakest.

A standard counts by its latest period's whole-population verdict: met (a warning met
its target, close to it), missed, or not assessed (too few cases, no target). The share
met is of the standards assessed, as an exact fraction; the weakest attribute is the one
with the lowest share (ties: all of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from engine.model.results import Verdict
from engine.model.tracking import TrackStatus
from engine.report.summary import Headline

# The order guidance lists them in; any other attribute follows, alphabetically.
ORDER = ("access", "timeliness", "accuracy", "responsiveness", "reliability", "respect",
         "fairness", "transparency", "satisfaction")


@dataclass
class AttributeScore:
    attribute: str
    standards: list[str] = field(default_factory=list)
    met: int = 0
    warning: int = 0  # of the met, how many were close to their target
    missed: int = 0
    not_assessed: int = 0
    goals_behind: int = 0  # improvement goals at risk or off track
    weakest: bool = False

    @property
    def assessed(self) -> int:
        return self.met + self.missed

    @property
    def share_met(self) -> Fraction | None:
        return Fraction(self.met, self.assessed) if self.assessed else None


def scorecard(heads: list[Headline]) -> list[AttributeScore]:
    scores: dict[str, AttributeScore] = {}
    for h in heads:
        name = h.standard.attribute or "unspecified"
        score = scores.setdefault(name, AttributeScore(name))
        score.standards.append(h.standard.id)
        verdict = h.latest.verdict
        if verdict is Verdict.insufficient_data:
            score.not_assessed += 1
        elif verdict is Verdict.breach:
            score.missed += 1
        else:
            score.met += 1
            score.warning += verdict is Verdict.warning
        if h.tracking is not None and h.tracking.status in (TrackStatus.at_risk,
                                                            TrackStatus.off_track):
            score.goals_behind += 1
    ranked = sorted(scores.values(), key=lambda s: (
        ORDER.index(s.attribute) if s.attribute in ORDER else len(ORDER), s.attribute))
    shares = [s.share_met for s in ranked if s.share_met is not None]
    if shares and min(shares) < 1:
        for s in ranked:
            s.weakest = s.share_met == min(shares)
    return ranked
