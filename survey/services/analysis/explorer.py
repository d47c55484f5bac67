"""The topic explorer: topic fits of a study, their topics, prevalence by attribute and quotes.

A fit is an `AnalysisJob` of kind ``topics``; its result (terms, NPMI,
prevalence, the k sweep) and one `DocumentTopics` row per document are
written by the job. This module reads them back for the pages and adds what
depends on who is looking and how: prevalence by a closed question, with
groups under the study's threshold hidden (and a second one beside a lone
hidden group, so totals do not give it away), and representative quotes from
the redacted text, withheld when a filter selects fewer cases than the
threshold, and never from a respondent who asked not to be quoted
(`services.quotes`). Nothing here reads raw text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import charts
from analysis.disclosure import ProtectionError, suppress, suppress_with_margins
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    CodingCase,
    CodingDocument,
    DocumentTopics,
    Study,
)
from survey.services.analysis import jobs
from survey.services.analysis.corpus import (
    CorpusDocument,
    closed_items,
    quotes_withheld,
    study_corpus,
)
from survey.services.analysis.corpus import text_questions as questions
from survey.services.coding.errors import NotFound
from survey.services.quotes import quotable_document_ids

NO_ANSWER = "No answer"
_TOTAL = "\x00total"  # the margins' label: never an answer
QUOTES_PER_TOPIC = 3
MAX_QUOTE = 300


@dataclass(frozen=True)
class Fit:
    """One topic fit of a study as the list of fits shows it."""

    public_id: str
    status: str
    progress: int
    stage: str
    question: str
    n_topics: str
    method: str
    seed: int
    created_at: object
    error: str | None


@dataclass(frozen=True)
class Topic:
    """A topic of a finished fit: its number, top terms, NPMI coherence and prevalence."""

    id: int
    terms: tuple[str, ...]
    npmi: float | None
    prevalence: float

    @property
    def label(self) -> str:
        """Return a short name: the number and the first three terms."""
        return f"Topic {self.id}: " + ", ".join(self.terms[:3])


@dataclass(frozen=True)
class Group:
    """Mean topic shares of the documents of one attribute value; None when hidden."""

    value: str
    n: int | None
    shares: tuple[float, ...] | None


@dataclass(frozen=True)
class Quote:
    """A passage of redacted text that stands for a topic, and the document it comes from."""

    topic: int
    document: str
    text: str
    weight: float


@dataclass(frozen=True)
class Quotes:
    """Quotes per topic, or none at all when the filter selects fewer cases than the threshold."""

    by_topic: dict[int, list[Quote]]
    cases: int
    withheld: bool


def job_params(job: AnalysisJob) -> dict:
    """Return the parameters a job was started with."""
    return json.loads(job.params_json or "{}")


def fits(session: Session, study: Study) -> list[Fit]:
    """Return the study's topic fits, newest first."""
    labels = {q.item_id: q.label for q in questions(session, study)}
    jobs = session.scalars(
        select(AnalysisJob)
        .where(AnalysisJob.study_id == study.id, AnalysisJob.kind == "topics")
        .order_by(AnalysisJob.created_at.desc(), AnalysisJob.id.desc())
    ).all()
    found = []
    for job in jobs:
        params = job_params(job)
        item = params.get("item_id")
        found.append(
            Fit(
                job.public_id,
                job.status,
                job.progress,
                job.stage,
                labels.get(item, item) if item else "All free text",
                str(params.get("n_topics", "auto")),
                str(params.get("method", "nmf")),
                int(params.get("seed", 0)),
                job.created_at,
                job.error,
            )
        )
    return found


def job_of(session: Session, study: Study, public_id: str, kind: str | None) -> AnalysisJob:
    """Return the job `public_id` of `study` (of `kind`, unless None), or raise NotFound.

    A job whose worker died is restarted or failed on the way (`jobs.job_for`).
    """
    try:
        job = jobs.job_for(session, study, public_id)
    except jobs.JobNotFound:
        raise NotFound(public_id) from None
    if kind is not None and job.kind != kind:
        raise NotFound(public_id)
    return job


def result_of(session: Session, job: AnalysisJob) -> dict | None:
    """Return the stored result of a finished job, or None while there is none."""
    found = session.scalar(select(AnalysisResult).where(AnalysisResult.job_id == job.id))
    return json.loads(found.result_json) if found is not None else None


