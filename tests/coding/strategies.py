"""Hypothesis strategies for the coding library: codebooks, documents, codings, projects.

They are built to be hostile, because the data is: names that start like
spreadsheet formulas or hold quotes, commas, line breaks, right-to-left text,
zero-width characters and the path separator; texts with emoji outside the
Basic Multilingual Plane (ZWJ families, flags, skin tones) and combining marks,
always NFC with ``\\n`` line endings, as Heard stores them.

Everything drawn is valid by the rules of :mod:`coding.codebook` (so a test can
assert that an operation keeps it valid): GUIDs are unique, a parent comes
before its children, a category sits only at the top level or in a category,
sibling names differ by :func:`coding.codebook.name_key`, codings lie on
codable codes and inside their document's text.

Examples
--------
>>> from hypothesis import given
>>> from coding.codebook import validate_codebook
>>> @given(codebooks(max_codes=5))
... def test_generated_codebooks_are_valid(codebook):
...     assert validate_codebook(codebook) == []
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from hypothesis import strategies as st

from coding.codebook import NAME_LIMIT, clean_name, name_key
from coding.model import Code, Codebook, Coder, Coding, Document, Project
from coding.segments import add_coding

__all__ = [
    "code_names",
    "codebooks",
    "codings",
    "colours",
    "document_texts",
    "documents",
    "entry_texts",
    "guids",
    "hostile_texts",
    "projects",
    "spans",
]

# What a spreadsheet would run, and the quote Heard adds to stop it (and quotes already there).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'", "'=", "''+", '=HYPERLINK("x")', "-1+1")
HOSTILE_PIECES = (
    '"',
    "'",
    ",",
    ";",
    "/",
    "\n",
    "\r\n",
    "\t",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u200b",  # ZERO WIDTH SPACE
    "\u200d",  # ZERO WIDTH JOINER
    "\ufeff",  # a byte order mark inside text
    "עבודה",
    "العمل",
    "e\u0301",  # e + COMBINING ACUTE: NFC composes it
    "q\u0323\u0307",  # no precomposed form: stays a base and two marks
    "\U0001f600",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",  # family: a ZWJ sequence
    "\U0001f1ec\U0001f1e7",  # a flag: two regional indicators
    "\U0001f44b\U0001f3fd",  # waving hand, medium skin tone
    "NA",  # pandas reads it as missing unless told not to
)
# Any character a text file can hold except NUL (a CSV cannot) and lone surrogates.
_ANY_CHAR = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_LETTERS = st.characters(categories=("Lu", "Ll", "Lo", "Nd"))


def hostile_texts(max_pieces: int = 6) -> st.SearchStrategy[str]:
    """Return a strategy for short texts made of hostile pieces and arbitrary characters."""
    piece = st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(_ANY_CHAR, max_size=5))
    body = st.lists(piece, max_size=max_pieces).map("".join)
    prefix = st.sampled_from(("", "", *FORMULA_PREFIXES))
    return st.tuples(prefix, body).map("".join)


ENTRY_EXAMPLES = (
    "",
    "Use when a worker says they cannot leave.\nNot for fear of deportation alone.",
    '=IMPORTXML("http://x", "//a")',
    '-- see the memo, "row 4"',
    "\tindented\r\nwith Excel's line break",
    "'=already quoted",
)


def entry_texts() -> st.SearchStrategy[str]:
    """Return a strategy for a codebook entry (definition, example): hostile, kept as typed."""
    return st.one_of(st.sampled_from(ENTRY_EXAMPLES), hostile_texts())


def _name(parts: tuple[str, str, str]) -> str:
    prefix, core, suffix = parts
    return clean_name(clean_name(prefix + core + suffix)[:NAME_LIMIT])


def code_names() -> st.SearchStrategy[str]:
    """Return a strategy for valid, clean code names, often hostile, sometimes at the limit."""
    core = st.text(_LETTERS, min_size=1, max_size=12)
    hostile = st.tuples(hostile_texts(4), core, hostile_texts(4)).map(_name)
    long = st.text(_LETTERS, min_size=NAME_LIMIT - 2, max_size=NAME_LIMIT).map(clean_name)
    return st.one_of(hostile, hostile, hostile, long).filter(
        lambda name: 0 < len(name) <= NAME_LIMIT and any(c.isalnum() for c in name)
    )


def colours() -> st.SearchStrategy[str]:
    """Return a strategy for ``#RRGGBB`` colours, in either case."""
    return st.text("0123456789abcdefABCDEF", min_size=6, max_size=6).map(lambda h: "#" + h)


def guids() -> st.SearchStrategy[str]:
    """Return a strategy for GUIDs in the canonical form (lower case, no braces)."""
    return st.uuids(version=4).map(str)


def _unique_name(name: str, parent: str | None, taken: set[tuple[str | None, str]]) -> str:
    candidate, number = name, 1
    while (parent, name_key(candidate)) in taken:
        number += 1
        candidate = clean_name(f"{name[: NAME_LIMIT - 8]} {number}")
    taken.add((parent, name_key(candidate)))
    return candidate


