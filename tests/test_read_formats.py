"""Reading extracts as they arrive: workbooks, CSV in its many dialects, Parquet, several
files at once, the ``max_rejected`` stop, reconciliation and row checks.

Every fixture is built in ``tmp_path`` by the test that needs it (openpyxl, Polars or
plain bytes), so what a file holds is visible next to what is asserted about it.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import os
import re
import threading
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.model.dataset import Dataset
from engine.problems import InputError
from engine.read import excel_file, extract
from engine.read.extract import Extract, TooManyRejects, read_dataset

AS_OF = dt.date(2025, 6, 30)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER = "Ref,Lodged Date,Amount,OK"

COLUMNS: dict[str, dict[str, object]] = {
    "ref": {"header": "Ref", "required": True},
    "lodged": {"header": "Lodged Date", "type": "date", "format": "%d/%m/%Y", "required": True},
    "amount": {"header": "Amount", "type": "decimal"},
    "ok": {"header": "OK", "type": "boolean"},
}


def dataset(columns: Mapping[str, Any] | None = None, **options: Any) -> Dataset:
    return Dataset.model_validate({
        "name": "cases", "title": "Cases", "files": "x", "key": ["ref"],
        "columns": COLUMNS if columns is None else columns,
    } | options)


def read(ds: Dataset, *paths: Path) -> Extract:
    return read_dataset(ds, list(paths), AS_OF, shown_base=paths[0].parent)


def write(tmp_path: Path, text: str, name: str = "cases.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read_csv(tmp_path: Path, text: str, ds: Dataset | None = None, **options: Any) -> Extract:
    return read(ds or dataset(**options), write(tmp_path, text))


def unreadable(ds: Dataset, path: Path) -> str:
    """The problem a user sees for a file that cannot be read (and the exit code is 3)."""
    with pytest.raises(InputError) as err:
        read(ds, path)
    assert err.value.exit_code == 3
    assert len(err.value.problems) == 1
    return str(err.value.problems[0])


def rejects(ex: Extract) -> list[tuple[int, str, str, str]]:
    return [(r.row, r.column, r.value, r.reason) for r in ex.rejects]


def column(ex: Extract, name: str) -> list[Any]:
    return ex.table.column(name).to_pylist()


def reconciles(ex: Extract) -> bool:
    return ex.rows_read == ex.rows_used + ex.rows_filtered + ex.rows_rejected


def workbook(path: Path, rows: Sequence[Sequence[object]], *, sheet: str = "Data",
             before: Sequence[str] = (), merges: Sequence[str] = ()) -> Path:
    """A workbook whose sheet ``sheet`` holds ``rows`` from A1; ``before`` are sheets ahead
    of it (with a line of notes each)."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    for i, name in enumerate([*before, sheet]):
        ws = first if i == 0 else book.create_sheet(name)
        ws.title = name
        if name != sheet:
            ws.append(["Notes about this extract"])
    ws = book[sheet]
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    book.save(path)
    return path


# --- Excel -----------------------------------------------------------------------------

TITLE_BLOCK = [["Claims extract - Case Management System"], ["Extracted 30/06/2025 23:59"], []]


def test_excel_header_is_found_below_a_title_block(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cases.xlsx", [
        *TITLE_BLOCK,
        ["Ref", "Lodged Date", "Amount", "OK"],
        ["A", dt.date(2025, 1, 21), 1.5, "Y"],
        ["B", dt.date(2025, 2, 3), 2, "N"],
    ])
    ex = read(dataset(), path)
    assert [(f.path, f.header_row, f.sheet) for f in ex.files] == [("cases.xlsx", 4, "Data")]
    assert column(ex, "_row") == [5, 6]
    assert column(ex, "lodged") == [dt.date(2025, 1, 21), dt.date(2025, 2, 3)]
    assert column(ex, "amount") == [1.5, 2.0]
    assert column(ex, "ok") == [True, False]


def test_excel_header_row_given_explicitly_wins_over_an_earlier_lookalike(tmp_path: Path
                                                                         ) -> None:
    # A summary block above the table repeats the headers: found automatically, row 1
    # would be taken; header_row says where the table really starts.
    path = workbook(tmp_path / "cases.xlsx", [
        ["Ref", "Lodged Date", "Amount", "OK"],
        ["Total", None, 3.5, None],
        [],
        ["Ref", "Lodged Date", "Amount", "OK"],
        ["A", dt.date(2025, 1, 21), 1.5, "Y"],
    ])
    ex = read(dataset(excel={"header_row": 4}), path)
    assert ex.files[0].header_row == 4
    assert (ex.rows_read, column(ex, "ref"), column(ex, "_row")) == (1, ["A"], [5])


def test_excel_sheet_is_chosen_by_name(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cases.xlsx", [
        ["Ref", "Lodged Date", "Amount", "OK"], ["A", dt.date(2025, 1, 21), 1, "Y"],
    ], before=["Notes", "Summary"])
    ex = read(dataset(excel={"sheet": "Data"}), path)
    assert (ex.files[0].sheet, column(ex, "ref"), column(ex, "_row")) == ("Data", ["A"], [2])


def test_excel_missing_sheet_exits_3_naming_it_with_a_did_you_mean(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cases.xlsx", [["Ref"]], before=["Notes"])
    assert unreadable(dataset(excel={"sheet": "Dta"}), path) == (
        "cases.xlsx: the workbook has no sheet 'Dta' "
        "(did you mean 'Data'? sheets: Data, Notes)")


def test_an_empty_sheet_is_named_with_the_sheets_that_may_hold_the_extract(
        tmp_path: Path) -> None:
    # The extract saved on the second sheet while the first, read by default, is empty.
    path = workbook(tmp_path / "cases.xlsx", [], sheet="Blank")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Data").append(["Ref"])
    book.save(path)
    assert unreadable(dataset(), path) == (
        "cases.xlsx: sheet 'Blank' is empty (the first sheet is read unless the dataset "
        "names one: add excel: {sheet: \"Data\"} (or the sheet that holds the extract) to "
        "the dataset 'cases' (the workbook's sheets: Blank, Data))")
    assert unreadable(dataset(excel={"sheet": "Blank"}), path) == (
        "cases.xlsx: sheet 'Blank' is empty (check which sheet holds the extract (the "
        "workbook's sheets: Blank, Data), and the dataset's excel: sheet)")
    lone = workbook(tmp_path / "lone.xlsx", [[None]] * 40 + [["Ref"]])
    assert unreadable(dataset(), lone) == (
        "lone.xlsx: sheet 'Data' has nothing in its first 30 rows, where the header is "
        "looked for (if the header is further down, give its row: excel: {header_row: N} in "
        "the dataset 'cases'; else export the extract again)")


def test_excel_dates_datetimes_serials_and_text_dates(tmp_path: Path) -> None:
    columns = {
        "ref": {"header": "Ref", "required": True},
        "lodged": {"header": "Lodged Date", "type": "date", "format": "%d/%m/%Y"},
        "decided": {"header": "Decided At", "type": "datetime"},
    }
    path = workbook(tmp_path / "cases.xlsx", [
        ["Ref", "Lodged Date", "Decided At"],
        ["real", dt.date(2025, 1, 21), dt.datetime(2025, 1, 22, 14, 30)],
        ["serial", 45678, 45678.75],  # Excel serials: 2025-01-21, and 18:00 that day
        ["text", "21/01/2025", "2025-01-22 09:15:00"],
        ["iso", "2025-01-21", dt.date(2025, 1, 23)],
        ["bad", "21/13/2025", "tomorrow"],
    ])
    ex = read(dataset(columns), path)
    assert column(ex, "ref") == ["real", "serial", "text", "iso"]
    assert column(ex, "lodged") == [dt.date(2025, 1, 21)] * 4
    assert column(ex, "decided") == [
        dt.datetime(2025, 1, 22, 14, 30), dt.datetime(2025, 1, 21, 18, 0),
        dt.datetime(2025, 1, 22, 9, 15), dt.datetime(2025, 1, 23, 0, 0)]
    assert rejects(ex) == [(6, "Decided At", "tomorrow", "bad_datetime"),
                           (6, "Lodged Date", "21/13/2025", "bad_date")]


def test_excel_value_merged_down_several_rows_is_copied_to_each(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref", "required": True},
               "region": {"header": "Region", "type": "category", "required": True,
                          "values": ["North", "South"]}}
    path = workbook(tmp_path / "cases.xlsx", [
        ["Cases by region"], [],
        ["Ref", "Region"],
        ["A", "North"], ["B", None], ["C", None], ["D", "South"],
    ], merges=["B4:B6"])
    ex = read(dataset(columns), path)
    assert ex.rejects == []
    assert list(zip(column(ex, "_row"), column(ex, "region"), strict=True)) == [
        (4, "North"), (5, "North"), (6, "North"), (7, "South")]


def test_excel_footnote_below_the_table_is_rejected_at_its_excel_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cases.xlsx", [
        *TITLE_BLOCK,
        ["Ref", "Lodged Date", "Amount", "OK"],
        ["A", dt.date(2025, 1, 21), 1, "Y"],
        ["B", dt.date(2025, 1, 22), 2, "N"],
        [],
        ["Source: CMS. Figures are provisional."],
    ])
    ex = read(dataset(), path)
    assert rejects(ex) == [(8, "Lodged Date", "", "missing_value")]
    assert (ex.rows_read, ex.rows_used, ex.rows_filtered, ex.rows_rejected) == (4, 2, 1, 1)


