"""Read a ``project.qde`` (from Heard or another tool) into a Project.

The reader is tolerant of what tools do differently (GUID case and braces,
missing optional attributes, inline source text, CRLF sources) and strict about
what would make the project wrong: every GUID must be well formed and defined
once, and every reference must point at something the file defines.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from lxml import etree

from coding.errors import CodingError, ErrorCode
from coding.model import Case, Code, Codebook, Coder, Document, Note, Project
from coding.refi._codes import read_codes
from coding.refi._common import (
    child,
    child_text,
    children,
    grandchildren,
    local,
    optional_guid,
    refuse_duplicates,
    refuse_root,
    required,
    required_guid,
    where,
)
from coding.refi._project_write import CODER_ID, CODER_KINDS, KIND_SET, QUESTION_SET
from coding.refi._sources_read import FILE, IMPORTED_CODER, read_sources, source_text
from coding.refi.safe_zip import Archive


@dataclass(frozen=True)
class QdpxImport:
    """A project read from a ``.qdpx``, with what could not be brought over.

    ``warnings`` are sentences for the person importing: sources that are not
    text (PDF, pictures, audio, video) with their codings, and selections that
    carried a memo but no code.
    """

    project: Project
    warnings: tuple[str, ...] = ()


def read_project(root: etree._Element, archive: Archive | None) -> QdpxImport:
    """Return the project in the ``<Project>`` element `root`, its sources read from `archive`."""
    return _ProjectReader(root, archive).read()


class _ProjectReader:
    """One reading of one ``<Project>``: collects definitions and references, then checks them."""

    def __init__(self, root: etree._Element, archive: Archive | None) -> None:
        self.root = root
        self.archive = archive
        self.definitions: list[tuple[str, str]] = []
        self.references: list[tuple[str, str, str]] = []

    def read(self) -> QdpxImport:
        refuse_root(self.root, "Project", FILE)
        name = required(self.root, "name", FILE)
        crlf_is_one = "atlas.ti" in self.root.get("origin", "").casefold()
        sources = read_sources(child(self.root, "Sources"), self.archive, crlf_is_one)
        self.definitions += sources.definitions
        self.references += sources.references
        coders = self._users()
        codes, code_notes = self._codes()
        cases, case_of = self._cases()
        project_notes = [(note, None) for note in self._note_refs(self.root)]
        notes = self._notes([*code_notes, *sources.note_targets, *project_notes])
        documents = self._documents(sources.documents, case_of)
        refuse_duplicates(self.definitions)
        self._check_references(codes, coders, sources.sources, notes)
        if any(c.coder == IMPORTED_CODER for c in sources.codings) and IMPORTED_CODER not in {
            coder.guid for coder in coders
        }:
            coders.append(Coder(guid=IMPORTED_CODER, name="Imported coder", kind="imported"))
        project = Project(
            name=name,
            codebook=Codebook(codes=tuple(codes)),
            documents=tuple(documents),
            cases=tuple(cases),
            coders=tuple(coders),
            codings=tuple(sources.codings),
            notes=tuple(notes),
            description=child_text(self.root, "Description") or "",
        )
        return QdpxImport(project=project, warnings=tuple(sources.warnings))

    def _define(self, element: etree._Element) -> str:
        guid = required_guid(element, "guid", FILE)
        self.definitions.append((guid, where(FILE, element)))
        return guid

    def _refer(self, kind: str, element: etree._Element, attribute: str = "targetGUID") -> str:
        guid = required_guid(element, attribute, FILE)
        self.references.append((kind, guid, where(FILE, element)))
        return guid

    def _note_refs(self, element: etree._Element) -> list[str]:
        return [self._refer("note", ref) for ref in children(element, "NoteRef")]

    def _users(self) -> list[Coder]:
        """Return the users as coders; Heard's own say their kind in ``id="heard:<kind>"``."""
        coders = []
        for user in grandchildren(self.root, "Users", "User"):
            kind = user.get("id", "").removeprefix(CODER_ID)
            if not user.get("id", "").startswith(CODER_ID) or kind not in CODER_KINDS:
                kind = "imported"
            coders.append(Coder(guid=self._define(user), name=user.get("name", ""), kind=kind))
        return coders

    def _codes(self) -> tuple[list[Code], list[tuple[str, str | None]]]:
        codebook = child(self.root, "CodeBook")
        codes_element = None if codebook is None else child(codebook, "Codes")
        if codes_element is None:
            return [], []
        codes, note_refs = read_codes(codes_element, FILE)
        self.definitions += [(code.guid, f"code {code.name!r}") for code in codes]
        self.references += [("note", note, f"code {code!r}") for note, code in note_refs]
        return codes, list(note_refs)

    def _variables(self) -> dict[str, str]:
        """Return variable names by GUID."""
        found = grandchildren(self.root, "Variables", "Variable")
        return {self._define(v): required(v, "name", FILE) for v in found}

    def _cases(self) -> tuple[list[Case], dict[str, str]]:
        """Return the cases, and each document's case (the first case that lists it)."""
        variables = self._variables()
        cases: list[Case] = []
        case_of: dict[str, str] = {}
        for element in grandchildren(self.root, "Cases", "Case"):
            guid = self._define(element)
            attributes = {}
            for value in children(element, "VariableValue"):
                name, text = self._variable_value(value, variables)
                attributes[name] = text
            for ref in children(element, "SourceRef"):
                case_of.setdefault(self._refer("source", ref), guid)
            cases.append(Case(guid=guid, name=element.get("name", ""), attributes=attributes))
        return cases, case_of

    def _variable_value(self, value: etree._Element, variables: dict[str, str]) -> tuple[str, str]:
        ref = child(value, "VariableRef")
        if ref is None:
            detail = "<VariableValue> has no <VariableRef>"
            raise CodingError(ErrorCode.SCHEMA_INVALID, where=where(FILE, value), detail=detail)
        guid = required_guid(ref, "targetGUID", FILE)
        if guid not in variables:
            raise CodingError(ErrorCode.REFERENCE_UNKNOWN, where=where(FILE, ref), ref=guid)
        values = [element for element in value if local(element) not in ("", "VariableRef")]
        return variables[guid], (values[0].text or "") if values else ""

    def _notes(self, targets: list[tuple[str, str | None]]) -> list[Note]:
        """Return the notes, each about the first thing that refers to it (else the project)."""
        target_of: dict[str, str | None] = {}
        for note, target in targets:
            target_of.setdefault(note, target)
        notes = []
        for element in grandchildren(self.root, "Notes", "Note"):
            guid = self._define(element)
            author = optional_guid(element, "creatingUser", FILE)
            if author is not None:
                self._refer("user", element, "creatingUser")
            text = source_text(element, self.archive, element.get("name", ""))
            name = element.get("name", "Memo")
            notes.append(
                Note(guid=guid, text=text, target=target_of.get(guid), author=author, name=name)
            )
        return notes

    def _documents(self, documents: list[Document], case_of: dict[str, str]) -> list[Document]:
        """Return the documents with their case, and question and kind from Heard's sets."""
        question_of: dict[str, str] = {}
        kind_of: dict[str, str] = {}
        for element in grandchildren(self.root, "Sets", "Set"):
            self._define(element)
            name = element.get("name", "")
            members = [self._refer("source", m) for m in children(element, "MemberSource")]
            for prefix, found in ((QUESTION_SET, question_of), (KIND_SET, kind_of)):
                if name.startswith(prefix):
                    for member in members:
                        found.setdefault(member, name.removeprefix(prefix))
        return [
            dataclasses.replace(
                document,
                case=case_of.get(document.guid),
                question=question_of.get(document.guid),
                kind=kind_of.get(document.guid)
                or ("answer" if document.guid in question_of else "transcript"),
            )
            for document in documents
        ]

    def _check_references(
        self, codes: list[Code], coders: list[Coder], sources: set[str], notes: list[Note]
    ) -> None:
        known = {
            "code": {code.guid for code in codes},
            "user": {coder.guid for coder in coders},
            "source": sources,
            "note": {note.guid for note in notes},
        }
        for kind, guid, place in self.references:
            if guid not in known[kind]:
                raise CodingError(ErrorCode.REFERENCE_UNKNOWN, where=place, ref=guid)
