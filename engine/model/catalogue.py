"""The catalogue: a standards folder's settings, datasets and standards, with provenance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from engine.model.common import Publication, Strict
from engine.model.dataset import Dataset
from engine.model.improvement import Initiative
from engine.model.policy import AlertPolicy, Resolved, resolve
from engine.model.standard import Standard


class Calendar(Strict):
    """Which days are business days: Monday to Friday less public holidays and closures."""

    country: str | None = Field(
        None, description="ISO country code for public holidays, e.g. CA, GB, FR."
    )
    subdivision: str | None = Field(None, description="Province or state, e.g. ON.")
    closures: list[dt.date] = Field(
        default_factory=list, description="Extra days the service is closed."
    )


class Settings(Strict):
    """``catalogue.yaml`` at the top of a standards folder (optional)."""

    institution: str | None = None
    as_of: dt.date | None = Field(
        None, description="The extracts' as-of date when --as-of is not given (default: today)."
    )
    calendar: Calendar = Calendar()
    fiscal_year_start: int = Field(4, ge=1, le=12, description="First month of the fiscal year.")
    publication: Publication = Publication()


@dataclass(frozen=True)
class Source:
    """Where a model came from: the file (as shown to users) and its digest."""

    path: Path
    sha256: str


@dataclass
class Catalogue:
    root: Path
    settings: Settings
    policy: AlertPolicy = field(default_factory=AlertPolicy)
    initiatives: list[Initiative] = field(default_factory=list)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    standards: dict[str, Standard] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)  # "dataset:x" / "standard:X"
    digest: str = ""

    def source_of(self, standard: Standard) -> Source:
        return self.sources[f"standard:{standard.id}"]

    def policy_for(self, standard: Standard) -> Resolved:
        """The alert rules that apply to ``standard``, its own over the policy file's."""
        return resolve(self.policy, standard.attribute, standard.alerts)
