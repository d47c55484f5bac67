"""What an XLSForm import keeps as it goes: its problems, languages and where each key came from.

Every problem names the sheet and row it is about (``survey row 12``, with
`line` 12). :class:`Languages` reads the language of each text column from
its header (``label::English (en)`` is English, code ``en``). Heard needs the
code: a header without one (``label::English``, ``label::EN``) is read as the
language it names, with a warning that says how to write the code; it is an
error only when the name is not one Heard knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyxform.validators.pyxform.iana_subtags.validation import read_tags

from instruments._validate_reader import LANGUAGE_TAG
from instruments._xlsform_sheets import SETTINGS, Column, Row, Sheet
from instruments.errors import ERROR, WARNING, ErrorCode, Problem
from instruments.languages import english_name, language_code

_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]*)\)\s*$")
TEXT_COLUMNS = frozenset({"label", "hint"})
"""XLSForm columns read as text in each language."""

HEARD_VALUE_COLUMNS = frozenset(
    {
        "heard_sensitive",
        "heard_skippable",
        "heard_non_answers",
        "heard_self_describe",
        "heard_organisation_url",
        "heard_contact_email",
        "heard_contact_phone",
        "heard_estimated_minutes",
        "heard_layout",
        "heard_quote_consent",
    }
)
"""Heard's own columns that hold one plain value; its other ``heard_`` columns hold text."""
_SUPPORT_VALUE = re.compile(r"heard_support_\d+_(?:phone|url)")

UNDETERMINED = "und"
"""The BCP 47 code of a language Heard could not tell, so that an import can go on."""


def place(sheet: str, row: int | None) -> str:
    """Return how a problem names its place: ``survey row 12``, or the sheet alone."""
    return sheet if row is None else f"{sheet} row {row}"


@dataclass
class Context:
    """The problems of one import, and the spreadsheet place of each key of the document."""

    file: str | None
    problems: list[Problem] = field(default_factory=list)
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    guessed_minutes: int | None = None
    names: dict[str, str] = field(default_factory=dict)

    def report(
        self, code: ErrorCode, sheet: str, row: int | None, severity: str = ERROR, **details: object
    ) -> None:
        """Record a problem with `code` at `row` of `sheet` (None: the sheet as a whole)."""
        message = code.message(**details)
        self.problems.append(Problem(code, place(sheet, row), message, self.file, row, severity))

    def warn(self, code: ErrorCode, sheet: str, row: int | None, **details: object) -> None:
        """Record a warning: the instrument still loads, but a person should look."""
        self.report(code, sheet, row, WARNING, **details)

    @property
    def failed(self) -> bool:
        """Return True once any error (not a warning) is recorded."""
        return any(problem.is_error for problem in self.problems)

    def came_from(self, path: str, row: Row | None) -> None:
        """Remember that the document key `path` was read from `row`."""
        self.origins[path] = (row.sheet, row.number) if row else ("", None)


