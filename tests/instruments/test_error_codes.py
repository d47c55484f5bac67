"""Every code in the catalogue is reported, with its key path and line, by a tiny instrument."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from instruments import ErrorCode, InstrumentInvalid, Problem, load_instrument, load_library
from instruments._validate_yaml import MAX_DOCUMENT_BYTES
from instruments.upload import load_upload
from tests.instruments.builders import (
    choices,
    item,
    line_of,
    minimal_guide,
    minimal_instrument,
    section,
    to_yaml,
    with_items,
)
from tests.instruments.xlsform_cases import XLSFORM_CASES

FIRST_ITEM = "sections[0].items[0]"
SECOND_ITEM = "sections[0].items[1]"


@dataclass(frozen=True)
class Case:
    """How to trigger `code`, and where the problem must be reported.

    `line` is a piece of text whose (first, or `occurrence`-th) line is the
    expected line, or None when the problem has no line.
    """

    code: ErrorCode
    source: dict | str | Callable[[], object]
    path: str
    line: str | None = None
    occurrence: int = 1

    def text(self) -> str | None:
        if callable(self.source):
            return None
        return self.source if isinstance(self.source, str) else to_yaml(self.source)

    def expected_line(self) -> int | None:
        text = self.text()
        if self.line is None or text is None:
            return None
        return line_of(text, self.line, self.occurrence)


def _consent_without(part: str) -> dict:
    consent = minimal_instrument()["consent"]
    del consent[part]
    return minimal_instrument(consent=consent)


def _with_tag() -> str:
    text = to_yaml(minimal_instrument())
    return text.replace("purpose: To find", "purpose: !!python/object/apply:os.system\n- To find")


def _section(**keys: object) -> dict:
    return minimal_instrument(sections=[section("main", item("q1"), **keys)])


CASES = [
    # the document as a whole
    Case(ErrorCode.FILE_UNREADABLE,
         lambda: load_instrument(Path(__file__).parent / "no-such-instrument.yaml"), ""),
    Case(ErrorCode.DOCUMENT_TOO_LARGE, minimal_instrument(purpose="x" * MAX_DOCUMENT_BYTES), ""),
    Case(ErrorCode.DOCUMENT_TOO_DEEP, "format: " + "[" * 60 + "]" * 60 + "\n", "", "format"),
    Case(ErrorCode.YAML_SYNTAX, "format: heard-instrument/1\nsections:\n\t- id: a\n", "", "\t"),
    Case(ErrorCode.YAML_ALIAS, "format: heard-instrument/1\nid: &f tiny\n", "", "id: &f"),
    Case(ErrorCode.YAML_TAG, _with_tag(), "", "!!python"),
    Case(ErrorCode.NOT_A_MAPPING, "- format: heard-instrument/1\n", "", "- format"),
    Case(ErrorCode.FORMAT_UNKNOWN, minimal_instrument(format="heard-instrument/2"), "format",
         "format:"),
    # keys and values
    Case(ErrorCode.MISSING_KEY, _consent_without("withdrawal"), "consent.withdrawal", "consent:"),
    Case(ErrorCode.UNKNOWN_KEY, with_items(item("q1", requird=True)), f"{FIRST_ITEM}.requird",
         "requird"),
    Case(ErrorCode.DUPLICATE_KEY, to_yaml(minimal_instrument()) + "title: Another title\n",
         "title", "Another title"),
    Case(ErrorCode.WRONG_TYPE, minimal_instrument(estimated_minutes="ten"), "estimated_minutes",
         "estimated_minutes"),
    Case(ErrorCode.INVALID_ID, with_items(item("Q1")), f"{FIRST_ITEM}.id", "id: Q1"),
    Case(ErrorCode.DUPLICATE_ID, with_items(item("q1"), item("q1")), f"{SECOND_ITEM}.id",
         "id: q1", occurrence=2),
    Case(ErrorCode.KIND_UNKNOWN, minimal_instrument(kind="focus_group"), "kind", "kind:"),
    Case(ErrorCode.LAYOUT_UNKNOWN, minimal_instrument(layout="grid"), "layout", "layout:"),
    Case(ErrorCode.ESTIMATED_MINUTES, minimal_instrument(estimated_minutes=300),
         "estimated_minutes", "estimated_minutes"),
    Case(ErrorCode.QUOTE_CONSENT_INVALID, minimal_instrument(quote_consent="maybe"),
         "quote_consent", "quote_consent:"),
    Case(ErrorCode.INVALID_URL,
         minimal_instrument(organisation={"name": "Us", "url": "javascript:alert(1)"}),
         "organisation.url", "javascript"),
    Case(ErrorCode.INVALID_EMAIL, minimal_instrument(contact={"email": "research team"}),
         "contact.email", "research team"),
    Case(ErrorCode.CONTACT_MISSING, minimal_instrument(contact={"name": "The team"}), "contact",
         "contact:"),
    Case(ErrorCode.SUPPORT_INVALID, minimal_instrument(support={"en": [{"name": "Helpline"}]}),
         "support.en[0]", "name: Helpline"),
    # languages and text
    Case(ErrorCode.LANGUAGES_EMPTY, minimal_instrument(languages=[]), "languages", "languages"),
    Case(ErrorCode.INVALID_LANGUAGE_TAG, minimal_instrument(languages=["english"]),
         "languages[0]", "- english"),
    Case(ErrorCode.DUPLICATE_LANGUAGE, minimal_instrument(languages=["en", "en"]),
         "languages[1]", "- en", occurrence=2),
    Case(ErrorCode.DEFAULT_LANGUAGE_UNDECLARED, minimal_instrument(default_language="fr"),
         "default_language", "default_language"),
    Case(ErrorCode.LANGUAGE_UNDECLARED, minimal_instrument(title={"en": "Hi", "fr": "Salut"}),
         "title.fr", "fr: Salut"),
    Case(ErrorCode.TRANSLATION_MISSING,
         minimal_instrument(languages=["en", "ar"], title={"en": "Hi"}), "title.ar", "title:"),
    Case(ErrorCode.EMPTY_TEXT, with_items(item("q1", label=" ")), f"{FIRST_ITEM}.label",
         "label:"),
    # sections and items
    Case(ErrorCode.SECTIONS_EMPTY, minimal_instrument(sections=[]), "sections", "sections"),
    Case(ErrorCode.ITEMS_EMPTY, minimal_instrument(sections=[section("main")]),
         "sections[0].items", "items: []"),
    Case(ErrorCode.CONTENT_NOTE_MISSING, _section(sensitive=True), "sections[0].content_note",
         "- id: main"),
    Case(ErrorCode.UNKNOWN_TYPE, with_items(item("q1", "dropdown")), f"{FIRST_ITEM}.type",
         "dropdown"),
    Case(ErrorCode.KEY_NOT_FOR_TYPE, with_items(item("intro", "note", required=True)),
         f"{FIRST_ITEM}.required", "required"),
    Case(ErrorCode.IDENTIFIER_REQUESTED,
         with_items(item("q1", "short_text", label="What is your full name?")),
         f"{FIRST_ITEM}.label", "full name"),
    Case(ErrorCode.NON_ANSWER_UNKNOWN,
         with_items(item("q1", non_answers=["prefer_not_to_say", "skipped"])),
         f"{FIRST_ITEM}.non_answers[1]", "- skipped"),
    Case(ErrorCode.PREFER_NOT_TO_SAY_REQUIRED, with_items(item("q1", non_answers=["dont_know"])),
         f"{FIRST_ITEM}.non_answers", "non_answers"),
    Case(ErrorCode.CHOICES_MISSING, with_items(item("q1", "single_choice")),
         f"{FIRST_ITEM}.choices", "single_choice"),
    Case(ErrorCode.CHOICES_NOT_ALLOWED, with_items(item("q1", choices=choices("y", "n"))),
         f"{FIRST_ITEM}.choices", "choices"),
    Case(ErrorCode.INVALID_CHOICE_VALUE,
         with_items(item("q1", "single_choice", choices=choices("Yes please", "no"))),
         f"{FIRST_ITEM}.choices[0].value", "Yes please"),
    Case(ErrorCode.CHOICE_VALUE_RESERVED,
         with_items(item("q1", "single_choice", choices=choices("a", "dont_know"))),
         f"{FIRST_ITEM}.choices[1].value", "value: dont_know"),
    Case(ErrorCode.DUPLICATE_CHOICE,
         with_items(item("q1", "multiple_choice", choices=choices("a", "a"))),
         f"{FIRST_ITEM}.choices[1].value", "value: a", occurrence=2),
    Case(ErrorCode.SELF_DESCRIBE_UNKNOWN,
         with_items(item("q1", "single_choice", choices=choices("a", "other"),
                         self_describe="another")),
         f"{FIRST_ITEM}.self_describe", "self_describe"),
    Case(ErrorCode.SCALE_POINTS,
         with_items(item("q1", "scale", points=[{"value": 1, "label": "Bad"}])),
         f"{FIRST_ITEM}.points", "points"),
    Case(ErrorCode.NUMBER_RANGE, with_items(item("q1", "number", min=10, max=1)),
         f"{FIRST_ITEM}.min", "min:"),
    Case(ErrorCode.MAX_LENGTH, with_items(item("q1", "short_text", max_length=0)),
         f"{FIRST_ITEM}.max_length", "max_length"),
    # conditions
    Case(ErrorCode.CONDITION_SYNTAX, with_items(item("q1"), item("q2", show_if="q1 = 'yes'")),
         f"{SECOND_ITEM}.show_if", "show_if"),
    Case(ErrorCode.CONDITION_UNKNOWN_ITEM,
         with_items(item("q1"), item("q2", show_if="nobody == 'yes'")),
         f"{SECOND_ITEM}.show_if", "show_if"),
    Case(ErrorCode.CONDITION_FORWARD_REFERENCE,
         with_items(item("q1", show_if="q2 == 'yes'"), item("q2")),
         f"{FIRST_ITEM}.show_if", "show_if"),
    Case(ErrorCode.CONDITION_ON_NOTE,
         with_items(item("intro", "note"), item("q2", show_if="intro == 'yes'")),
         f"{SECOND_ITEM}.show_if", "show_if"),
    Case(ErrorCode.CONDITION_UNKNOWN_VALUE,
         with_items(item("q1"), item("q2", show_if="q1 == 'maybe'")),
         f"{SECOND_ITEM}.show_if", "show_if"),
    Case(ErrorCode.CONDITION_IN_NEEDS_MULTIPLE_CHOICE,
         with_items(item("q1"), item("q2", show_if="'yes' in q1")),
         f"{SECOND_ITEM}.show_if", "show_if"),
    Case(ErrorCode.CONDITION_NEEDS_IN,
         with_items(item("q1", "multiple_choice", choices=choices("a", "b")),
                    item("q2", show_if="q1 == 'a'")),
         f"{SECOND_ITEM}.show_if", "show_if"),
    # interview guides
    Case(ErrorCode.TOPICS_EMPTY, minimal_guide(topics=[]), "topics", "topics"),
    Case(ErrorCode.PROMPTS_EMPTY,
         minimal_guide(topics=[{"id": "arrival", "title": "Arriving", "prompts": []}]),
         "topics[0].prompts", "prompts"),
    Case(ErrorCode.KEY_NOT_FOR_KIND, minimal_guide(layout="item"), "layout", "layout:"),
    # the bundled library
    Case(ErrorCode.LIBRARY_UNKNOWN, lambda: load_library("no-such-instrument"), ""),
    # uploads
    Case(ErrorCode.UPLOAD_FILE_TYPE, lambda: _uploaded(b"format: x", "notes.txt"), ""),
]  # fmt: skip


def _uploaded(data: bytes, filename: str) -> None:
    """Raise the problems of an upload, as loading does."""
    raise InstrumentInvalid(load_upload(data, filename).problems)


def _problems(case: Case) -> tuple[Problem, ...]:
    with pytest.raises(InstrumentInvalid) as caught:
        if callable(case.source):
            case.source()
        else:
            load_instrument(case.text(), filename="study.yaml")
    return caught.value.problems


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.code.code)
def test_each_code_is_reported_at_its_key_path_and_line(case: Case) -> None:
    problems = _problems(case)
    reported = [(p.path, p.line) for p in problems if p.code is case.code]
    assert (case.path, case.expected_line()) in reported, "\n".join(map(str, problems))


def test_every_error_code_has_a_case_that_triggers_it() -> None:
    # The XLSForm codes are triggered by workbooks: see tests/instruments/xlsform_cases.py.
    assert [case.code for case in CASES] + [case.code for case in XLSFORM_CASES] == list(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_each_code_is_its_own_name_in_upper_snake_case(code: ErrorCode) -> None:
    assert code.code == code.name
    assert code.code.isupper() and " " not in code.code


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_each_message_reads_as_a_sentence_once_filled_in(code: ErrorCode) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(code.template) if name}

    message = code.message(**dict.fromkeys(fields, "x"))

    assert message[0].isupper() or message[0] in "`'"
    assert message.endswith(".")
    assert "{" not in message


def test_a_code_found_by_its_stored_string_is_the_same_member() -> None:
    assert ErrorCode("UNKNOWN_TYPE") is ErrorCode.UNKNOWN_TYPE


def test_the_problem_names_the_file_line_path_and_code() -> None:
    problem = Problem(ErrorCode.ITEMS_EMPTY, "sections[1].items", "Add one.", "s.yaml", 12)

    assert str(problem) == "s.yaml:12: sections[1].items: [ITEMS_EMPTY] Add one."


def test_a_problem_without_file_or_line_still_reads_clearly() -> None:
    problem = Problem(ErrorCode.LIBRARY_UNKNOWN, "", "There is none.")

    assert str(problem) == "<instrument>: [LIBRARY_UNKNOWN] There is none."


def test_the_exception_lists_every_problem() -> None:
    problems = [
        Problem(ErrorCode.EMPTY_TEXT, "title", "Empty.", "s.yaml", 4),
        Problem(ErrorCode.SECTIONS_EMPTY, "sections", "None.", "s.yaml", 9),
    ]

    message = str(InstrumentInvalid(problems))

    assert "2 problems" in message
    assert all(str(problem) in message for problem in problems)


def test_the_minimal_instrument_the_cases_start_from_is_itself_valid() -> None:
    assert load_instrument(to_yaml(minimal_instrument())).id == "tiny-study"


def test_the_format_documentation_lists_every_code() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "instrument-format.md").read_text("utf-8")

    assert [code.code for code in ErrorCode if f"| `{code.code}` |" not in docs] == []