def test_excel_xlsm_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cases.xlsm", [["Ref", "Lodged Date", "Amount", "OK"],
                                              ["A", dt.date(2025, 1, 21), 1, "Y"]])
    ex = read(dataset(), path)
    assert (ex.files[0].sheet, column(ex, "lodged")) == ("Data", [dt.date(2025, 1, 21)])


def test_excel_table_away_from_a1_with_a_merge_keeps_excel_row_numbers(tmp_path: Path
                                                                      ) -> None:
    # Rows 1-2 and columns A-B are empty: the sheet's used range starts at C3.
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in (["Ref", "Lodged Date", "Amount", "OK"], ["A", dt.date(2025, 1, 21), 1, "Y"],
                ["B", None, 2, "N"], ["C", None, 3, None]):
        ws.append([None, None, *row])
    ws.move_range("A1:F4", rows=2)
    ws.merge_cells("D4:D6")
    book.save(tmp_path / "cases.xlsx")
    ex = read(dataset(), tmp_path / "cases.xlsx")
    assert ex.files[0].header_row == 3
    assert list(zip(column(ex, "_row"), column(ex, "ref"), column(ex, "lodged"), strict=True)
                ) == [(4, "A", dt.date(2025, 1, 21)), (5, "B", dt.date(2025, 1, 21)),
                      (6, "C", dt.date(2025, 1, 21))]


def test_excel_numbers_ignore_the_csv_decimal_comma(tmp_path: Path) -> None:
    # One dataset may arrive as CSV with decimal commas or as a workbook: a workbook's
    # numbers are numbers, whatever the CSV option says.
    path = workbook(tmp_path / "cases.xlsx", [["Ref", "Lodged Date", "Amount", "OK"],
                                              ["A", dt.date(2025, 1, 21), 1234.5, True],
                                              ["B", dt.date(2025, 1, 21), 2, False]])
    ex = read(dataset(csv={"delimiter": ";", "decimal": ","}), path)
    assert (column(ex, "amount"), column(ex, "ok"), ex.rejects) == ([1234.5, 2.0],
                                                                   [True, False], [])


def test_excel_time_only_cell_is_not_a_date(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref"},
               "lodged": {"header": "Lodged Date", "type": "date"},
               "decided": {"header": "Decided At", "type": "datetime"}}
    path = workbook(tmp_path / "cases.xlsx", [["Ref", "Lodged Date", "Decided At"],
                                              ["A", dt.time(10, 30), dt.time(10, 30)],
                                              ["B", 0.4375, 0.4375]])
    ex = read(dataset(columns), path)
    assert [(r.row, r.column, r.reason) for r in ex.rejects] == [
        (2, "Decided At", "bad_datetime"), (2, "Lodged Date", "bad_date"),
        (3, "Decided At", "bad_datetime"), (3, "Lodged Date", "bad_date")]


def _with_cells(path: Path, cells: Mapping[str, str]) -> Path:
    """``path``'s first sheet with the XML of some cells replaced, as Excel or another
    program writes them (openpyxl cannot save a formula's value)."""
    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, cell in cells.items():
        xml, n = re.subn(f'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', cell, xml, count=1)
        assert n == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


@pytest.mark.parametrize("piece", [excel_file.PIECE, 29])  # 29 bytes: cells cut in two
def test_excel_error_cells_and_formulas_never_calculated_are_rejected_not_blank(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    # fastexcel reads an error cell, and a formula saved without a value, as an empty
    # cell: a required date would be "blank", an optional amount would quietly leave the
    # row out of a measure. Each is rejected for what it is, naming the cell.
    monkeypatch.setattr(excel_file, "PIECE", piece)
    columns = {**COLUMNS, "note": {"header": "Note"}}
    path = workbook(tmp_path / "cases.xlsx", [
        ["Cases", "#N/A"],  # an error in the title block is nobody's business
        ["Ref", "Lodged Date", "Amount", "OK", "Note", "Other"],
        ["A", "#N/A", 1, "Y", "fine", None],
        ["B", dt.date(2025, 1, 21), "#DIV/0!", "Y", None, None],
        ["C", dt.date(2025, 1, 21), 3, "Y", "=A5&\"x\"", None],
        ["D", dt.date(2025, 1, 21), "=1+1", "Y", None, "#REF!"],  # Other is not declared
        ["E", dt.date(2025, 1, 21), 5, "Y", "to replace", None],
        ["F", dt.date(2025, 1, 21), 6, "Y", "to replace", None],
    ])
    _with_cells(path, {
        "C6": '<c r="C6"><f>1+1</f><v>2</v></c>',  # saved by Excel: its value is read
        "E7": '<c r="E7" t="str"><f>IF(TRUE,"","x")</f><v></v></c>',  # empty text: blank
        "E8": '<c r="E8" s="0"><f t="shared" si="0"/></c>',  # never calculated
    })
    ex = read(dataset(columns), path)
    assert rejects(ex) == [(3, "Lodged Date", "#N/A", "excel_error"),
                           (4, "Amount", "#DIV/0!", "excel_error"),
                           (5, "Note", '=A5&"x"', "not_calculated"),
                           (8, "Note", "=", "not_calculated")]
    assert ex.rejects[0].message.startswith("the cell holds an Excel error, not a value")
    assert (column(ex, "ref"), column(ex, "amount"), column(ex, "note")) == (
        ["D", "E"], [2.0, 5.0], [None, None])
    assert reconciles(ex)


def test_excel_sheet_full_of_formulas_never_calculated_is_refused_saying_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel_file, "MAX_UNVALUED", 3)
    path = workbook(tmp_path / "cases.xlsx", [
        ["Ref", "Lodged Date", "Amount", "OK"],
        *[[f"R{i}", dt.date(2025, 1, 21), f"=ROW()*{i}", "Y"] for i in range(4)]])
    assert unreadable(dataset(), path) == (
        "cases.xlsx: more than 3 cells of part xl/worksheets/sheet1.xml hold an Excel error "
        "or a formula whose value was never calculated: the workbook was written by a "
        "program and not saved from Excel, or its formulas fail (open it in Excel, check the "
        "formulas and save it; or export the extract as CSV from its system)")