def topics(result: Mapping) -> list[Topic]:
    """Return the topics of a finished fit's result."""
    return [
        Topic(int(t["id"]), tuple(t["terms"]), t.get("npmi"), float(t.get("prevalence", 0.0)))
        for t in result.get("topics", [])
    ]


def k_curve(result: Mapping) -> list[tuple[int, float, float, float]] | None:
    """Return the k sweep as (k, coherence, diversity, stability) rows, or None when k was set."""
    selection = result.get("selection")
    if not selection:
        return None
    return list(
        zip(
            selection["k"],
            selection["coherence"],
            selection["diversity"],
            selection["stability"],
            strict=True,
        )
    )


def k_curve_chart(result: Mapping) -> str | None:
    """Return the SVG line chart of the k sweep, with the chosen k marked, or None."""
    selection = result.get("selection")
    if not selection:
        return None
    series = {
        "Coherence (NPMI)": list(selection["coherence"]),
        "Diversity": list(selection["diversity"]),
        "Stability": list(selection["stability"]),
    }
    return charts.line_chart(
        list(selection["k"]),
        series,
        title="Scores for each number of topics",
        x_label="Number of topics (k)",
        y_label="Score",
        marked_x=selection.get("chosen"),
    )


def prevalence_chart(found: Sequence[Topic]) -> str:
    """Return the SVG bar chart of each topic's share of the text, in percent."""
    return charts.bar_chart(
        [t.label for t in found],
        [round(t.prevalence * 100, 1) for t in found],
        title="Share of the text in each topic",
        unit="%",
    )


def attribute_items(study: Study) -> list[tuple[str, str]]:
    """Return (item id, label) of the closed questions prevalence can be split by."""
    return closed_items(study)


def _rows(session: Session, job: AnalysisJob):
    """Return (document id, GUID, case GUID, attributes, weights, segments) of a fit."""
    query = (
        select(
            CodingDocument.id,
            CodingDocument.public_id,
            CodingCase.public_id,
            CodingCase.attributes_json,
            DocumentTopics.weights_json,
            DocumentTopics.segments_json,
        )
        .join(CodingDocument, CodingDocument.id == DocumentTopics.document_id)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(DocumentTopics.job_id == job.id)
        .order_by(CodingDocument.id)
    )
    for doc_id, guid, case, attributes, weights, segments in session.execute(query):
        yield (
            doc_id,
            guid,
            case or guid,
            json.loads(attributes or "{}"),
            json.loads(weights),
            json.loads(segments or "[]"),
        )


def _selected(rows, where: tuple[str, str] | None) -> list:
    if where is None:
        return list(rows)
    item, value = where
    return [row for row in rows if str(row[3].get(item, NO_ANSWER)) == value]


def prevalence_by(
    session: Session,
    study: Study,
    job: AnalysisJob,
    item_id: str,
    *,
    where: tuple[str, str] | None = None,
) -> list[Group]:
    """Return the mean topic shares per value of `item_id`, small groups hidden.

    A group with fewer documents than the study's threshold is hidden, and
    when only one would be, another is hidden beside it (`analysis.disclosure`
    decides), so the overall shares cannot give the hidden one away.
    """
    every = list(_rows(session, job))
    rows = _selected(every, where)
    if not rows:
        return []
    frame = pd.DataFrame([row[4] for row in rows])
    values = [str(row[3].get(item_id, NO_ANSWER)) for row in rows]
    means = frame.groupby(values).mean()
    shown = _shown_counts(every, item_id, where, study.disclosure_threshold).reindex(means.index)
    counts = pd.Series(values).value_counts()
    return [
        Group(value, None, None)
        if pd.isna(shown[value])
        else Group(value, int(counts[value]), tuple(float(x) for x in means.loc[value]))
        for value in sorted(means.index, key=lambda v: (v == NO_ANSWER, v.casefold()))
    ]


