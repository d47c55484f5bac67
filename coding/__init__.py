"""Coding: qualitative coding of free text and transcripts.

Scope: codebooks (hierarchical codes and categories), segments with offsets in
Unicode code points over NFC text with ``\\n`` line endings (start inclusive,
end exclusive, the REFI-QDA convention), agreement statistics between coders,
and REFI-QDA exchange. It imports nothing from the rest of Heard and nothing
from the web stack. It holds little yet: the coding issue fills it in.
"""
