"""Personal data in what a run leaves behind: withheld, and case ids pseudonymised.

Outputs carry only the columns a standard names: its segments, the dates an open case's
alert shows and the columns that identify a case (its ``evidence``, by default the
dataset's key); the reader never takes in a column the dataset does not declare. Two
things remain to be kept out, and :func:`protect` does it to the run's record and its
rejected rows, once, before the store keeps them and the files are written:

* **Personal columns** (``personal: true`` in the dataset). A rejected row shows its
  failing cell so the officer can fix it; a personal cell shows :data:`WITHHELD` instead.
  A row whose cells do not line up with the header — more cells than the header, or
  several cells failing at once, the signs of a delimiter inside an unquoted value — shows
  none of its values (:data:`MISALIGNED`): any of its cells may hold a neighbour's, a name
  or an address as easily as anything else; only a cell holding a word such as "Total"
  (:data:`LABELS`), the mark of a totals row, is shown. A case identified by a personal column is
  named by its pseudonym, or withheld.
* **Case ids**, with a key (``compliance check --pseudonymise``): every value of an
  identifying column becomes its pseudonym, ``P-`` and the first 16 hex digits of
  HMAC-SHA256(key, id as UTF-8) — in case alerts' evidence and messages, cases.csv, the
  workbook, and the key cells of rejected rows. The same key gives the same pseudonym on
  every run, so a case keeps its name across runs and anyone holding the key can derive
  it for an id they know; without the key nobody can, however short it is. 64 bits keep
  collisions away: among ten million ids, the chance that two share a pseudonym is
  about 3 in a million (n² / 2⁶⁵).

The key is 32 hex digits (16 bytes) or more, read from :data:`KEY_ENV` or a key file
outside the standards folder and the outputs (:func:`read_key`); it is never written.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.model.catalogue import Catalogue
from engine.model.results import Alert, RunRecord
from engine.problems import InputError, Problem

KEY_ENV = "COMPLIANCE_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16
WITHHELD = "(personal data withheld)"
MISALIGNED = "(withheld: the row's cells do not line up with its header)"
PSEUDONYM = re.compile(r"P-[0-9a-f]{16}")
_PARTS = " / "  # how a reject joins the columns (and values) of a key or a row check


def pseudonym(key: bytes, case_id: str) -> str:
    """``P-`` and the first 16 hex digits of HMAC-SHA256(key, case_id); a pseudonym stays
    as it is, so a record is never pseudonymised twice."""
    if PSEUDONYM.fullmatch(case_id):
        return case_id
    return "P-" + hmac.new(key, case_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def read_key(key_file: Path | None = None, *, environ: Mapping[str, str] = os.environ,
             not_under: Iterable[Path] = ()) -> bytes:
    """The pseudonym key: the hex digits in ``key_file``, else in :data:`KEY_ENV`. A key
    file under one of ``not_under`` (the standards folder, the outputs) is refused: it
    would travel with them."""
    where = f"the environment variable {KEY_ENV}"
    hint = ("make one with: python -c 'import secrets; print(secrets.token_hex(32))', and "
            f"keep it in {KEY_ENV} or a file given with --pseudonym-key-file, away from the "
            "standards and the outputs")
    if key_file is not None:
        where = str(key_file)
        for folder in not_under:
            if key_file.resolve().is_relative_to(folder.resolve()):
                raise _key_error(f"the pseudonym key file {key_file} is inside {folder}, "
                                 "which is shared with the standards or the outputs", hint)
        try:
            text = key_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise _key_error(f"the pseudonym key file {key_file} cannot be read "
                             f"({getattr(err, 'strerror', None) or err})", hint) from None
    else:
        text = environ.get(KEY_ENV, "")
        if not text.strip():
            raise _key_error(f"--pseudonymise needs a key: {KEY_ENV} is not set", hint)
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise _key_error(f"the pseudonym key in {where} is not hexadecimal digits",
                         hint) from None
    if len(key) < MIN_KEY_BYTES:
        raise _key_error(f"the pseudonym key in {where} is too short: {len(key) * 2} hex "
                         f"digits, at least {MIN_KEY_BYTES * 2} needed", hint)
    return key


def _key_error(message: str, hint: str) -> InputError:
    return InputError([Problem(None, message, hint=hint)], exit_code=2)


@dataclass(frozen=True)
class Columns:
    """What identifies a case and what is personal, by dataset and by standard."""

    ids: dict[str, tuple[str, ...]]  # standard → columns identifying its cases
    dataset_of: dict[str, str]  # standard → dataset
    personal: dict[str, frozenset[str]]  # dataset → personal columns
    id_headers: dict[str, frozenset[str]]  # dataset → headers of identifying columns
    personal_headers: dict[str, frozenset[str]]  # dataset → headers of personal columns


def columns_of(catalogue: Catalogue) -> Columns:
    ids = {s.id: tuple(dict.fromkeys(s.evidence or catalogue.datasets[s.dataset].key))
           for s in catalogue.standards.values()}
    id_headers, personal, personal_headers = {}, {}, {}
    for name, ds in catalogue.datasets.items():
        identifying = {c for s in catalogue.standards.values() if s.dataset == name
                       for c in ids[s.id]} | set(ds.key)
        id_headers[name] = frozenset(ds.header_of(c) for c in identifying)
        personal[name] = frozenset(c for c, col in ds.columns.items() if col.personal)
        personal_headers[name] = frozenset(ds.header_of(c) for c in personal[name])
    return Columns(ids, {s.id: s.dataset for s in catalogue.standards.values()}, personal,
                   id_headers, personal_headers)


def protect(record: RunRecord, rejects: list[dict[str, object]], catalogue: Catalogue,
            key: bytes | None = None) -> tuple[RunRecord, list[dict[str, object]]]:
    """The record and rejected rows with personal values withheld and, given a ``key``,
    case ids pseudonymised. (A standard that would publish a personal column, as a
    segment or as a date its open cases show, is refused as the standards are loaded:
    :mod:`engine.load.checks`.)"""
    unknown = sorted({s.id for s in record.standards} - set(catalogue.standards))
    if unknown:
        raise InputError([Problem(catalogue.root, f"the run measured {', '.join(unknown)}, "
                                  "which the standards folder no longer holds",
                                  hint="give the standards folder the run was made with")])
    cols = columns_of(catalogue)
    alerts = [_alert(a, cols, key) for a in record.alerts]
    return record.model_copy(update={"alerts": alerts}), protect_rejects(rejects, cols, key)


def protect_alerts(alerts: list[Alert], catalogue: Catalogue, key: bytes | None = None
                   ) -> list[Alert]:
    """``alerts`` as :func:`protect` leaves them: for the alerts a store hands back
    (those a run resolves carry the words and cases of the run that raised them)."""
    cols = columns_of(catalogue)
    return [_alert(a, cols, key) for a in alerts]


def _alert(alert: Alert, cols: Columns, key: bytes | None) -> Alert:
    cases = alert.evidence.get("cases")
    if not cases:
        return alert
    ids = cols.ids[alert.standard]
    personal = cols.personal[cols.dataset_of[alert.standard]]
    if key is None and not personal.intersection(ids):
        return alert  # nothing to change: spare a run naming 100,000 cases the copies
    shown = [_case(c, ids, personal, key) for c in cases]
    message = _renamed(alert.message, [c["case"] for c in cases], [c["case"] for c in shown])
    return alert.model_copy(update={"message": message,
                                    "evidence": {**alert.evidence, "cases": shown}})


def _case(case: dict[str, Any], ids: tuple[str, ...], personal: frozenset[str],
          key: bytes | None) -> dict[str, Any]:
    out = {k: _id(v, k in personal, key) if k in ids else v for k, v in case.items()}
    if ids:  # the label is the identifying values, as Case.label joins them
        out["case"] = ", ".join(str(out[c]) for c in ids)
    return out


def _id(value: Any, personal: bool, key: bytes | None) -> Any:
    if value in ("", None, WITHHELD):
        return value
    if key is not None:
        return pseudonym(key, str(value))
    return WITHHELD if personal else value


def _renamed(message: str, old: list[str], new: list[str]) -> str:
    """The message with the cases it names renamed. A case alert ends by naming the most
    urgent cases in evidence order, each as 'label (due …)', after 'Cases: ' or
    'Most urgent: ' then after '; ' — found one after the other, never anywhere else."""
    if old == new:
        return message
    first = f"{old[0]} ("
    at = max(message.rfind(f"Cases: {first}"), message.rfind(f"Most urgent: {first}"))
    if at < 0:
        return message
    at = message.index(": ", at) + 2
    out = [message[:at]]
    for i, (was, now) in enumerate(zip(old, new, strict=True)):
        if i:
            found = message.find(f"; {was} (", at)
            if found < 0:
                break
            out.append(message[at:found + 2])
            at = found + 2
        out.append(now)
        at += len(was)
    out.append(message[at:])
    return "".join(out)


def protect_rejects(rejects: list[dict[str, object]], cols: Columns,
                    key: bytes | None = None) -> list[dict[str, object]]:
    """Rejected rows with personal cells withheld, misaligned rows' values withheld and,
    given a ``key``, the identifying cells pseudonymised."""
    failing: dict[tuple[object, ...], set[object]] = {}
    for r in rejects:  # each row's failing columns; more cells than the header counts twice
        failing.setdefault((r["dataset"], r["file"], r["row"]), set()).update(
            ("extra cells", "…") if r["reason"] == "extra_cells" else (r["column"],))
    misaligned = {row for row, columns in failing.items() if len(columns) > 1}
    if key is None and not misaligned and not any(cols.personal.values()):
        return rejects
    out = []
    for r in rejects:
        value = str(r["value"] or "")
        # A short row's count of cells is the engine's, not the row's data: it is shown.
        if value and (r["dataset"], r["file"], r["row"]) in misaligned and \
                r["reason"] != "missing_cells" and not _a_label(value):
            value = MISALIGNED
        elif value:
            ds = str(r["dataset"])
            value = _reject_value(str(r["column"]).split(_PARTS), value,
                                  cols.personal_headers.get(ds, frozenset()),
                                  cols.id_headers.get(ds, frozenset()), key)
        out.append({**r, "value": value})
    return out


# Words a totals or notes row at the foot of an extract carries: never anyone's data, and
# what tells the officer why that row failed in several cells at once.
LABELS = frozenset({"total", "totals", "grand total", "subtotal", "sub-total", "sum",
                    "count", "average", "end of report", "end of extract"})


def _a_label(value: str) -> bool:
    return " ".join(value.split()).casefold().rstrip(":") in LABELS


def _reject_value(headers: list[str], value: str, personal: frozenset[str],
                  ids: frozenset[str], key: bytes | None) -> str:
    if value in (WITHHELD, MISALIGNED):
        return value
    hidden = personal | (ids if key is not None else frozenset())
    if not hidden.intersection(headers):
        return value
    cells = value.split(_PARTS) if len(headers) > 1 else [value]
    if len(cells) != len(headers):  # a value holding ' / ' itself: which part is which?
        return WITHHELD
    return _PARTS.join(_id(cell, h in personal, key) if h in ids
                       else WITHHELD if h in personal and cell else cell
                       for h, cell in zip(headers, cells, strict=True))