@dataclass
class Languages:
    """The languages of a form: each header's language label -> code, and the order."""

    codes: dict[str | None, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    @property
    def default(self) -> str:
        """Return the default language's code."""
        return self.order[0]

    def text(self, row: Row, column: str) -> dict[str, str] | None:
        """Return the texts of `column` in `row` by language code, or None when it has none.

        Text under a language's own header wins over text under a header without a
        language, which is the default language.
        """
        texts: dict[str, str] = {}
        for label, value in sorted(row.texts(column).items(), key=lambda pair: pair[0] is not None):
            code = self.codes.get(label)
            if code is not None and value.strip():
                texts[code] = value
        return {code: texts[code] for code in self.order if code in texts} or None


def read_languages(ctx: Context, sheets: Iterable[Sheet], settings: Row | None) -> Languages:
    """Return the languages of the form, reporting codes it assumed or could not tell."""
    languages = Languages()
    plain: list[tuple[Sheet, Column]] = []
    for sheet in sheets:
        given: dict[tuple[str, str], str] = {}
        for column in sheet.columns:
            if not _is_text(column):
                continue
            if column.language is None:
                plain.append((sheet, column))
                continue
            code = _code_of(ctx, sheet.name, column)
            _check_once(ctx, sheet.name, given, column, code)
            languages.codes[column.language] = code
            if code not in languages.order:
                languages.order.append(code)
    default = _default_language(ctx, languages, settings, plain)
    if default is not None:
        languages.codes[None] = default
        languages.order = [default, *(code for code in languages.order if code != default)]
    if not languages.order:
        languages.order = ["en"]
    return languages


def _is_text(column: Column) -> bool:
    """Return True for a column whose text is in a language (given, or the default)."""
    if not column.name.startswith("heard_"):
        return column.name in TEXT_COLUMNS
    plain = column.name in HEARD_VALUE_COLUMNS or _SUPPORT_VALUE.fullmatch(column.name)
    return column.language is not None or not plain


def _check_once(
    ctx: Context, sheet: str, given: dict[tuple[str, str], str], column: Column, code: str
) -> None:
    """Report a column given twice in one language (``label::English`` and ``label::EN``)."""
    first = given.setdefault((column.name, code.lower()), column.header)
    if first != column.header:
        where = f" on the {sheet} sheet (as `{first}` and `{column.header}`, both {code})"
        ctx.report(ErrorCode.XLSFORM_DUPLICATE_COLUMN, sheet, 1, column=first, where=where)


def _code_of(ctx: Context, sheet: str, column: Column) -> str:
    """Return the code of a column's language label (``label::English (en)`` gives ``en``)."""
    label = column.language or ""
    prefix = column.header[: len(column.header) - len(label)].rstrip(":") + "::"
    return _label_code(ctx, (sheet, 1), column.header, label, prefix)


def _label_code(
    ctx: Context, where: tuple[str, int | None], column: str, label: str, prefix: str
) -> str:
    """Return the code of a language label, from its brackets or else from its name.

    After an error a stand-in code is returned all the same, so that the
    import goes on to find every other problem instead of one per label.
    """
    match = _CODE.match(label)
    code = match["code"].strip() if match else ""
    if match and LANGUAGE_TAG.fullmatch(code):
        return code
    name = match["name"] if match else label
    if code:
        ctx.report(ErrorCode.INVALID_LANGUAGE_TAG, *where, value=code)
        return resolve_language(name) or UNDETERMINED
    return _assumed_code(ctx, where, column, name, prefix)


def _assumed_code(
    ctx: Context, where: tuple[str, int | None], column: str, name: str, prefix: str
) -> str:
    """Return the code a language named without one stands for, warning what was assumed.

    It is an error, not a warning, when `name` is neither a language's English
    name nor a language code: Heard cannot tell which language the text is in.
    """
    name = " ".join(name.split())
    code = resolve_language(name)
    if code is None:
        ctx.report(
            ErrorCode.XLSFORM_TRANSLATION_CODE_MISSING,
            *where,
            column=column,
            fix=f"'{name}' is not a language Heard knows by name, so give its BCP 47 code "
            f"in brackets, as in `{prefix}English (en)`",
        )
        return UNDETERMINED
    known = english_name(code)
    spelled = name.title() if language_code(name) else known or code
    ctx.warn(
        ErrorCode.XLSFORM_LANGUAGE_CODE_ASSUMED,
        *where,
        column=column,
        name=name,
        language=f"{known} ({code})" if known else f"the code {code}",
        explicit=f"{prefix}{spelled} ({code})",
    )
    return code


def resolve_language(name: str) -> str | None:
    """Return the code `name` stands for, or None.

    `name` is a language's name in English (``English``, ``farsi``), in any
    case, or is itself a registered language code of two or three letters
    (``EN``), checked against the IANA registry that pyxform ships.

    Examples
    --------
    >>> resolve_language("French"), resolve_language("EN"), resolve_language("xx")
    ('fr', 'en', None)
    """
    code = language_code(name)
    if code is not None:
        return code
    name = name.strip().lower()
    if re.fullmatch(r"[a-z]{2,3}", name) and name in _registered_codes(len(name)):
        return name
    return None


def _registered_codes(length: int) -> set[str]:
    """Return the registered primary language subtags of `length` letters (2 or 3)."""
    return read_tags(
        "iana_subtags_2_characters.txt" if length == 2 else "iana_subtags_3_or_more_characters.txt"
    )


def _default_language(
    ctx: Context, languages: Languages, settings: Row | None, plain: list[tuple[Sheet, Column]]
) -> str | None:
    """Return the code of the default language, from settings or from the columns."""
    written = settings.get("default_language") if settings else None
    if written and settings:
        if written in languages.codes:  # a column's language label, as pyxform reads it
            return languages.codes[written]
        where = (SETTINGS, settings.number)
        return _label_code(ctx, where, "default_language", written, "")
    if plain and languages.order:
        for sheet, column in plain:
            ctx.report(
                ErrorCode.XLSFORM_TRANSLATION_CODE_MISSING,
                sheet.name,
                1,
                column=column.header,
                fix=f"name its language, as `{column.header}::English (en)`, "
                "or set default_language on the settings sheet",
            )
        return languages.order[0]
    if plain:
        ctx.warn(ErrorCode.XLSFORM_LANGUAGE_ASSUMED, SETTINGS, None, language="English (en)")
        return "en"
    return languages.order[0] if languages.order else None
