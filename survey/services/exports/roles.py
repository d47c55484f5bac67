"""Who may export what: the de-identified export (the default) and the full export (audited).

The de-identified export needs `EXPORT` (administrators, researchers,
analysts, data stewards on the team); the full export needs `EXPORT_FULL`
(data stewards and administrators) and a typed reason. Every export, from the
studio or the command line (no actor: the operator on the server), is
recorded in the audit log: who, which study, format, role, row count, and for
the full export the reason (at most 200 characters; it is staff text, not a
respondent's).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import Study, User
from survey.services.answers import clean_text
from survey.services.audit import MAX_DETAIL_LENGTH, record
from survey.services.errors import ServiceError
from survey.services.exports import Written, export_study
from survey.services.exports.deidentify import DeidentifiedPlan
from survey.services.exports.plan import ExportPlan, FullPlan
from survey.services.permissions import EXPORT, EXPORT_FULL, require

MIN_REASON = 10
"""The shortest reason accepted for a full export, in characters."""


class ReasonNeeded(ServiceError):
    """The full export needs a typed reason of at least MIN_REASON characters."""

    def __init__(self) -> None:
        super().__init__(
            f"Say why you need the full export, in at least {MIN_REASON} characters: "
            "it is recorded in the audit log."
        )


def clean_reason(reason: str | None) -> str:
    """Return the typed reason tidied and cut to what the audit log keeps; ReasonNeeded if short."""
    text = " ".join(clean_text(reason or "").split())
    if len(text) < MIN_REASON:
        raise ReasonNeeded()
    return text[:MAX_DETAIL_LENGTH]


def plan_for(
    session: Session, study: Study, user: User | None, *, full: bool, reason: str | None
) -> ExportPlan:
    """Return the plan `user` may export `study` with (None: the operator at the command line).

    Raises NotAllowed when the person may not export this way, ReasonNeeded
    when a full export comes without a reason.
    """
    if user is not None:
        require(session, user, EXPORT_FULL if full else EXPORT, study)
    if full:
        clean_reason(reason)
        return FullPlan()
    return DeidentifiedPlan(session, study)


def record_export(
    session: Session,
    user: User | None,
    study: Study,
    *,
    fmt: str,
    plan: ExportPlan,
    rows: int,
    reason: str | None = None,
) -> None:
    """Record one export in the audit log: who, which study, format, role, rows (and why)."""
    detail: dict[str, object] = {"format": fmt, "role": plan.name, "rows": rows}
    if plan.name == "full":
        detail["reason"] = clean_reason(reason)
    with write_transaction(session):
        record(session, user, "study.export", study, **detail)


def export_as(
    session: Session,
    study: Study,
    user: User | None,
    fmt: str,
    out: Path,
    *,
    full: bool = False,
    reason: str | None = None,
) -> Written:
    """Export `study` in `fmt` to `out` as `user` may (de-identified unless `full`); audit it."""
    plan = plan_for(session, study, user, full=full, reason=reason)
    written = export_study(session, study, fmt, out, plan=plan)
    record_export(session, user, study, fmt=fmt, plan=plan, rows=written.rows, reason=reason)
    return written
