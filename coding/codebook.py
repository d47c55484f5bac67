"""The codebook: immutable operations on a tree of codes and categories.

Every operation returns a new object. Those that reshape the tree take a
Codebook; those whose codings follow (merge, split, delete) take a Project.
Each keeps the rules of :mod:`coding.codebook_rules` (names, colours, parents,
nesting), whose names this module re-exports, and keeps a depth-first
``codes`` order depth-first.

Examples
--------
>>> book, fear = add_code(Codebook(), "Fear")
>>> book, police = add_code(book, "of the police", parent=fear.guid)
>>> code_paths(book)[police.guid]
'Fear/of the police'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from coding.codebook_rules import (
    NAME_LIMIT,
    Problem,
    _ancestors,
    _colour_problem,
    _get,
    _nesting_problem,
    _parent_problem,
    _raise,
    check_codebook,
    check_move,
    check_name,
    clean_name,
    find_problems,
    name_key,
    validate_codebook,
)
from coding.errors import CodingError, ErrorCode
from coding.model import Code, Codebook, Coding, Project, new_guid  # noqa: F401 (Coding: the examples)
from coding.segments import recode

__all__ = [
    "EDITABLE_FIELDS",
    "NAME_LIMIT",
    "Problem",
    "add_code",
    "check_codebook",
    "check_move",
    "check_name",
    "clean_name",
    "code_paths",
    "delete_code",
    "find_problems",
    "merge_codes",
    "move_code",
    "name_key",
    "rename_code",
    "split_code",
    "update_code",
    "validate_codebook",
]

EDITABLE_FIELDS = frozenset(
    {"codable", "definition", "when_to_use", "when_not_to_use", "example", "colour"}
)


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
