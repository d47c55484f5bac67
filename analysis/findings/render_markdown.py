"""Write a findings document as CommonMark, with pipe tables.

Every text is escaped so that Markdown and HTML typed by an analyst or a
respondent stay literal: "# x" is not a heading, "<b>" is not a tag,
"[a](javascript:...)" is not a link. A chart becomes a sentence and its table.
"""

from __future__ import annotations

import re

from analysis.findings.document import (
    Block,
    Chart,
    Document,
    Inline,
    Items,
    Note,
    Paragraph,
    Quote,
    Section,
    Table,
    say,
)

__all__ = ["escape", "to_markdown"]

_ANYWHERE = re.compile(r"([\\`*_\[\]<>&|~#])")  # inline syntax, entities, table pipes
_LINE_START = re.compile(r"^([>+=-])")  # block quotes, list bullets, setext underlines
_ORDERED = re.compile(r"^(\d+)([.)])")  # ordered list items


def escape(text: str) -> str:
    """Return `text` as Markdown that renders as exactly this text; line breaks stay breaks."""
    lines = []
    for line in str(text).split("\n"):
        line = _ANYWHERE.sub(r"\\\1", line.lstrip(" \t"))  # leading spaces make code blocks
        line = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", line))
        lines.append(line)
    return "\\\n".join(lines)


def _one_line(text: str) -> str:
    """Escape text for a heading or a table cell: one line, where no block can start."""
    return _ANYWHERE.sub(r"\\\1", " ".join(str(text).split()))


def to_markdown(document: Document) -> str:
    """Return the document as CommonMark text with pipe tables.

    Parameters
    ----------
    document : Document
        Built by :func:`analysis.findings.build.build`.

    Returns
    -------
    str
        Markdown; no raw HTML, no links, every text escaped.
    """
    title = document.title
    out = [f"# {_one_line(title.title)}", escape(title.subtitle)]
    out += [_inline(line) for line in title.lines]
    for section in document.sections:
        out += _section(section)
    out.append("---")
    out += [escape(line) for line in document.footer.lines()]
    return "\n\n".join(part for part in out if part) + "\n"


def _inline(parts: tuple[Inline, ...]) -> str:
    return escape("".join(say(part) for part in parts))


def _section(section: Section) -> list[str]:
    hashes = "#" * min(max(section.level, 2), 6)
    return [f"{hashes} {_one_line(section.heading)}", *(_block(b) for b in section.blocks)]


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _inline(block.parts)
    if isinstance(block, Note):
        return "**Note:** " + _inline(block.parts)
    if isinstance(block, Items):
        words = (" ".join("".join(say(p) for p in item).split()) for item in block.items)
        return "\n".join(f"- {escape(text)}" for text in words)
    if isinstance(block, Quote):
        quoted = "\n".join(f"> {line}" for line in escape(block.text).split("\n"))
        language = f" (language: {block.language})"
        return f"{quoted}\n>\n> — {escape(' '.join((block.attribution + language).split()))}"
    if isinstance(block, Chart):
        sentence = f"Chart: {block.title}. {block.alt}"
        return escape(sentence) + "\n\n" + _table(block.table)
    return _table(block)


def _table(table: Table) -> str:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    width = len(table.headers)
    align = ["---:" if c < len(table.numeric) and table.numeric[c] else "---" for c in range(width)]
    lines = [
        escape(table.caption),
        "",
        row([_one_line(h) for h in table.headers]),
        row(align),
    ]
    for cells in table.rows:
        words = [_one_line(say(cell)) for cell in cells]
        lines.append(row(words + [""] * (width - len(words))))
    if table.note:
        lines += ["", escape(table.note)]
    return "\n".join(lines)
