"""The codebook: checks and immutable operations on a tree of codes and categories.

Every operation returns a new object. Those that reshape the tree take a
Codebook; those whose codings follow (merge, split, delete) take a Project.

The rules: a name (cleaned by :func:`clean_name`) has a visible character, at
most :data:`NAME_LIMIT` characters, and is unique among its siblings by
:func:`name_key`, so "Fear" and "fear" cannot share a parent. GUIDs are
unique; a parent exists and comes before its children in ``codes``; no code is
its own ancestor; a category sits at the top level or inside a category (it
groups codes: inside a code it would make that code a folder too); a colour is
``#RRGGBB``. Operations keep a depth-first ``codes`` order depth-first.

Examples
--------
>>> book, fear = add_code(Codebook(), "Fear")
>>> book, police = add_code(book, "of the police", parent=fear.guid)
>>> code_paths(book)[police.guid]
'Fear/of the police'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from coding.errors import CodingError, ErrorCode
from coding.model import Code, Codebook, Coding, Project, new_guid  # noqa: F401 (Coding: the examples)
from coding.segments import recode

NAME_LIMIT = 200
EDITABLE_FIELDS = frozenset(
    {"codable", "definition", "when_to_use", "when_not_to_use", "example", "colour"}
)
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")

Problem = tuple[ErrorCode, dict[str, object]]


def clean_name(name: str) -> str:
    """Return `name` in NFC without surrounding whitespace.

    Examples
    --------
    >>> clean_name("  Cafe\\u0301 \\n")
    'Café'
    """
    return unicodedata.normalize("NFC", name).strip()


def name_key(name: str) -> str:
    """Return what sibling names are compared by: the clean name, case folded, in NFC.

    Examples
    --------
    >>> name_key(" Straße") == name_key("STRASSE")
    True
    """
    return unicodedata.normalize("NFC", clean_name(name).casefold())


def _name_problem(name: str) -> Problem | None:
    # Whitespace and format characters (zero-width space, direction marks) show nothing.
    if not any(not c.isspace() and unicodedata.category(c) != "Cf" for c in name):
        return ErrorCode.CODE_NAME_EMPTY, {}
    if len(name) > NAME_LIMIT:
        return ErrorCode.CODE_NAME_TOO_LONG, {"length": len(name), "limit": NAME_LIMIT}
    return None


def _colour_problem(colour: object) -> Problem | None:
    if isinstance(colour, str) and _COLOUR.fullmatch(colour):
        return None
    return ErrorCode.CODE_COLOUR_INVALID, {"value": colour}


def _nesting_problem(code: Code, parent: Code | None) -> Problem | None:
    if not code.codable and parent is not None and parent.codable:
        return ErrorCode.CODE_CATEGORY_UNDER_CODE, {"name": code.name, "parent": parent.name}
    return None


def _raise(problem: Problem | None) -> None:
    if problem is not None:
        raise CodingError(problem[0], **problem[1])


def _ancestors(codes: Mapping[str, Code], guid: str | None) -> list[str]:
    """Return the GUIDs above `guid`, nearest first (stopping at a loop or a missing parent)."""
    found: list[str] = []
    current = codes[guid].parent if guid in codes else None
    while current is not None and current in codes and current not in found:
        found.append(current)
        current = codes[current].parent
    return found


def find_problems(codebook: Codebook) -> Iterator[tuple[int, CodingError]]:
    """Yield ``(index, error)`` for every problem, `index` being the code's place in ``codes``.

    The errors carry no `where`: :func:`validate_codebook` says "code 3 ('Fear')",
    the CSV reader says "row 4". Problems come in codebook order.

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"), Code("b", " fear")))
    >>> [(index, error.code) for index, error in find_problems(book)]
    [(1, 'CODE_NAME_TAKEN')]
    """
    codes = codebook.by_guid()
    seen: set[str] = set()
    names: dict[tuple[str | None, str], str] = {}
    for index, code in enumerate(codebook.codes):
        if code.guid in seen:
            yield index, CodingError(ErrorCode.CODE_GUID_TAKEN, guid=code.guid)
        naming = _name_problem(clean_name(code.name))
        key = (code.parent, name_key(code.name))
        if naming is None and key in names:
            naming = ErrorCode.CODE_NAME_TAKEN, {"name": names[key]}
        names.setdefault(key, code.name)
        for problem in (naming, _colour_problem(code.colour), _parent_problem(codes, seen, code)):
            if problem is not None:
                yield index, CodingError(problem[0], **problem[1])
        seen.add(code.guid)


def _parent_problem(codes: Mapping[str, Code], seen: set[str], code: Code) -> Problem | None:
    if code.parent is None:
        return None
    if code.parent not in codes:
        return ErrorCode.CODE_PARENT_UNKNOWN, {"parent": code.parent, "name": code.name}
    parent = codes[code.parent]
    if code.parent == code.guid or code.guid in _ancestors(codes, code.parent):
        return ErrorCode.CODE_CYCLE, {"name": code.name, "parent": parent.name}
    if code.parent not in seen:
        return ErrorCode.CODE_PARENT_AFTER_CHILD, {"name": code.name, "parent": parent.name}
    return _nesting_problem(code, parent)


def validate_codebook(codebook: Codebook) -> list[CodingError]:
    """Return every problem of `codebook`, each placed as ``code N ('name')``.

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"), Code("b", "Debt", colour="red")))
    >>> [str(error) for error in validate_codebook(book)]
    ["code 2 ('Debt'): The colour 'red' is not a colour like #1F77B4."]
    """
    return [_placed(codebook, index, error) for index, error in find_problems(codebook)]


def _placed(codebook: Codebook, index: int, error: CodingError) -> CodingError:
    where = f"code {index + 1} ({codebook.codes[index].name!r})"
    return CodingError(error.error, where=where, **error.values)


def check_codebook(codebook: Codebook) -> None:
    """Raise the first problem of `codebook` (see :func:`validate_codebook`), if any.

    Examples
    --------
    >>> check_codebook(Codebook((Code("a", "Fear"), Code("b", "Debt"))))
    """
    for index, error in find_problems(codebook):
        raise _placed(codebook, index, error)


def _get(codes: Mapping[str, Code], guid: str) -> Code:
    if guid not in codes:
        raise CodingError(ErrorCode.CODE_UNKNOWN, ref=guid)
    return codes[guid]


def check_name(
    codebook: Codebook, name: str, parent: str | None, exclude: str | None = None
) -> str:
    """Return `name` cleaned, or raise why it cannot go under `parent` (a GUID or None).

    Parameters
    ----------
    exclude : str, optional
        A code not to compare with: the one being renamed or moved.

    Raises
    ------
    CodingError
        CODE_NAME_EMPTY, CODE_NAME_TOO_LONG, CODE_PARENT_UNKNOWN or CODE_NAME_TAKEN
        (naming the sibling that has it).

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"),))
    >>> check_name(book, "  Debt bondage ", None)
    'Debt bondage'
    >>> check_name(book, "FEAR", None)
    Traceback (most recent call last):
    coding.errors.CodingError: There is already a code called 'Fear' here: choose another name.
    """
    cleaned = clean_name(name)
    _raise(_name_problem(cleaned))
    if parent is not None and parent not in codebook.by_guid():
        raise CodingError(ErrorCode.CODE_PARENT_UNKNOWN, parent=parent, name=cleaned)
    key = name_key(cleaned)
    for sibling in codebook.children(parent):
        if sibling.guid != exclude and name_key(sibling.name) == key:
            raise CodingError(ErrorCode.CODE_NAME_TAKEN, name=sibling.name)
    return cleaned


def check_move(codebook: Codebook, guid: str, new_parent: str | None) -> None:
    """Raise why the code `guid` cannot go under `new_parent` (None: the top level), if it cannot.

    Raises
    ------
    CodingError
        CODE_UNKNOWN, CODE_PARENT_UNKNOWN, CODE_CYCLE (under itself or its own
        descendant), CODE_CATEGORY_UNDER_CODE or CODE_NAME_TAKEN.

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"), Code("b", "Police", parent="a")))
    >>> check_move(book, "a", "b")
    Traceback (most recent call last):
    coding.errors.CodingError: 'Fear' cannot go under 'Police': that is inside it.
    """
    codes = codebook.by_guid()
    code = _get(codes, guid)
    if new_parent is not None:
        if new_parent not in codes:
            raise CodingError(ErrorCode.CODE_PARENT_UNKNOWN, parent=new_parent, name=code.name)
        if new_parent == guid or guid in _ancestors(codes, new_parent):
            raise CodingError(ErrorCode.CODE_CYCLE, name=code.name, parent=codes[new_parent].name)
        _raise(_nesting_problem(code, codes[new_parent]))
    check_name(codebook, code.name, new_parent, exclude=guid)


def _subtree(codes: Sequence[Code], guid: str) -> list[int]:
    """Return the indices of `guid` and its descendants (one pass: parents come first)."""
    inside: set[str] = set()
    indices: list[int] = []
    for index, code in enumerate(codes):
        if code.guid == guid or code.parent in inside:
            inside.add(code.guid)
            indices.append(index)
    return indices


def _insert(
    rest: list[Code], block: list[Code], parent: str | None, position: int | None
) -> tuple[Code, ...]:
    """Put `block` (a code and its descendants) among `parent`'s children at `position`."""
    siblings = [i for i, code in enumerate(rest) if code.parent == parent]
    if position is not None and max(position, 0) < len(siblings):
        at = siblings[max(position, 0)]
    elif parent is None:
        at = len(rest)
    else:  # after the parent's last descendant, so a depth-first order stays one
        at = _subtree(rest, parent)[-1] + 1
    return (*rest[:at], *block, *rest[at:])


