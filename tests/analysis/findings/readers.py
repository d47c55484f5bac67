"""Read a rendered findings report back, as a reader's software would: HTML, Markdown, DOCX.

Each reader returns the visible text (paragraphs and table cells, one per
line) and the tables as lists of rows of cell text, so tests check what a
reader gets, not what the renderer meant to write.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from analysis.findings import to_docx, to_html, to_markdown


@dataclass
class Read:
    """What a reader gets from one rendered report."""

    text: str  # every visible text, blocks separated by newlines
    tables: list[list[list[str]]]  # each table: rows of cell texts, header row first
    raw: bytes | str


def _html_tree(page: str):
    return lxml_html.document_fromstring(page)


def read_html(page: str) -> Read:
    """Parse the page with lxml; text outside <style>, tables cell by cell."""
    tree = _html_tree(page)
    for style in tree.iter("style"):
        style.getparent().remove(style)
    body = tree.find("body")
    tables = [
        [[cell.text_content() for cell in row.iter("th", "td")] for row in table.iter("tr")]
        for table in body.iter("table")
    ]
    lines = [node.text_content() for node in body.iter("p", "h1", "h2", "h3", "li", "caption")]
    lines += [cell for table in tables for row in table for cell in row]
    lines += [node.text_content() for node in body.iter("{http://www.w3.org/2000/svg}title")]
    lines += [node.text_content() for node in body.iter("{http://www.w3.org/2000/svg}desc")]
    lines += [node.text_content() for node in body.iter("title", "desc", "figcaption")]
    return Read("\n".join(lines), tables, page)


MARKDOWN = MarkdownIt("commonmark").enable("table")


def markdown_tokens(text: str) -> list:
    """Return every token markdown-it-py makes of `text`, inline children included."""
    tokens = []
    for token in MARKDOWN.parse(text):
        tokens.append(token)
        tokens += token.children or []
    return tokens


def read_markdown(text: str) -> Read:
    """Render with markdown-it-py (CommonMark and tables) and read the HTML it makes."""
    page = "<html><body>" + MARKDOWN.render(text) + "</body></html>"
    read = read_html(page)
    return Read(read.text, read.tables, text)


def read_docx(data: bytes) -> Read:
    """Open with python-docx; paragraphs and every table cell, in body order."""
    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    lines += [cell for table in tables for row in table for cell in row]
    return Read("\n".join(lines), tables, data)


FORMATS = {
    "html": lambda document: read_html(to_html(document)),
    "markdown": lambda document: read_markdown(to_markdown(document)),
    "docx": lambda document: read_docx(to_docx(document)),
}
