"""Reading extracts: formats, coercion, rejects at spreadsheet row numbers, reconciliation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from engine.model.dataset import Dataset
from engine.problems import InputError
from engine.read.extract import Extract, read_dataset

AS_OF = dt.date(2025, 6, 30)


def dataset(**options: object) -> Dataset:
    return Dataset.model_validate({
        "name": "cases", "title": "Cases", "files": "x", "key": ["ref"],
        "columns": {
            "ref": {"header": "Ref", "required": True},
            "opened": {"header": "Opened", "type": "date", "format": "%d/%m/%Y"},
            "amount": {"header": "Amount", "type": "decimal"},
            "ok": {"header": "OK", "type": "boolean"},
        },
        "checks": [{"rule": "opened <= as_of", "reason": "in_future"}],
    } | options)


def read(tmp_path: Path, text: str, name: str = "cases.csv", encoding: str = "utf-8",
         **options: object) -> Extract:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return read_dataset(dataset(**options), [path], AS_OF, shown_base=tmp_path)


def test_csv_with_title_rows_bom_and_quoted_newline(tmp_path: Path) -> None:
    ex = read(tmp_path, "Report title,,,\r\n,,,\r\nRef,Opened,Amount,OK\r\n"
              'A,01/02/2025,"1.5",Y\r\nB,2025-02-03,2,no\r\n"C\nD",31/02/2025,3,1\r\n,,,\r\n',
              encoding="utf-8-sig")
    assert ex.rows_read == 4 and ex.rows_used == 2
    assert ex.filtered_by == {"blank row (every declared cell is empty)": 1}
    assert [(r.row, r.column, r.value, r.reason) for r in ex.rejects] == [
        (6, "Opened", "31/02/2025", "bad_date")]
    rows = ex.table.to_pylist()
    assert rows[0]["opened"] == dt.date(2025, 2, 1) and rows[0]["ok"] is True
    assert rows[1]["opened"] == dt.date(2025, 2, 3) and rows[1]["ok"] is False
    assert rows[0]["_row"] == 4


def test_semicolons_decimal_commas_and_cp1252(tmp_path: Path) -> None:
    ex = read(tmp_path, "Ref;Opened;Amount;OK\nÉ1;01/02/2025;1.234,50;Y\nÉ2;01/02/2025;7;Oui\n",
              encoding="cp1252", csv={"delimiter": ";", "decimal": ",", "encoding": "cp1252"})
    assert ex.table.to_pylist()[0]["amount"] == 1234.5
    assert ex.table.to_pylist()[0]["ref"] == "É1"
    assert ex.rows_rejected == 1  # "Oui" is not a yes/no the dataset accepts
    assert (ex.rejects[0].row, ex.rejects[0].reason) == (3, "not_a_boolean")


@pytest.mark.parametrize(("cells", "reason", "column"), [
    (",01/02/2025,1,Y", "missing_value", "Ref"),
    ("A,1 Feb 2025,1,Y", "bad_date", "Opened"),
    ("A,01/02/2025,lots,Y", "not_a_number", "Amount"),
    ("A,01/02/2025,1,maybe", "not_a_boolean", "OK"),
    ("A,01/08/2025,1,Y", "in_future", "Opened"),
])
def test_each_bad_cell_is_rejected_with_its_reason(tmp_path: Path, cells: str, reason: str,
                                                  column: str) -> None:
    ex = read(tmp_path, f"Ref,Opened,Amount,OK\nZ,01/01/2025,1,Y\n{cells}\n")
    assert [(r.row, r.column, r.reason) for r in ex.rejects] == [(3, column, reason)]
    assert ex.rows_read == ex.rows_used + ex.rows_filtered + ex.rows_rejected


def test_duplicate_keys_reject_every_copy(tmp_path: Path) -> None:
    ex = read(tmp_path, "Ref,Opened,Amount,OK\nA,01/01/2025,1,Y\nB,01/01/2025,1,Y\n"
              "A,02/01/2025,2,N\n")
    assert [(r.row, r.reason) for r in ex.rejects] == [(2, "duplicate_key"),
                                                       (4, "duplicate_key")]


def test_xlsx_with_real_dates_serials_and_a_title_block(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["A title"])
    sheet.append([])
    sheet.append(["Ref", "Opened", "Amount", "OK"])
    sheet.append(["A", dt.date(2025, 2, 1), 1.5, "Y"])
    sheet.append(["B", 45691, 2, "N"])  # an Excel serial: 2025-02-03
    path = tmp_path / "cases.xlsx"
    book.save(path)
    ex = read_dataset(dataset(excel={"sheet": "Data"}), [path], AS_OF, shown_base=tmp_path)
    assert [r["opened"] for r in ex.table.to_pylist()] == [dt.date(2025, 2, 1),
                                                           dt.date(2025, 2, 3)]
    assert [r["_row"] for r in ex.table.to_pylist()] == [4, 5]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("cases.xlsx", b"not a zip", "this file is not an Excel workbook"),
    ("cases.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 encrypted", "password-protected (encrypted)"),
    ("cases.csv", b"", "the file is empty"),
    ("cases.csv", b"Something,Else\n1,2\n", "no row among the first 30 holds the declared headers"),
    ("cases.pdf", b"%PDF", "cannot read '.pdf' files"),
])
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: bytes, message: str
                                  ) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_dataset(dataset(), [path], AS_OF, shown_base=tmp_path)
    assert err.value.exit_code == 3
    assert message in str(err.value) and name in str(err.value)


def test_a_row_check_names_every_column_it_reads_by_its_header(tmp_path: Path) -> None:
    ex = read(tmp_path, "Ref,Opened,Amount,OK\nA,01/01/2025,1,Y\nB,01/01/2025,-2,N\n",
              checks=[{"rule": "amount > 0 or ok", "reason": "negative_refused"}])
    assert [(r.row, r.column, r.value, r.reason) for r in ex.rejects] == [
        (3, "Amount / OK", "-2.0 / false", "negative_refused")]


def test_utf16_with_a_byte_order_mark_is_read_whatever_the_declared_encoding(tmp_path: Path
                                                                             ) -> None:
    ex = read(tmp_path, "Ref,Opened,Amount,OK\r\nÉ1,01/02/2025,1,Y\r\n", encoding="utf-16")
    assert ex.table.to_pylist()[0]["ref"] == "É1"
    assert (ex.rows_read, ex.rows_rejected) == (1, 0)


def test_columns_named_like_the_reject_fields_are_ordinary_columns(tmp_path: Path) -> None:
    """Boston's 311 extract has a 'reason' column: a bad cell beside it is a reject."""
    ds = Dataset.model_validate({
        "name": "cases", "title": "Cases", "files": "x",
        "columns": {"column": {}, "value": {}, "reason": {}, "n": {"type": "integer"}},
    })
    path = tmp_path / "cases.csv"
    path.write_text("column,value,reason,n\nc,v,r,x\nc,v,r,2\n", encoding="utf-8")
    ex = read_dataset(ds, [path], AS_OF, shown_base=tmp_path)
    assert [(r.row, r.column, r.value, r.reason) for r in ex.rejects] == [
        (2, "n", "x", "not_an_integer")]
    assert ex.table.to_pylist()[0]["reason"] == "r"


