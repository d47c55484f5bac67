"""Findings reports: from a snapshot of a study's coded data to a document readers can trust.

`snapshot` is the data contract (raw facts, JSON, fingerprint); `build` turns a
snapshot into a document with disclosure control applied; the renderers write
it as HTML, Markdown or DOCX. The library knows nothing of the web or the
database (survey/services/reports gathers the snapshot).
"""

from analysis.findings.build import build
from analysis.findings.document import Document, shown_counts, texts
from analysis.findings.render_docx import to_docx
from analysis.findings.render_html import to_html
from analysis.findings.render_markdown import to_markdown

__all__ = ["Document", "build", "shown_counts", "texts", "to_docx", "to_html", "to_markdown"]
