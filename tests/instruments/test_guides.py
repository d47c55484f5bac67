"""Interview guides: topics with prompts and follow-ups, checked like any instrument."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, load_instrument, load_library
from tests.instruments.builders import (
    DELETE,
    codes_of,
    minimal_guide,
    minimal_instrument,
    problems_of,
    to_yaml,
)


def _topic(**keys: object) -> dict:
    return {"id": "arrival", "title": "Arriving", "prompts": ["How did you come here?"], **keys}


def test_a_guide_loads_with_its_topics_prompts_and_follow_ups() -> None:
    guide = load_instrument(to_yaml(minimal_guide(topics=[_topic(follow_ups=["Who helped?"])])))

    assert guide.kind == "interview_guide" and guide.is_guide
    assert guide.sections == ()
    assert [t.id for t in guide.topics] == ["arrival"]
    assert guide.topics[0].prompts[0].get("en") == "How did you come here?"
    assert guide.topics[0].follow_ups[0].get("en") == "Who helped?"


def test_an_instrument_without_kind_is_a_survey_without_topics() -> None:
    survey = load_instrument(to_yaml(minimal_instrument()))

    assert survey.kind == "survey" and not survey.is_guide
    assert survey.topics == ()


def test_a_topic_without_prompts_is_refused_with_missing_key() -> None:
    topic = _topic()
    del topic["prompts"]

    problems = problems_of(minimal_guide(topics=[topic]))

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.MISSING_KEY, "topics[0].prompts")]


def test_an_unknown_topic_key_suggests_the_nearest_one() -> None:
    problems = problems_of(minimal_guide(topics=[_topic(folow_ups=["Who?"])]))

    assert [p.code for p in problems] == [ErrorCode.UNKNOWN_KEY]
    assert "follow_ups" in problems[0].message


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"sections": minimal_instrument()["sections"]}, "sections"),
        ({"layout": "item"}, "layout"),
    ],
)
def test_a_guide_with_survey_keys_is_refused_naming_the_key(overrides: dict, key: str) -> None:
    problems = problems_of(minimal_guide(**overrides))

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.KEY_NOT_FOR_KIND, key)]
    assert "interview guide" in problems[0].message


def test_a_survey_with_topics_is_told_to_declare_a_guide() -> None:
    problems = problems_of(minimal_instrument(topics=[_topic()]))

    assert [p.code for p in problems] == [ErrorCode.KEY_NOT_FOR_KIND]
    assert "kind: interview_guide" in problems[0].message


def test_a_guide_needs_topics() -> None:
    assert codes_of(minimal_guide(topics=DELETE)) == [ErrorCode.MISSING_KEY]


def test_a_sensitive_topic_needs_a_content_note() -> None:
    assert codes_of(minimal_guide(topics=[_topic(sensitive=True)])) == [
        ErrorCode.CONTENT_NOTE_MISSING
    ]


def test_topic_ids_are_identifiers_and_unique() -> None:
    topics = [_topic(), _topic(), _topic(id="Bad id")]

    assert codes_of(minimal_guide(topics=topics)) == [ErrorCode.DUPLICATE_ID, ErrorCode.INVALID_ID]


def test_a_prompt_asking_for_a_name_is_refused() -> None:
    topic = _topic(prompts=["What is your full name?"])

    problems = problems_of(minimal_guide(topics=[topic]))

    assert [(p.code, p.path) for p in problems] == [
        (ErrorCode.IDENTIFIER_REQUESTED, "topics[0].prompts[0]")
    ]


def test_every_language_needs_each_prompt() -> None:
    guide = minimal_guide(topics=[_topic(title={"en": "Arriving", "ar": "الوصول"})])
    guide |= {"languages": ["en", "ar"], "title": {"en": "Guide", "ar": "دليل"}}

    problems = problems_of(guide)

    assert ("topics[0].prompts[0].ar", ErrorCode.TRANSLATION_MISSING) in {
        (p.path, p.code) for p in problems
    }


def test_the_bundled_police_interview_guide_follows_the_survey_themes() -> None:
    guide = load_library("police-response-interview")

    assert guide.is_guide
    ids = [topic.id for topic in guide.topics]
    assert {"first_contact", "treated_as", "immigration", "support"} <= set(ids)
    assert all(topic.content_note for topic in guide.topics if topic.sensitive)
