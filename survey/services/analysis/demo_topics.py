"""One topic fit on the synthetic coding demo, so the explorer shows a result after `heard demo`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.models import Study
from survey.services.analysis import jobs
from survey.services.analysis.corpus import text_questions


def ensure_topics(session: Session, study: Study) -> str:
    """Fit topics (k chosen automatically, seed 0) on the demo's largest question once; say what."""
    questions = text_questions(session, study)
    if not questions:
        return "The coding demo has no free-text answers to fit topics on."
    question = max(questions, key=lambda q: q.documents)
    if jobs.latest(session, study, "topics", item_id=question.item_id, done=True) is not None:
        return "Demo topic model already there."
    params = {"item_id": question.item_id, "n_topics": "auto", "seed": 0}
    job = jobs.start(session, study, None, "topics", params, wait=True)
    if job.status != "done":
        code, message = jobs.error_of(job) or ("jobs.unexpected", "no result")
        return f"The demo topic model did not finish: {message} [{code}]"
    return f"Demo topic model fitted on {question.documents} answers to “{question.label}”."
