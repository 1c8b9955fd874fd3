"""What standards, datasets and results are: pydantic models, no data libraries.

These models describe; they never compute over rows. ``engine.load`` builds them
from YAML, the evaluation packages (``read``, ``measure``, ``decide``) use them.
"""

from __future__ import annotations

from engine.model.catalogue import Calendar, Catalogue, Settings
from engine.model.common import Attribute, Limit, LimitUnit
from engine.model.dataset import Column, ColumnType, CsvOptions, Dataset, ExcelOptions, RowCheck
from engine.model.results import Verdict
from engine.model.standard import (
    Measure,
    OpenCases,
    Period,
    PeriodKind,
    ReportedRatio,
    ShareMeeting,
    ShareWithin,
    Standard,
    TargetStep,
)

__all__ = [
    "Attribute", "Calendar", "Catalogue", "Column", "ColumnType", "CsvOptions", "Dataset",
    "ExcelOptions", "Limit", "LimitUnit", "Measure", "OpenCases", "Period", "PeriodKind",
    "ReportedRatio", "RowCheck", "Settings", "ShareMeeting", "ShareWithin", "Standard",
    "TargetStep", "Verdict",
]