def _shown_counts(rows: list, item_id: str, where: tuple[str, str] | None, k: int) -> pd.Series:
    """Return the group sizes that may be shown, suppressed as one table.

    With a filter, the sizes are one row of the two-way table of the filter
    question by `item_id`, so the whole table is suppressed together: a row
    suppressed on its own could be worked out from the unfiltered split. The
    unfiltered splits by either question publish the table's totals, so the
    cells are protected knowing them; when that cannot be done, the whole
    filtered split is hidden.
    """
    by = pd.Series([str(row[3].get(item_id, NO_ANSWER)) for row in rows], dtype="object")
    if where is None:
        return suppress(by.value_counts().astype("int64"), k)
    item, value = where
    on = pd.Series([str(row[3].get(item, NO_ANSWER)) for row in rows], dtype="object")
    table = pd.crosstab(on, by).astype("int64")
    # The unfiltered splits by either question publish the table's totals, hidden exactly as
    # there (which of two equal counts is hidden depends on their order): protect knowing them.
    published = {
        "row_totals": _shown_counts(rows, item, None, k).reindex(table.index),
        "column_totals": _shown_counts(rows, item_id, None, k).reindex(table.columns),
    }
    try:
        shown = suppress_with_margins(table, k, total_label=_TOTAL, **published)
    except ProtectionError:  # no set of cells can hide a small one: the filtered split shows none
        return pd.Series(pd.NA, index=table.columns, dtype="Int64")
    return shown.loc[value, table.columns]


def _excerpt(text: str, start: int, end: int) -> str:
    """Return text[start:end] trimmed to whole words within MAX_QUOTE characters."""
    passage = " ".join(text[start:end].split())
    if len(passage) <= MAX_QUOTE:
        return passage
    cut = passage[:MAX_QUOTE].rsplit(" ", 1)[0]
    return cut + " …"


def _quote(document: CorpusDocument, topic: int, weight: float, segments: list) -> Quote:
    """Return the document's passage for `topic`: its best segment when it was segmented."""
    mine = [s for s in segments if int(s[2]) == topic]
    start, end = 0, len(document.rendition.text)
    if mine:
        best = max(mine, key=lambda s: s[3])
        start, end = document.from_raw(int(best[0]), int(best[1]))
    return Quote(topic, document.public_id, _excerpt(document.rendition.text, start, end), weight)


def quotes(
    session: Session,
    study: Study,
    job: AnalysisJob,
    n_topics: int,
    *,
    where: tuple[str, str] | None = None,
    per_topic: int = QUOTES_PER_TOPIC,
) -> Quotes:
    """Return the best documents' passages per topic from the redacted text.

    With a filter that selects fewer cases than the study's threshold, no
    quotes at all: a handful of answers could identify the people who gave them.
    """
    every = list(_rows(session, job))
    rows = _selected(every, where)
    cases = len({row[2] for row in rows})
    if where is not None:
        item, value = where
        answers = {row[2]: str(row[3].get(item, NO_ANSWER)) for row in every}
        if quotes_withheld(answers, value, study.disclosure_threshold):
            return Quotes({}, cases, True)
    item = job_params(job).get("item_id")
    quotable = quotable_document_ids(session, study)  # a respondent's "do not quote me"
    corpus = {d.id: d for d in study_corpus(session, study, item_id=item) if d.id in quotable}
    by_topic = {topic: _best(rows, corpus, topic, per_topic) for topic in range(n_topics)}
    return Quotes(by_topic, cases, False)


def _best(rows: list, corpus: dict[int, CorpusDocument], topic: int, n: int) -> list[Quote]:
    """Return the `n` passages most about `topic`, each different (answers can repeat)."""
    ranked = sorted(
        (row for row in rows if row[0] in corpus and row[4][topic] > 0),
        key=lambda row: -row[4][topic],
    )
    found: dict[str, Quote] = {}
    for row in ranked:
        quote = _quote(corpus[row[0]], topic, row[4][topic], row[5])
        found.setdefault(quote.text.casefold(), quote)
        if len(found) == n:
            break
    return list(found.values())


def filter_choices(
    session: Session, study: Study, job: AnalysisJob
) -> list[tuple[str, str, list[str]]]:
    """Return (item id, label, values) of each closed question among a fit's documents."""
    attributes = [row[3] for row in _rows(session, job)]
    found = []
    for item, label in closed_items(study):
        values = {str(a.get(item, NO_ANSWER)) for a in attributes}
        found.append((item, label, sorted(values, key=lambda v: (v == NO_ANSWER, v.casefold()))))
    return found


def read_filter(
    value: str, choices: Sequence[tuple[str, str, list[str]]]
) -> tuple[str, str] | None:
    """Return the (item id, value) of a filter written "item:value", or None if not a choice."""
    item, _, wanted = value.partition(":")
    for known, _label, values in choices:
        if known == item and wanted in values:
            return item, wanted
    return None
