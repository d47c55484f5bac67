"""The topics job: fit a topic model on a study's redacted text and share topics out per document.

Documents come from `corpus.study_corpus` (redacted renditions, placeholders
blanked). Long documents are split into segments (transcripts by their turns
when splitting is "auto"), the model is fitted on the segments, and each
document's topic shares are the word-weighted mean of its segments'. What is
stored holds terms, numbers and offsets, never text; segment offsets are raw
code points (`CorpusDocument.to_raw`), like every coding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from analysis.segments import TextSegment, document_shares, split_documents
from survey.models import AnalysisJob, DocumentTopics, Study
from survey.services.analysis.corpus import CorpusDocument, study_corpus
from survey.services.analysis.job_output import library_versions, main_language, plain
from survey.services.analysis.running import Output, Progress

TOP_TERMS = 10


def _segments(documents: list[CorpusDocument], segmenting: str) -> list[TextSegment]:
    """Split the documents as asked ("auto" uses transcript turns where there are some)."""
    texts = [document.text for document in documents]
    if segmenting == "auto":
        turns = [list(document.turns) for document in documents]
        return split_documents(texts, by="auto", turns=turns if any(turns) else None)
    return split_documents(texts, by=segmenting)


def _model(params: dict[str, Any], language: str):
    """Return an unfitted topic model for `params`."""
    from analysis.topics import TopicModel

    return TopicModel(
        n_topics=params["n_topics"],
        method=params["method"],
        random_state=params["seed"],
        language=language,
    )


def _segment_rows(
    document: CorpusDocument, pieces: list[tuple[TextSegment, np.ndarray]]
) -> list[list[Any]]:
    """Return [[raw start, raw end, top topic, its share], ...] for a document split in parts."""
    if len(pieces) < 2:
        return []
    rows = []
    for segment, weights in pieces:
        total = float(weights.sum())
        start, end = document.to_raw(segment.start, segment.end)
        if total <= 0:
            rows.append([start, end, None, 0.0])
            continue
        topic = int(np.argmax(weights))
        rows.append([start, end, topic, plain(float(weights[topic]) / total, 4)])
    return rows


def _rows(
    documents: list[CorpusDocument],
    segments: list[TextSegment],
    weights: np.ndarray,
    shares: np.ndarray,
) -> list[DocumentTopics]:
    """Return one DocumentTopics row per document."""
    pieces: dict[int, list[tuple[TextSegment, np.ndarray]]] = {}
    for segment, row in zip(segments, weights):
        pieces.setdefault(segment.document, []).append((segment, row))
    found = []
    for index, document in enumerate(documents):
        share = shares[index]
        found.append(
            DocumentTopics(
                document_id=document.id,
                weights_json=_json(plain(share, 4)),
                top_topic=int(np.argmax(share)) if share.sum() > 0 else None,
                segments_json=_json(_segment_rows(document, pieces.get(index, []))),
            )
        )
    return found


def _json(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))


def _prevalence(shares: np.ndarray) -> np.ndarray:
    """Return each topic's mean share over the documents that have any counted word."""
    scored = shares[shares.sum(axis=1) > 0]
    return scored.mean(axis=0) if len(scored) else np.zeros(shares.shape[1])


def shown_terms(model, documents: list[CorpusDocument], k: int) -> list[list[str]]:
    """Return each topic's top terms, leaving out any term fewer than `k` respondents used.

    A rare word can point at one person (a village, a job, a rare language),
    so like the words tables, topics name only words at least k cases used.
    The model still counts them; they are only never shown or stored.
    """
    candidates = model.top_terms(TOP_TERMS * 3)
    wanted = {term for terms in candidates for term in terms}
    analyze = model.analyzer()
    cases: dict[str, set[str]] = {}
    for document in documents:
        for term in wanted.intersection(analyze(document.text)):
            cases.setdefault(term, set()).add(document.case_id or document.public_id)
    return [[t for t in terms if len(cases.get(t, ())) >= k][:TOP_TERMS] for terms in candidates]


def _result(model, params: dict[str, Any], documents, segments, shares, k: int) -> dict[str, Any]:
    """Return the result JSON of a fitted model, as the explorer reads it."""
    terms = shown_terms(model, documents, k)
    prevalence = _prevalence(shares)
    coherence = np.asarray(model.coherence_, dtype=float)
    return plain(
        {
            "kind": "topics",
            "item_id": params["item_id"],
            "method": params["method"],
            "n_topics": int(model.n_topics_),
            "seed": params["seed"],
            "segmenting": params["segmenting"],
            "documents": len(documents),
            "segments": len(segments),
            "coherence_mean": float(np.nanmean(coherence)) if coherence.size else None,
            "diversity": float(model.diversity_),
            "topics": [
                {
                    "id": k,
                    "terms": list(terms[k]),
                    "npmi": coherence[k],
                    "prevalence": prevalence[k],
                }
                for k in range(int(model.n_topics_))
            ],
            "selection": model.selection_,
            "params": params,
        },
        4,
    )


def compute(
    session: Session, job: AnalysisJob, params: dict[str, Any], progress: Progress
) -> Output:
    """Fit the topic model the job asks for; return the result and one row per document."""
    progress(0.01, "reading the redacted answers")
    study = session.get(Study, job.study_id)
    documents = study_corpus(session, study, item_id=params["item_id"])
    language = params.get("language")
    if language:  # one language of a multilingual study: only the answers given in it
        documents = [d for d in documents if d.language == language]
    segments = _segments(documents, params["segmenting"])
    texts = [segment.text for segment in segments]
    model = _model(params, language or main_language(d.language for d in documents))
    progress(0.05, f"fitting ({len(texts)} segments of {len(documents)} documents)")
    model.fit(texts, progress=lambda done, stage: progress(0.05 + 0.85 * done, stage))
    progress(0.92, "scoring documents")
    weights = model.transform(texts) if texts else np.zeros((0, model.n_topics_))
    shares = document_shares(segments, weights, len(documents))
    return Output(
        result=_result(model, params, documents, segments, shares, study.disclosure_threshold),
        versions=library_versions(getattr(model, "versions_", {})),
        n_topics=int(model.n_topics_),
        seed=params["seed"],
        rows=_rows(documents, segments, weights, shares),
    )