def _check_fields(fields: Mapping[str, object], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"cannot set {', '.join(unknown)}; settable: {', '.join(sorted(allowed))}")


def add_code(
    codebook: Codebook, name: str, parent: str | None = None, **fields: object
) -> tuple[Codebook, Code]:
    """Return the codebook with a new code last under `parent` (a GUID or None), and the code.

    Parameters
    ----------
    **fields
        Any of :data:`EDITABLE_FIELDS`; ``codable=False`` makes a category.

    Examples
    --------
    >>> book, group = add_code(Codebook(), "Control", codable=False)
    >>> book, code = add_code(book, "Debt bondage", parent=group.guid, colour="#1F77B4")
    >>> [c.name for c in book.children(group.guid)]
    ['Debt bondage']
    """
    _check_fields(fields, EDITABLE_FIELDS)
    cleaned = check_name(codebook, name, parent)
    code = Code(new_guid(), cleaned, parent, **fields)  # type: ignore[arg-type]
    _raise(_colour_problem(code.colour))
    _raise(_nesting_problem(code, codebook.by_guid().get(parent) if parent else None))
    return replace(codebook, codes=_insert(list(codebook.codes), [code], parent, None)), code


def update_code(codebook: Codebook, guid: str, **fields: object) -> Codebook:
    """Return the codebook with fields of one code changed (its name, entry, colour, kind).

    Turning a code into a category does not look at codings: check
    :func:`coding.segments.coding_counts` first. Move a code with :func:`move_code`.

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"),))
    >>> update_code(book, "a", definition="Afraid of harm.", colour="#D62728").codes[0].colour
    '#D62728'
    """
    _check_fields(fields, EDITABLE_FIELDS | {"name"})
    codes = codebook.by_guid()
    code = _get(codes, guid)
    if "name" in fields:
        fields["name"] = check_name(codebook, str(fields["name"]), code.parent, exclude=guid)
    updated = replace(code, **fields)  # type: ignore[arg-type]
    _raise(_colour_problem(updated.colour))
    _raise(_nesting_problem(updated, codes.get(code.parent) if code.parent else None))
    for child in codebook.children(guid):
        _raise(_nesting_problem(child, updated))
    return replace(codebook, codes=tuple(updated if c.guid == guid else c for c in codebook.codes))


