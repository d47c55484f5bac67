"""Build ``project.qde`` and the source files from a canonical Project (see _project_check).

Element order follows the schema's sequences; attribute order is fixed; lists
keep the project's order, except codings (by position) and variables, question
and kind sets (by name), so the same project always gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from lxml import etree

from coding.model import Coding, Project
from coding.refi._codes import append_codes
from coding.refi._common import ORIGIN, PROJECT_NS, derived_guid, sub, utf8, xml_safe
from coding.refi._descriptions import compose_selection_description

QUESTION_SET = "Question: "
KIND_SET = "Kind: "
CODER_ID = "heard:"
CODER_KINDS = ("person", "consensus", "imported")

NotesOn = Mapping[str | None, list[str]]


def source_member(guid: str) -> str:
    """Return the archive member holding the text of the source `guid`."""
    return f"sources/{guid}.txt"


def build_project(project: Project) -> tuple[etree._Element, list[tuple[str, bytes]]]:
    """Return the ``<Project>`` element and the ``(member, UTF-8 text)`` of every source."""
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
    root.set("name", xml_safe(project.name, "project name"))
    root.set("origin", ORIGIN)
    notes_on: dict[str | None, list[str]] = defaultdict(list)
    for note in project.notes:
        notes_on[note.target].append(note.guid)
    _append_users(root, project)
    if project.codebook.codes:
        append_codes(sub(root, "CodeBook", "codebook"), project.codebook, notes_on)
    _append_cases(root, project)
    _append_sources(root, project, notes_on)
    _append_notes(root, project)
    _append_sets(root, project)
    if project.description:
        sub(root, "Description", "project description", text=project.description)
    for guid in notes_on[None]:
        sub(root, "NoteRef", "project", targetGUID=guid)
    members = [
        (source_member(d.guid), utf8(d.text, f"document {d.name!r}")) for d in project.documents
    ]
    return root, members


def _append_users(root: etree._Element, project: Project) -> None:
    if not project.coders:
        return
    users = sub(root, "Users", "coders")
    for coder in project.coders:
        place = f"coder {coder.name!r}"
        kind = coder.kind if coder.kind in CODER_KINDS else "imported"
        sub(users, "User", place, guid=coder.guid, name=coder.name, id=CODER_ID + kind)


def _append_cases(root: etree._Element, project: Project) -> None:
    """Append the case variables (all Text) and the cases with their values and documents."""
    names = sorted({name for case in project.cases for name in case.attributes})
    if names:
        variables = sub(root, "Variables", "case attributes")
        for name in names:
            place = f"case attribute {name!r}"
            guid = derived_guid("variable", name)
            sub(variables, "Variable", place, guid=guid, name=name, typeOfVariable="Text")
    if not project.cases:
        return
    cases = sub(root, "Cases", "cases")
    for case in project.cases:
        place = f"case {case.name!r}"
        element = sub(cases, "Case", place, guid=case.guid, name=case.name)
        for name in sorted(case.attributes):
            value = sub(element, "VariableValue", place)
            sub(value, "VariableRef", place, targetGUID=derived_guid("variable", name))
            sub(value, "TextValue", f"{place}, attribute {name!r}", text=case.attributes[name])
        for document in project.documents:
            if document.case == case.guid:
                sub(element, "SourceRef", place, targetGUID=document.guid)


def _append_sources(root: etree._Element, project: Project, notes_on: NotesOn) -> None:
    """Append a TextSource per document with one PlainTextSelection per coding."""
    if not project.documents:
        return
    codings = defaultdict(list)
    for coding in sorted(project.codings, key=lambda c: (c.start, c.end, c.guid)):
        codings[coding.document].append(coding)
    sources = sub(root, "Sources", "documents")
    for document in project.documents:
        place = f"document {document.name!r}"
        path = "internal://" + source_member(document.guid).removeprefix("sources/")
        attributes = {"guid": document.guid, "name": document.name, "plainTextPath": path}
        source = sub(sources, "TextSource", place, **attributes)
        for coding in codings[document.guid]:
            _append_selection(source, coding, place)
        for guid in notes_on.get(document.guid, []):
            sub(source, "NoteRef", place, targetGUID=guid)


def _append_selection(source: etree._Element, coding: Coding, place: str) -> None:
    """Append the coding as a selection holding its memo and one Coding of its code."""
    selection = sub(
        source,
        "PlainTextSelection",
        place,
        guid=derived_guid("selection", coding.guid),
        startPosition=str(coding.start),
        endPosition=str(coding.end),
        creatingUser=coding.coder,
    )
    memo = compose_selection_description(coding.memo, coding.distressing)
    if memo:
        sub(selection, "Description", f"memo of coding {coding.guid!r}", text=memo)
    element = sub(selection, "Coding", place, guid=coding.guid, creatingUser=coding.coder)
    sub(element, "CodeRef", place, targetGUID=coding.code)


def _append_notes(root: etree._Element, project: Project) -> None:
    if not project.notes:
        return
    notes = sub(root, "Notes", "notes")
    for note in project.notes:
        place = f"note {note.name!r}"
        author = {"creatingUser": note.author} if note.author else {}
        element = sub(notes, "Note", place, guid=note.guid, name=note.name, **author)
        sub(element, "PlainTextContent", place, text=note.text)


def _append_sets(root: etree._Element, project: Project) -> None:
    """Append a Set per question and per kind of document (none at all when there are none)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for document in project.documents:
        if document.question is not None:
            groups[QUESTION_SET, document.question].append(document.guid)
        groups[KIND_SET, document.kind].append(document.guid)
    if not groups:
        return
    sets = sub(root, "Sets", "question sets")
    for (prefix, value), members in sorted(groups.items()):
        place = f"set {prefix}{value!r}"
        guid = derived_guid(prefix, value)
        element = sub(sets, "Set", place, guid=guid, name=prefix + value)
        sub(element, "Description", place, text=_set_description(prefix, value))
        for member in members:
            sub(element, "MemberSource", place, targetGUID=member)


def _set_description(prefix: str, value: str) -> str:
    if prefix == QUESTION_SET:
        return f"Answers to the question {value!r}, grouped by Heard."
    return f"Documents of the kind {value!r} in Heard."
