"""Topics to codebook: chosen topics of a finished fit become draft codes.

Each chosen topic becomes a code under the category "Draft codes from
topics" (made on first use): its name from the topic's top terms, a
definition that lists them, and example quotes from the redacted text.
Names never collide with a code already in the category: a second draft
with the same name gets " (2)", and so on. Each code is added with
`codebook.add_code`, so the codebook's own rules, log and audit apply.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.themes import DraftCode, draft_code
from survey.models import AnalysisJob, Code, Study, User
from survey.services.analysis import explorer
from survey.services.coding import codebook
from survey.services.coding.errors import Refused

CATEGORY = "Draft codes from topics"
EXAMPLES = 3


class DraftError(ValueError):
    """Draft codes cannot be made as asked; `code` is stable, str() is for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _category(session: Session, actor: User, study: Study) -> Code:
    """Return the top-level category for draft codes, adding it on first use."""
    found = session.scalar(
        select(Code).where(
            Code.study_id == study.id,
            Code.parent_id.is_(None),
            Code.name == CATEGORY,
            Code.codable.is_(False),
        )
    )
    if found is not None:
        return found
    fields = codebook.CodeFields(
        name=CATEGORY,
        codable=False,
        definition="Codes drafted from topic models. Review, rename and move them before use.",
    )
    return codebook.add_code(session, actor, study, fields)


def free_name(name: str, taken: Iterable[str]) -> str:
    """Return `name`, or `name (2)`, `name (3)`... whichever is not in `taken` (any case)."""
    used = {t.casefold() for t in taken}
    candidate, number = name, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def drafts_for(
    session: Session, study: Study, job: AnalysisJob, topic_ids: Iterable[int]
) -> list[DraftCode]:
    """Return the draft code of each chosen topic of a finished fit (nothing is stored)."""
    result = explorer.result_of(session, job)
    if result is None:
        raise DraftError("drafts.not_finished", "This topic fit has not finished yet.")
    found = {t.id: t for t in explorer.topics(result)}
    chosen = sorted(set(topic_ids))
    if not chosen:
        raise DraftError("drafts.none_chosen", "Choose at least one topic.")
    if any(topic not in found for topic in chosen):
        raise DraftError("drafts.unknown_topic", "Choose topics of this fit.")
    quotes = explorer.quotes(session, study, job, len(found), per_topic=EXAMPLES).by_topic
    return [
        draft_code(topic, list(found[topic].terms), [q.text for q in quotes.get(topic, [])])
        for topic in chosen
    ]


def create_drafts(
    session: Session, actor: User, study: Study, job: AnalysisJob, topic_ids: Iterable[int]
) -> list[Code]:
    """Add a draft code for each chosen topic to the study's codebook; return the new codes."""
    drafts = drafts_for(session, study, job, topic_ids)
    category = _category(session, actor, study)
    made = []
    for draft in drafts:
        taken = session.scalars(select(Code.name).where(Code.parent_id == category.id)).all()
        fields = codebook.CodeFields(
            name=free_name(draft.name, taken),
            parent=category.public_id,
            definition=draft.definition,
            example="\n\n".join(draft.examples),
        )
        try:
            made.append(codebook.add_code(session, actor, study, fields))
        except Refused as error:
            raise DraftError("drafts.refused", error.message) from error
    return made
