"""Read and check the top level of an instrument: everything but its sections."""

from __future__ import annotations

import re
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode

from instruments._validate_conditions import check_conditions
from instruments._validate_guide import GUIDE_ONLY, SURVEY_ONLY, read_topics, report_other_kind_keys
from instruments._validate_items import read_sections
from instruments._validate_reader import Reader, child, describe
from instruments._validate_yaml import BOOL, scalar_value
from instruments.errors import ErrorCode
from instruments.schema import (
    INTERVIEW_GUIDE,
    KINDS,
    Consent,
    Contact,
    Instrument,
    Organisation,
    SupportResource,
)

FORMAT = "heard-instrument/1"
SLUG = re.compile(r"[a-z][a-z0-9-]{1,62}")
LAYOUTS = ("section", "item")
MINUTES = range(1, 241)

TOP_REQUIRED = (
    "format",
    "id",
    "version",
    "title",
    "purpose",
    "languages",
    "estimated_minutes",
    "organisation",
    "contact",
    "consent",
    "sections",
)
TOP_OPTIONAL = ("kind", "default_language", "layout", "support", "quote_consent")


def read_instrument(reader: Reader, root: Node | None) -> Instrument | None:
    """Return the instrument in `root`, recording every problem in `reader`.

    The result is only meaningful when `reader.problems` is empty.
    """
    if not isinstance(root, MappingNode):
        found = "an empty document" if root is None else describe(root)
        reader.report(ErrorCode.NOT_A_MAPPING, "", root, found=found)
        return None
    if not _format_is_known(reader, root):
        return None  # another format: its other keys would only add noise
    guide = _declared_kind(root) == INTERVIEW_GUIDE
    required, optional = _top_keys(guide)
    entries = reader.read_mapping(root, "", required, optional) or {}
    report_other_kind_keys(reader, entries, guide)
    reader.read_optional(entries, "format", "", reader.read_string)  # a list, say: WRONG_TYPE
    languages = _read_languages(reader, entries)
    sections, outline = read_sections(reader, entries.get("sections"))
    check_conditions(reader, outline)
    return Instrument(
        id=_read_slug(reader, entries),
        version=reader.read_optional(entries, "version", "", reader.read_string),
        title=reader.read_optional(entries, "title", "", reader.read_text),
        purpose=reader.read_optional(entries, "purpose", "", reader.read_text),
        languages=languages,
        default_language=reader.default_language or "",
        estimated_minutes=_read_minutes(reader, entries),
        organisation=_read_organisation(reader, entries.get("organisation")),
        contact=_read_contact(reader, entries.get("contact")),
        consent=_read_consent(reader, entries.get("consent")),
        sections=sections,
        support=_read_support(reader, entries.get("support")),
        kind=_read_one_of(reader, entries, "kind", KINDS, ErrorCode.KIND_UNKNOWN),
        layout=_read_one_of(reader, entries, "layout", LAYOUTS, ErrorCode.LAYOUT_UNKNOWN),
        topics=read_topics(reader, entries.get("topics")) if guide else (),
        quote_consent=_read_quote_consent(reader, entries.get("quote_consent")),
    )


def _declared_kind(root: MappingNode) -> str | None:
    """Return the `kind` the document declares, if it is written as plain text."""
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "kind" and isinstance(value, ScalarNode):
            return value.value
    return None