def test_workbook_renamed_csv_and_csv_renamed_xlsx_exit_3_saying_what_they_are(
        tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", [["Ref", "Lodged Date", "Amount", "OK"]])
    renamed = book.rename(tmp_path / "cases.csv")
    assert unreadable(dataset(), renamed) == (
        "cases.csv: this file is an Excel workbook, not CSV text "
        "(rename it to .xlsx, or export it again as CSV)")
    text = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n", name="cases.xlsx")
    assert unreadable(dataset(), text) == (
        "cases.xlsx: this file is not an Excel workbook (it looks like CSV or text) "
        "(rename it to .csv if it is CSV, or export the extract again as .xlsx)")


def test_encrypted_workbook_exits_3_asking_for_the_password_to_be_removed(tmp_path: Path
                                                                         ) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(OLE2 + bytes(504) + b"EncryptedPackage")
    message = unreadable(dataset(), path)
    assert message.startswith("cases.xlsx: this workbook is password-protected (encrypted)")
    assert "remove the password" in message


# --- CSV: the header -------------------------------------------------------------------


def test_csv_header_ignores_case_and_surrounding_or_repeated_spaces(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, "  REF ,lodged   DATE,\tAmount  ,ok\nA,21/01/2025,1,y\n")
    assert ex.files[0].header_row == 1
    assert ex.table.select(["ref", "lodged", "amount", "ok"]).to_pylist() == [
        {"ref": "A", "lodged": dt.date(2025, 1, 21), "amount": 1.0, "ok": True}]


def test_csv_title_cell_spanning_two_lines_counts_as_one_row(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f'"Claims report\nJune 2025",,,\n{HEADER}\nA,21/01/2025,1,Y\n'
                  "B,31/02/2025,1,Y\n")
    assert (ex.files[0].header_row, column(ex, "_row")) == (2, [3])
    assert rejects(ex) == [(4, "Lodged Date", "31/02/2025", "bad_date")]


def test_csv_missing_column_is_named_with_a_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, "Ref,Lodgd Date,Amount,OK\nA,21/01/2025,1,Y\n")
    assert unreadable(dataset(), path) == (
        "cases.csv: row 1: missing column(s) 'Lodged Date' (did you mean 'Lodgd Date'? "
        "headers no column uses: Lodgd Date) (correct the header in the dataset "
        "declaration, or export the column)")


def test_csv_missing_column_is_never_guessed_to_be_a_header_another_column_uses(
        tmp_path: Path) -> None:
    # 'Lodged Date' is nearest to 'Decided Date' in spelling, but it is the lodged date's.
    columns = {**COLUMNS, "decided": {"header": "Decided Date", "type": "date",
                                      "format": "%d/%m/%Y"}}
    path = write(tmp_path, f"{HEADER},Decision Dt\nA,21/01/2025,1,Y,22/01/2025\n")
    assert unreadable(dataset(columns), path) == (
        "cases.csv: row 1: missing column(s) 'Decided Date' (did you mean 'Decision Dt'? "
        "headers no column uses: Decision Dt) (correct the header in the dataset "
        "declaration, or export the column)")


def test_csv_unexpected_columns_are_recorded_and_skipped(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, "Notes,Ref,Lodged Date,Team,Amount,OK\n"
                  "call back,A,21/01/2025,Blue,1,Y\n")
    assert ex.files[0].unexpected_columns == ["Notes", "Team"]
    assert ex.table.select(["ref", "lodged", "amount", "ok"]).to_pylist() == [
        {"ref": "A", "lodged": dt.date(2025, 1, 21), "amount": 1.0, "ok": True}]


@pytest.mark.parametrize(("text", "written"), [
    ("Ref;Lodged Date;Amount;OK\nA;21/01/2025;1,5;Y\n", ";"),
    ("Claims\nRef\tLodged Date\tAmount\tOK\nA\t21/01/2025\t1\tY\n", "\\t"),
])
def test_csv_split_by_another_delimiter_says_which_to_declare(
        tmp_path: Path, text: str, written: str) -> None:
    said = unreadable(dataset(), write(tmp_path, text))
    assert said.startswith("cases.csv: no row among the first 30 holds the declared headers")
    assert said.endswith(f"(the rows are split by '{written}', not ',': add csv: "
                         f"{{delimiter: \"{written}\"}} to the dataset 'cases')")


def test_csv_declared_header_on_two_columns_exits_3_naming_both(tmp_path: Path) -> None:
    # Taking the first of two "Amount" columns would be a guess at which holds the data.
    fillers = ",".join(f"Note {i}" for i in range(23))
    path = write(tmp_path, f"{HEADER},{fillers},amount \nA,21/01/2025,1,Y\n")
    assert unreadable(dataset(), path) == (
        "cases.csv: row 1: the header 'Amount' heads 2 columns (C, AB), so which one holds "
        "its data cannot be told (rename or remove the others in the export, or declare a "
        "different header for one of them)")


@pytest.mark.parametrize(("text", "expected"), [
    (f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025,1,5,Y\nC,21/01/2025,2,N\n",
     [(3, "", "Y", "extra_cells"), (3, "OK", "5", "not_a_boolean")]),  # the stray cell shown
    # Exports that end every line, the header's included, with a delimiter: no extra cell.
    (f"{HEADER},\nA,21/01/2025,1,Y,\nB,21/01/2025,1,Y,\n", []),
], ids=["unquoted-comma-in-a-value", "trailing-delimiter-everywhere"])
def test_csv_row_with_more_cells_than_the_header_is_rejected(
        tmp_path: Path, text: str, expected: list[tuple[int, str, str, str]]) -> None:
    ex = read_csv(tmp_path, text)
    assert rejects(ex) == expected
    assert ex.rows_used == 2 and reconciles(ex)


def test_csv_quoted_newlines_keep_later_row_numbers_right(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f'{HEADER}\r\n"A\r\nsecond line\nthird",21/01/2025,"1",Y\r\n'
                  'B,21/01/2025,"note\nover two lines",N\r\nC,31/02/2025,3,Y\r\n')
    assert column(ex, "ref") == ["A\r\nsecond line\nthird"]
    assert rejects(ex) == [(3, "Amount", "note\nover two lines", "not_a_number"),
                           (4, "Lodged Date", "31/02/2025", "bad_date")]


