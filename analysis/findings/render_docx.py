"""Write a findings document as a Word file (DOCX) with python-docx, byte for byte reproducible.

Headings use the Heading 1 to 3 styles (the title is Heading 1, like the h1 of
the HTML page), tables have a caption, alternative text and a repeated header
row, charts are PNG images with alternative text (``docPr/@descr``) followed
by the table of their numbers, quotes use the Quote style and carry their
language. The file's dates come from the snapshot (its day), and the zip
entries have a fixed timestamp, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from analysis.findings import png
from analysis.findings.document import (
    Block,
    Chart,
    Document,
    Inline,
    Items,
    Note,
    Paragraph,
    Quote,
    Table,
    plain,
    say,
)

__all__ = ["to_docx"]

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can hold


def to_docx(document: Document) -> bytes:
    """Return the document as DOCX bytes.

    Parameters
    ----------
    document : Document
        Built by :func:`analysis.findings.build.build`.

    Returns
    -------
    bytes
        A Word document; the same document gives the same bytes.
    """
    out = docx.Document()
    _properties(out, document)
    out.add_heading(plain(document.title.title), level=1)
    out.add_paragraph(plain(document.title.subtitle), style="Subtitle")
    for line in document.title.lines:
        _paragraph(out, line)
    for section in document.sections:
        out.add_heading(plain(section.heading), level=min(max(section.level, 2), 6))
        for block in section.blocks:
            _block(out, block)
    out.add_heading("About this document", level=2)
    for line in document.footer.lines():
        out.add_paragraph(plain(line))
    buffer = io.BytesIO()
    out.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _day(iso: str) -> datetime:
    """Return the snapshot's day as a datetime at midnight UTC (a fixed date if it is not one)."""
    try:
        return datetime.fromisoformat(iso[:10]).replace(tzinfo=UTC)
    except ValueError:
        return datetime(2000, 1, 1, tzinfo=UTC)


def _properties(out: docx.document.Document, document: Document) -> None:
    """Set every core property that could vary to a value from the document."""
    props = out.core_properties
    when = _day(document.footer.taken_on)
    props.created = props.modified = when
    props.revision = 1
    props.author = props.last_modified_by = "Heard"
    props.title = plain(document.title.title)
    props.subject = plain(document.title.subtitle)
    props.identifier = document.footer.fingerprint
    props.language = document.language
    props.comments = props.keywords = props.category = ""


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry timestamps and permissions, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return result.getvalue()


def _paragraph(out, parts: tuple[Inline, ...], style: str | None = None, prefix: str = ""):
    paragraph = out.add_paragraph(style=style)
    if prefix:
        paragraph.add_run(prefix).bold = True
    paragraph.add_run(plain("".join(say(part) for part in parts)))
    return paragraph


def _block(out, block: Block) -> None:
    if isinstance(block, Paragraph):
        _paragraph(out, block.parts)
    elif isinstance(block, Note):
        _paragraph(out, block.parts, prefix="Note: ")
    elif isinstance(block, Items):
        for item in block.items:
            _paragraph(out, item, style="List Bullet")
    elif isinstance(block, Quote):
        _quote(out, block)
    elif isinstance(block, Chart):
        _chart(out, block)
    else:
        _table(out, block)


def _quote(out, quote: Quote) -> None:
    paragraph = out.add_paragraph(style="Quote")
    run = paragraph.add_run(plain(quote.text))
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), quote.language)
    run._r.get_or_add_rPr().append(language)
    out.add_paragraph().add_run(plain(quote.attribution)).italic = True


def _chart(out, chart: Chart) -> None:
    image = png.bar_chart_png(
        chart.labels,
        chart.values,
        title=chart.title,
        unit=chart.unit,
        max_value=100.0 if chart.unit == "%" else None,
    )
    out.add_picture(io.BytesIO(image), width=Pt(png.WIDTH / png.SCALE))
    shape = out.inline_shapes[-1]
    shape._inline.docPr.set("descr", plain(chart.alt))
    shape._inline.docPr.set("title", plain(chart.title))
    _table(out, chart.table)


def _table(out, table: Table) -> None:
    out.add_paragraph(plain(table.caption), style="Caption")
    rows = [tuple(say(cell) for cell in row) for row in table.rows]
    grid = out.add_table(rows=1 + len(rows), cols=len(table.headers))
    grid.style = "Table Grid"
    _describe(grid, table.caption)
    for c, header in enumerate(table.headers):
        cell = grid.rows[0].cells[c]
        cell.paragraphs[0].add_run(plain(header)).bold = True
    _repeat_header(grid.rows[0])
    for r, row in enumerate(rows, start=1):
        for c, words in enumerate(row[: len(table.headers)]):
            paragraph = grid.rows[r].cells[c].paragraphs[0]
            paragraph.add_run(plain(words)).bold = c == 0
            if c < len(table.numeric) and table.numeric[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.note:
        out.add_paragraph(plain(table.note))


def _describe(grid, caption: str) -> None:
    """Give the table its caption as alternative text (w:tblCaption), for screen readers."""
    properties = grid._tbl.tblPr
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), plain(caption)[:255])
    properties.append(element)


def _repeat_header(row) -> None:
    """Mark the first row as the header, repeated on each page."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)
