"""Analysis use cases: redacted corpora, background jobs, topic explorer, descriptives, suggestions."""
