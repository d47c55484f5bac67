"""Import an XLSForm as a Heard instrument, and export an instrument as an XLSForm.

An XLSForm (https://xlsform.org) is a spreadsheet with survey, choices and
settings sheets. :func:`load_xlsform` reads one with pyxform, maps it to a
Heard instrument and validates it with Heard's own loader;
:func:`dump_xlsform` writes an instrument back out. What is mapped, changed,
refused and why is in ``docs/instrument-format.md`` (section "XLSForm").

The importer never raises for a bad workbook: everything it has to say is a
:class:`~instruments.errors.Problem` in the result, each naming its sheet and
row, as an error (the instrument cannot be imported) or a warning (it can,
but a person should look).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from instruments._xlsform_context import Context
from instruments._xlsform_document import build_document, validate
from instruments._xlsform_export import dump_xlsform
from instruments._xlsform_settings import PLACEHOLDER_MARK, placeholder_paths
from instruments._xlsform_sheets import SETTINGS, SURVEY, read_workbook
from instruments._xlsform_upload import MAX_XLSFORM_BYTES, UploadRefused, read_upload
from instruments.errors import Problem
from instruments.schema import Instrument

__all__ = [
    "MAX_XLSFORM_BYTES",
    "PLACEHOLDER_MARK",
    "XLSFormResult",
    "dump_xlsform",
    "load_xlsform",
    "placeholder_paths",
]

_SHEET_ORDER = {"": 0, SETTINGS: 1, SURVEY: 2}


@dataclass(frozen=True)
class XLSFormResult:
    """What importing an XLSForm gave.

    `instrument` is the validated instrument, or None when any problem is an
    error. `problems` holds every error and warning, by sheet and row.
    `names` maps each XLSForm question and group name to the Heard id it
    became (they differ where the name was not a valid Heard id).
    """

    instrument: Instrument | None
    problems: tuple[Problem, ...]
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Return the problems that stopped the import."""
        return tuple(problem for problem in self.problems if problem.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Return the problems that did not stop it."""
        return tuple(problem for problem in self.problems if not problem.is_error)

    @property
    def yaml(self) -> str | None:
        """Return the instrument as Heard YAML (what Heard stores), or None."""
        return None if self.instrument is None else self.instrument.source


def load_xlsform(
    path_or_bytes: bytes | str | os.PathLike[str], *, filename: str | None = None
) -> XLSFormResult:
    """Import an XLSForm workbook (.xlsx or .xls) as a Heard instrument.

    Parameters
    ----------
    path_or_bytes
        The workbook's bytes (an upload), or the path of the workbook.
    filename
        The name the workbook was uploaded under; with bytes it decides the
        kind expected (.xlsx or .xls) and names the file in problems. The
        content must match it.

    Returns
    -------
    XLSFormResult
        The instrument, or None when there is an error, with every problem
        found: unreadable or unsafe uploads (too large, macros, a zip bomb),
        types and expressions Heard cannot carry over, questions that would
        identify a respondent, and whatever Heard's own validation finds,
        each at its sheet and row.

    Examples
    --------
    >>> result = load_xlsform(b"not a workbook", filename="form.xlsx")
    >>> result.instrument is None, result.problems[0].code.code
    (True, 'XLSFORM_FILE_TYPE')
    """
    name = filename
    if name is None and not isinstance(path_or_bytes, bytes | bytearray):
        name = os.fspath(path_or_bytes)
    ctx = Context(name)
    try:
        workbook = read_workbook(read_upload(path_or_bytes, filename))
    except UploadRefused as refused:
        ctx.report(refused.code, "", None, **refused.details)
        return XLSFormResult(None, tuple(ctx.problems))
    document = build_document(ctx, workbook)
    instrument = None if document is None else _validated(ctx, document)
    return XLSFormResult(instrument, _in_order(ctx.problems), ctx.names)


def _validated(ctx: Context, document: dict) -> Instrument | None:
    """Validate the document unless an earlier error left nothing worth checking."""
    if ctx.failed and not document["sections"]:
        return None
    instrument = validate(ctx, document)
    return None if ctx.failed else instrument


def _in_order(problems: list[Problem]) -> tuple[Problem, ...]:
    """Return the problems by sheet (workbook, settings, survey, choices), then row."""

    def key(problem: Problem) -> tuple[int, int]:
        sheet = problem.path.split(" row ")[0]
        return (_SHEET_ORDER.get(sheet, 3), problem.line or 0)

    unique = list(dict.fromkeys(problems))
    return tuple(sorted(unique, key=key))
