"""Which columns of each sheet Heard reads, ignores (with a warning) or refuses.

A column Heard has no use for is reported once, at its header, as a warning.
A column whose value changes what a question means (``choice_filter``) is an
error on each row that uses it. A column that only words or decorates a
feature Heard has in its own way (``constraint_message``, most
``appearance`` values) is passed over in silence.
"""

from __future__ import annotations

import re
from collections import defaultdict

from instruments._xlsform_context import Context
from instruments._xlsform_sheets import CHOICES, SETTINGS, SURVEY, Row, Sheet
from instruments.errors import ErrorCode

_MEDIA = (
    "Heard questions carry no pictures, sounds or videos, so that pages stay small "
    "enough for any phone"
)

READ = {
    SURVEY: {
        "type", "name", "label", "hint", "relevant", "required", "constraint", "appearance",
        "parameters", "heard_why_we_ask", "heard_sensitive", "heard_non_answers",
        "heard_self_describe", "heard_content_note", "heard_skippable",
    },
    CHOICES: {"list name", "name", "label"},
    SETTINGS: {"title", "id_string", "version", "default_language"},
}  # fmt: skip
"""Columns read on each sheet (settings also reads every ``heard_`` column it knows)."""

SILENT = {
    SURVEY: {"jr:constraintmsg", "jr:requiredmsg", "constraint_message", "required_message"},
    CHOICES: set(),
    SETTINGS: {"allow_choice_duplicates", "clean_text_values"},
}
"""Columns passed over without a word: they only word or tune something Heard does its own way."""

IGNORED_EACH_ROW = {
    SURVEY: {
        "default": "Heard never fills in an answer for the respondent",
        "readonly": "a Heard question can always be answered; use a note to show text",
        "calculate": "Heard does not calculate values inside a form",
        "guidance_hint": "Heard has no guidance hints; use hint, or heard_why_we_ask",
        "image": _MEDIA,
        "big-image": _MEDIA,
        "audio": _MEDIA,
        "video": _MEDIA,
    },
    CHOICES: {"image": _MEDIA, "big-image": _MEDIA, "audio": _MEDIA, "video": _MEDIA},
    SETTINGS: {},
}
"""Known XLSForm columns that Heard drops, reported on each row that fills them in."""

REFUSED_EACH_ROW = {
    SURVEY: {
        "choice_filter": "the choices offered would depend on earlier answers, "
        "which Heard cannot do; ask separate questions instead",
    },
}
"""Columns that change what a question means, so the row cannot be imported."""

_REFERENCE = re.compile(r"\$\{[^}]*\}")
_SHOWN_COLUMNS = ("label", "hint", "heard_why_we_ask", "heard_content_note")

_UNKNOWN_REASON = {
    SURVEY: "it is not a column Heard reads",
    CHOICES: "it is not a column Heard reads",
    SETTINGS: "Heard has no such setting",
}


def check_header(ctx: Context, sheet: Sheet, extra: frozenset[str] | None = None) -> None:
    """Report columns given twice, and (once, at the header) columns Heard does not read."""
    seen: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for column in sheet.columns:
        seen[(column.name, column.language)].append(column.header)
    for headers in seen.values():
        if len(headers) > 1:
            where = f" on the {sheet.name} sheet (as {' and '.join(f'`{h}`' for h in headers)})"
            ctx.report(
                ErrorCode.XLSFORM_DUPLICATE_COLUMN, sheet.name, 1, column=headers[0], where=where
            )
    known = READ[sheet.name] | SILENT[sheet.name] | set(IGNORED_EACH_ROW[sheet.name])
    known |= extra or set()
    known |= set(REFUSED_EACH_ROW.get(sheet.name, {}))
    reported: set[str] = set()
    for column in sheet.columns:
        if column.name not in known and column.name not in reported:
            reported.add(column.name)
            reason = _UNKNOWN_REASON[sheet.name]
            ctx.warn(
                ErrorCode.XLSFORM_COLUMN_IGNORED, sheet.name, 1, column=column.header, reason=reason
            )


def check_row(ctx: Context, row: Row) -> None:
    """Report the columns of `row` that Heard drops or refuses, and texts that show answers."""
    for column in _SHOWN_COLUMNS:
        for text in row.texts(column).values():
            reference = _REFERENCE.search(text)
            if reference:
                ctx.report(
                    ErrorCode.XLSFORM_LABEL_REFERENCE,
                    row.sheet,
                    row.number,
                    column=column,
                    reference=reference[0],
                )
                break
    for name in row.cells:
        reason = REFUSED_EACH_ROW.get(row.sheet, {}).get(name)
        if reason is not None:
            ctx.report(
                ErrorCode.XLSFORM_COLUMN_UNSUPPORTED,
                row.sheet,
                row.number,
                column=name,
                reason=reason,
            )
            continue
        reason = IGNORED_EACH_ROW[row.sheet].get(name)
        if reason is not None:
            ctx.warn(
                ErrorCode.XLSFORM_COLUMN_IGNORED, row.sheet, row.number, column=name, reason=reason
            )
