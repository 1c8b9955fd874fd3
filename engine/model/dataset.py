"""A dataset: an operational extract as the standards see it (files, format, columns)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from engine.model.common import IDENTIFIER, Percent, Strict
from engine.model.improvement import Demand

# strftime codes a date format may use; anything else is a typo caught at load time.
FORMAT_CODES = set("dmyYbBHIMSpfzjaA%")


class ColumnType(StrEnum):
    string = "string"
    integer = "integer"
    decimal = "decimal"
    date = "date"
    datetime = "datetime"
    boolean = "boolean"
    category = "category"

    @property
    def is_temporal(self) -> bool:
        return self in (ColumnType.date, ColumnType.datetime)

    @property
    def is_numeric(self) -> bool:
        return self in (ColumnType.integer, ColumnType.decimal)


class Column(Strict):
    header: str | None = Field(
        None, description="The header in the extract; defaults to the column's name."
    )
    type: ColumnType = ColumnType.string
    format: str | list[str] | None = Field(
        None,
        description="How dates are written, in strftime codes: '%d/%m/%Y' for 31/01/2025 "
        "(day first), '%m/%d/%Y' for 01/31/2025 (month first), '%Y-%m-%dT%H:%M:%S%z' for a "
        "time with its offset. A list accepts any of several. ISO dates (2025-01-31) and real "
        "Excel dates (or Excel serial numbers in a workbook) are always accepted.",
    )
    required: bool = Field(False, description="A row with this cell blank is rejected.")
    values: list[str] | None = Field(
        None, description="For a category: the allowed values; any other value is rejected."
    )
    description: str | None = None
    personal: bool = Field(
        False, description="Personal data (a name, an address, a date of birth, a national "
        "insurance number…): its values are never copied into any output. A rejected cell "
        "shows '(personal data withheld)'; a case identified by it is named by its pseudonym "
        "with --pseudonymise, else withheld too. It cannot be a segment or a date an open "
        "case's alert shows.")

    @model_validator(mode="after")
    def _format_fits_type(self) -> Column:
        if self.format is not None and not self.type.is_temporal:
            raise ValueError("'format' applies only to date and datetime columns")
        if self.values is not None and self.type is not ColumnType.category:
            raise ValueError("'values' applies only to category columns")
        for fmt in self.formats():
            bad = sorted({c for c in re.findall(r"%(.)", fmt) if c not in FORMAT_CODES})
            if bad or "%" not in fmt:
                raise ValueError(
                    f"'{fmt}' is not a date format: "
                    + (f"unknown code(s) {', '.join('%' + c for c in bad)}; " if bad else "")
                    + "write it with %d (day), %m (month), %Y (year), e.g. '%d/%m/%Y'")
        return self

    def formats(self) -> list[str]:
        """The declared formats, in the order they are tried."""
        if self.format is None:
            return []
        return [self.format] if isinstance(self.format, str) else list(self.format)


class ShortRows(StrEnum):
    reject = "reject"
    pad = "pad"


class CsvOptions(Strict):
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = Field("utf-8", description="utf-8 (with or without BOM), cp1252, latin-1…")
    decimal: str = Field(".", pattern=r"^[.,]$", description="The decimal mark: '.' or ','.")
    header_row: int | None = Field(
        None, ge=1, description="The row holding the headers; found automatically if omitted."
    )
    short_rows: ShortRows = Field(
        ShortRows.reject, description="A row that ends before the last declared column: "
        "reject it (a line break inside an unquoted value, or a file cut short), or pad it "
        "with blank cells (for a system whose export leaves trailing empty cells out).")


class ExcelOptions(Strict):
    sheet: str | None = Field(None, description="The sheet to read; the first if omitted.")
    header_row: int | None = Field(
        None, ge=1, description="The row holding the headers; found automatically if omitted."
    )


class RowCheck(Strict):
    rule: str = Field(
        description="A condition every row must meet, e.g. decided_date >= lodged_date")
    reason: str = Field(pattern=IDENTIFIER, description="The reason code written to rejects.csv.")
    message: str | None = Field(None, description="What a rejected row means, in plain words.")


class Dataset(Strict):
    name: str = Field(pattern=IDENTIFIER)
    title: str
    description: str | None = None
    files: list[str] = Field(
        min_length=1, description="Glob patterns, relative to the standards folder."
    )
    csv: CsvOptions = CsvOptions()
    excel: ExcelOptions = ExcelOptions()
    key: list[str] = Field(default_factory=list, description="Columns that identify a row.")
    columns: dict[str, Column] = Field(min_length=1)
    checks: list[RowCheck] = Field(default_factory=list)
    max_rejected: Percent | None = Field(
        None,
        description="Stop the run (exit 3) when more than this share of the rows read is "
        "rejected, e.g. 1%: results from a broken extract would mislead. No limit if omitted.",
    )
    demand: Demand | None = Field(
        None, description="How volume is counted for demand forecasts (default: rows, by "
        "the period of the first standard on this dataset).")
    timezone: str | None = Field(
        None,
        description="The institution's time zone, e.g. America/Toronto. Date-times written "
        "with an offset (…+01:00, …Z) are converted to it; those without one are taken as "
        "written there. If omitted, an offset is dropped and the time kept as written.",
    )

    # json_schema_input_type: the schema for editors admits one pattern as plain text too.
    @field_validator("files", mode="before",
                     json_schema_input_type=Annotated[list[str], Field(min_length=1)] | str)
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("columns")
    @classmethod
    def _column_names(cls, value: dict[str, Column]) -> dict[str, Column]:
        bad = [name for name in value if not re.match(IDENTIFIER, name)]
        if bad:
            raise ValueError(
                f"column names must be lower_case_words: {', '.join(bad)}"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"'{value}' is not a time zone; write it like "
                                 "America/Toronto or Europe/Paris") from None
        return value

    def column_types(self) -> dict[str, ColumnType]:
        return {name: col.type for name, col in self.columns.items()}

    def header_of(self, column: str) -> str:
        return self.columns[column].header or column
