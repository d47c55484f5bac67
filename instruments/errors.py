"""The one catalogue of every message Heard gives about an instrument.

Each :class:`ErrorCode` has a stable UPPER_SNAKE code (shown in the web page,
the CLI and ``docs/instrument-format.md``) and a plain-English message
template. A :class:`Problem` is one finding with its place in the document;
:class:`InstrumentInvalid` carries every problem found in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)
"""How serious a :class:`Problem` is: an error stops loading, a warning does not."""


class ErrorCode(Enum):
    """A stable code and the plain-English template of its message.

    The value of each member is its code, so ``ErrorCode("UNKNOWN_TYPE")``
    finds a member from a code stored elsewhere.

    Examples
    --------
    >>> ErrorCode.LAYOUT_UNKNOWN.code
    'LAYOUT_UNKNOWN'
    >>> ErrorCode.LAYOUT_UNKNOWN.message(value="grid")
    "Unknown layout 'grid': use 'section' or 'item'."
    """

    template: str

    def __new__(cls, code: str, template: str) -> ErrorCode:
        member = object.__new__(cls)
        member._value_ = code
        member.template = template
        return member

    # The document as a whole
    FILE_UNREADABLE = ("FILE_UNREADABLE", "The file could not be read: {detail}.")
    DOCUMENT_TOO_LARGE = (
        "DOCUMENT_TOO_LARGE",
        "The instrument is {size} bytes long; the limit is {limit} bytes.",
    )
    DOCUMENT_TOO_DEEP = (
        "DOCUMENT_TOO_DEEP",
        "The instrument is nested more than {limit} levels deep.",
    )
    YAML_SYNTAX = ("YAML_SYNTAX", "This is not valid YAML: {detail}.")
    YAML_ALIAS = (
        "YAML_ALIAS",
        "YAML anchors and aliases (& and *) are not allowed: write each value out in full.",
    )
    YAML_TAG = ("YAML_TAG", "The YAML tag {tag} is not allowed: remove it.")
    NOT_A_MAPPING = (
        "NOT_A_MAPPING",
        "An instrument must be a mapping of keys (format, id, title, ...), not {found}.",
    )
    FORMAT_UNKNOWN = (
        "FORMAT_UNKNOWN",
        "Unknown format '{value}': this version of Heard reads 'heard-instrument/1'.",
    )
    # Keys and values
    MISSING_KEY = ("MISSING_KEY", "`{key}` is required here.")
    UNKNOWN_KEY = ("UNKNOWN_KEY", "Unknown key `{key}`{suggestion}.")
    DUPLICATE_KEY = (
        "DUPLICATE_KEY",
        "`{key}` appears more than once in this mapping (first on line {first_line}).",
    )
    WRONG_TYPE = ("WRONG_TYPE", "Expected {expected} here, found {found}.")
    INVALID_ID = ("INVALID_ID", "'{value}' is not a valid id: {rule}.")
    DUPLICATE_ID = (
        "DUPLICATE_ID",
        "The id '{value}' is already used (line {first_line}): "
        "ids must be unique among sections and items.",
    )
    KIND_UNKNOWN = (
        "KIND_UNKNOWN",
        "Unknown kind '{value}': use 'survey' or 'interview_guide'.",
    )
    LAYOUT_UNKNOWN = ("LAYOUT_UNKNOWN", "Unknown layout '{value}': use 'section' or 'item'.")
    ESTIMATED_MINUTES = (
        "ESTIMATED_MINUTES",
        "`estimated_minutes` must be a whole number from 1 to 240, not {value}.",
    )
    QUOTE_CONSENT_INVALID = (
        "QUOTE_CONSENT_INVALID",
        "`quote_consent` must be true (ask each respondent whether their words may be quoted) "
        "or false, not {found}.",
    )
    INVALID_URL = (
        "INVALID_URL",
        "'{value}' is not a web address starting with https:// or http://.",
    )
    INVALID_EMAIL = ("INVALID_EMAIL", "'{value}' is not an email address.")
    CONTACT_MISSING = (
        "CONTACT_MISSING",
        "`contact` needs at least one of `email`, `phone` or `address`.",
    )
    SUPPORT_INVALID = ("SUPPORT_INVALID", "This support information is incomplete: {reason}.")
    # Languages and text
    LANGUAGES_EMPTY = ("LANGUAGES_EMPTY", "`languages` must list at least one language.")
    INVALID_LANGUAGE_TAG = (
        "INVALID_LANGUAGE_TAG",
        "'{value}' is not a BCP 47 language tag (for example en, ar, pt-BR).",
    )
    DUPLICATE_LANGUAGE = (
        "DUPLICATE_LANGUAGE",
        "The language '{language}' is listed more than once.",
    )
    DEFAULT_LANGUAGE_UNDECLARED = (
        "DEFAULT_LANGUAGE_UNDECLARED",
        "The default language '{language}' is not listed in `languages`.",
    )
    LANGUAGE_UNDECLARED = (
        "LANGUAGE_UNDECLARED",
        "The language '{language}' is not listed in `languages`.",
    )
    TRANSLATION_MISSING = (
        "TRANSLATION_MISSING",
        "There is no '{language}' text here: every listed language needs one.",
    )
    EMPTY_TEXT = (
        "EMPTY_TEXT",
        "This text is empty: write it, or leave the key out if it is optional.",
    )
    # Sections and items
    SECTIONS_EMPTY = ("SECTIONS_EMPTY", "An instrument needs at least one section.")
    ITEMS_EMPTY = ("ITEMS_EMPTY", "A section needs at least one item.")
    CONTENT_NOTE_MISSING = (
        "CONTENT_NOTE_MISSING",
        "A sensitive section needs a `content_note` that says what it asks and why.",
    )
    UNKNOWN_TYPE = ("UNKNOWN_TYPE", "Unknown item type '{value}': use one of {types}.")
    KEY_NOT_FOR_TYPE = ("KEY_NOT_FOR_TYPE", "`{key}` does not apply to a {type} item.")
    IDENTIFIER_REQUESTED = (
        "IDENTIFIER_REQUESTED",
        "This item asks for a direct identifier ({what}): "
        "Heard instruments never ask for names, contact details, dates of birth "
        "or document numbers.",
    )
    NON_ANSWER_UNKNOWN = (
        "NON_ANSWER_UNKNOWN",
        "'{value}' is not a non-answer a respondent can choose: "
        "use prefer_not_to_say, dont_know or not_applicable.",
    )
    PREFER_NOT_TO_SAY_REQUIRED = (
        "PREFER_NOT_TO_SAY_REQUIRED",
        "`non_answers` must include prefer_not_to_say: a respondent must always be able to "
        "decline a question, and Heard stores that choice as its own code, never as a blank. "
        "Add prefer_not_to_say, or leave `non_answers` out to offer only it.",
    )
    CHOICES_MISSING = ("CHOICES_MISSING", "A {type} item needs a non-empty list of `choices`.")
    CHOICES_NOT_ALLOWED = (
        "CHOICES_NOT_ALLOWED",
        "`{key}` is only for {allowed} items, not {type}.",
    )
    INVALID_CHOICE_VALUE = (
        "INVALID_CHOICE_VALUE",
        "'{value}' is not a valid choice value: use lower-case letters, digits and _ "
        "(up to 63 characters, not starting with _).",
    )
    CHOICE_VALUE_RESERVED = (
        "CHOICE_VALUE_RESERVED",
        "'{value}' is a non-answer code, so it cannot be a choice value.",
    )
    DUPLICATE_CHOICE = (
        "DUPLICATE_CHOICE",
        "The value '{value}' appears more than once in this item.",
    )
    SELF_DESCRIBE_UNKNOWN = (
        "SELF_DESCRIBE_UNKNOWN",
        "`self_describe` names '{value}', which is not one of this item's choices.",
    )
    SCALE_POINTS = (
        "SCALE_POINTS",
        "A scale needs 2 to 11 points with whole-number values: {reason}.",
    )
    NUMBER_RANGE = ("NUMBER_RANGE", "Invalid number range: {reason}.")
    MAX_LENGTH = (
        "MAX_LENGTH",
        "`max_length` must be a whole number from 1 to 100000, "
        "on short_text and long_text items only.",
    )
    # Conditions (show_if)
    CONDITION_SYNTAX = (
        "CONDITION_SYNTAX",
        "The condition cannot be read: {detail} (column {column}).",
    )
    CONDITION_UNKNOWN_ITEM = (
        "CONDITION_UNKNOWN_ITEM",
        "The condition names '{item}', which is not an item of this instrument.",
    )
    CONDITION_FORWARD_REFERENCE = (
        "CONDITION_FORWARD_REFERENCE",
        "The condition names '{item}', which {where}: "
        "a condition may only name items that come before it.",
    )
    CONDITION_ON_NOTE = (
        "CONDITION_ON_NOTE",
        "The condition names '{item}', a note, which holds no answer.",
    )
    CONDITION_UNKNOWN_VALUE = (
        "CONDITION_UNKNOWN_VALUE",
        "'{item}' can never hold {value}: its values are {values}.",
    )
    CONDITION_IN_NEEDS_MULTIPLE_CHOICE = (
        "CONDITION_IN_NEEDS_MULTIPLE_CHOICE",
        "`in` needs a multiple_choice item on its right, and '{item}' is {type}.",
    )
    CONDITION_NEEDS_IN = (
        "CONDITION_NEEDS_IN",
        "'{item}' is a multiple_choice item and holds a list: "
        "write '{value}' in {item} rather than {item} {operator} '{value}'.",
    )
    # Interview guides
    TOPICS_EMPTY = ("TOPICS_EMPTY", "An interview guide needs at least one topic.")
    PROMPTS_EMPTY = (
        "PROMPTS_EMPTY",
        "A topic needs at least one prompt: what the interviewer asks first.",
    )
    KEY_NOT_FOR_KIND = (
        "KEY_NOT_FOR_KIND",
        "`{key}` does not apply to {kind}: {hint}.",
    )
    # The bundled library
    LIBRARY_UNKNOWN = (
        "LIBRARY_UNKNOWN",
        "There is no bundled instrument called '{name}'. Available: {available}.",
    )
    # Uploads of any kind
    UPLOAD_FILE_TYPE = (
        "UPLOAD_FILE_TYPE",
        "Only .yaml, .yml, .xlsx and .xls files can be uploaded: {detail}.",
    )
    # XLSForm import: the upload
    XLSFORM_FILE_TYPE = (
        "XLSFORM_FILE_TYPE",
        "Only .xlsx and .xls workbooks can be imported: {detail}.",
    )
    XLSFORM_TOO_LARGE = (
        "XLSFORM_TOO_LARGE",
        "The workbook is {size} bytes long; the limit is {limit} bytes.",
    )
    XLSFORM_EXPANDS_TOO_LARGE = (
        "XLSFORM_EXPANDS_TOO_LARGE",
        "The workbook would expand to {detail}, over the limit of {limit}: "
        "real forms are far smaller, so it was not opened.",
    )
    XLSFORM_MACRO_WORKBOOK = (
        "XLSFORM_MACRO_WORKBOOK",
        "The workbook contains macros ({detail}): Heard never opens macro-enabled "
        "workbooks. Save it as a plain Excel workbook (.xlsx) without macros.",
    )
    XLSFORM_UNREADABLE = ("XLSFORM_UNREADABLE", "The workbook could not be read: {detail}.")
    # XLSForm import: sheets and columns
    XLSFORM_SHEET_MISSING = (
        "XLSFORM_SHEET_MISSING",
        "The workbook has no `{sheet_name}` sheet{suggestion}.",
    )
    XLSFORM_COLUMN_MISSING = (
        "XLSFORM_COLUMN_MISSING",
        "The {sheet_name} sheet has no `{column}` column.",
    )
    XLSFORM_DUPLICATE_COLUMN = (
        "XLSFORM_DUPLICATE_COLUMN",
        "The column `{column}` appears more than once{where}: keep one.",
    )
    XLSFORM_COLUMN_UNSUPPORTED = (
        "XLSFORM_COLUMN_UNSUPPORTED",
        "Heard cannot carry over the `{column}` column: {reason}.",
    )
    XLSFORM_COLUMN_IGNORED = (
        "XLSFORM_COLUMN_IGNORED",
        "`{column}` was ignored: {reason}.",
    )
    XLSFORM_TRANSLATION_CODE_MISSING = (
        "XLSFORM_TRANSLATION_CODE_MISSING",
        "The column `{column}` does not give its language's code: {fix}.",
    )
    XLSFORM_LANGUAGE_CODE_ASSUMED = (
        "XLSFORM_LANGUAGE_CODE_ASSUMED",
        "The column `{column}` names its language without a code, so Heard took '{name}' "
        "to be {language}. If it is, say so by writing `{explicit}`; if not, give "
        "the right code in brackets.",
    )
    XLSFORM_LANGUAGE_ASSUMED = (
        "XLSFORM_LANGUAGE_ASSUMED",
        "The form does not say which language it is written in, so Heard took it to be "
        "{language}. If it is not, set default_language on the settings sheet, "
        "for example 'Français (fr)'.",
    )
    # XLSForm import: rows
    XLSFORM_UNSUPPORTED_TYPE = (
        "XLSFORM_UNSUPPORTED_TYPE",
        "The question type '{value}' cannot be imported: {reason}.",
    )
    XLSFORM_IDENTIFYING_METADATA = (
        "XLSFORM_IDENTIFYING_METADATA",
        "The type '{value}' would record {what} with every response: that can identify "
        "a respondent, and Heard never records it (anonymity, SAFETY.md). Remove this row.",
    )
    XLSFORM_TYPE_CONVERTED = ("XLSFORM_TYPE_CONVERTED", "The '{value}' question {how}.")
    XLSFORM_DATE_AS_MONTH_YEAR = (
        "XLSFORM_DATE_AS_MONTH_YEAR",
        "This date question asks for a month and year in Heard, not a full date: "
        "an exact date such as a birthday can identify a respondent.",
    )
    XLSFORM_LIST_MISSING = (
        "XLSFORM_LIST_MISSING",
        "The choice list '{value}' is not on the choices sheet, or has no choices.",
    )
    XLSFORM_NON_ANSWER_CHOICE = (
        "XLSFORM_NON_ANSWER_CHOICE",
        "The choice '{value}' became Heard's own non-answer {non_answer}, "
        "stored as a code of its own and never as a blank.",
    )
    XLSFORM_GROUP_UNBALANCED = (
        "XLSFORM_GROUP_UNBALANCED",
        "This '{value}' {reason}.",
    )
    XLSFORM_NESTED_GROUP = (
        "XLSFORM_NESTED_GROUP",
        "The group '{name}' is inside another group. Heard has one level of sections, "
        "so its questions joined the section '{section}' (its relevant, if any, is kept "
        "on each of them).",
    )
    XLSFORM_NAME_CHANGED = (
        "XLSFORM_NAME_CHANGED",
        "The name '{old}' is not a valid Heard {what}, so it became '{new}'.",
    )
    XLSFORM_LABEL_REFERENCE = (
        "XLSFORM_LABEL_REFERENCE",
        "The {column} shows an earlier answer ({reference}), which Heard never does: "
        "a page that repeats answers can be read over a respondent's shoulder. "
        "Write it without the reference.",
    )
    XLSFORM_RELEVANT_UNSUPPORTED = (
        "XLSFORM_RELEVANT_UNSUPPORTED",
        "This relevant expression cannot be carried over: {detail}. Heard understands "
        "comparisons of a question with a value (=, !=, <, <=, >, >=), selected(), "
        "and, or, not() and brackets.",
    )
    XLSFORM_CONSTRAINT_IGNORED = (
        "XLSFORM_CONSTRAINT_IGNORED",
        "The constraint '{value}' was ignored: Heard keeps only lower and upper bounds "
        "on numbers (such as . >= 0 and . <= 120) and a maximum text length.",
    )
    XLSFORM_PLACEHOLDER = (
        "XLSFORM_PLACEHOLDER",
        "Placeholder for {what}: the XLSForm does not give it, so Heard wrote one. "
        "Write it before the study is published.",
    )

    @property
    def code(self) -> str:
        """Return the stable code, such as ``"UNKNOWN_TYPE"``."""
        return self._value_

    def message(self, **details: object) -> str:
        """Return the message with `details` filled into the template."""
        return self.template.format(**details)

    def __str__(self) -> str:
        return self._value_


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an instrument, and where it is.

    `severity` is ``"error"`` (the default: the instrument cannot be loaded)
    or ``"warning"`` (it loads, but a person should look: the XLSForm
    importer reports what it changed or filled in this way).

    Examples
    --------
    >>> str(Problem(ErrorCode.ITEMS_EMPTY, "sections[0].items", "A section needs...", "s.yaml", 7))
    's.yaml:7: sections[0].items: [ITEMS_EMPTY] A section needs...'
    >>> str(Problem(ErrorCode.XLSFORM_NAME_CHANGED, "survey row 3", "...", "f.xlsx", 3, WARNING))
    'f.xlsx:3: survey row 3: [XLSFORM_NAME_CHANGED] (warning) ...'
    """

    code: ErrorCode
    path: str
    message: str
    file: str | None = None
    line: int | None = None
    severity: str = ERROR

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def is_error(self) -> bool:
        """Return True when the problem stops the instrument from loading."""
        return self.severity == ERROR

    def __str__(self) -> str:
        place = self.file or "<instrument>"
        if self.line is not None:
            place = f"{place}:{self.line}"
        path = f" {self.path}:" if self.path else ""
        label = "" if self.is_error else f" ({self.severity})"
        return f"{place}:{path} [{self.code.code}]{label} {self.message}"


class InstrumentInvalid(Exception):
    """An instrument failed to load; `problems` lists everything found wrong."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.problems)
        heading = f"The instrument has {count} problem{'' if count == 1 else 's'}:"
        return "\n".join([heading, *(f"  {problem}" for problem in self.problems)])

    @property
    def codes(self) -> frozenset[ErrorCode]:
        """Return the set of codes among the problems."""
        return frozenset(problem.code for problem in self.problems)
