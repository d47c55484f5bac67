"""Coding use cases: documents from answers, coders, codings, the coding log and undo.

Split by area; the pure logic (spans, codebook rules, agreement, REFI-QDA)
lives in the `coding` library, and these services apply it to the database.
"""
