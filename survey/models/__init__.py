"""ORM models, split by area. Importing this package registers every table."""

from survey.models.respondent import Answer, Response, Submission
from survey.models.sessions import AttemptWindow, WebSession
from survey.models.studies import InstrumentVersion, Study

__all__ = [
    "Answer",
    "AttemptWindow",
    "InstrumentVersion",
    "Response",
    "Study",
    "Submission",
    "WebSession",
]