def rename_code(codebook: Codebook, guid: str, name: str) -> Codebook:
    """Return the codebook with one code renamed.

    Examples
    --------
    >>> rename_code(Codebook((Code("a", "Fear"),)), "a", " Fear of harm ").codes[0].name
    'Fear of harm'
    """
    return update_code(codebook, guid, name=name)


def move_code(
    codebook: Codebook, guid: str, new_parent: str | None, position: int | None = None
) -> Codebook:
    """Return the codebook with a code, and everything under it, moved under `new_parent`.

    `position` is its place among its new siblings (0 first; None or past the
    end: last). Checked with :func:`check_move`.

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"), Code("b", "Debt"), Code("c", "Police", parent="a")))
    >>> [(c.name, c.parent) for c in move_code(book, "c", None, position=0).codes]
    [('Police', None), ('Fear', None), ('Debt', None)]
    """
    check_move(codebook, guid, new_parent)
    indices = _subtree(codebook.codes, guid)
    block = [codebook.codes[i] for i in indices]
    block[0] = replace(block[0], parent=new_parent)
    moved = set(indices)
    rest = [code for i, code in enumerate(codebook.codes) if i not in moved]
    return replace(codebook, codes=_insert(rest, block, new_parent, position))


def code_paths(codebook: Codebook, sep: str = "/") -> dict[str, str]:
    """Return every code's path from the top, names joined by `sep`, in one pass.

    Examples
    --------
    >>> book = Codebook((Code("a", "Control", codable=False), Code("b", "Debt", parent="a")))
    >>> code_paths(book, sep=" > ")
    {'a': 'Control', 'b': 'Control > Debt'}
    """
    paths: dict[str, str] = {}
    for code in codebook.codes:
        if code.parent is None:
            paths[code.guid] = code.name
        elif code.parent in paths:
            paths[code.guid] = paths[code.parent] + sep + code.name
        else:  # a problem is certain: the parent is missing, later, or in a loop
            _raise(_parent_problem(codebook.by_guid(), set(paths), code))
    return paths


