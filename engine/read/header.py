"""Finding the header row and matching its cells to the declared columns.

Exports often carry a title block above the header, so the header is looked for in the
first rows: the first row holding every declared header, compared ignoring case and
surrounding or repeated whitespace. A row holding at least half of them still counts,
so that the missing ones can be named (with a did-you-mean) instead of "no header".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.model.dataset import Dataset
from engine.problems import Problem, unknown_name_hint
from engine.read.sources import Unreadable

SEARCH_ROWS = 30

Record = tuple[int, Sequence[str | None]]  # (row number as a spreadsheet shows it, cells)


@dataclass(frozen=True)
class Header:
    row: int  # the header's row number
    positions: dict[str, int]  # declared column → 0-based cell position
    width: int  # cells in the header row, up to the last non-blank one
    unexpected: list[str]  # headers in the file that the dataset does not declare


def normalise(cell: object) -> str:
    return " ".join(str(cell).split()).casefold() if cell is not None else ""


def blank(records: Sequence[Record]) -> bool:
    """Whether every cell of ``records`` is empty (or only spaces)."""
    return not any(normalise(c) for _, cells in records for c in cells)


def locate(shown: Path, ds: Dataset, records: Sequence[Record], header_row: int | None
           ) -> Header:
    """The header among the first rows of a file; raises :class:`Unreadable` if absent."""
    if blank(records):
        raise Unreadable(Problem(shown, "the file has no data (every cell is empty)",
                                 hint="export the extract again"))
    wanted = {name: normalise(ds.header_of(name)) for name in ds.columns}
    found = _find(records, set(wanted.values()), header_row)
    if found is None:
        raise Unreadable(_no_header(shown, ds, records, header_row))
    number, cells = found
    texts = [normalise(c) for c in cells]
    positions: dict[str, int] = {}
    for name, header in wanted.items():
        at = [i for i, t in enumerate(texts) if t == header]
        if len(at) > 1:  # which of them holds the data? Taking the first would be a guess
            raise Unreadable(Problem(
                shown, f"row {number}: the header '{ds.header_of(name)}' heads "
                f"{len(at)} columns ({', '.join(_letter(i) for i in at)}), so which one "
                "holds its data cannot be told", hint="rename or remove the others in the "
                "export, or declare a different header for one of them"))
        if at:
            positions[name] = at[0]
    missing = [name for name in wanted if name not in positions]
    if len(missing) > len(wanted) // 2:  # not this dataset's header at all
        holds = ", ".join(str(c).strip() for c in cells if normalise(c))[:200]
        expected = ", ".join(ds.header_of(n) for n in ds.columns)
        raise Unreadable(Problem(shown, f"row {number} is not the header: it holds "
                                 f"{holds or 'nothing'} (expected: {expected})",
                                 hint="correct header_row in the dataset declaration, or "
                                 "remove it to have the header found automatically"))
    if missing:
        # Only headers no declared column has taken: one in use is not the missing one.
        taken = {wanted[n] for n in positions}
        present = [str(c).strip() for c in cells if normalise(c) and normalise(c) not in taken]
        unused = "headers no column uses"
        details = "; ".join(
            f"'{ds.header_of(n)}' ({unknown_name_hint(ds.header_of(n), present, unused)})"
            for n in missing)
        raise Unreadable(Problem(shown, f"row {number}: missing column(s) {details}",
                                 hint="correct the header in the dataset declaration, or "
                                 "export the column"))
    known = set(wanted.values())
    unexpected = [str(c).strip() for c in cells if normalise(c) and normalise(c) not in known]
    width = max((i + 1 for i, t in enumerate(texts) if t), default=0)
    return Header(number, positions, width, unexpected)


def _letter(position: int) -> str:
    """A 0-based cell position as a spreadsheet names its column: 0 → A, 27 → AB (openpyxl,
    imported only here: a header read well never needs it)."""
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return str(get_column_letter(position + 1))


def _find(records: Sequence[Record], targets: set[str], header_row: int | None
          ) -> Record | None:
    if header_row is not None:
        return next((r for r in records if r[0] == header_row), None)
    best, best_hits = None, 0
    for record in records[:SEARCH_ROWS]:
        hits = len(targets & {normalise(c) for c in record[1]})
        if hits == len(targets):
            return record
        if hits > best_hits:
            best, best_hits = record, hits
    return best if best_hits >= max(1, len(targets) // 2) else None


def _no_header(shown: Path, ds: Dataset, records: Sequence[Record], header_row: int | None
               ) -> Problem:
    if header_row is not None:
        return Problem(shown, f"row {header_row} is not there; the file has fewer rows",
                       hint="correct header_row in the dataset declaration, or remove it to "
                       "have the header found automatically")
    number, sample = next((r for r in records if any(normalise(c) for c in r[1])), (0, []))
    expected = ", ".join(ds.header_of(n) for n in ds.columns)
    first = ", ".join(str(c).strip() for c in sample if normalise(c))[:200]
    return Problem(shown, f"no row among the first {SEARCH_ROWS} holds the declared headers "
                   f"(expected: {expected}; row {number} holds: {first})",
                   hint="check that this is the right file, or correct the headers in the "
                   "dataset declaration")
