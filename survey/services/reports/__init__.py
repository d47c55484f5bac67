"""Findings reports: what the analyst chose, the data read into a snapshot, quotes to pick, safety.

`choices.Choices` is what an analyst chose; `gather.gather` reads the
database into an `analysis.findings.snapshot.Snapshot` (raw facts) with notes
for the analyst; `options.quote_options` lists the coded passages of a theme
that may be quoted; `safety.problems` scans a built document for identifiers
left in its text and for counts under the threshold before it may leave.
"""
