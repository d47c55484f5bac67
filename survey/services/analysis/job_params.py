"""What an analysis job may be asked to do, checked before it is queued.

Each check raises `JobParamsInvalid` with a stable code and a message a person
can act on, so a bad form or a hand-made URL never reaches a worker.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Coder, Study
from survey.models.analysis import JOB_KINDS
from survey.services.analysis.corpus import text_questions
from survey.services.errors import ServiceError

__all__ = [
    "MAX_TOPICS",
    "METHODS",
    "MIN_TOPICS",
    "SEGMENTINGS",
    "JobError",
    "JobParamsInvalid",
    "validate",
]

METHODS = ("nmf", "lda")
SEGMENTINGS = ("auto", "none", "paragraph", "window")
MIN_TOPICS = 2
MAX_TOPICS = 50
MAX_SEED = 2**31 - 1


class JobError(ServiceError):
    """An analysis job problem with a stable code and a message for a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class JobParamsInvalid(JobError):
    """The parameters of a job request cannot be run."""


def validate(session: Session, study: Study, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return the complete, checked parameters of a `kind` job on `study`."""
    if kind not in JOB_KINDS:
        raise JobParamsInvalid("jobs.unknown_kind", f"There is no analysis called {kind!r}.")
    if not isinstance(params, dict):
        raise JobParamsInvalid("jobs.bad_params", "The analysis settings could not be read.")
    if kind == "topics":
        return _topics(session, study, params)
    return _suggestions(session, study, params)


def _topics(session: Session, study: Study, params: dict[str, Any]) -> dict[str, Any]:
    """Check the parameters of a topic model."""
    item_id = params.get("item_id")
    if item_id is not None:
        _text_item(session, study, item_id)
    method = params.get("method", "nmf")
    if method not in METHODS:
        raise JobParamsInvalid("jobs.unknown_method", "The method must be NMF (nmf) or LDA (lda).")
    segmenting = params.get("segmenting", "auto")
    if segmenting not in SEGMENTINGS:
        raise JobParamsInvalid(
            "jobs.unknown_segmenting",
            f"Texts are split by one of: {', '.join(SEGMENTINGS)}.",
        )
    checked = {
        "item_id": item_id,
        "n_topics": _n_topics(params.get("n_topics", "auto")),
        "method": method,
        "seed": _seed(params.get("seed", 0)),
        "segmenting": segmenting,
    }
    if params.get("language"):
        checked["language"] = _language(params["language"])
    return checked


def _language(value: Any) -> str:
    """Return a language code a topic model can be set to (only its answers are modelled)."""
    from analysis.text import TextError, language_name

    try:
        language_name(str(value))
    except TextError:
        raise JobParamsInvalid(
            "jobs.unknown_language", "Choose the language of the answers to model."
        ) from None
    return str(value)


def _n_topics(value: Any) -> int | str:
    """Return "auto" or a number of topics in range."""
    if value == "auto":
        return "auto"
    number = _integer(value)
    if number is None or not MIN_TOPICS <= number <= MAX_TOPICS:
        raise JobParamsInvalid(
            "jobs.k_out_of_range",
            f"The number of topics must be between {MIN_TOPICS} and {MAX_TOPICS}, or automatic.",
        )
    return number


def _seed(value: Any) -> int:
    """Return a seed between 0 and 2**31 - 1."""
    number = _integer(value)
    if number is None or not 0 <= number <= MAX_SEED:
        raise JobParamsInvalid(
            "jobs.bad_seed", f"The seed must be a whole number from 0 to {MAX_SEED}."
        )
    return number


def _integer(value: Any) -> int | None:
    """Return `value` as an int if it is one (or a string of one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _number(value: Any) -> float | None:
    """Return `value` as a finite float if it is a number (or a string of one), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _text_item(session: Session, study: Study, item_id: Any) -> str:
    """Return `item_id` if it is a question of the study with free-text answers."""
    known = {question.item_id for question in text_questions(session, study)}
    if not isinstance(item_id, str) or item_id not in known:
        raise JobParamsInvalid(
            "jobs.unknown_item", "That question has no free-text answers in this study."
        )
    return item_id


def _suggestions(session: Session, study: Study, params: dict[str, Any]) -> dict[str, Any]:
    """Check the parameters of a code suggestion run."""
    item_id = _text_item(session, study, params.get("item_id"))
    coder_id = _integer(params.get("coder_id"))
    known = coder_id is not None and session.scalar(
        select(Coder.id).where(Coder.id == coder_id, Coder.study_id == study.id)
    )
    if not known:
        raise JobParamsInvalid(
            "jobs.unknown_coder", "Suggestions learn from a coder of this study; none was given."
        )
    threshold = _number(params.get("threshold", 0.5))
    if threshold is None or not 0 < threshold <= 1:
        raise JobParamsInvalid(
            "jobs.threshold_out_of_range",
            "The threshold is a probability above 0 and at most 1, such as 0.5.",
        )
    return {"item_id": item_id, "coder_id": coder_id, "threshold": float(threshold)}
