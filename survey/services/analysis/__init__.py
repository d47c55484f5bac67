"""Analysis use cases: redacted corpora, jobs, topic explorer, descriptives, suggestions."""