@pytest.mark.parametrize("name", ["cases[1].csv", "cases[[]1].csv", "cases*.csv",
                                  "cases?.csv", "cases[1].parquet"])
def test_a_file_named_like_a_pattern_is_read_as_the_file_it_is(tmp_path: Path, name: str
                                                              ) -> None:
    """The readers take a name as a name: Polars would take ``cases[1].csv`` as a
    pattern, match nothing and, told an empty file is no error, read no rows at all."""
    import polars as pl

    text = "Ref,Opened,Amount,OK\nA-1,01/02/2025,1.5,Y\nA-2,02/02/2025,2.5,N\n"
    path = tmp_path / name
    if name.endswith(".parquet"):
        pl.read_csv(text.encode(), infer_schema=False).write_parquet(path)
    else:
        path.write_text(text, encoding="utf-8")
    got = read_dataset(dataset(), [path], AS_OF, shown_base=tmp_path)
    assert (got.rows_read, got.rows_used) == (2, 2)


def test_nan_and_infinity_stored_as_numbers_are_no_number_as_their_text_is(tmp_path: Path
                                                                          ) -> None:
    """A decimal column stored as floats (Parquet) can hold NaN and infinities, which the
    text 'NaN' or '1e400' never becomes: refused alike, or one NaN would spoil a mean."""
    import polars as pl

    path = tmp_path / "cases.parquet"
    pl.DataFrame({"Ref": ["A-1", "A-2", "A-3", "A-4", "A-5"],
                  "Opened": ["01/02/2025"] * 5,
                  "Amount": [1.5, float("nan"), float("inf"), float("-inf"), None],
                  "OK": ["Y"] * 5}).write_parquet(path)
    got = read_dataset(dataset(), [path], AS_OF, shown_base=tmp_path)
    assert [(r.row, r.value, r.reason) for r in got.rejects] == [
        (2, "NaN", "not_a_number"), (3, "inf", "not_a_number"), (4, "-inf", "not_a_number")]
    assert got.rows_used == 2
