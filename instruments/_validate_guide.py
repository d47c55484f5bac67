"""Read and check what only an interview guide has: its topics, prompts and follow-ups.

A guide (``kind: interview_guide``) shares the top level of a survey (title,
purpose, languages, consent read aloud, support) but has `topics` instead of
`sections`, and stores no answers. Keys that only mean something in a
survey (`sections`, `layout`, `quote_consent`) are refused with KEY_NOT_FOR_KIND, and so is
`topics` in a survey, so a person who forgot `kind` is told what to add.
"""

from __future__ import annotations

from yaml.nodes import Node

from instruments._validate_identifiers import identifier_in_label, translation_place
from instruments._validate_items import IDENTIFIER, RESERVED_SEPARATOR
from instruments._validate_reader import Reader, child
from instruments._validate_yaml import line_of
from instruments.errors import ErrorCode
from instruments.schema import Text, Topic

SURVEY_ONLY = ("sections", "layout", "quote_consent")
GUIDE_ONLY = ("topics",)
TOPIC_REQUIRED = ("id", "title", "prompts")
TOPIC_OPTIONAL = ("follow_ups", "content_note", "sensitive")
_HINTS = {
    "sections": "an interview guide has `topics` instead of sections",
    "layout": "an interview guide is shown as one page of topics, so remove it",
    "quote_consent": "a guide's notes are not a response, so ask it in the consent you read aloud",
    "topics": "`topics` belong to an interview guide (add `kind: interview_guide`)",
}


def report_other_kind_keys(reader: Reader, root_entries: dict[str, Node], guide: bool) -> None:
    """Report (and drop from `root_entries`) the top-level keys of the other kind."""
    others = SURVEY_ONLY if guide else GUIDE_ONLY
    kind = "an interview guide" if guide else "a survey"
    for key in others:
        node = root_entries.pop(key, None)
        if node is not None:
            reader.report(
                ErrorCode.KEY_NOT_FOR_KIND, key, node, key=key, kind=kind, hint=_HINTS[key]
            )


def read_topics(reader: Reader, node: Node | None) -> tuple[Topic, ...]:
    """Return the topics under `node`, recording every problem in `reader`."""
    children = [] if node is None else reader.read_list(node, "topics")
    if children == [] and node is not None:
        reader.report(ErrorCode.TOPICS_EMPTY, "topics", node)
    seen: dict[str, int | None] = {}
    topics = (
        _read_topic(reader, topic_node, child("topics", index), seen)
        for index, topic_node in enumerate(children or ())
    )
    return tuple(topic for topic in topics if topic is not None)


def _read_topic(reader: Reader, node: Node, path: str, seen: dict[str, int | None]) -> Topic | None:
    entries = reader.read_mapping(node, path, TOPIC_REQUIRED, TOPIC_OPTIONAL)
    if entries is None:
        return None
    topic_id = _read_topic_id(reader, entries, path, seen)
    sensitive = reader.read_optional(entries, "sensitive", path, reader.read_bool) or False
    note_node = entries.get("content_note")
    content_note = (
        None if note_node is None else reader.read_text(note_node, child(path, "content_note"))
    )
    if sensitive and note_node is None:
        reader.report(ErrorCode.CONTENT_NOTE_MISSING, child(path, "content_note"), node)
    title_node = entries.get("title")
    return Topic(
        id=topic_id or "",
        title=None if title_node is None else reader.read_text(title_node, child(path, "title")),
        prompts=_read_texts(reader, entries, "prompts", path, needed=True),
        follow_ups=_read_texts(reader, entries, "follow_ups", path, needed=False),
        content_note=content_note,
        sensitive=sensitive,
    )


def _read_topic_id(
    reader: Reader, entries: dict[str, Node], path: str, seen: dict[str, int | None]
) -> str | None:
    node = entries.get("id")
    value = None if node is None else reader.read_string(node, child(path, "id"))
    if value is None:
        return None
    if not IDENTIFIER.fullmatch(value) or RESERVED_SEPARATOR in value:
        rule = "use lower-case letters, digits and single _, starting with a letter"
        reader.report(ErrorCode.INVALID_ID, child(path, "id"), node, value=value, rule=rule)
    elif value in seen:
        reader.report(
            ErrorCode.DUPLICATE_ID, child(path, "id"), node, value=value, first_line=seen[value]
        )
    else:
        seen[value] = line_of(node)
    return value


def _read_texts(
    reader: Reader, entries: dict[str, Node], key: str, path: str, *, needed: bool
) -> tuple[Text, ...]:
    """Return a list of texts (prompts or follow-ups); prompts may not be empty."""
    node = entries.get(key)
    if node is None:
        return ()
    list_path = child(path, key)
    children = reader.read_list(node, list_path)
    if children == [] and needed:
        reader.report(ErrorCode.PROMPTS_EMPTY, list_path, node)
    texts = []
    for index, text_node in enumerate(children or ()):
        text = reader.read_text(text_node, child(list_path, index))
        if text is None:
            continue
        _refuse_identifiers(reader, text, child(list_path, index), text_node)
        texts.append(text)
    return tuple(texts)


def _refuse_identifiers(reader: Reader, text: Text, path: str, node: Node) -> None:
    """Report a prompt that asks for a direct identifier, as for a survey question."""
    for language, written in text.translations.items():
        what = identifier_in_label(written, language)
        if what is not None:
            where, at = translation_place(node, path, language)
            reader.report(ErrorCode.IDENTIFIER_REQUESTED, where, at, what=what)
            return
