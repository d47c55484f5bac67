"""What a findings report's reader sees, as frozen data: the renderers' only input.

A :class:`Document` is a title block, a flat list of :class:`Section` (each a
heading with a level and its blocks) and a footer recording the snapshot. Blocks
are paragraphs, notes, tables, charts, quotes and lists. Every count of people
or answers that reaches a reader is a typed value, :class:`Shown` or
:class:`Hidden`, never a bare number inside a string, so :func:`shown_counts`
finds every one of them and a safety check can assert that none is under the
study's threshold; :func:`texts` lists every text a reader sees, for the
redaction check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "Block",
    "Chart",
    "Document",
    "Footer",
    "Hidden",
    "Items",
    "Note",
    "Paragraph",
    "Percent",
    "Quote",
    "Section",
    "Shown",
    "Table",
    "TitleBlock",
    "paragraphs",
    "plain",
    "say",
    "shown_counts",
    "texts",
]


@dataclass(frozen=True)
class Shown:
    """A count of people or answers that passed disclosure control."""

    count: int


@dataclass(frozen=True)
class Hidden:
    """A count withheld by disclosure control.

    `fewer` is True for a lone count under the threshold (said as "fewer than
    10"); False for a count hidden in a table or to protect another (said as
    "hidden", whatever its size, so the wording gives nothing away).
    """

    threshold: int
    fewer: bool = False


@dataclass(frozen=True)
class Percent:
    """A share, 0 to 100, of two shown counts."""

    value: float


Inline = str | Shown | Hidden | Percent


@dataclass(frozen=True)
class Paragraph:
    """Running text: strings and typed numbers, read in order."""

    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Note:
    """A callout the reader must not miss (a warning, a withheld result)."""

    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    """A data table; the first column names each row."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    numeric: tuple[bool, ...]  # per column: right-aligned numbers
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart and the table with the same numbers, shown beside it."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]  # None: hidden
    unit: str
    alt: str
    table: Table


@dataclass(frozen=True)
class Quote:
    """A respondent's words (redacted), with the question they answer."""

    text: str
    attribution: str
    language: str


@dataclass(frozen=True)
class Items:
    """A bulleted list."""

    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | Note | Table | Chart | Quote | Items


@dataclass(frozen=True)
class Section:
    """A heading (level 2 or 3; the title is level 1) and what follows it."""

    heading: str
    level: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class TitleBlock:
    """The report's title, what it is about, and the lines under them."""

    title: str
    subtitle: str
    lines: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Footer:
    """The record of what the document was built from."""

    taken_on: str
    fingerprint: str
    schema: int
    versions: tuple[tuple[str, str], ...]

    def lines(self) -> tuple[str, ...]:
        """Return the footer as sentences."""
        used = ", ".join(f"{name} {version}" for name, version in self.versions) or "not recorded"
        return (
            f"Built from the data as it was on {self.taken_on}.",
            f"Snapshot fingerprint (SHA-256): {self.fingerprint}",
            f"Snapshot schema {self.schema}. Software: {used}.",
        )


@dataclass(frozen=True)
class Document:
    """A findings report, ready to render."""

    title: TitleBlock
    sections: tuple[Section, ...]
    footer: Footer
    language: str = "en"


def say(part: Inline) -> str:
    """Return the words a reader sees for one inline part."""
    if isinstance(part, Shown):
        return f"{part.count:,}"
    if isinstance(part, Hidden):
        return f"fewer than {part.threshold}" if part.fewer else "hidden"
    if isinstance(part, Percent):
        return f"{part.value:.0f}%"
    return part


def joined(parts: tuple[Inline, ...]) -> str:
    """Return inline parts as one string."""
    return "".join(say(part) for part in parts)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def plain(text: str) -> str:
    """Return `text` with Unix line ends and without characters no document format can hold."""
    return _NOT_XML.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def paragraphs(text: str) -> tuple[str, ...]:
    """Split typed text into paragraphs at blank lines; single line breaks stay."""
    chunks = re.split(r"\n[ \t]*\n", plain(text))
    return tuple(chunk.strip("\n") for chunk in chunks if chunk.strip())


def texts(document: Document) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every text a reader sees, numbers as worded."""
    yield "title", document.title.title
    yield "subtitle", document.title.subtitle
    for i, line in enumerate(document.title.lines):
        yield f"title line {i + 1}", joined(line)
    for s, section in enumerate(document.sections):
        where = f"section {s + 1} ({section.heading[:40]})"
        yield f"{where} heading", section.heading
        for b, block in enumerate(section.blocks):
            yield from _block_texts(f"{where} block {b + 1}", block)
    for i, line in enumerate(document.footer.lines()):
        yield f"footer line {i + 1}", line


def _block_texts(where: str, block: Block) -> Iterator[tuple[str, str]]:
    if isinstance(block, Paragraph | Note):
        yield where, joined(block.parts)
    elif isinstance(block, Items):
        for i, item in enumerate(block.items):
            yield f"{where} item {i + 1}", joined(item)
    elif isinstance(block, Quote):
        yield f"{where} quote", block.text
        yield f"{where} attribution", block.attribution
    elif isinstance(block, Chart):
        yield f"{where} chart title", block.title
        yield f"{where} chart alt text", block.alt
        for label in block.labels:
            yield f"{where} chart label", label
        yield from _block_texts(f"{where} chart table", block.table)
    elif isinstance(block, Table):
        yield f"{where} caption", block.caption
        for header in block.headers:
            yield f"{where} header", header
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                yield f"{where} row {r + 1} column {c + 1}", say(cell)
        if block.note:
            yield f"{where} table note", block.note


def shown_counts(document: Document) -> Iterator[tuple[str, int]]:
    """Yield (where, count) for every number shown as a count of people or answers."""
    for i, line in enumerate(document.title.lines):
        yield from _counts(f"title line {i + 1}", line)
    for s, section in enumerate(document.sections):
        for b, block in enumerate(section.blocks):
            where = f"section {s + 1} ({section.heading[:40]}) block {b + 1}"
            if isinstance(block, Chart):
                block = block.table
            if isinstance(block, Paragraph | Note):
                yield from _counts(where, block.parts)
            elif isinstance(block, Items):
                for i, item in enumerate(block.items):
                    yield from _counts(f"{where} item {i + 1}", item)
            elif isinstance(block, Table):
                for r, row in enumerate(block.rows):
                    yield from _counts(f"{where} row {r + 1}", row)


def _counts(where: str, parts: tuple[Inline, ...]) -> Iterator[tuple[str, int]]:
    for part in parts:
        if isinstance(part, Shown):
            yield where, part.count
