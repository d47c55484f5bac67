"""The suggestions job: learn one coder's codes on a question, propose them for uncoded answers.

The training set is the question's documents that the coder has coded (a
document's labels are that coder's codes on it); the documents of the question
the coder has not touched get suggestions. Texts are the redacted renditions
with placeholders blanked. Only the codes' cross-validated scores and, per
uncoded document and code, a probability are stored: no text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import AnalysisJob, Code, CodeSuggestion, Segment, Study
from survey.services.analysis.corpus import study_corpus
from survey.services.analysis.job_output import library_versions, main_language, plain
from survey.services.analysis.running import Output, Progress

SEED = 0  # cross-validation folds and solver: the same codings give the same suggestions


def _labels(session: Session, coder_id: int, document_ids: list[int]) -> dict[int, set[str]]:
    """Return {document id: ids (as str) of the codes `coder_id` applied to it}."""
    labels: dict[int, set[str]] = defaultdict(set)
    if not document_ids:
        return labels
    rows = session.execute(
        select(Segment.document_id, Segment.code_id).where(
            Segment.coder_id == coder_id, Segment.document_id.in_(document_ids)
        )
    )
    for document_id, code_id in rows:
        labels[document_id].add(str(code_id))
    return labels


def _names(session: Session, study: Study) -> dict[str, str]:
    """Return {code id as str: code name} for the study's codes."""
    rows = session.execute(select(Code.id, Code.name).where(Code.study_id == study.id))
    return {str(code_id): name for code_id, name in rows}


def _result(model, params: dict[str, Any], trained_on: int, uncoded: int, names, suggested):
    """Return the result JSON: per-code scores and the codes left out, with reasons."""
    codes = [
        {
            "code_id": int(code),
            "name": names.get(code, ""),
            "precision": row["precision"],
            "recall": row["recall"],
            "f1": row["f1"],
            "support": int(row["support"]),
        }
        for code, row in model.scores_.iterrows()
    ]
    skipped = [
        {"code_id": int(code), "name": names.get(code, ""), "reason": reason}
        for code, reason in sorted(model.skipped_.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    return plain(
        {
            "kind": "suggestions",
            "item_id": params["item_id"],
            "coder_id": params["coder_id"],
            "trained_on": trained_on,
            "uncoded": uncoded,
            "suggested": suggested,
            "threshold": params["threshold"],
            "codes": codes,
            "skipped": skipped,
        },
        4,
    )


def compute(
    session: Session, job: AnalysisJob, params: dict[str, Any], progress: Progress
) -> Output:
    """Train on the coder's codings of the question and suggest codes for its uncoded answers."""
    from analysis.suggest import CodeSuggester

    progress(0.02, "reading the redacted answers and the codings")
    study = session.get(Study, job.study_id)
    documents = study_corpus(session, study, item_id=params["item_id"])
    labels = _labels(session, params["coder_id"], [d.id for d in documents])
    coded = [d for d in documents if d.id in labels]
    uncoded = [d for d in documents if d.id not in labels]
    model = CodeSuggester(
        language=main_language(d.language for d in documents),
        threshold=params["threshold"],
        random_state=SEED,
    )
    progress(0.1, f"learning from {len(coded)} coded answers")
    model.fit([d.text for d in coded], [labels[d.id] for d in coded])
    progress(0.8, f"suggesting codes for {len(uncoded)} answers")
    found = model.suggest([d.text for d in uncoded]) if uncoded else []
    rows = [
        CodeSuggestion(
            document_id=uncoded[s.index].id,
            code_id=int(s.code),
            probability=min(1.0, max(0.0, float(s.probability))),
            status="open",
        )
        for s in found
    ]
    names = _names(session, study)
    return Output(
        result=_result(model, params, len(coded), len(uncoded), names, len(rows)),
        versions=library_versions(getattr(model, "versions_", {})),
        seed=SEED,
        rows=rows,
    )
