"""Analysis use cases: corpora of redacted text, background jobs, topic explorer, descriptives, suggestions."""
