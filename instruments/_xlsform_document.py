"""Build the Heard YAML document of an XLSForm, and validate it with Heard's own loader.

The document is a plain mapping dumped with ``yaml.safe_dump`` and read back
by :func:`instruments.load_instrument`, so an imported instrument passes
exactly the checks a hand-written one does. The problems Heard finds are
reported against the sheet and row the key came from: ``label`` of
``sections[1].items[3]`` is a cell of ``survey row 14``.
"""

from __future__ import annotations

import difflib
from pathlib import PurePath

import yaml

from instruments._xlsform_choices import read_choice_lists
from instruments._xlsform_columns import check_header
from instruments._xlsform_context import Context, place, read_languages
from instruments._xlsform_names import slug
from instruments._xlsform_settings import (
    SUPPORT_COLUMN,
    TEXT_SETTINGS,
    VALUE_SETTINGS,
    placeholder_paths,
    read_settings,
    read_title,
    setting_columns,
)
from instruments._xlsform_sheets import SETTINGS, SURVEY, Column, Row, Workbook
from instruments._xlsform_survey import read_survey
from instruments.errors import ErrorCode, InstrumentInvalid, Problem
from instruments.loader import load_instrument
from instruments.schema import Instrument

FORMAT = "heard-instrument/1"
DEFAULT_VERSION = "1"
_SETTINGS_COLUMNS = {
    **{path: column for column, path, _asks in TEXT_SETTINGS},
    **{path: column for column, path in VALUE_SETTINGS},
    "title": "form_title", "id": "form_id", "version": "version",
    "default_language": "default_language", "languages": "label",
}  # fmt: skip
_COLUMN_OF_KEY = {
    "id": "name", "value": "name", "show_if": "relevant", "min": "constraint", "max": "constraint",
    "max_length": "constraint", "title": "label", "intro": "hint", "points": "choices",
    "why_we_ask": "heard_why_we_ask", "content_note": "heard_content_note",
}  # fmt: skip


class _PlainDumper(yaml.SafeDumper):
    """A safe dumper that writes a value used twice out twice: Heard refuses YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def build_document(ctx: Context, workbook: Workbook) -> dict | None:
    """Return the instrument document of `workbook`, or None when it has no survey sheet."""
    if workbook.survey is None:
        close = difflib.get_close_matches(SURVEY, [n.lower() for n in workbook.sheet_names], 1)
        suggestion = f" (is '{close[0]}' meant to be it?)" if close else ""
        ctx.report(
            ErrorCode.XLSFORM_SHEET_MISSING, "", None, sheet_name=SURVEY, suggestion=suggestion
        )
        return None
    sheets = [s for s in (workbook.survey, workbook.choices, workbook.settings) if s is not None]
    for sheet in sheets:
        check_header(ctx, sheet, _heard_settings(sheet.columns) if sheet.name == SETTINGS else None)
    for name in workbook.other_sheets:
        ctx.warn(
            ErrorCode.XLSFORM_COLUMN_IGNORED,
            name,
            None,
            column=name,
            reason="Heard does not read this sheet",
        )
    settings = _settings_row(workbook)
    languages = read_languages(ctx, sheets, settings)
    lists = read_choice_lists(ctx, workbook.choices, languages)
    title = read_title(settings, languages)
    sections = read_survey(ctx, workbook.survey, lists, languages, title)
    document = {"format": FORMAT, **_identity(ctx, settings), "title": title}
    document |= {"languages": languages.order, "default_language": languages.default}
    document |= read_settings(settings, languages, sections)
    document["sections"] = sections
    if settings is None or settings.get("heard_estimated_minutes") is None:
        ctx.guessed_minutes = document["estimated_minutes"]
    ctx.came_from("", settings)
    ctx.origins["sections"] = (SURVEY, None)
    return document


def _heard_settings(columns: tuple[Column, ...]) -> frozenset[str]:
    """Return the ``heard_`` columns a settings sheet may have, its support columns included."""
    support = {column.name for column in columns if SUPPORT_COLUMN.fullmatch(column.name)}
    return setting_columns() | support


def _settings_row(workbook: Workbook) -> Row | None:
    return workbook.settings.rows[0] if workbook.settings and workbook.settings.rows else None


def _identity(ctx: Context, settings: Row | None) -> dict[str, str]:
    """Return the instrument's id (a slug of form_id or the file name) and version."""
    written = settings.get("id_string") if settings else None
    identifier = slug(written or _file_stem(ctx.file) or "")
    if written and identifier != written:
        ctx.warn(
            ErrorCode.XLSFORM_NAME_CHANGED,
            SETTINGS,
            settings.number if settings else None,
            old=written,
            what="instrument id",
            new=identifier,
        )
    version = (settings.get("version") if settings else None) or DEFAULT_VERSION
    return {"id": identifier, "version": version}


