"""The facts of a findings report that do not depend on the themes: study, questions, method, help.

Counts are raw (the snapshot is built on them; `analysis.findings.build`
applies disclosure control). Everything is read in a fixed order, so the same
database gives the same facts.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import platform
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.describe import frequencies
from analysis.findings.snapshot import (
    AgreementFacts,
    FrequencyFacts,
    FrequencyRow,
    StudyFacts,
    SupportFacts,
    TopicFitFacts,
)
from analysis.themes import draft_code
from instruments.lint import ERROR, WARNING, lint_instrument
from survey.models import AnalysisJob, Redaction, Response, Study, User
from survey.models import CodingDocument as Document
from survey.services.analysis import describe_view, explorer
from survey.services.analysis.describe_view import ClosedQuestion
from survey.services.coding import reliability
from survey.services.coding.demo import is_synthetic
from survey.services.studies import instrument_of
from survey.services.support import support_for

__all__ = [
    "LIBRARIES",
    "ClosedAnswers",
    "agreement_facts",
    "closed_answers",
    "completed",
    "frequency_facts",
    "instrument_languages",
    "lint_counts",
    "redaction_sentence",
    "study_facts",
    "support_facts",
    "topic_fit_facts",
    "versions",
]

# What shapes the output: the counts (numpy, pandas) and the files (python-docx on lxml, Pillow).
LIBRARIES = ("heard", "numpy", "pandas", "Pillow", "python-docx", "lxml")
NOT_SHOWN = "not_shown"


def completed(study: Study):
    """Return the conditions on Response of the study's completed responses (the population)."""
    return (Response.study_id == study.id, Response.status == "completed")


def study_facts(session: Session, study: Study) -> StudyFacts:
    """Return the study, its published instrument and its completed responses by month."""
    instrument = instrument_of(study.instrument_version)
    days = session.scalars(select(Response.completed_on).where(*completed(study))).all()
    months = Counter(day.strftime("%Y-%m") for day in days if day is not None)
    return StudyFacts(
        title=study.title,
        instrument_title=instrument.title.get(instrument.default_language),
        instrument_version=study.instrument_version.version_label,
        instrument_hash=study.instrument_version.content_hash,
        languages=tuple(study.languages or instrument.languages),
        responses=len(days),
        months=tuple(sorted(months.items())),
        threshold=study.disclosure_threshold,
        synthetic=is_synthetic(study),
    )


@dataclass(frozen=True)
class ClosedAnswers:
    """A closed question's answers among every completed response, read once for every table.

    `rows` lists (label, non-answer) in the frequency table's order, every
    offered answer included; `given` maps each completed response to the
    positions in `rows` of its values (one for a question with one answer).
    """

    question: ClosedQuestion
    rows: tuple[tuple[str, bool], ...]
    given: dict[str, tuple[int, ...]]
    asked: int  # completed responses the question was shown to


def closed_answers(session: Session, study: Study, question: ClosedQuestion) -> ClosedAnswers:
    """Return the answers of every completed response to a closed question, as labels.

    The answers, values and labels are read as the descriptives page reads
    them (`describe_view`): a missing answer row is "skipped", and
    non-answers are in words. A question's frequency table and every
    breakdown by it come from here, so their counts are the same.
    """
    instrument = instrument_of(study.instrument_version)
    item = instrument.item(question.item_id)
    stored = describe_view.answers_by_response(session, study, [question.item_id])
    values = {rid: describe_view._values(got[question.item_id]) for rid, got in stored.items()}
    present = {value for given in values.values() for value in given}
    labels = describe_view._labels(item, instrument, present)
    table = frequencies([v for given in values.values() for v in given], labels=labels, k=1)
    rows = table.itertuples(index=False)
    position = {value: i for i, value in enumerate(table["value"])}
    return ClosedAnswers(
        question=question,
        rows=tuple((str(row.label), bool(row.non_answer)) for row in rows),
        given={rid: tuple(position[v] for v in given) for rid, given in values.items()},
        asked=sum(1 for got in stored.values() if got[question.item_id].code != NOT_SHOWN),
    )


def frequency_facts(session: Session, study: Study, question: ClosedQuestion) -> FrequencyFacts:
    """Return the raw counts of a closed question's answers among completed responses."""
    answers = closed_answers(session, study, question)
    counts = Counter(row for given in answers.given.values() for row in given)
    rows = tuple(
        FrequencyRow(label, counts[i], flag) for i, (label, flag) in enumerate(answers.rows)
    )
    return FrequencyFacts(question.item_id, question.label, question.multiple, rows, answers.asked)


def instrument_languages(study: Study) -> tuple[str, ...]:
    """Return the language tags the study's published instrument is written in."""
    return tuple(instrument_of(study.instrument_version).languages)


