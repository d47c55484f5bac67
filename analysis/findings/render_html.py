"""Write a findings document as one self-contained, accessible, printable HTML page.

The page is a downloaded file: it loads nothing (no script, font, image or
link to fetch), its style is inline, charts are inline SVG with ``role="img"``
and a title and description, each beside the table with its numbers. Every
text passes through :func:`html.escape`; typed text keeps its line breaks and
is never read as markup.
"""

from __future__ import annotations

import html

from analysis.charts import bar_chart
from analysis.findings.document import (
    Block,
    Chart,
    Document,
    Inline,
    Items,
    Note,
    Paragraph,
    Percent,
    Quote,
    Section,
    Table,
    say,
)

__all__ = ["to_html"]

STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 48rem;
       padding: 1rem; color: #0b0c0c; background: #fff; }
h1, h2, h3 { line-height: 1.25; }
.subtitle { font-size: 1.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 0.25rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #b1b4b6; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.table-note { font-size: 0.9rem; color: #505a5f; margin-top: 0; }
blockquote { margin: 0.75rem 0; padding-left: 0.75rem; border-left: 4px solid #b1b4b6; }
figure.quote figcaption { font-size: 0.9rem; color: #505a5f; }
.note { border-left: 6px solid #1d70b8; background: #f3f2f1; padding: 0.5rem 0.75rem; }
figure { margin: 1rem 0; }
figure svg { max-width: 24rem; width: 100%; height: auto; }
footer.record { border-top: 1px solid #b1b4b6; margin-top: 2rem; font-size: 0.9rem;
                overflow-wrap: anywhere; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; }
  table, figure, blockquote { break-inside: avoid; }
  .note { border: 1px solid #0b0c0c; }
}
"""


def to_html(document: Document) -> str:
    """Return the document as a complete HTML page (UTF-8 text).

    Parameters
    ----------
    document : Document
        Built by :func:`analysis.findings.build.build`.

    Returns
    -------
    str
        The page: no script, nothing fetched, every text escaped.
    """
    title = document.title
    lines = "".join(f"<p>{_inline(line)}</p>\n" for line in title.lines)
    body = "".join(_section(section) for section in document.sections)
    record = "".join(f"<p>{_e(line)}</p>\n" for line in document.footer.lines())
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(document.language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f'<header>\n<h1>{_e(title.title)}</h1>\n<p class="subtitle">{_e(title.subtitle)}</p>\n'
        f"{lines}</header>\n{body}</main>\n"
        f'<footer class="record">\n{record}</footer>\n</body>\n</html>\n'
    )


def _e(text: object) -> str:
    """Escape text for HTML content or a quoted attribute."""
    return html.escape(str(text), quote=True)


def _text(text: str) -> str:
    """Escape text and keep its line breaks."""
    return "<br>\n".join(_e(line) for line in text.split("\n"))


def _inline(parts: tuple[Inline, ...]) -> str:
    return "".join(_text(say(part)) for part in parts)


def _section(section: Section) -> str:
    level = min(max(section.level, 2), 6)
    blocks = "".join(_block(block) for block in section.blocks)
    return f"<section>\n<h{level}>{_e(section.heading)}</h{level}>\n{blocks}</section>\n"


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inline(block.parts)}</p>\n"
    if isinstance(block, Note):
        return f'<p class="note"><strong>Note:</strong> {_inline(block.parts)}</p>\n'
    if isinstance(block, Items):
        items = "".join(f"<li>{_inline(item)}</li>\n" for item in block.items)
        return f"<ul>\n{items}</ul>\n"
    if isinstance(block, Quote):
        return (
            f'<figure class="quote">\n<blockquote lang="{_e(block.language)}">\n'
            f"<p>{_text(block.text)}</p>\n</blockquote>\n"
            f"<figcaption>{_e(block.attribution)}</figcaption>\n</figure>\n"
        )
    if isinstance(block, Chart):
        return _chart(block)
    return _table(block)


def _chart(chart: Chart) -> str:
    svg = bar_chart(
        list(chart.labels),
        list(chart.values),
        title=chart.title,
        unit=chart.unit,
        max_value=100.0 if chart.unit == "%" else None,
        description=chart.alt,
    )
    return f'<figure class="chart">\n{svg}\n</figure>\n{_table(chart.table)}'


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in table.headers)
    rows = []
    for row in table.rows:
        cells = []
        for c, cell in enumerate(row):
            words = _text(say(cell))
            if c == 0:
                cells.append(f'<th scope="row">{words}</th>')
            elif table.numeric[c] if c < len(table.numeric) else isinstance(cell, Percent):
                cells.append(f'<td class="number">{words}</td>')
            else:
                cells.append(f"<td>{words}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>\n")
    note = f'<p class="table-note">{_e(table.note)}</p>\n' if table.note else ""
    return (
        f"<table>\n<caption>{_e(table.caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{''.join(rows)}</tbody>\n</table>\n{note}"
    )
