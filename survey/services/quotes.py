"""Whose words may be quoted: the one filter for every quote Heard shows or lets out.

An instrument with ``quote_consent: true`` asks each respondent, before the
final submit, "May we quote your words in reports?". Only a yes is consent:
"No", no answer, a stop before the question, or anything else posted leaves
`response.no_quotes` true. An instrument that does not ask leaves it false,
as before the question existed (its consent text covers quoting).

A coding document is *quotable* unless its case belongs to a response with
`no_quotes`. Documents whose case has no response (a transcript or notes on a
new case, uploaded by staff under the interview's own consent) are quotable;
a transcript filed on the case of an interviewer-administered response
follows that response's choice.

Quoting is showing or exporting the words as words: topic quotes, words in
context, example quotes in draft codes, the text of coded segments, the
findings report. Analysing them is not: coders still read and code every
document, and counts and topic models still include them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from instruments.schema import Instrument
from survey.models import CodingCase, CodingDocument, Response, Study

__all__ = [
    "FIELD",
    "WITHHELD",
    "no_quotes_for",
    "quotable",
    "quotable_document_ids",
    "unquotable_document_guids",
]

FIELD = "quote_consent"
"""The form field of the question ("yes" or "no"); its words are in respond/_quote_consent.html."""
WITHHELD = "withheld by the respondent's choice"
"""What an export writes in place of words their respondent asked us not to quote."""


def no_quotes_for(instrument: Instrument, choice: str | None) -> bool:
    """Return the `no_quotes` to store for `choice` ("yes", "no" or None) on `instrument`."""
    return instrument.quote_consent and choice != "yes"


def quotable() -> ColumnElement[bool]:
    """Return the SQL condition that a `CodingDocument`'s words may be quoted."""
    declined = (
        select(CodingCase.id)
        .join(Response, Response.id == CodingCase.response_id)
        .where(CodingCase.id == CodingDocument.case_id, Response.no_quotes.is_(True))
    )
    return ~declined.exists()


def quotable_document_ids(
    session: Session, study: Study, ids: Iterable[int] | None = None
) -> set[int]:
    """Return the ids of `study`'s documents (of `ids`, if given) whose words may be quoted."""
    query = select(CodingDocument.id).where(CodingDocument.study_id == study.id, quotable())
    if ids is None:
        return set(session.scalars(query))
    wanted = set(ids)
    return {i for i in session.scalars(query) if i in wanted}


def unquotable_document_guids(session: Session, study: Study) -> set[str]:
    """Return the GUIDs of `study`'s documents whose respondents asked not to be quoted."""
    query = select(CodingDocument.public_id).where(CodingDocument.study_id == study.id, ~quotable())
    return set(session.scalars(query))