@st.composite
def codebooks(draw: st.DrawFn, min_codes: int = 0, max_codes: int = 10) -> Codebook:
    """Draw a valid codebook: a random tree of codes and categories, in a parent-first order.

    The order is the order of creation, so it is often not depth-first.
    """
    count = draw(st.integers(min_codes, max_codes))
    codes: list[Code] = []
    used_guids: set[str] = set()
    taken: set[tuple[str | None, str]] = set()
    for _ in range(count):
        codable = draw(st.sampled_from((True, True, False)))
        parents = [None] + [c.guid for c in codes if codable or not c.codable]
        parent = draw(st.sampled_from(parents))
        guid = draw(guids().filter(lambda g: g not in used_guids))
        used_guids.add(guid)
        entry = {field: draw(entry_texts()) for field in ("definition", "example")}
        codes.append(
            Code(
                guid=guid,
                name=_unique_name(draw(code_names()), parent, taken),
                parent=parent,
                codable=codable,
                when_to_use=draw(st.sampled_from(ENTRY_EXAMPLES)),
                when_not_to_use=draw(st.sampled_from(("", "Not for threats to family."))),
                colour=draw(colours()),
                **entry,
            )
        )
    return Codebook(tuple(codes), name=draw(st.sampled_from(("Codebook", "Exploitation v2"))))


_TEXT_PIECES = (
    " ",
    " ",
    "\n",
    "\n\n",
    ". ",
    "\u0301",  # a combining mark after whatever came before
    "\u0323\u0307",
    "e\u0301",
    "\U0001f622",  # crying face
    "\U0001f469\u200d\U0001f467",
    "\U0001f1fa\U0001f1e6",
    "\U0001f44d\U0001f3ff",
    "\u2764\ufe0f",  # heart with its emoji variation selector
    "𝐇𝐞𝐥𝐩",  # mathematical bold: non-BMP letters
    "я не могу",
    "لم يدفعوا",
    "我没有护照",
)


def document_texts(max_pieces: int = 30) -> st.SearchStrategy[str]:
    """Return a strategy for document texts: NFC, ``\\n`` line endings, emoji and marks."""
    word = st.text(_LETTERS, min_size=1, max_size=9)
    piece = st.one_of(word, word, st.sampled_from(_TEXT_PIECES), st.text(_ANY_CHAR, max_size=3))
    return (
        st.lists(piece, max_size=max_pieces)
        .map("".join)
        .map(lambda text: text.replace("\r\n", "\n").replace("\r", "\n"))
        .map(lambda text: unicodedata.normalize("NFC", text))
    )


@st.composite
def documents(draw: st.DrawFn, min_size: int = 0) -> Document:
    """Draw a document (a free-text answer) whose text has at least `min_size` code points."""
    text = draw(document_texts().filter(lambda t: len(t) >= min_size))
    return Document(
        guid=draw(guids()),
        name=draw(st.sampled_from(("Answer", "Q4 answer", "Interview 3"))),
        text=text,
        question=draw(st.sampled_from((None, "q_work", "q_leave"))),
    )


def spans(length: int) -> st.SearchStrategy[tuple[int, int]]:
    """Return a strategy for non-empty spans ``(start, end)`` of a text of `length` (>= 1)."""
    return st.integers(0, length - 1).flatmap(
        lambda start: st.tuples(st.just(start), st.integers(start + 1, length))
    )


@st.composite
def codings(
    draw: st.DrawFn,
    docs: Sequence[Document],
    codes: Sequence[Code],
    coders: Sequence[Coder],
    max_size: int = 12,
) -> tuple[Coding, ...]:
    """Draw codings on the codable `codes`, no two alike in document, code, coder and span."""
    codable = [code.guid for code in codes if code.codable]
    texts = [doc for doc in docs if doc.text]
    if not codable or not texts or not coders:
        return ()
    drawn: dict[tuple[str, str, str, int, int], Coding] = {}
    used: set[str] = set()
    for _ in range(draw(st.integers(0, max_size))):
        doc = draw(st.sampled_from(texts))
        start, end = draw(spans(len(doc.text)))
        code, coder = draw(st.sampled_from(codable)), draw(st.sampled_from(coders)).guid
        memo = draw(st.sampled_from(("", "", "threat", "check with the interviewer")))
        guid = draw(guids().filter(lambda g: g not in used))
        coding = Coding(guid, doc.guid, code, coder, start, end, memo, draw(st.booleans()))
        if drawn.setdefault((doc.guid, code, coder, start, end), coding) is coding:
            used.add(guid)
    return tuple(drawn.values())


@st.composite
def projects(draw: st.DrawFn, max_codes: int = 8, tidy: bool = False) -> Project:
    """Draw a project: a codebook, one to four documents, one to three coders, their codings.

    With `tidy`, the codings are added one by one with
    :func:`coding.segments.add_coding`, so for each document, code and coder
    they neither overlap nor touch.
    """
    codebook = draw(codebooks(min_codes=1, max_codes=max_codes))
    docs = tuple(
        draw(st.lists(documents(min_size=1), min_size=1, max_size=4, unique_by=lambda d: d.guid))
    )
    names = draw(st.sampled_from((["Ann"], ["Ann", "Bo", "Cy"])))
    ids = draw(st.lists(guids(), min_size=len(names), max_size=len(names), unique=True))
    coders = tuple(Coder(guid, name) for guid, name in zip(ids, names))
    drawn = draw(codings(docs, codebook.codes, coders))
    if tidy:
        tidied: tuple[Coding, ...] = ()
        for coding in drawn:
            tidied = add_coding(tidied, coding)
        drawn = tidied
    return Project("Project", codebook, documents=docs, coders=coders, codings=drawn)
