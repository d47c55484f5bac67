"""The rules of a codebook: names, colours, parents and nesting, checked without changing it.

The rules: a name (cleaned by :func:`clean_name`) has a visible character, at
most :data:`NAME_LIMIT` characters, and is unique among its siblings by
:func:`name_key`, so "Fear" and "fear" cannot share a parent. GUIDs are
unique; a parent exists and comes before its children in ``codes``; no code is
its own ancestor; a category sits at the top level or inside a category (it
groups codes: inside a code it would make that code a folder too); a colour is
``#RRGGBB``.

A name typed for a new or renamed code (:func:`check_name`) must also be one
line of text: no control character (C0, DEL or C1). Names read from a file
are not held to that, so a codebook exported with a line break in a name
still comes back.

The operations that reshape a codebook live in :mod:`coding.codebook`, which
re-exports everything public here and uses the private helpers.

Examples
--------
>>> book = Codebook((Code("a", "Fear"), Code("b", "fear ")))
>>> [str(error) for error in validate_codebook(book)]
["code 2 ('fear '): There is already a code called 'Fear' here: choose another name."]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping

from coding.errors import CodingError, ErrorCode
from coding.model import Code, Codebook

NAME_LIMIT = 200
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_CONTROL_WORDS = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}

Problem = tuple[ErrorCode, dict[str, object]]


def clean_name(name: str) -> str:
    """Return `name` in NFC without surrounding whitespace.

    Parameters
    ----------
    name : str
        A name as typed or read from a file.

    Returns
    -------
    str
        The name as it is stored and compared.

    Examples
    --------
    >>> clean_name("  Cafe\\u0301 \\n")
    'Café'
    """
    return unicodedata.normalize("NFC", name).strip()


def name_key(name: str) -> str:
    """Return what sibling names are compared by: the clean name, case folded, in NFC.

    Parameters
    ----------
    name : str
        A code name, clean or not.

    Returns
    -------
    str
        Equal for two names that cannot share a parent.

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


def _control_problem(name: str) -> Problem | None:
    """Return CODE_NAME_CONTROL for the first control character (C0, DEL, C1) in `name`."""
    for char in name:
        if unicodedata.category(char) == "Cc":
            point = f"U+{ord(char):04X}"
            word = _CONTROL_WORDS.get(char)
            shown = f"{word} ({point})" if word else f"the control character {point}"
            return ErrorCode.CODE_NAME_CONTROL, {"char": shown}
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


def _get(codes: Mapping[str, Code], guid: str) -> Code:
    if guid not in codes:
        raise CodingError(ErrorCode.CODE_UNKNOWN, ref=guid)
    return codes[guid]


def find_problems(codebook: Codebook) -> Iterator[tuple[int, CodingError]]:
    """Yield ``(index, error)`` for every problem, `index` being the code's place in ``codes``.

    The errors carry no `where`: :func:`validate_codebook` says "code 3 ('Fear')",
    the CSV reader says "row 4". Problems come in codebook order.

    Parameters
    ----------
    codebook : Codebook
        The codebook to check.

    Yields
    ------
    tuple of (int, CodingError)
        The index of the code with the problem, and the problem.

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

    Parameters
    ----------
    codebook : Codebook
        The codebook to check.

    Returns
    -------
    list of CodingError
        Empty when the codebook keeps every rule.

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

    Parameters
    ----------
    codebook : Codebook
        The codebook to check.

    Raises
    ------
    CodingError
        The first problem, placed as ``code N ('name')``.

    Examples
    --------
    >>> check_codebook(Codebook((Code("a", "Fear"), Code("b", "Debt"))))
    """
    for index, error in find_problems(codebook):
        raise _placed(codebook, index, error)


def _fit_name(codebook: Codebook, cleaned: str, parent: str | None, exclude: str | None) -> None:
    """Raise why the clean name cannot go under `parent`, ignoring the code `exclude`."""
    _raise(_name_problem(cleaned))
    if parent is not None and parent not in codebook.by_guid():
        raise CodingError(ErrorCode.CODE_PARENT_UNKNOWN, parent=parent, name=cleaned)
    key = name_key(cleaned)
    for sibling in codebook.children(parent):
        if sibling.guid != exclude and name_key(sibling.name) == key:
            raise CodingError(ErrorCode.CODE_NAME_TAKEN, name=sibling.name)


def check_name(
    codebook: Codebook, name: str, parent: str | None, exclude: str | None = None
) -> str:
    """Return `name` cleaned, or raise why it cannot go under `parent` (a GUID or None).

    This guards names a person types (a new code, a rename, a split), so a
    name must also be one line: a control character inside it is refused.

    Parameters
    ----------
    codebook : Codebook
        The codebook the name is for.
    name : str
        The name as typed; cleaned with :func:`clean_name` first.
    parent : str or None
        The GUID of the code or category it goes under; None: the top level.
    exclude : str, optional
        A code not to compare with: the one being renamed or moved.

    Returns
    -------
    str
        The clean name.

    Raises
    ------
    CodingError
        CODE_NAME_EMPTY, CODE_NAME_CONTROL, CODE_NAME_TOO_LONG,
        CODE_PARENT_UNKNOWN or CODE_NAME_TAKEN (naming the sibling that has it).

    Examples
    --------
    >>> book = Codebook((Code("a", "Fear"),))
    >>> check_name(book, "  Debt bondage ", None)
    'Debt bondage'
    >>> check_name(book, "FEAR", None)
    Traceback (most recent call last):
    coding.errors.CodingError: There is already a code called 'Fear' here: choose another name.
    >>> check_name(book, "Debt\\nbondage", None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    coding.errors.CodingError: The code name contains a line break (U+000A), ...
    """
    cleaned = clean_name(name)
    _raise(_name_problem(cleaned) or _control_problem(cleaned))
    _fit_name(codebook, cleaned, parent, exclude)
    return cleaned


def check_move(codebook: Codebook, guid: str, new_parent: str | None) -> None:
    """Raise why the code `guid` cannot go under `new_parent` (None: the top level), if it cannot.

    The code keeps its name, so only its place is judged: a name read from a
    file is not refused here for a control character (see :func:`check_name`).

    Parameters
    ----------
    codebook : Codebook
        The codebook.
    guid : str
        The code to move, with everything under it.
    new_parent : str or None
        Where it would go.

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
    _fit_name(codebook, clean_name(code.name), new_parent, guid)