def merge_codes(project: Project, source: str, target: str) -> Project:
    """Return the project with code `source` merged into code `target`.

    The source's codings move to the target; one that would repeat a coding
    the target has (same document, coder, start and end) is dropped, its memo
    joined to the target's and its distressing flag kept. The source's
    children move, in order, to the end of the target's; memos on the source
    move to the target; the source goes.

    Raises
    ------
    CodingError
        CODE_UNKNOWN, MERGE_INTO_ITSELF, CODE_NOT_CODABLE (the target is a
        category), CODE_CYCLE (the target is under the source), or
        CODE_NAME_TAKEN / CODE_CATEGORY_UNDER_CODE for a child that cannot move.

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"), Code("b", "Afraid")))
    >>> project = Project("p", book, codings=(Coding("x", "d", "b", "ann", 0, 4),))
    >>> merged = merge_codes(project, "b", "a")
    >>> [c.name for c in merged.codebook.codes], [c.code for c in merged.codings]
    (['Fear'], ['a'])
    """
    codebook = project.codebook
    codes = codebook.by_guid()
    source_code, target_code = _get(codes, source), _get(codes, target)
    if source == target:
        raise CodingError(ErrorCode.MERGE_INTO_ITSELF)
    if not target_code.codable:
        raise CodingError(ErrorCode.CODE_NOT_CODABLE, name=target_code.name)
    if source in _ancestors(codes, target):
        raise CodingError(ErrorCode.CODE_CYCLE, name=source_code.name, parent=target_code.name)
    for child in codebook.children(source):
        codebook = move_code(codebook, child.guid, target)
    codebook = replace(codebook, codes=tuple(c for c in codebook.codes if c.guid != source))
    notes = tuple(replace(n, target=target) if n.target == source else n for n in project.notes)
    codings = recode(project.codings, source, target)
    return replace(project, codebook=codebook, codings=codings, notes=notes)


