"""ORM models, split by area. Importing this package registers every table."""

from survey.models.analysis import AnalysisJob, AnalysisResult, CodeSuggestion, DocumentTopics
from survey.models.coding import (
    Code,
    Coder,
    CodingCase,
    CodingDocument,
    CodingLogEntry,
    CodingSettings,
    Memo,
    Redaction,
    Segment,
    TranscriptTurn,
)
from survey.models.keys import SiteKey, StudyKey
from survey.models.ledger import Forgotten
from survey.models.reports import Report, ReportBuild, ReportQuestion, ReportQuote, ReportTheme
from survey.models.respondent import Answer, InterviewEvent, Response, Submission
from survey.models.sessions import AttemptWindow, WebSession
from survey.models.staff import AuditEvent, Membership, SiteSetting, User
from survey.models.studies import InstrumentVersion, Study, StudyVersion

__all__ = [
    "AnalysisJob",
    "AnalysisResult",
    "Answer",
    "AttemptWindow",
    "AuditEvent",
    "Code",
    "CodeSuggestion",
    "Coder",
    "CodingCase",
    "CodingDocument",
    "CodingLogEntry",
    "CodingSettings",
    "DocumentTopics",
    "Forgotten",
    "InstrumentVersion",
    "InterviewEvent",
    "Membership",
    "Memo",
    "Redaction",
    "Report",
    "ReportBuild",
    "ReportQuestion",
    "ReportQuote",
    "ReportTheme",
    "Response",
    "Segment",
    "SiteKey",
    "SiteSetting",
    "Study",
    "StudyKey",
    "StudyVersion",
    "Submission",
    "TranscriptTurn",
    "User",
    "WebSession",
]
