"""The one catalogue of every message Heard gives about a codebook, a span or an exchange file.

Each :class:`ErrorCode` has a stable UPPER_SNAKE code (the same in the web
page, the CLI and the docs) and a plain-English message template.
:class:`CodingError` carries one code, its filled-in message and where the
problem is (a CSV row, an XML element, a zip member, a key).

Examples
--------
>>> err = CodingError(ErrorCode.SPAN_OUT_OF_RANGE, start=3, end=90, length=40)
>>> err.code
'SPAN_OUT_OF_RANGE'
>>> str(err)
'The span 3-90 lies outside the text, which is 40 characters long.'
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    """A stable code and the plain-English template of its message."""

    template: str

    def __new__(cls, code: str, template: str) -> ErrorCode:
        member = object.__new__(cls)
        member._value_ = code
        member.template = template
        return member

    @property
    def code(self) -> str:
        """Return the stable code."""
        return self.value

    def message(self, **values: object) -> str:
        """Return the message with `values` filled in."""
        return self.template.format(**values)

    # Spans and offsets (coding.spans, coding.segments, coding.text)
    SPAN_EMPTY = ("SPAN_EMPTY", "The span {start}-{end} is empty: select some text.")
    SPAN_OUT_OF_RANGE = (
        "SPAN_OUT_OF_RANGE",
        "The span {start}-{end} lies outside the text, which is {length} characters long.",
    )
    SPAN_REVERSED = ("SPAN_REVERSED", "The span {start}-{end} ends before it starts.")
    OFFSET_SPLITS_SURROGATE = (
        "OFFSET_SPLITS_SURROGATE",
        "The position {offset} falls inside a character (between the two halves of a "
        "surrogate pair): select whole characters.",
    )
    OFFSET_NOT_INTEGER = ("OFFSET_NOT_INTEGER", "The position {value!r} is not a whole number.")

    # The codebook (coding.codebook, coding.codebook_rules, coding.codebook_csv)
    CODE_NAME_EMPTY = ("CODE_NAME_EMPTY", "A code needs a name.")
    CODE_NAME_CONTROL = (
        "CODE_NAME_CONTROL",
        "The code name contains {char}, which a name cannot hold: a code name is one line "
        "of visible text.",
    )
    CODE_NAME_TOO_LONG = (
        "CODE_NAME_TOO_LONG",
        "The code name is {length} characters long; the limit is {limit}.",
    )
    CODE_NAME_TAKEN = (
        "CODE_NAME_TAKEN",
        "There is already a code called {name!r} here: choose another name.",
    )
    CODE_UNKNOWN = ("CODE_UNKNOWN", "There is no code {ref!r} in this codebook.")
    CODE_PARENT_UNKNOWN = (
        "CODE_PARENT_UNKNOWN",
        "The parent {parent!r} of code {name!r} is not in this codebook.",
    )
    CODE_CYCLE = (
        "CODE_CYCLE",
        "{name!r} cannot go under {parent!r}: that is inside it.",
    )
    CODE_NOT_CODABLE = (
        "CODE_NOT_CODABLE",
        "{name!r} is a category: it groups codes and cannot be applied to text.",
    )
    CODE_IN_USE = (
        "CODE_IN_USE",
        "{name!r} is applied to {count} segment(s): move them to another code or remove "
        "them before deleting it.",
    )
    CODE_HAS_CHILDREN = (
        "CODE_HAS_CHILDREN",
        "{name!r} has codes under it: move or delete them first.",
    )
    CODE_COLOUR_INVALID = (
        "CODE_COLOUR_INVALID",
        "The colour {value!r} is not a colour like #1F77B4.",
    )
    MERGE_INTO_ITSELF = ("MERGE_INTO_ITSELF", "A code cannot be merged into itself.")
    CSV_COLUMN_MISSING = (
        "CSV_COLUMN_MISSING",
        "The CSV has no {column!r} column; the columns are: {columns}.",
    )
    CSV_UNREADABLE = ("CSV_UNREADABLE", "The CSV could not be read: {detail}.")
    CSV_VALUE_INVALID = ("CSV_VALUE_INVALID", "The {column} {value!r} cannot be used: {reason}.")
    # A rule of any codebook (in memory, or a CSV's guid column); GUID_DUPLICATED below is
    # the exchange file's rule, over every kind of element (a code and a source, say).
    CODE_GUID_TAKEN = (
        "CODE_GUID_TAKEN",
        "The identifier {guid!r} is given to more than one code in this codebook: each code "
        "needs its own.",
    )
    CODE_PARENT_AFTER_CHILD = (
        "CODE_PARENT_AFTER_CHILD",
        "{name!r} comes before its parent {parent!r}: a parent must come first.",
    )
    CODE_CATEGORY_UNDER_CODE = (
        "CODE_CATEGORY_UNDER_CODE",
        "{name!r} is a category, so it cannot go under the code {parent!r}: put it at the "
        "top level or in another category.",
    )
    CODING_UNKNOWN = ("CODING_UNKNOWN", "There is no segment {ref!r} here.")

    # Exchange files (coding.refi, and the imports that read them)
    FILE_TOO_LARGE = ("FILE_TOO_LARGE", "The file is {size} bytes; the limit is {limit} bytes.")
    FILE_TYPE = (
        "FILE_TYPE",
        "{name!r} is not a file Heard can import here: use {expected}.",
    )
    XML_INVALID = ("XML_INVALID", "The XML could not be read: {detail}.")
    XML_FORBIDDEN = (
        "XML_FORBIDDEN",
        "The XML uses {feature}, which is not allowed in an exchange file.",
    )
    SCHEMA_INVALID = ("SCHEMA_INVALID", "The file does not follow the REFI-QDA schema: {detail}.")
    ZIP_INVALID = ("ZIP_INVALID", "This is not a readable .qdpx (zip) file: {detail}.")
    ZIP_UNSAFE_MEMBER = (
        "ZIP_UNSAFE_MEMBER",
        "The archive member {member!r} has an unsafe name (absolute, or leading outside "
        "the archive).",
    )
    ZIP_TOO_LARGE = (
        "ZIP_TOO_LARGE",
        "The archive would unpack to more than {limit} bytes (or member {member!r} is too "
        "large); it is refused.",
    )
    ZIP_TOO_MANY_MEMBERS = (
        "ZIP_TOO_MANY_MEMBERS",
        "The archive has {count} members; the limit is {limit}.",
    )
    PROJECT_MISSING = ("PROJECT_MISSING", "The archive has no project.qde file.")
    SOURCE_MISSING = (
        "SOURCE_MISSING",
        "The source {name!r} refers to {path!r}, which is not in the archive.",
    )
    GUID_INVALID = ("GUID_INVALID", "{value!r} is not a GUID.")
    REFERENCE_UNKNOWN = (
        "REFERENCE_UNKNOWN",
        "This refers to {ref!r}, which is not defined in the file.",
    )
    SELECTION_OUT_OF_RANGE = (
        "SELECTION_OUT_OF_RANGE",
        "The selection {start}-{end} in source {name!r} lies outside its text "
        "({length} characters).",
    )
    OFFSET_OUT_OF_RANGE = (
        "OFFSET_OUT_OF_RANGE",
        "The position {offset} lies outside the text, whose positions run from 0 to {length}.",
    )
    GUID_DUPLICATED = (
        "GUID_DUPLICATED",
        "The GUID {value!r} is given to more than one element of the file (a code, a "
        "source, a user or any other): each element needs its own.",
    )
    SOURCE_UNREADABLE = ("SOURCE_UNREADABLE", "The source {name!r} cannot be imported: {detail}.")
    CHARACTER_NOT_ALLOWED = (
        "CHARACTER_NOT_ALLOWED",
        "The text contains the character {char}, which an exchange file cannot hold: "
        "remove it and export again.",
    )

    # Transcripts (coding.transcripts); FILE_TYPE, FILE_TOO_LARGE and the ZIP_ codes apply too
    TRANSCRIPT_EMPTY = ("TRANSCRIPT_EMPTY", "The transcript is empty: there is no text in it.")
    TRANSCRIPT_ENCODING = (
        "TRANSCRIPT_ENCODING",
        "The file is not text in a known encoding (UTF-8, UTF-16): {detail}. Save it as "
        "UTF-8 text and upload it again.",
    )
    TRANSCRIPT_BINARY = (
        "TRANSCRIPT_BINARY",
        "The file is binary or garbled, not a transcript ({detail}): upload plain text "
        "(.txt), Word (.docx), WebVTT (.vtt) or SubRip (.srt).",
    )
    TRANSCRIPT_PATTERN_INVALID = (
        "TRANSCRIPT_PATTERN_INVALID",
        "The speaker pattern cannot be used: {detail}.",
    )
    TRANSCRIPT_NO_CUES = (
        "TRANSCRIPT_NO_CUES",
        "The {kind} file has no cues with text (a cue starts with a time line such as {example}).",
    )
    TRANSCRIPT_CUE_TIME_INVALID = (
        "TRANSCRIPT_CUE_TIME_INVALID",
        "The cue time line {value!r} is not like {example}.",
    )
    DOCX_INVALID = (
        "DOCX_INVALID",
        "This is not a readable Word (.docx) document: {detail}.",
    )
    DOCX_MACROS = (
        "DOCX_MACROS",
        "The Word document contains macros ({detail}); Heard does not read macro-enabled "
        "documents: save it as a plain Word document (.docx) and upload it again.",
    )
    DOCX_EXTERNAL = (
        "DOCX_EXTERNAL",
        "The Word document loads something from outside itself ({detail}); Heard does not "
        "read documents that fetch external content: remove it, or save the transcript as "
        "plain text, and upload it again.",
    )

    # Redaction (coding.redaction)
    REDACTION_KIND_UNKNOWN = (
        "REDACTION_KIND_UNKNOWN",
        "The kind {kind!r} is not a kind of redaction: use one of {kinds}.",
    )
    REDACTION_OVERLAP = (
        "REDACTION_OVERLAP",
        "The redactions {first} and {second} overlap: merge them or shorten one.",
    )
    REDACTION_LANGUAGE_INVALID = (
        "REDACTION_LANGUAGE_INVALID",
        "The language {language!r} is not a language code such as 'en' or 'pt-BR'.",
    )


class CodingError(ValueError):
    """One problem with a codebook, a span or an exchange file.

    Parameters
    ----------
    error : ErrorCode
        What went wrong.
    where : str, optional
        Where: ``"row 4"``, ``"project.qde, <Code name='x'>"``, a member name.
    **values
        Filled into the message template.
    """

    def __init__(self, error: ErrorCode, where: str | None = None, **values: object) -> None:
        self.error = error
        self.where = where
        self.values = values
        super().__init__(error.message(**values))

    @property
    def code(self) -> str:
        """Return the stable code of the problem."""
        return self.error.code

    def __str__(self) -> str:
        text = self.error.message(**self.values)
        return f"{self.where}: {text}" if self.where else text