def _top_keys(guide: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the required and optional top-level keys of a guide or a survey.

    The keys of the other kind count as known, so they are reported once, as
    KEY_NOT_FOR_KIND, rather than as unknown.
    """
    if guide:
        required = tuple(key for key in TOP_REQUIRED if key != "sections") + GUIDE_ONLY
        return required, (*TOP_OPTIONAL, *SURVEY_ONLY)
    return TOP_REQUIRED, (*TOP_OPTIONAL, *GUIDE_ONLY)


def _format_is_known(reader: Reader, root: MappingNode) -> bool:
    """Return False (and report it) when the document declares a format other than ours."""
    for key, value in root.value:
        if key.value == "format" and isinstance(value, ScalarNode) and value.value != FORMAT:
            reader.report(ErrorCode.FORMAT_UNKNOWN, "format", value, value=value.value)
            return False
    return True


def _read_languages(reader: Reader, entries: dict[str, Node]) -> tuple[str, ...]:
    """Return the declared languages, and set them on `reader` when they are usable."""
    node = entries.get("languages")
    children = None if node is None else reader.read_list(node, "languages")
    if children == []:
        reader.report(ErrorCode.LANGUAGES_EMPTY, "languages", node)
    languages: list[str] = []
    usable = bool(children)
    for index, language_node in enumerate(children or ()):
        language = reader.read_language(language_node, child("languages", index))
        if language is None:
            usable = False
        elif language.lower() in (known.lower() for known in languages):
            reader.report(
                ErrorCode.DUPLICATE_LANGUAGE,
                child("languages", index),
                language_node,
                language=language,
            )
        else:
            languages.append(language)
    reader.languages = tuple(languages) if usable else None
    default = reader.read_optional(entries, "default_language", "", reader.read_language)
    if default is not None and usable and default not in languages:
        reader.report(
            ErrorCode.DEFAULT_LANGUAGE_UNDECLARED,
            "default_language",
            entries["default_language"],
            language=default,
        )
    reader.default_language = default or next(iter(languages), None)
    return tuple(languages)


def _read_slug(reader: Reader, entries: dict[str, Node]) -> str | None:
    value = reader.read_optional(entries, "id", "", reader.read_string)
    if value is not None and not SLUG.fullmatch(value):
        rule = "use 2 to 63 lower-case letters, digits and -, starting with a letter"
        reader.report(ErrorCode.INVALID_ID, "id", entries["id"], value=value, rule=rule)
    return value


def _read_minutes(reader: Reader, entries: dict[str, Node]) -> int | None:
    minutes = reader.read_optional(entries, "estimated_minutes", "", reader.read_int)
    if minutes is not None and minutes not in MINUTES:
        reader.report(
            ErrorCode.ESTIMATED_MINUTES,
            "estimated_minutes",
            entries["estimated_minutes"],
            value=minutes,
        )
    return minutes


def _read_one_of(
    reader: Reader, entries: dict[str, Node], key: str, allowed: tuple[str, ...], code: ErrorCode
) -> str:
    value = reader.read_optional(entries, key, "", reader.read_string)
    if value is not None and value not in allowed:
        reader.report(code, key, entries[key], value=value)
    return value or allowed[0]


def _read_quote_consent(reader: Reader, node: Node | None) -> bool:
    """Return whether respondents are asked if their words may be quoted (default: not asked)."""
    if node is None:
        return False
    if isinstance(node, ScalarNode) and node.tag == BOOL:
        return bool(scalar_value(node))
    found = describe(node)
    found = repr(node.value) if found == "text" else found
    reader.report(ErrorCode.QUOTE_CONSENT_INVALID, "quote_consent", node, found=found)
    return False


def _read_organisation(reader: Reader, node: Node | None) -> Organisation | None:
    entries = (
        None if node is None else reader.read_mapping(node, "organisation", ("name",), ("url",))
    )
    if entries is None:
        return None
    return Organisation(
        name=reader.read_optional(entries, "name", "organisation", reader.read_text),
        url=reader.read_optional(entries, "url", "organisation", reader.read_url),
    )


def _read_contact(reader: Reader, node: Node | None) -> Contact | None:
    keys = ("name", "email", "phone", "address")
    entries = None if node is None else reader.read_mapping(node, "contact", (), keys)
    if entries is None:
        return None
    if not {"email", "phone", "address"} & entries.keys():
        reader.report(ErrorCode.CONTACT_MISSING, "contact", node)
    return Contact(
        name=reader.read_optional(entries, "name", "contact", reader.read_text, required=False),
        email=reader.read_optional(entries, "email", "contact", reader.read_email),
        phone=reader.read_optional(entries, "phone", "contact", reader.read_string),
        address=reader.read_optional(
            entries, "address", "contact", reader.read_text, required=False
        ),
    )


def _read_consent(reader: Reader, node: Node | None) -> Consent | None:
    entries = None if node is None else reader.read_mapping(node, "consent", Consent.PARTS)
    if entries is None:
        return None
    parts = {
        part: reader.read_optional(entries, part, "consent", reader.read_text)
        for part in Consent.PARTS
    }
    return Consent(**parts)


def _read_support(
    reader: Reader, node: Node | None
) -> MappingProxyType[str, tuple[SupportResource, ...]]:
    """Return the support resources per language; none when not given.

    With no `support`, Heard shows its own default (the UK Modern Slavery &
    Exploitation Helpline and 999): the web application owns that list.
    """
    if node is None:
        return MappingProxyType({})
    support: dict[str, tuple[SupportResource, ...]] = {}
    for language, key_node, list_node in reader.read_entries(node, "support") or ():
        path = child("support", language)
        if reader.languages is not None and language not in reader.languages:
            reader.report(ErrorCode.LANGUAGE_UNDECLARED, path, key_node, language=language)
            continue
        support[language] = _read_resources(reader, list_node, path)
    if isinstance(node, MappingNode):
        for language in reader.languages or ():
            if language not in support:
                reader.report(
                    ErrorCode.TRANSLATION_MISSING,
                    child("support", language),
                    node,
                    language=language,
                )
    return MappingProxyType(support)


def _read_resources(reader: Reader, node: Node, path: str) -> tuple[SupportResource, ...]:
    children = reader.read_list(node, path)
    if children == []:
        reader.report(ErrorCode.SUPPORT_INVALID, path, node, reason="the list is empty")
    resources = []
    for index, resource_node in enumerate(children or ()):
        resource_path = child(path, index)
        keys = ("phone", "url", "description")
        entries = reader.read_mapping(resource_node, resource_path, ("name",), keys)
        if entries is None:
            continue
        if not {"phone", "url"} & entries.keys():
            reader.report(
                ErrorCode.SUPPORT_INVALID,
                resource_path,
                resource_node,
                reason="a resource needs a `phone` or a `url`",
            )
        resources.append(
            SupportResource(
                name=reader.read_optional(entries, "name", resource_path, reader.read_string) or "",
                phone=reader.read_optional(entries, "phone", resource_path, reader.read_string),
                url=reader.read_optional(entries, "url", resource_path, reader.read_url),
                description=reader.read_optional(
                    entries, "description", resource_path, reader.read_string
                ),
            )
        )
    return tuple(resources)
