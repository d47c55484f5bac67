"""Findings reports: from a snapshot of a study's coded data to a document readers can trust.

`snapshot` is the data contract (raw facts, JSON, fingerprint); `build` turns a
snapshot into a document with disclosure control applied; the renderers write
it as HTML, Markdown or DOCX. The library knows nothing of the web or the
database (survey/services/reports gathers the snapshot).
"""
