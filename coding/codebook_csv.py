"""The codebook as CSV, for spreadsheets: write one, read one back.

The columns are :data:`COLUMNS`: ``path`` (names joined by ``/``) is for
people and for writing a codebook by hand; ``parent_guid`` is what the reader
trusts when both are given. ``kind`` is ``code`` or ``category``.

Formula injection. A spreadsheet runs a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, and a code name is text
anyone on a project can type. The writer puts a single quote before such a
cell. So that the rule can be undone exactly, it also quotes a cell that
already starts with quotes followed by one of those characters (``'=x`` is
written ``''=x``); the reader removes one leading quote from a cell of that
shape and from no other, so export, import and export again give the same text.

The reader is tolerant of what spreadsheets do (a UTF-8 byte order mark, CRLF,
columns in any order or case, extra columns, blank rows, a semicolon or tab
delimiter) and strict about meaning: every problem is a
:class:`~coding.errors.CodingError` placed at ``row N``, the spreadsheet row
(the header is row 1).

Examples
--------
>>> from coding.model import Code, Codebook
>>> book = Codebook((Code("0d0c0c6e-64ae-4ab0-9e77-1c3ad7f9f6b8", "=HYPERLINK()"),))
>>> text = write_codebook_csv(book)
>>> text.splitlines()[1].split(",")[2]
"'=HYPERLINK()"
>>> read_codebook_csv(text) == book
True
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from coding.codebook import clean_name, code_paths, find_problems, name_key
from coding.errors import CodingError, ErrorCode
from coding.model import DEFAULT_COLOUR, Code, Codebook, new_guid

COLUMNS = (
    "guid",
    "path",
    "name",
    "parent_guid",
    "kind",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example",
    "colour",
)
TEXT_COLUMNS = ("definition", "when_to_use", "when_not_to_use", "example")
SIZE_LIMIT = 10 * 1024 * 1024  # bytes: a codebook of thousands of codes is well under 1 MB
PATH_SEP = "/"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KINDS = {"": True, "code": True, "category": False}
ALIASES = {"color": "colour"}


def _neutralise(cell: str) -> str:
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def _restore(cell: str) -> str:
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def write_codebook_csv(codebook: Codebook) -> str:
    """Return the codebook as CSV text: a header, then one row per code in codebook order.

    Rows end with CRLF (RFC 4180, as Excel writes). There is no byte order
    mark: whoever serves the file as a download adds one if Excel should see
    UTF-8.

    Parameters
    ----------
    codebook : Codebook
        A codebook whose parents come before their children.

    Returns
    -------
    str
        The CSV text.

    Examples
    --------
    >>> from coding.model import Code, Codebook
    >>> book = Codebook((Code("a", "Control", codable=False), Code("b", "Debt", parent="a")))
    >>> print(write_codebook_csv(book).replace("\\r\\n", "\\n"), end="")
    guid,path,name,parent_guid,kind,definition,when_to_use,when_not_to_use,example,colour
    a,Control,Control,,category,,,,,#5B6770
    b,Control/Debt,Debt,a,code,,,,,#5B6770
    """
    paths = code_paths(codebook, PATH_SEP)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for code in codebook.codes:
        row = {
            "guid": code.guid,
            "path": paths[code.guid],
            "name": code.name,
            "parent_guid": code.parent or "",
            "kind": "code" if code.codable else "category",
            "colour": code.colour,
        }
        row.update({column: getattr(code, column) for column in TEXT_COLUMNS})
        writer.writerow(_neutralise(row[column]) for column in COLUMNS)
    return buffer.getvalue()


@dataclass
class _Row:
    """One spreadsheet row on its way to becoming a Code."""

    number: int
    code: Code
    path: str


def read_codebook_csv(data: str | bytes, name: str = "Codebook") -> Codebook:
    """Return the codebook a CSV describes, checked as :func:`~coding.codebook.check_codebook` does.

    A row's parent is its ``parent_guid`` (any row of the file), or else the
    code whose path is the row's ``path`` without its last name (which must
    come on an earlier row: missing categories are not invented, since a typo
    would silently grow the tree). A blank ``guid`` gets a new GUID, a blank
    ``kind`` means code, a blank ``colour`` the default colour. Names are
    cleaned (NFC, no surrounding whitespace); other cells are kept as typed.

    Parameters
    ----------
    data : str or bytes
        The file; bytes must be UTF-8 (with or without a byte order mark).
    name : str
        The codebook's name (the CSV does not carry one).

    Returns
    -------
    Codebook
        The codes, each after its parent, otherwise in row order.

    Raises
    ------
    CodingError
        FILE_TOO_LARGE; CSV_UNREADABLE (not UTF-8, empty, malformed);
        CSV_COLUMN_MISSING; CSV_VALUE_INVALID (a kind, a GUID, an ambiguous
        path); or any codebook problem. All but the first are placed at ``row N``.

    Examples
    --------
    >>> data = b"\\xef\\xbb\\xbfname,path\\r\\nControl,\\r\\nDebt,Control/Debt\\r\\n"
    >>> book = read_codebook_csv(data)
    >>> [(code.name, code.parent is None) for code in book.codes]
    [('Control', True), ('Debt', False)]
    """
    text = _decode(data)
    records = _records(text)
    header = _header(next(records, (1, []))[1])
    rows: list[_Row] = []
    guids: dict[str, int] = {}
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets leave blank rows behind
        cell = dict(zip(header, cells))
        rows.append(_row(number, cell, guids))
    rows = _with_path_parents(rows)
    ordered = _parents_first(rows, guids)
    codebook = Codebook(tuple(row.code for row in ordered), name=name)
    for index, error in find_problems(codebook):
        raise CodingError(error.error, where=f"row {ordered[index].number}", **error.values)
    return codebook


def _decode(data: str | bytes) -> str:
    """Return the text of the file, refusing what is too large, not UTF-8, empty or binary."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if len(raw) > SIZE_LIMIT:
        raise CodingError(ErrorCode.FILE_TOO_LARGE, size=len(raw), limit=SIZE_LIMIT)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        detail = "it is UTF-16 text: save it as “CSV UTF-8”"
        raise CodingError(ErrorCode.CSV_UNREADABLE, detail=detail)
    try:  # a str with a lone surrogate did not come from a UTF-8 file either
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = f"row {_row_at(raw[: error.start].decode('utf-8-sig'))}"
        detail = "it is not UTF-8 text: save it as “CSV UTF-8”"
        raise CodingError(ErrorCode.CSV_UNREADABLE, where=where, detail=detail) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CodingError(ErrorCode.CSV_UNREADABLE, detail="the file is empty")
    if "\x00" in text:  # no text file holds one, and PostgreSQL text cannot store it
        where = f"row {_row_at(text[: text.index(chr(0))])}"
        detail = "it contains a NUL character, so it is not a text file"
        raise CodingError(ErrorCode.CSV_UNREADABLE, where=where, detail=detail)
    return text


