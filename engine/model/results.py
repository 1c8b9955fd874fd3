"""The results contract: what a run produces, as written to ``results.json``.

Version 1. Fields are only ever added within a major version; a consumer can rely
on every field documented here. ``compliance schema --results`` prints the JSON Schema.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.model.common import Publication
from engine.model.tracking import Demand, Impact, Tracking

SCHEMA_VERSION = "1.7"


class Verdict(StrEnum):
    met = "met"
    warning = "warning"
    breach = "breach"
    insufficient_data = "insufficient_data"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class FileRecord(_Out):
    path: str
    sha256: str
    rows_read: int = Field(description="Rows below the header, blank ones included")
    header_row: int = Field(0, description="The header's row number (0 for Parquet)")
    sheet: str | None = Field(None, description="The sheet read, for a workbook")
    unexpected_columns: list[str] = Field(
        default_factory=list, description="Headers in the file that the dataset does not declare")


class FilterRecord(_Out):
    rule: str
    rows: int


class DatasetRecord(_Out):
    name: str
    files: list[FileRecord]
    rows_read: int
    rows_used: int
    rows_filtered: int
    rows_rejected: int
    filtered_by: list[FilterRecord] = Field(default_factory=list)
    rejected_by: dict[str, int] = Field(default_factory=dict, description="reason → rows")


class TargetRecord(_Out):
    direction: str = Field(description="'at_least' or 'at_most'")
    value: str = Field(description="The target applied, e.g. '80%' (a percentage) or '21' "
                       "(in the result's unit)")
    source: str | None = Field(None, description="Where a target read from the extract came "
                               "from, e.g. \"the 'target' column\"")
    warning: str | None = None
    minimum_sample: int
    effective: dt.date | None = None


class Result(_Out):
    standard: str
    standard_version: str = Field(description="sha256 of the standard's YAML file")
    period: str
    period_start: dt.date
    period_end: dt.date
    segment: dict[str, str]
    numerator: int | float | None = Field(
        description="Cases meeting the standard, or the sum summarised (null for a median)")
    denominator: int | float = Field(description="Cases counted (for availability: seconds)")
    cases: int | float = Field(0, description="The cases behind the value: the denominator, "
                               "or for a summary the values summarised, for availability the "
                               "scheduled days")
    value: float | None = Field(description="The value, unrounded: numerator / denominator "
                                "× 100 for a percentage, × per for a rate; a mean, median or "
                                "percentile in its unit")
    value_exact: str | None = Field(description="The exact value as a fraction 'n/d'")
    unit: str = Field("%", description="'%', 'per 1,000', or the unit of a summary "
                      "(days, seconds, …; '' for a score)")
    target: TargetRecord | None
    verdict: Verdict
    decided_by: str = Field(description="How the verdict was reached, in words")
    counts: dict[str, int] = Field(
        default_factory=dict, description="Cases outside the ratio, e.g. open_pending"
    )
    short_by: int | None = Field(
        None, description="For a breach counted in whole cases: how many more cases meeting "
        "the standard (at least) or fewer counted (at most) would have met the target, "
        "compared as the verdict was (with the standard's rounding rule, if any)")


class AlertState(StrEnum):
    new = "new"
    ongoing = "ongoing"
    resolved = "resolved"


class Alert(_Out):
    key: str
    standard: str
    kind: str
    state: AlertState
    severity: str
    period: str
    segment: dict[str, str]
    owner: str = Field("", description="The standard's owner: the team accountable for it")
    next_step: str = Field("", description="What to do next, in plain words: the alert "
                           "policy's action for the kind, else the step the engine words for "
                           "this alert")
    message: str = Field(description="The alert in words, to forward as it is: what "
                         "happened, then 'Owner: … Next step: …'")
    evidence: dict[str, Any]


class StandardRecord(_Out):
    id: str
    title: str
    statement: str = Field("", description="The standard as published, in plain words")
    attribute: str = Field("", description="The service attribute it serves: timeliness, "
                           "access, accuracy, …")
    owner: str = ""
    measure: str = Field("", description="What is measured, in plain words")
    version: str | None
    sha256: str
    path: str
    dataset: str
    population: str | None
    rows_in_population: int
    rows_outside_population: int
    excluded: dict[str, int] = Field(
        default_factory=dict,
        description="Rows in the population left out of the ratio, by stated reason "
        "(e.g. open_within_limit, condition_unknown)",
    )


class RunInfo(_Out):
    id: str
    as_of: dt.date
    started_at: dt.datetime
    engine_version: str
    standards_digest: str
    standards_path: str
    alert_policy_sha256: str | None = Field(
        None, description="sha256 of alert-policy.yaml (null: the built-in policy)")
    institution: str | None = Field(None, description="catalogue.yaml's institution")


class NotificationRecord(_Out):
    """What became of one receiver's message (new and resolved alerts only)."""

    channel: str = Field(description="'webhook' or 'email'")
    target: str = Field(description="The webhook URL with its tokens masked, or the recipients")
    name: str | None = None
    alerts: int
    ok: bool
    attempts: int
    error: str | None = None


class RunRecord(_Out):
    schema_version: str = SCHEMA_VERSION
    run: RunInfo
    datasets: list[DatasetRecord]
    standards: list[StandardRecord]
    results: list[Result]
    alerts: list[Alert]
    notifications: list[NotificationRecord] = Field(
        default_factory=list, description="Messages sent to the alert policy's receivers")
    tracking: list[Tracking] = Field(
        default_factory=list, description="Improvement goals: per standard and segment, the "
        "path, each period's status and the forecast for the goal's date")
    initiatives: list[Impact] = Field(
        default_factory=list, description="Quality initiatives: the change before and after, "
        "per standard they aim at")
    demand: list[Demand] = Field(
        default_factory=list, description="Cases per period per dataset, and the forecast "
        "ahead")
    publication: Publication = Field(
        default_factory=Publication, description="catalogue.yaml's publication settings "
        "when the run was made: the statement's title and its suppression threshold")