def lint_counts(study: Study) -> tuple[int, int]:
    """Return the lint's errors and warnings on the study's published instrument."""
    findings = lint_instrument(instrument_of(study.instrument_version))
    return (
        sum(f.severity == ERROR for f in findings),
        sum(f.severity == WARNING for f in findings),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def agreement_facts(
    session: Session, study: Study, viewer: User
) -> tuple[tuple[AgreementFacts, ...], str | None, str]:
    """Return agreement per code of every person and imported coder, its problem, and its unit."""
    table = reliability.agreement(session, study, viewer, None, ())
    rows = tuple(
        AgreementFacts(row.path, _rounded(row.alpha), _rounded(row.kappa),
                       _rounded(row.percent), row.units)
        for row in sorted(table.rows, key=lambda r: (r.path, r.guid))
    )  # fmt: skip
    return rows, table.problem, table.unit


def topic_fit_facts(
    session: Session, study: Study, drafted: list[tuple[str, str]]
) -> tuple[TopicFitFacts, ...]:
    """Return the study's finished topic fits, oldest first, with the codes drafted from each.

    `drafted` lists (definition, path) of the codes drafted from topics. No link to the
    fit is stored, so a code counts as drafted from a fit when its
    definition is still the one the fit's topic wrote (an edited one is not
    attributed; the theme still says it was first drafted from topics).
    """
    labels = {fit.public_id: fit for fit in explorer.fits(session, study) if fit.status == "done"}
    jobs = session.scalars(
        select(AnalysisJob).where(AnalysisJob.public_id.in_(list(labels) or [""]))
    ).all()
    found = []
    for job in sorted(jobs, key=lambda j: (j.created_at, j.public_id)):
        result = explorer.result_of(session, job)
        if result is None:
            continue
        fit, topics = labels[job.public_id], explorer.topics(result)
        definitions = {draft_code(t.id, t.terms, ()).definition for t in topics if t.terms}
        codes = tuple(sorted(path for text, path in drafted if text in definitions))
        coherence = result.get("coherence_mean")
        found.append(
            TopicFitFacts(
                question=fit.question,
                method=str(result.get("method", fit.method)),
                topics=int(result.get("n_topics") or len(topics)),
                seed=fit.seed,
                coherence=_rounded(coherence) if isinstance(coherence, int | float) else None,
                drafted_codes=codes,
                # Top terms as stored: the fit kept only words at least k respondents used.
                suggested=tuple(", ".join(t.terms[:TOPIC_TERMS]) for t in topics if t.terms),
            )
        )
    return tuple(found)


TOPIC_TERMS = 5  # terms per topic named in the methods appendix


def redaction_sentence(session: Session, study: Study) -> str:
    """Return one sentence on how the words quoted were redacted, and how far a person checked."""
    statuses = dict(
        session.execute(
            select(Redaction.status, func.count())
            .join(Document, Document.id == Redaction.document_id)
            .where(Document.study_id == study.id)
            .group_by(Redaction.status)
        ).all()
    )
    added = session.scalar(
        select(func.count())
        .select_from(Redaction)
        .join(Document, Document.id == Redaction.document_id)
        .where(Document.study_id == study.id, Redaction.origin == "steward")
    )
    automatic = (
        "Names, places, dates, phone numbers and other identifiers found automatically were "
        "replaced by placeholders such as [NAME-1] before anyone coded the words"
    )
    decided = statuses.get("accepted", 0) + statuses.get("rejected", 0)
    if not decided and not added:
        return automatic + "; no data steward has reviewed the proposals."
    pending = statuses.get("proposed", 0)
    extent = "every proposal" if not pending else "some of the proposals"
    extra = " and hid further passages by hand" if added else ""
    return f"{automatic}; a data steward reviewed {extent}{extra}."


def support_facts(study: Study) -> tuple[SupportFacts, ...]:
    """Return the study's support list in the instrument's default language, as plain strings."""
    instrument = instrument_of(study.instrument_version)
    return tuple(
        SupportFacts(
            name=str(resource.name),
            phone=str(resource.phone or ""),
            url=str(resource.url or ""),
            description=str(resource.description or ""),
        )
        for resource in support_for(instrument, instrument.default_language, study.support)
    )


# Heard's own code that turns a snapshot into a file: its version number does not move
# with every change, so the build records a fingerprint of the code itself.
WRITER_CODE = (
    "analysis/findings",
    "analysis/charts.py",
    "analysis/_svg.py",
    "analysis/disclosure.py",
)
WRITER = "report writer"


@functools.cache
def writer_fingerprint() -> str:
    """Return the first 12 hex digits of the SHA-256 of the report writer's source files."""
    root = Path(__file__).resolve().parents[3]
    files = []
    for name in WRITER_CODE:
        path = root / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def versions() -> tuple[tuple[str, str], ...]:
    """Return (library, version) of Python, Heard and the libraries that shape a report's output."""
    found = [("Python", platform.python_version()), (WRITER, writer_fingerprint())]
    for name in LIBRARIES:
        try:
            found.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)