def test_csv_unclosed_quote_exits_3_naming_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, f'{HEADER}\nA,21/01/2025,1,Y\nB,"21/01/2025,2,N\n'
                 'C,21/01/2025,3,Y\nD,21/01/2025,4,N\n')
    message = unreadable(dataset(), path)
    assert message.startswith("cases.csv: row 3: a quoted cell is never closed")


@pytest.mark.parametrize("line", [3, 45], ids=["in-the-first-rows", "far-down"])
def test_csv_invalid_utf8_exits_3_naming_the_line_and_suggesting_cp1252(
        tmp_path: Path, line: int) -> None:
    good = [f"R{i},21/01/2025,1,Y\n".encode() for i in range(2, line)]
    data = b"".join([f"{HEADER}\n".encode(), *good, "Séverine,21/01/2025,1,Y\n".encode("cp1252"),
                     b"Z,21/01/2025,1,Y\n"])
    path = tmp_path / "cases.csv"
    path.write_bytes(data)
    message = unreadable(dataset(), path)
    assert message.startswith(f"cases.csv: line {line} is not UTF-8 text (set csv: "
                              "{encoding: cp1252}")


def test_csv_cp1252_declared_is_read_right(tmp_path: Path) -> None:
    columns = {**COLUMNS, "ref": {"header": "Référence", "required": True}}
    path = write(tmp_path, "Référence,Lodged Date,Amount,OK\nSéverine – €5,21/01/2025,5,Y\n",
                 encoding="cp1252")
    ex = read(dataset(columns, csv={"encoding": "cp1252"}), path)
    assert column(ex, "ref") == ["Séverine – €5"]


def test_csv_byte_undefined_in_the_declared_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(f"{HEADER}\nA,21/01/2025,1,Y\nB\x81,21/01/2025,1,Y\n".encode("latin-1"))
    assert unreadable(dataset(csv={"encoding": "cp1252"}), path).startswith(
        "cases.csv: line 3 is not cp1252 text")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_csv_utf16_without_a_byte_order_mark_is_read_not_called_binary(
        tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, f"{HEADER}\r\nÉ1,21/01/2025,1,Y\r\nÉ2,22/01/2025,2,N\r\n",
                 encoding=encoding)
    ex = read(dataset(), path)
    assert (column(ex, "ref"), column(ex, "_row"), ex.rejects) == (["É1", "É2"], [2, 3], [])


def test_csv_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"\ufeff{HEADER}\nÉ1,21/01/2025,1,Y\nÉ2,22/01/2025,2,N\n")
    assert (ex.files[0].header_row, column(ex, "ref"), column(ex, "_row")) == (
        1, ["É1", "É2"], [2, 3])


# --- CSV: cells --------------------------------------------------------------------------


def test_csv_semicolons_and_decimal_commas_with_thousands_separators(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref", "required": True},
               "amount": {"header": "Amount", "type": "decimal"},
               "count": {"header": "Count", "type": "integer"}}
    ex = read_csv(tmp_path, "Ref;Amount;Count\n"
                  "A;1.234,50;1.234\nB;12,5;7\nC;1 234,5;12\nD;-0,5;0\nE;1.234;2\n"
                  "F;1,234.50;1\nG;1.5;1\n",
                  dataset(columns, csv={"delimiter": ";", "decimal": ","}))
    assert list(zip(column(ex, "ref"), column(ex, "amount"), column(ex, "count"), strict=True)
                ) == [("A", 1234.5, 1234), ("B", 12.5, 7), ("C", 1234.5, 12), ("D", -0.5, 0),
                      ("E", 1234.0, 2)]
    assert rejects(ex) == [(7, "Amount", "1,234.50", "not_a_number"),
                           (8, "Amount", "1.5", "not_a_number")]


@pytest.mark.parametrize(("fmt", "cells", "expected"), [
    ("%m/%d/%Y", ["01/31/2025", "2/3/2025", "2025-01-31"],
     [dt.date(2025, 1, 31), dt.date(2025, 2, 3), dt.date(2025, 1, 31)]),
    (["%d/%m/%Y", "%d %b %Y", "%Y%m%d"], ["31/01/2025", "31 Jan 2025", "20250131"],
     [dt.date(2025, 1, 31)] * 3),
], ids=["month-first", "a-list-of-formats"])
def test_csv_dates_in_the_declared_formats(tmp_path: Path, fmt: str | list[str],
                                          cells: list[str], expected: list[dt.date]) -> None:
    columns = {"ref": {"header": "Ref"}, "day": {"header": "Day", "type": "date",
                                                 "format": fmt}}
    rows = "".join(f"R{i},{c}\n" for i, c in enumerate(cells))
    ex = read_csv(tmp_path, f"Ref,Day\n{rows}R9,31/31/2025\n", dataset(columns))
    assert column(ex, "day") == expected
    assert rejects(ex) == [(len(cells) + 2, "Day", "31/31/2025", "bad_date")]


def test_csv_month_first_format_refuses_a_day_first_date(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref"}, "day": {"header": "Day", "type": "date",
                                                 "format": "%m/%d/%Y"}}
    ex = read_csv(tmp_path, "Ref,Day\nA,31/01/2025\n", dataset(columns))
    assert rejects(ex) == [(2, "Day", "31/01/2025", "bad_date")]