def _file_stem(file: str | None) -> str | None:
    return PurePath(file).stem if file else None


def validate(ctx: Context, document: dict) -> Instrument | None:
    """Return the instrument `document` describes, or None after reporting Heard's problems."""
    text = yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=1000)
    try:
        instrument = load_instrument(text, filename=ctx.file or "xlsform")
    except InstrumentInvalid as invalid:
        for problem in invalid.problems:
            _report_from_heard(ctx, problem)
        return None
    if not ctx.failed:
        _report_placeholders(ctx, instrument)
    return instrument


def _report_from_heard(ctx: Context, problem: Problem) -> None:
    """Report a problem of Heard's loader at the sheet and row its key came from."""
    origin, rest = _origin(ctx, problem.path)
    sheet, row = ctx.origins.get(origin, ("", None))
    message = problem.message
    column = _column_of(origin, rest) if rest else None
    if column:
        message = f"Column `{column}`: {message}"
    ctx.problems.append(Problem(problem.code, place(sheet, row), message, ctx.file, row))


def _origin(ctx: Context, path: str) -> tuple[str, str]:
    """Return the longest key path with a known origin that `path` starts with, and the rest."""
    best = ""
    for known in ctx.origins:
        inside = path == known or path.startswith((known + ".", known + "["))
        if known and inside and len(known) > len(best):
            best = known
    rest = path[len(best) :].lstrip(".")
    return best, rest


def _column_of(origin: str, rest: str) -> str | None:
    """Return the XLSForm column for the rest of a key path (``show_if`` -> ``relevant``)."""
    if rest in ("items", "sections"):
        return None  # the group or the sheet as a whole
    if not origin:
        return _SETTINGS_COLUMNS.get(rest.split("[")[0], rest)
    key = rest.split(".")[0].split("[")[0]
    if key in ("label", "hint", "type", "required", "choices"):
        return key
    return _COLUMN_OF_KEY.get(key, rest)


def _report_placeholders(ctx: Context, instrument: Instrument) -> None:
    """Warn about every placeholder left in the instrument, where it should be written."""
    for path in placeholder_paths(instrument):
        origin, _rest = _origin(ctx, path)
        sheet, row = ctx.origins.get(origin, ("", None))
        if not origin:
            where = f"settings column {_SETTINGS_COLUMNS[path]}"
        elif sheet and ctx.origins.get(origin) != ctx.origins.get(f"{origin}.items[0]"):
            where = "the label of its group"
        else:
            where = "a page Heard made for questions outside any group"
        ctx.warn(ErrorCode.XLSFORM_PLACEHOLDER, sheet or SETTINGS, row, what=f"`{path}` ({where})")
    if ctx.guessed_minutes is not None:
        what = (
            f"`estimated_minutes` (settings column heard_estimated_minutes: Heard guessed "
            f"{ctx.guessed_minutes} from the number of questions)"
        )
        ctx.warn(ErrorCode.XLSFORM_PLACEHOLDER, SETTINGS, None, what=what)