def split_code(
    project: Project, guid: str, names: Sequence[str], assign: Mapping[str, int]
) -> tuple[Project, list[Code]]:
    """Return the project with new codes under code `guid`, and those new codes.

    The new codes are children of the code split, in the order of `names`,
    with its colour: the split refines its meaning, and the parent's totals
    (with its subcodes) do not change. `assign` maps a coding GUID of the code
    split to the index of its new code in `names`; codings not assigned stay.

    Raises
    ------
    CodingError
        CODE_UNKNOWN (the code, or an index with no new code), CODE_NOT_CODABLE,
        a name problem (see :func:`check_name`), or CODING_UNKNOWN (a coding
        that is not one of the code's).

    Examples
    --------
    >>> project = Project("p", Codebook((Code("a", "Fear"),)),
    ...                   codings=(Coding("x", "d", "a", "ann", 0, 4),))
    >>> split, (police, boss) = split_code(project, "a", ["Police", "Boss"], {"x": 1})
    >>> split.codings[0].code == boss.guid, police.parent
    (True, 'a')
    """
    if isinstance(names, str):
        raise TypeError("names must be a sequence of names, not one string")
    codebook = project.codebook
    code = _get(codebook.by_guid(), guid)
    if not code.codable:
        raise CodingError(ErrorCode.CODE_NOT_CODABLE, name=code.name)
    created: list[Code] = []
    for name in names:
        codebook, new = add_code(codebook, name, parent=guid, colour=code.colour)
        created.append(new)
    own = {coding.guid for coding in project.codings if coding.code == guid}
    for coding_guid, index in assign.items():
        if coding_guid not in own:
            raise CodingError(ErrorCode.CODING_UNKNOWN, ref=coding_guid)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(created):
            raise CodingError(ErrorCode.CODE_UNKNOWN, ref=f"new code {index!r}")
    codings = tuple(
        replace(c, code=created[assign[c.guid]].guid) if c.code == guid and c.guid in assign else c
        for c in project.codings
    )
    return replace(project, codebook=codebook, codings=codings), created


def delete_code(project: Project, guid: str, segments: str = "refuse") -> Project:
    """Return the project without code `guid`.

    Parameters
    ----------
    guid : str
        The code or category; CODE_HAS_CHILDREN if anything is under it.
    segments : str
        What becomes of its codings: ``"refuse"`` (CODE_IN_USE if it has any),
        ``"remove"`` (delete them, and the memos on the code, as the database
        does), or the GUID of a code to move them to (as :func:`merge_codes`).

    Examples
    --------
    >>> project = Project("p", Codebook((Code("a", "Fear"), Code("b", "Debt"))),
    ...                   codings=(Coding("x", "d", "a", "ann", 0, 4),))
    >>> delete_code(project, "a")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    coding.errors.CodingError: 'Fear' is applied to 1 segment(s): ...
    >>> [c.code for c in delete_code(project, "a", segments="b").codings]
    ['b']
    """
    codes = project.codebook.by_guid()
    code = _get(codes, guid)
    if project.codebook.children(guid):
        raise CodingError(ErrorCode.CODE_HAS_CHILDREN, name=code.name)
    count = sum(1 for coding in project.codings if coding.code == guid)
    if segments not in ("refuse", "remove"):
        return merge_codes(project, guid, segments)
    if segments == "refuse" and count:
        raise CodingError(ErrorCode.CODE_IN_USE, name=code.name, count=count)
    codebook = replace(
        project.codebook, codes=tuple(c for c in project.codebook.codes if c.guid != guid)
    )
    return replace(
        project,
        codebook=codebook,
        codings=tuple(coding for coding in project.codings if coding.code != guid),
        notes=tuple(note for note in project.notes if note.target != guid),
    )
