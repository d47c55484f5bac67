"""Builders for the analysis tests: a study with enough free-text answers for models, job rows."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Coder,
    CodeSuggestion,
    CodingDocument,
    DocumentTopics,
    Study,
    User,
)
from survey.services.analysis import jobs
from tests.conftest import make_app
from tests.factories import add_study, tiny_instrument
from tests.survey.coding.helpers import respond, sync

# Four made-up themes, each with its own words, so a topic model has something to find.
THEMES: dict[str, tuple[str, ...]] = {
    "wages": ("wages", "salary", "paid", "money", "hours", "overtime", "payslip", "deducted"),
    "papers": ("passport", "documents", "visa", "identity", "papers", "confiscated", "permit"),
    "police": ("police", "officer", "station", "arrested", "interview", "statement", "believed"),
    "housing": ("house", "room", "sleep", "mattress", "crowded", "landlord", "kitchen", "cold"),
}
FILLER = ("they", "said", "we", "never", "every", "week", "there", "was", "nothing", "told")


def built_apps(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Yield a maker of apps with extra settings (`build(HEARD_JOBS="thread")`); close them after.

    Wrap it as a fixture: ``app_with = pytest.fixture(built_apps)`` does not keep the name, so
    write ``def app_with(tmp_path): yield from built_apps(tmp_path)``.
    """
    made: list[Flask] = []

    def build(**config: object) -> Flask:
        made.append(make_app(tmp_path, **config))
        return made[-1]

    yield build
    for app in made:
        runtime = app.extensions["heard_jobs"]
        if hasattr(runtime.dispatch, "wait"):
            runtime.dispatch.wait()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def story(rng: random.Random, theme: str, words: int = 14) -> str:
    """Return one made-up answer mostly about `theme`."""
    vocabulary = THEMES[theme]
    chosen = [rng.choice(vocabulary if rng.random() < 0.7 else FILLER) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def stories(n: int = 80, seed: int = 0) -> list[tuple[str, str]]:
    """Return `n` (theme, answer) pairs, the themes in turn."""
    rng = random.Random(seed)
    names = sorted(THEMES)
    return [(names[i % len(names)], story(rng, names[i % len(names)])) for i in range(n)]


def text_study(app: Flask, n: int = 80, *, seed: int = 0, sentinel: str | None = None) -> int:
    """Create the tiny study with `n` made-up free-text answers (and documents); return its id.

    With `sentinel`, every answer ends with that word, so a test can look for it in logs.
    """
    study_id = add_study(app, tiny_instrument())
    for _, text in stories(n, seed):
        respond(app, study_id, f"{text} {sentinel}." if sentinel else text)
    sync(app, study_id)
    return study_id


def documents_by_theme(app: Flask, study_id: int, n: int = 80, seed: int = 0) -> dict[str, list]:
    """Return {theme: [document GUIDs]} of a study made by `text_study` with the same n, seed."""
    theme_of = {text: theme for theme, text in stories(n, seed)}
    found: dict[str, list[str]] = {theme: [] for theme in THEMES}
    for guid, text in sync(app, study_id):
        found[theme_of[text.split(".", 1)[0] + "."]].append(guid)  # without a sentinel
    return found


def start(app: Flask, study_id: int, kind: str, params: dict[str, Any], user_id=None):
    """Start a job through the service (inline in tests); return (job id, public id, status)."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        user = db.session.get(User, user_id) if user_id else None
        job = jobs.start(db.session, study, user, kind, params)
        return job.id, job.public_id, job.status


def job_row(app: Flask, job_id: int) -> AnalysisJob:
    """Return the job row as stored now."""
    with app.app_context():
        job = db.session.get(AnalysisJob, job_id)
        db.session.expunge(job)
        return job


def count(app: Flask, model: type, **where: Any) -> int:
    """Return how many rows of `model` match `where` (column=value)."""
    with app.app_context():
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return db.session.scalar(query)


def derived_rows(app: Flask, job_id: int) -> tuple[int, int, int]:
    """Return (results, document topic rows, suggestions) stored for job `job_id`."""
    return (
        count(app, AnalysisResult, job_id=job_id),
        count(app, DocumentTopics, job_id=job_id),
        count(app, CodeSuggestion, job_id=job_id),
    )


def document_ids(app: Flask, study_id: int) -> list[int]:
    """Return the ids of the study's documents, in id order."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(CodingDocument.id)
                .where(CodingDocument.study_id == study_id)
                .order_by(CodingDocument.id)
            )
        )


def coder_id(app: Flask, study_id: int, user_id: int) -> int:
    """Return the id of the coder row of `user_id` on the study (made when they first coded)."""
    with app.app_context():
        return db.session.scalar(
            select(Coder.id).where(Coder.study_id == study_id, Coder.user_id == user_id)
        )


Runner = Callable[..., Any]