def test_csv_excel_serial_is_not_a_date_outside_a_workbook(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,45678,1,Y\n")
    assert rejects(ex) == [(2, "Lodged Date", "45678", "bad_date")]


def test_csv_two_digit_year_is_not_in_a_four_digit_year_format(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/25,1,Y\nB,21/01/0025,1,Y\n")
    assert [(r.row, r.reason) for r in ex.rejects] == [(2, "bad_date"), (3, "bad_date")]


MOMENTS = ["2025-03-01T10:00:00+01:00", "2025-03-01T10:00:00Z", "2025-03-01T10:00:00-05:00",
           "2025-07-01T10:00:00-04:00", "2025-03-01 10:00:00", "2025-03-01 10:00"]


@pytest.mark.parametrize(("zone", "hours"), [
    # Toronto is UTC-5 in March (before 9 March 2025) and UTC-4 in July.
    ("America/Toronto", [4, 5, 10, 10, 10, 10]),
    (None, [10, 10, 10, 10, 10, 10]),
], ids=["converted-to-toronto", "kept-as-written"])
def test_csv_datetimes_with_offsets(tmp_path: Path, zone: str | None, hours: list[int]
                                    ) -> None:
    columns = {"ref": {"header": "Ref"}, "at": {"header": "At", "type": "datetime"}}
    rows = "".join(f"R{i},{m}\n" for i, m in enumerate(MOMENTS))
    ex = read_csv(tmp_path, f"Ref,At\n{rows}", dataset(columns, timezone=zone))
    assert ex.rejects == []
    months = [3, 3, 3, 7, 3, 3]
    assert column(ex, "at") == [dt.datetime(2025, m, 1, h)
                                for m, h in zip(months, hours, strict=True)]


@pytest.mark.parametrize("zone", [
    "Europe/Paris",
    None,
], ids=["zone-declared", "no-zone"])
def test_csv_datetime_offsets_in_a_declared_format_or_after_a_space(tmp_path: Path,
                                                                    zone: str | None) -> None:
    # 10:00+01:00 is 10:00 in Paris, and 10:00 as written when no zone is declared.
    columns = {"ref": {"header": "Ref"},
               "at": {"header": "At", "type": "datetime", "format": "%d/%m/%Y %H:%M%z"},
               "logged": {"header": "Logged", "type": "datetime"}}  # SQL Server's layout
    ex = read_csv(tmp_path, "Ref,At,Logged\n"
                  "A,01/03/2025 10:00+01:00,2025-03-01 10:00:00 +01:00\n"
                  "B,01/03/2025 10:00+0100,2025-03-01 10:00:00.0000000 +01:00\n",
                  dataset(columns, timezone=zone))
    assert ex.rejects == []
    assert column(ex, "at") == column(ex, "logged") == [dt.datetime(2025, 3, 1, 10)] * 2


def test_csv_booleans_in_every_accepted_spelling(tmp_path: Path) -> None:
    cells = ["Y", "N", "yes", "no", "1", "0", "TRUE", "false", "True", "t", "F", " y "]
    rows = "".join(f"R{i},21/01/2025,1,{c}\n" for i, c in enumerate(cells))
    ex = read_csv(tmp_path, f"{HEADER}\n{rows}R99,21/01/2025,1,Oui\n")
    assert column(ex, "ok") == [True, False, True, False, True, False, True, False, True,
                                True, False, True]
    assert rejects(ex) == [(14, "OK", "Oui", "not_a_boolean")]


def test_csv_integers_allow_thousands_and_a_zero_fraction_only(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref"}, "calls": {"header": "Calls", "type": "integer"}}
    ex = read_csv(tmp_path, 'Ref,Calls\nA,"1,234"\nB,12.0\nC,12.5\nD,-3\nE, 7 \nF,"1,234.0"\n',
                  dataset(columns))
    assert list(zip(column(ex, "ref"), column(ex, "calls"), strict=True)) == [
        ("A", 1234), ("B", 12), ("D", -3), ("E", 7), ("F", 1234)]
    assert rejects(ex) == [(4, "Calls", "12.5", "not_an_integer")]


def test_csv_decimal_overflowing_to_infinity_is_not_a_number(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1e400,Y\nB,21/01/2025,inf,Y\n")
    assert rejects(ex) == [(2, "Amount", "1e400", "not_a_number"),
                           (3, "Amount", "inf", "not_a_number")]


def test_csv_blank_and_whitespace_only_rows_are_filtered_and_counted(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n,,,\n  , \t,   ,\n"
                  "B,21/01/2025,  ,   \n   ,21/01/2025,1,Y\nC,31/02/2025,1,Y\n")
    assert ex.filtered_by == {"blank row (every declared cell is empty)": 2}
    assert list(zip(column(ex, "_row"), column(ex, "amount"), column(ex, "ok"), strict=True)
                ) == [(2, 1.0, True), (5, None, None)]
    assert rejects(ex) == [(6, "Ref", "   ", "missing_value"),
                           (7, "Lodged Date", "31/02/2025", "bad_date")]
    assert (ex.rows_read, ex.rows_used, ex.rows_filtered, ex.rows_rejected) == (6, 2, 2, 2)


def test_csv_empty_line_counts_as_a_row_as_a_spreadsheet_shows_it(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n\nB,31/02/2025,1,Y\n")
    assert rejects(ex) == [(4, "Lodged Date", "31/02/2025", "bad_date")]
    assert reconciles(ex)


def test_csv_with_cr_line_endings_is_read_or_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\rA,21/01/2025,1,Y\rB,31/02/2025,1,Y\r")
    try:
        ex = read(dataset(), path)
    except InputError as err:  # refusing the file, with a reason, would be right too
        assert err.exit_code == 3 and "line ending" in str(err)
        return
    assert (ex.rows_read, column(ex, "ref")) == (2, ["A"])
    assert rejects(ex) == [(3, "Lodged Date", "31/02/2025", "bad_date")]


def test_csv_blank_cell_beyond_the_header_is_not_an_extra_cell(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y,\nB,21/01/2025,1,Y,  \n")
    assert (ex.rejects, column(ex, "ref")) == ([], ["A", "B"])


def test_csv_spaces_around_category_values_are_accepted(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref"},
               "region": {"header": "Region", "type": "category",
                          "values": ["North", "South"]}}
    ex = read_csv(tmp_path, "Ref,Region\nA, North \nB,South   \nC,\tNorth\nD,north\n",
                  dataset(columns))
    assert column(ex, "region") == ["North", "South", "North"]
    assert rejects(ex) == [(5, "Region", "north", "not_allowed_value")]


# --- Parquet -----------------------------------------------------------------------------


def test_parquet_keeps_typed_columns_and_parses_dates_stored_as_text(tmp_path: Path) -> None:
    columns = {"ref": {"header": "Ref", "required": True},
               "lodged": {"header": "Lodged Date", "type": "date"},
               "decided": {"header": "Decided", "type": "date", "format": "%d/%m/%Y"},
               "calls": {"header": "Calls", "type": "integer"},
               "ok": {"header": "OK", "type": "boolean"}}
    path = tmp_path / "cases.parquet"
    pl.DataFrame({
        "Ref": ["A", "B", "C", None],
        "Lodged Date": [dt.date(2025, 1, 21), None, dt.date(2025, 1, 23), dt.date(2025, 1, 24)],
        "Decided": ["2025-01-31", "31/01/2025", "soon", "01/02/2025"],
        "Calls": pl.Series([3, None, 5, 6], dtype=pl.Int64),
        "OK": [True, False, None, True],
    }).write_parquet(path)
    ex = read(dataset(columns), path)
    assert ex.table.schema.field("lodged").type == "date32[day]"
    assert ex.table.select(["ref", "lodged", "decided", "calls", "ok", "_row"]).to_pylist() == [
        {"ref": "A", "lodged": dt.date(2025, 1, 21), "decided": dt.date(2025, 1, 31),
         "calls": 3, "ok": True, "_row": 1},
        {"ref": "B", "lodged": None, "decided": dt.date(2025, 1, 31), "calls": None,
         "ok": False, "_row": 2}]
    assert rejects(ex) == [(3, "Decided", "soon", "bad_date"), (4, "Ref", "", "missing_value")]
    assert reconciles(ex)


@pytest.mark.parametrize(("zone", "hours"), [("America/Toronto", [4, 10]), (None, [10, 16])],
                         ids=["converted-to-toronto", "kept-in-utc"])
def test_parquet_zoned_datetimes(tmp_path: Path, zone: str | None, hours: list[int]) -> None:
    columns = {"ref": {"header": "Ref"}, "at": {"header": "At", "type": "datetime"}}
    path = tmp_path / "cases.parquet"
    moments = pl.Series([dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 15)])
    pl.DataFrame({"Ref": ["A", "B"], "At": moments.dt.replace_time_zone("UTC")
                  .dt.convert_time_zone("Europe/Paris")}).write_parquet(path)
    ex = read(dataset(columns, timezone=zone), path)
    assert column(ex, "at") == [dt.datetime(2025, 3, 1, h) for h in hours]


# --- Several files -----------------------------------------------------------------------


def test_several_files_are_read_as_one_dataset_each_with_its_digest(tmp_path: Path) -> None:
    first = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025,2,N\n", name="jan.csv")
    second = write(tmp_path, f"Title\n{HEADER}\nC,21/02/2025,3,Y\nD,30/02/2025,4,N\n"
                   "E,22/02/2025,5,Y\n", name="feb.csv")
    ex = read(dataset(), first, second)
    assert [(f.path, f.sha256, f.rows_read, f.header_row) for f in ex.files] == [
        ("jan.csv", hashlib.sha256(first.read_bytes()).hexdigest(), 2, 1),
        ("feb.csv", hashlib.sha256(second.read_bytes()).hexdigest(), 3, 2)]
    assert sorted(zip(column(ex, "_file"), column(ex, "_row"), column(ex, "ref"), strict=True)
                  ) == [("feb.csv", 3, "C"), ("feb.csv", 5, "E"), ("jan.csv", 2, "A"),
                        ("jan.csv", 3, "B")]
    assert [(r.file, r.row, r.reason) for r in ex.rejects] == [("feb.csv", 4, "bad_date")]
    assert ex.rows_read == 5 and reconciles(ex)


def test_a_file_is_hashed_after_its_parse_while_its_rows_are_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing during the parse took a core from the parser (0.35 s of a 10M-row read);
    the checks that follow it leave one idle. The hash waits here until the checks have
    begun: hashing before the parse ends, or before the checks begin, fails."""
    path = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nA,22/01/2025,2,N\n")
    parsed, checking, saw = threading.Event(), threading.Event(), []
    parse, validate, digest = extract._parse, extract._validate, extract.sha256

    def parsing(*args: Any) -> Any:
        found = parse(*args)
        parsed.set()
        return found

    def hashing(*args: Any) -> str:
        saw.append((parsed.is_set(), checking.wait(timeout=10)))
        return digest(*args)

    def checks(*args: Any) -> Any:
        checking.set()
        return validate(*args)

    monkeypatch.setattr(extract, "_parse", parsing)
    monkeypatch.setattr(extract, "_validate", checks)
    monkeypatch.setattr(extract, "sha256", hashing)
    ex = read(dataset(), path)
    assert saw == [(True, True)]
    assert ex.files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [r.reason for r in ex.rejects] == ["duplicate_key"] * 2


def test_a_file_written_to_before_it_is_hashed_is_refused_not_digested(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export still being written: the digest would not be that of the rows read."""
    path = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n")
    digest = extract.sha256

    def still_written(*args: Any) -> str:
        with path.open("a") as f:
            f.write("B,21/01/2025,2,N\n")
        return digest(*args)

    monkeypatch.setattr(extract, "sha256", still_written)
    with pytest.raises(InputError) as err:
        read(dataset(), path)
    assert err.value.exit_code == 3
    assert [str(p) for p in err.value.problems] == [
        "cases.csv: the file changed while it was read: its size or modification time is "
        "not what it was when the read began, so its SHA-256 would not be that of the rows "
        "read (wait until the export is complete, then run again)"]


def test_a_file_replaced_after_its_parse_is_digested_as_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by review: hashing by name after the parse digested whatever file had taken
    the name meanwhile: an export tool's rename of a file of the same size and time
    (cp -p, rsync -t, unzip keep it). The digest is the file's that was read."""
    path = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n")
    original, seen = path.read_bytes(), path.stat()
    parse = extract._parse

    def replaced_once_parsed(*args: Any) -> Any:
        found = parse(*args)
        other = tmp_path / "other.csv"
        other.write_bytes(original.replace(b"A,21", b"Z,21"))
        os.utime(other, ns=(seen.st_atime_ns, seen.st_mtime_ns))
        os.replace(other, path)
        return found

    monkeypatch.setattr(extract, "_parse", replaced_once_parsed)
    ex = read(dataset(), path)
    assert column(ex, "ref") == ["A"]
    assert ex.files[0].sha256 == hashlib.sha256(original).hexdigest()


def test_a_file_that_cannot_be_read_to_its_end_is_told_with_the_cause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n")

    def failing(*args: Any) -> str:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(extract, "sha256", failing)
    with pytest.raises(InputError) as err:
        read(dataset(), path)
    assert [str(p) for p in err.value.problems] == [
        "cases.csv: the file could not be read to its end to compute its SHA-256 "
        "(Input/output error) (check that it is readable and complete, and run again)"]


def slow_sha256(told: list[bool]) -> Any:
    """A hash of a huge file: it goes on until it is told to stop (or 30 s)."""
    def hashing(source: Any, stop: threading.Event | None = None) -> str:
        assert stop is not None
        told.append(stop.wait(timeout=30))
        return ""
    return hashing


def test_a_dataset_refused_after_one_file_is_parsed_stops_hashing_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n", name="jan.csv")
    second = write(tmp_path, "no header here\n", name="feb.csv")
    told: list[bool] = []
    monkeypatch.setattr(extract, "sha256", slow_sha256(told))
    with pytest.raises(InputError) as err:
        read(dataset(), first, second)
    assert [p.path for p in err.value.problems] == [Path("feb.csv")]
    assert told == [True]  # the first file's: stopped, and waited for
    assert not [t for t in threading.enumerate() if t.name.startswith(extract.HASHER)]


def test_a_file_failing_after_its_parse_stops_hashing_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One file read alone, as Spark's executors read each (engine.read.spark_files)."""
    path = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n")
    told: list[bool] = []

    def broken(*args: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(extract, "sha256", slow_sha256(told))
    monkeypatch.setattr(extract, "_finish", broken)
    with pytest.raises(MemoryError):
        extract.read_file(dataset(), path, Path(path.name))
    assert told == [True]
    assert not [t for t in threading.enumerate() if t.name.startswith(extract.HASHER)]


def test_rows_over_max_rejected_still_carry_their_files_digests(tmp_path: Path) -> None:
    """The rejects of a refused extract are written for whoever fixes it: with the digest
    of the file they came from."""
    path = write(tmp_path, hundred_rows(3))
    with pytest.raises(TooManyRejects) as err:
        read(dataset(max_rejected="1%"), path)
    assert [f.sha256 for f in err.value.extract.files] == [
        hashlib.sha256(path.read_bytes()).hexdigest()]


def test_a_key_duplicated_across_two_files_rejects_both_copies(tmp_path: Path) -> None:
    first = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025,2,N\n", name="jan.csv")
    second = write(tmp_path, f"{HEADER}\nC,21/02/2025,3,Y\nB,22/02/2025,4,N\n", name="feb.csv")
    ex = read(dataset(), first, second)
    assert [(r.file, r.row, r.column, r.value, r.reason) for r in ex.rejects] == [
        ("feb.csv", 3, "Ref", "B", "duplicate_key"), ("jan.csv", 3, "Ref", "B", "duplicate_key")]
    assert ex.rejects[1].message == (
        "the same key is also on row 3 of feb.csv, with other values: every copy is "
        "rejected, as nothing says which is right")
    assert sorted(column(ex, "ref")) == ["A", "C"]


def test_a_row_exported_again_is_used_once_and_its_copies_name_it(tmp_path: Path) -> None:
    # The same claim in January's and February's files, every declared cell the same
    # (spaces and spellings aside): one row exported twice, so the first (files in the
    # order of their names) is the row. Where the copies differ, even by a blank cell,
    # nothing says which is right.
    first = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025,1.50,Yes\n"
                  "D,21/01/2025,,Y\n", name="2025-01.csv")
    second = write(tmp_path, f"{HEADER},Notes\nB ,2025-01-21,1.5,y,undeclared: differs\n"
                   "C,21/02/2025,3,Y\nB,21/01/2025,1.5,Y\nD,21/01/2025,4,Y\n", name="2025-02.csv")
    ex = read(dataset(), first, second)
    copy = "repeats row 3 of 2025-01.csv exactly (every declared cell the same): the same " \
        "record exported again, so this copy is left out and that row stands for it"
    assert [(r.file, r.row, r.reason, r.message) for r in ex.rejects] == [
        ("2025-01.csv", 4, "duplicate_key", "the same key is also on row 5 of 2025-02.csv, "
                                            "with other values: every copy is rejected, as "
                                            "nothing says which is right"),
        ("2025-02.csv", 2, "duplicate_row", copy), ("2025-02.csv", 4, "duplicate_row", copy),
        ("2025-02.csv", 5, "duplicate_key", "the same key is also on row 4 of 2025-01.csv, "
                                            "with other values: every copy is rejected, as "
                                            "nothing says which is right")]
    assert sorted(zip(column(ex, "_file"), column(ex, "ref"), column(ex, "_row"),
                      strict=True)) == [("2025-01.csv", "A", 2), ("2025-01.csv", "B", 3),
                                        ("2025-02.csv", "C", 3)]
    assert reconciles(ex)


def test_a_key_on_many_rows_names_five_of_the_others(tmp_path: Path) -> None:
    rows = "".join(f"A,21/01/2025,{n},Y\n" for n in range(8))
    ex = read(dataset(), write(tmp_path, f"{HEADER}\n{rows}"))
    assert ex.rejects[0].message == (
        "the same key is also on row 3, row 4, row 5, row 6 and row 7 (and 2 more), with "
        "other values: every copy is rejected, as nothing says which is right")


def test_every_unreadable_file_is_reported_in_one_pass(tmp_path: Path) -> None:
    empty = write(tmp_path, "", name="a.csv")
    text = write(tmp_path, "hello", name="b.xlsx")
    good = write(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n", name="c.csv")
    with pytest.raises(InputError) as err:
        read(dataset(), empty, text, good)
    assert err.value.exit_code == 3
    assert [str(p).split(":")[0:2] for p in err.value.problems] == [
        ["a.csv", " the file is empty (0 bytes) (export the extract again)"],
        ["b.xlsx", " this file is not an Excel workbook (it looks like CSV or text) "
                   "(rename it to .csv if it is CSV, or export the extract again as .xlsx)"]]


# --- max_rejected --------------------------------------------------------------------------


def hundred_rows(bad: int) -> str:
    rows = [f"R{i:03},21/01/2025,1,Y" for i in range(100)]
    for i in range(bad):
        rows[10 + i * 20] = f"X{i},31/02/2025,1,Y" if i % 2 == 0 else f"X{i},21/01/2025,1,maybe"
    return HEADER + "\n" + "\n".join(rows) + "\n"


def test_max_rejected_at_the_limit_is_fine(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, hundred_rows(1), max_rejected="1%")
    assert (ex.rows_read, ex.rows_rejected) == (100, 1)


def test_a_reject_says_how_a_date_is_written_and_which_values_are_allowed(
        tmp_path: Path) -> None:
    columns = {**COLUMNS, "when": {"header": "When", "type": "datetime",
                                   "format": ["%d/%m/%Y %H:%M", "%Y%m%d %H%M"]},
               "region": {"header": "Region", "type": "category",
                          "values": [f"R{i}" for i in range(14)]}}
    ex = read_csv(tmp_path, f"{HEADER},When,Region\nA,31/02/2025,1,Y,31/01/2025 25:00,R1\n"
                  "B,01/02/2025,1,Y,,Central\n", dataset(columns))
    assert [(r.row, r.column, r.message) for r in ex.rejects] == [
        (2, "Lodged Date", "not a real date written like 31/01/2025 or 2025-01-31"),
        (2, "When", "not a real date and time written like 31/01/2025 14:05 or "
                    "20250131 1405 or 2025-01-31 14:05"),
        (3, "Region", "not one of the declared values: R0, R1, R2, R3, R4, R5, R6, R7, R8, "
                      "R9, R10, R11 and 2 more")]


def test_max_rejected_over_the_limit_stops_with_the_commonest_reasons(tmp_path: Path) -> None:
    with pytest.raises(TooManyRejects) as err:
        read_csv(tmp_path, hundred_rows(3), max_rejected="1%")
    assert err.value.exit_code == 3
    assert err.value.extract.rows_rejected == 3
    assert str(err.value) == (
        "dataset 'cases': 3 of 100 rows read were rejected (3.00%), more than max_rejected "
        "1%; results from this extract would mislead. Most common: "
        "bad_date — not a real date written like 31/01/2025 or 2025-01-31: 2 rows, first at "
        "cases.csv row 12 "
        "(Lodged Date); not_a_boolean — not yes/no (Y/N, Yes/No, 1/0, "
        "True/False): 1 row, first at cases.csv row 32 (OK) "
        "(fix the extract (every rejected row is listed in rejects.csv), or raise "
        "max_rejected in the 'cases' dataset if this many bad rows is expected)")


DATASET_YAML = """\
name: cases
title: Cases
files: extracts/cases.csv
key: [ref]
max_rejected: 1%
columns:
  ref:     {header: Ref, required: true}
  lodged:  {header: Lodged Date, type: date, format: "%d/%m/%Y", required: true}
  decided: {header: Decided Date, type: date, format: "%d/%m/%Y"}
"""
STANDARD_YAML = """\
id: CASE-01
title: Cases decided within 28 days
statement: We decide 80% of cases within 28 days.
attribute: timeliness
owner: Casework
version: "2025.1"
dataset: cases
measure:
  share_within: {from: lodged, to: decided, limit: 28 days}
period: {kind: month, by: decided}
target: {at_least: 80%, minimum_sample: 1}
"""


def standards_folder(root: Path, extract: str) -> Path:
    (root / "datasets").mkdir(parents=True)
    (root / "casework").mkdir()
    (root / "extracts").mkdir()
    (root / "catalogue.yaml").write_text("institution: Test agency\nas_of: 2025-06-30\n"
                                         "calendar: {country: CA, subdivision: \"ON\"}\n")
    (root / "datasets" / "cases.yaml").write_text(DATASET_YAML)
    (root / "casework" / "CASE-01.yaml").write_text(STANDARD_YAML)
    (root / "extracts" / "cases.csv").write_text(extract)
    return root


def test_cli_too_many_rejects_exits_3_and_writes_rejects_csv(tmp_path: Path) -> None:
    rows = [f"R{i:02},01/03/2025,10/03/2025" for i in range(20)]
    rows[4] = "R04,31/02/2025,10/03/2025"
    rows[9] = ",01/03/2025,"
    root = standards_folder(tmp_path / "standards",
                            "Ref,Lodged Date,Decided Date\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["check", "--standards", str(root), "--out", str(out)])
    assert done.exit_code == 3, done.output
    assert "dataset 'cases': 2 of 20 rows read were rejected (10.00%), more than " \
        "max_rejected 1%" in done.output
    assert "Traceback" not in done.output
    with (out / "rejects.csv").open(encoding="utf-8-sig") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["dataset"], Path(r["file"]).name, r["row"], r["column"], r["value"],
             r["reason"]) for r in written] == [
        ("cases", "cases.csv", "6", "Lodged Date", "31/02/2025", "bad_date"),
        ("cases", "cases.csv", "11", "Ref", "", "missing_value")]
    assert not (out / "results.json").exists()


def test_cli_under_the_limit_runs(tmp_path: Path) -> None:
    rows = [f"R{i:03},01/03/2025,10/03/2025" for i in range(100)]
    rows[4] = "R004,31/02/2025,10/03/2025"
    root = standards_folder(tmp_path / "standards",
                            "Ref,Lodged Date,Decided Date\n" + "\n".join(rows) + "\n")
    # As of the period of its rows: a period without rows would exit 1 (no_data).
    done = CliRunner().invoke(app, ["check", "--standards", str(root), "--as-of", "2025-03-31",
                                    "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert "cases: 100 rows read = 99 used + 0 filtered + 1 rejected" in done.output


# --- Reconciliation ---------------------------------------------------------------------


def test_every_row_of_a_messy_file_is_used_filtered_or_rejected_once(tmp_path: Path) -> None:
    text = "\r\n".join([
        "Cases extract", "", "ref,  LODGED date ,Amount,OK,Notes",   # header on row 3
        "A,21/01/2025,1,Y,",                    # 4 duplicate of row 10
        ",,,,",                                 # 5 blank
        "B,21/01/2025,lots,maybe,",             # 6 two bad cells, one rejected row
        '"C\nstill C",21/01/2025,"1,5",N,x',    # 7 not a number (one row, two lines)
        "D,21/01/2025,2,Y,,extra",              # 8 extra cells
        "   ,  ,  ,  ,",                        # 9 blank (spaces only)
        "A,22/01/2025,3,N,",                    # 10 duplicate of row 4
        "E,2025-01-23,4,yes,",                  # 11 used
        "F,,5,N,",                              # 12 missing lodged date
        "",                                     # 13 empty line
        "G,24/01/2025,6,0,",                    # 14 used
    ]) + "\r\n"
    ex = read_csv(tmp_path, text)
    assert ex.files[0].header_row == 3
    assert reconciles(ex)
    assert (ex.rows_read, ex.rows_used, ex.rows_filtered, ex.rows_rejected) == (11, 2, 3, 6)
    used = column(ex, "_row")
    rejected = {r.row for r in ex.rejects}
    assert used == [11, 14] and not set(used) & rejected
    assert set(range(4, 15)) - set(used) - rejected == {5, 9, 13}  # the rows filtered
    assert [(r.row, r.reason) for r in ex.rejects] == [
        (4, "duplicate_key"), (6, "not_a_number"), (6, "not_a_boolean"), (7, "not_a_number"),
        (8, "extra_cells"), (10, "duplicate_key"), (12, "missing_value")]


# --- Row checks --------------------------------------------------------------------------

CHECKED = {
    "ref": {"header": "Ref", "required": True},
    "lodged": {"header": "Lodged", "type": "date", "format": "%d/%m/%Y", "required": True},
    "decided": {"header": "Decided", "type": "date", "format": "%d/%m/%Y"},
    "office": {"header": "Office"},
    "amount": {"header": "Amount", "type": "decimal"},
}


def checked(tmp_path: Path, rows: str, *checks: tuple[str, str]) -> Extract:
    ds = dataset(CHECKED, checks=[{"rule": rule, "reason": reason} for rule, reason in checks])
    return read_csv(tmp_path, f"Ref,Lodged,Decided,Office,Amount\n{rows}", ds)


def test_decided_before_lodged_is_rejected_and_an_open_case_is_not_in_the_future(
        tmp_path: Path) -> None:
    ex = checked(tmp_path,
                 "A,01/03/2025,10/03/2025,Leeds,1\n"
                 "B,10/03/2025,01/03/2025,Leeds,1\n"   # decided before lodged
                 "C,01/03/2025,,Leeds,1\n"             # open: no decision yet
                 "D,01/03/2025,01/07/2025,Leeds,1\n",  # decided after the as-of date
                 ("decided >= lodged", "decided_before_lodged"),
                 ("decided <= as_of", "decided_in_future"))
    assert rejects(ex) == [(3, "Decided / Lodged", "2025-03-01 / 2025-03-10",
                            "decided_before_lodged"),
                           (5, "Decided", "2025-07-01", "decided_in_future")]
    assert column(ex, "ref") == ["A", "C"]
    assert ex.rejects[0].message == "fails the check decided >= lodged"



def test_a_row_exported_twice_that_fails_a_check_is_rejected_and_not_said_to_be_used(
        tmp_path: Path) -> None:
    # The first copy stands for the record; when it fails a check, the record is
    # rejected, and the later copy's words must not say the first one is used.
    ex = checked(tmp_path, "B,10/03/2025,01/03/2025,Leeds,1\nA,01/03/2025,10/03/2025,Leeds,1\n"
                 "B,10/03/2025,01/03/2025,Leeds,1\n",
                 ("decided >= lodged", "decided_before_lodged"))
    assert column(ex, "ref") == ["A"]
    assert [(r.row, r.reason) for r in ex.rejects] == [
        (2, "decided_before_lodged"), (4, "decided_before_lodged"), (4, "duplicate_row")]
    assert ex.rejects[2].message == (
        "repeats row 2 exactly (every declared cell the same): the same record exported "
        "again, so this copy is left out and that row stands for it")
    assert reconciles(ex)

@pytest.mark.parametrize(("rule", "rejected"), [
    ("office in ('Leeds', 'York')", ["C-1"]),
    ("office not in ('Leeds', 'Hull')", ["A", "C-1", "D"]),
    ("ref like 'C-%'", ["A", "B", "D"]),
    ("ref like '%-1'", ["A", "B", "C-2", "D"]),
    ("amount between 0 and 100", ["B"]),
    ("office is null", ["A", "B", "C-1", "D"]),
    ("decided is not null", ["D"]),
    ("decided is null or decided >= lodged", []),
], ids=["in", "not-in", "like", "like-suffix", "between", "is-null", "is-not-null", "or"])
def test_row_checks_with_sql_operators(tmp_path: Path, rule: str, rejected: list[str]) -> None:
    # A check that cannot be decided (a blank cell) passes, as in SQL: C-2 has no office.
    ex = checked(tmp_path,
                 "A,01/03/2025,10/03/2025,Leeds,1\n"
                 "B,01/03/2025,10/03/2025,York,250.5\n"
                 "C-1,01/03/2025,10/03/2025,Hull,0\n"
                 "C-2,01/03/2025,10/03/2025,,100\n"
                 "D,01/03/2025,,Leeds,\n",
                 (rule, "fails"))
    refs = {2: "A", 3: "B", 4: "C-1", 5: "C-2", 6: "D"}
    assert [(refs[r.row], r.reason) for r in ex.rejects] == [(ref, "fails") for ref in rejected]
    assert column(ex, "ref") == [ref for ref in refs.values() if ref not in rejected]


def test_two_checks_sharing_a_reason_each_reject_in_their_own_words(tmp_path: Path) -> None:
    ds = dataset(checks=[
        {"rule": "amount >= 0", "reason": "out_of_range", "message": "a negative amount"},
        {"rule": "amount <= 100", "reason": "out_of_range", "message": "more than 100"},
    ])
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,-1,Y\nB,21/01/2025,101,Y\n"
                  "C,21/01/2025,5,Y\n", ds)
    assert [(r.row, r.reason, r.message) for r in ex.rejects] == [
        (2, "out_of_range", "a negative amount"), (3, "out_of_range", "more than 100")]