def _row_at(before: str) -> int:
    """Return the spreadsheet row of the character that follows the text `before`."""
    reader = csv.reader(io.StringIO(before + "?", newline=""))  # "?" stands for that character
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error:
        rows += 1  # the row ends in an open quote: the character is inside it
    return rows


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield each record with its spreadsheet row number (a quoted line break stays in its row)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:  # Excel in some locales writes ; and "Unicode text" writes tabs
        delimiter = next((d for d in (";", "\t") if d in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            detail = str(error).rstrip(".")
            raise CodingError(
                ErrorCode.CSV_UNREADABLE, where=f"row {number}", detail=detail
            ) from None
        yield number, cells


def _header(cells: Sequence[str]) -> list[str]:
    header = [cell.strip().casefold().replace(" ", "_").replace("-", "_") for cell in cells]
    header = [ALIASES.get(column, column) for column in header]
    for column in header:
        if column and header.count(column) > 1:
            detail = f"the column {column!r} appears more than once"
            raise CodingError(ErrorCode.CSV_UNREADABLE, where="row 1", detail=detail)
    if "name" not in header:
        shown = ", ".join(cell for cell in cells if cell.strip()) or "none"
        raise CodingError(ErrorCode.CSV_COLUMN_MISSING, where="row 1", column="name", columns=shown)
    return header


def _row(number: int, cell: dict[str, str], guids: dict[str, int]) -> _Row:
    where = f"row {number}"
    value = {column: _restore(text) for column, text in cell.items()}
    guid = _guid(value.get("guid", ""), "guid", where) or new_guid()
    if guid in guids:
        raise CodingError(ErrorCode.CODE_GUID_TAKEN, where=where, guid=guid)
    guids[guid] = number
    typed = value.get("kind", "")
    kind = typed.strip().casefold()
    if kind not in KINDS:
        reason = "write “code” or “category” (blank means code)"
        raise CodingError(
            ErrorCode.CSV_VALUE_INVALID, where=where, column="kind", value=typed, reason=reason
        )
    code = Code(
        guid=guid,
        name=clean_name(value["name"]) if "name" in value else "",
        parent=_guid(value.get("parent_guid", ""), "parent_guid", where),
        codable=KINDS[kind],
        colour=value.get("colour", "").strip() or DEFAULT_COLOUR,
        **{column: value.get(column, "") for column in TEXT_COLUMNS},
    )
    return _Row(number, code, clean_name(value.get("path", "")))


def _guid(value: str, column: str, where: str) -> str | None:
    """Return `value` as a canonical GUID, None if blank."""
    value = value.strip()
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        reason = "it is not a GUID (leave the guid blank to make a new code)"
        raise CodingError(
            ErrorCode.CSV_VALUE_INVALID, where=where, column=column, value=value, reason=reason
        ) from None


def _with_path_parents(rows: list[_Row]) -> list[_Row]:
    """Give a row with a path but no parent_guid the parent its path names, on an earlier row."""
    paths: dict[str, str] = {}  # GUID -> path, for rows whose parent is already known
    by_path: dict[str, str | None] = {}  # name_key(path) -> GUID, None when two codes share it
    for row in rows:
        code = row.code
        parent_path = _parent_path(row.path, code.name) if code.parent is None else None
        if parent_path is not None:
            code = row.code = _with_parent(row, parent_path, by_path)
        if code.parent is None or code.parent in paths:
            own = code.name if code.parent is None else paths[code.parent] + PATH_SEP + code.name
            paths[code.guid] = own
            by_path[name_key(own)] = None if name_key(own) in by_path else code.guid
    return rows


def _parent_path(path: str, name: str) -> str | None:
    """Return the path of the parent that a row's own path names, None for the top level."""
    if path == name:
        return None
    if path.endswith(PATH_SEP + name):  # the name itself may hold the separator
        return path[: -len(PATH_SEP + name)].strip() or None
    if PATH_SEP in path:  # the name column was edited after export: trust the path's parent
        return path.rsplit(PATH_SEP, 1)[0].strip() or None
    return None


def _with_parent(row: _Row, parent_path: str, by_path: dict[str, str | None]) -> Code:
    where = f"row {row.number}"
    key = name_key(parent_path)
    if key not in by_path:
        raise CodingError(
            ErrorCode.CODE_PARENT_UNKNOWN, where=where, parent=parent_path, name=row.code.name
        )
    parent = by_path[key]
    if parent is None:
        reason = f"more than one code has the path {parent_path!r}: give the parent_guid"
        raise CodingError(
            ErrorCode.CSV_VALUE_INVALID, where=where, column="path", value=row.path, reason=reason
        )
    return replace(row.code, parent=parent)


def _parents_first(rows: list[_Row], guids: dict[str, int]) -> list[_Row]:
    """Return the rows in row order, except that a row whose parent comes later follows it."""
    ordered: list[_Row] = []
    placed: set[str] = set()
    waiting: dict[str, list[_Row]] = {}
    for row in rows:
        parent = row.code.parent
        if parent is not None and parent not in guids:
            raise CodingError(
                ErrorCode.CODE_PARENT_UNKNOWN,
                where=f"row {row.number}",
                parent=parent,
                name=row.code.name,
            )
        if parent is not None and parent not in placed:
            waiting.setdefault(parent, []).append(row)
            continue
        stack = [row]
        while stack:  # place the row, then whatever was waiting for it
            current = stack.pop()
            ordered.append(current)
            placed.add(current.code.guid)
            stack.extend(reversed(waiting.pop(current.code.guid, [])))
    if waiting:  # every row left waits, through a loop, on itself
        stuck = min((row for group in waiting.values() for row in group), key=lambda r: r.number)
        parent_name = next(r.code.name for r in rows if r.code.guid == stuck.code.parent)
        raise CodingError(
            ErrorCode.CODE_CYCLE,
            where=f"row {stuck.number}",
            name=stuck.code.name,
            parent=parent_name,
        )
    return ordered
