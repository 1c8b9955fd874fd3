"""A CSV row that ends before the last declared column is rejected as ``missing_cells``.

Polars reads an absent cell as it reads an empty one, so without the count in
``engine.read.csv_file._short_rows`` the first half of a row cut in two by a line break
in an unquoted value would be used as a case with its later cells blank (an open claim,
overdue), and so would the last row of a file cut short. These fixtures hold one row
each way of ending early, beside rows that look alike and are whole.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_read_formats import AS_OF, HEADER, column, dataset, read_csv, rejects, unreadable, write

from engine.privacy import MISALIGNED, Columns, protect_rejects
from engine.read.extract import read_dataset


def short(row: int, cells: int, width: int = 4) -> tuple[int, str, str, str]:
    """A short row's reject: (row, column, value, reason), as rejects.csv lists it."""
    return (row, "", f"{cells} cell{'s' if cells != 1 else ''}; the header has {width}",
            "missing_cells")


def test_a_row_cut_in_two_by_a_line_break_is_rejected_in_both_halves(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025\n,1,Y\nC,22/01/2025,2,N\n")
    assert column(ex, "ref") == ["A", "C"]
    assert [r for r in rejects(ex) if r[3] == "missing_cells"] == [short(3, 2), short(4, 3)]
    assert (ex.rows_read, ex.rows_used, ex.rows_rejected) == (4, 2, 2)


def test_the_last_row_of_a_file_cut_short_is_rejected(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025,1")
    assert column(ex, "ref") == ["A"]
    assert rejects(ex) == [short(3, 3)]


def test_empty_trailing_cells_written_out_are_whole(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,,\nB,21/01/2025,1,\"\"\nC,21/01/2025,,\r\n")
    assert (column(ex, "ref"), ex.rejects) == (["A", "B", "C"], [])


def test_quoted_separators_and_line_breaks_are_inside_their_cells(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, (
        'Ref,Lodged Date,Amount,OK\n'
        '"A, first",21/01/2025,"1,500",Y\n'      # 2: quoted commas: four cells
        '"B ""the second""\nline\ntwo",21/01/2025,,Y\n'  # 3: quoted line breaks (3 lines)
        '"C, cut",21/01/2025\n'                  # 4: two cells, one comma quoted
        '"D, over\nthree, lines",21/01/2025\n'  # 5: a short record over two lines
        'E,22/01/2025,3,N\n'))                   # 6: numbered as a spreadsheet shows it
    assert column(ex, "ref") == ["A, first", 'B "the second"\nline\ntwo', "E"]
    assert rejects(ex) == [short(4, 2), short(5, 2)]


def test_a_blank_line_or_a_row_of_separators_is_filtered_as_blank(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\n\n,,\n  \nB,21/01/2025,1,Y\n")
    assert (column(ex, "ref"), ex.rejects, ex.rows_filtered) == (["A", "B"], [], 3)


def test_cells_missing_only_after_the_last_declared_column_are_not_needed(
        tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER},Comment\nA,21/01/2025,1,Y,fine\nB,21/01/2025,1,Y\n"
                  "C,21/01/2025,1\n")
    assert column(ex, "ref") == ["A", "B"]
    assert rejects(ex) == [short(4, 3, width=5)]


def test_a_title_block_with_a_quoted_line_break_keeps_the_rows_in_line(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f'"Claims\nextract",,,\n{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025\n')
    assert rejects(ex) == [short(4, 2)]


def test_pad_reads_a_short_row_with_its_missing_cells_blank(tmp_path: Path) -> None:
    ex = read_csv(tmp_path, f"{HEADER}\nA,21/01/2025,1,Y\nB,21/01/2025\n",
                  csv={"short_rows": "pad"})
    assert (column(ex, "ref"), column(ex, "amount"), ex.rejects) == (["A", "B"], [1.0, None], [])


def test_other_dialects_are_counted_in_their_own_separator_and_encoding(
        tmp_path: Path) -> None:
    text = HEADER.replace(",", ";") + "\rA;21/01/2025;1,5;Y\rB;21/01/2025;1,5\rC;21/01/2025;2;N\r"
    ds = dataset(csv={"delimiter": ";", "decimal": ",", "encoding": "cp1252"})
    ex = read_dataset(ds, [write(tmp_path, text, encoding="cp1252")], AS_OF,
                      shown_base=tmp_path)
    assert (column(ex, "ref"), rejects(ex)) == (["A", "C"], [short(3, 3)])


def test_a_quote_never_closed_is_still_reported_where_it_opens(tmp_path: Path) -> None:
    path = write(tmp_path, f'{HEADER}\nA,21/01/2025,1,Y\n"B,21/01/2025,1,Y\nC,21/01/2025,1,Y\n')
    assert "row 3: a quoted cell is never closed" in unreadable(dataset(), path)



CELL = st.text(alphabet=st.sampled_from('ab ,"\n'), max_size=6)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8))
def test_rows_are_counted_as_a_csv_reader_counts_them(tmp_path: Path,
                                                        rows: list[list[str]]) -> None:
    """Any cells (commas, quotes, line breaks), any row lengths, written as Excel writes
    CSV: the rows rejected as short are those Python's csv module reads with fewer than
    the four cells declared, unless every cell is blank."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([["W", "X", "Y", "Z"], *rows])
    columns = {n.lower(): {"header": n} for n in "WXYZ"}
    ex = read_csv(tmp_path, out.getvalue(), dataset(columns, key=[]))
    found = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    expected = [n for n, cells in enumerate(found, start=2)
                if len(cells) < 4 and any(c.strip() for c in cells)]
    assert [r.row for r in ex.rejects if r.reason == "missing_cells"] == expected
    assert ex.rows_read == len(found)


def test_a_short_rows_count_of_cells_is_shown_when_its_cells_are_withheld() -> None:
    """The second half of a row cut in two holds the first's later cells in the wrong
    columns: its values are withheld, but the count of cells is the engine's, not data."""
    row = {"dataset": "claims", "file": "claims.csv", "row": 12}
    rejects: list[dict[str, object]] = [
        row | {"column": "", "value": "4 cells; the header has 9", "reason": "missing_cells"},
        row | {"column": "Benefit Type", "value": "24/12/2024", "reason": "not_allowed_value"},
        row | {"column": "Lodged Date", "value": "Granted", "reason": "bad_date"}]
    cols = Columns({}, {}, {}, {}, {})
    assert [r["value"] for r in protect_rejects(rejects, cols)] == [
        "4 cells; the header has 9", MISALIGNED, MISALIGNED]


def test_a_totals_rows_label_is_shown_when_its_other_cells_are_withheld() -> None:
    """A totals row fails in several cells at once, like a misaligned one; its label is
    no one's data, and it is what tells the officer which row that is."""
    row = {"dataset": "claims", "file": "claims.csv", "row": 6001}
    rejects: list[dict[str, object]] = [
        row | {"column": "Claim ID", "value": " Grand  Total: ", "reason": "bad_id"},
        row | {"column": "Lodged Date", "value": "5995", "reason": "bad_date"},
        row | {"column": "Region", "value": "Totally", "reason": "not_allowed_value"}]
    assert [r["value"] for r in protect_rejects(rejects, Columns({}, {}, {}, {}, {}))] == [
        " Grand  Total: ", MISALIGNED, MISALIGNED]
