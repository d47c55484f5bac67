"""ORM models, split by area. Importing this package registers every table."""

from survey.models.respondent import Answer, Response, Submission
from survey.models.sessions import AttemptWindow, WebSession
from survey.models.staff import AuditEvent, Membership, SiteSetting, User
from survey.models.studies import InstrumentVersion, Study, StudyVersion

__all__ = [
    "Answer",
    "AttemptWindow",
    "AuditEvent",
    "InstrumentVersion",
    "Membership",
    "Response",
    "SiteSetting",
    "Study",
    "StudyVersion",
    "Submission",
    "User",
    "WebSession",
]
