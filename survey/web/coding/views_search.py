"""Coding views: search the documents (keyword in context) and code all the hits at once.

The search term travels only in the query string or the form body of these
staff pages: never into the audit, the coding log, a flash message or a cookie.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from survey.extensions import db
from survey.models import Study
from survey.services.coding import code_view, documents, reading, search
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp


@dataclass(frozen=True)
class Asked:
    """A search as asked: the words, one question or all, whole words only or not."""

    q: str
    question: str
    whole_words: bool

    def query(self) -> dict[str, str]:
        """Return the query string that runs this search again."""
        found = {"q": self.q, "question": self.question, "whole_words": "1"}
        return {k: v for k, v in found.items() if v and (k != "whole_words" or self.whole_words)}


def _asked(values: MultiDict, study: Study) -> tuple[Asked, list[documents.Question]]:
    questions = documents.questions(db.session, study)
    asked = Asked(values.get("q", ""), values.get("question", ""), values.get("whole_words") == "1")
    if asked.question and asked.question not in {q.item_id for q in questions}:
        abort(404)
    return asked, questions


def _search_page(study: Study, values: MultiDict, error: str = "", status: int = 200):
    asked, questions = _asked(values, study)
    results = None
    try:
        if asked.q.strip():
            results = search.search(
                db.session,
                study,
                asked.q,
                question=asked.question,
                whole_words=asked.whole_words,
                viewer=me(),
            )
    except Refused as refused:
        error, status = refused.message, 400
    if results is not None:
        hits = len(results.hits)
        reading.record_view(db.session, me(), study, "search", question=asked.question, hits=hits)
    page = render_template(
        "coding/search.html",
        here="coding.search",
        study=study,
        asked=asked,
        questions=questions,
        results=results,
        codes=[c for c in code_view.codebook(db.session, study) if c.codable],
        chosen=set(values.getlist("code")),
        ticked=set(values.getlist("hit")) if request.method == "POST" else None,
        limit=search.MAX_HITS,
        max_query=search.MAX_QUERY,
        error=error,
    )
    return page, status


@bp.get("/<slug>/search", endpoint="search")
@login_required
def search_page(slug: str):
    """Find literal text across the study's answers and show each hit in context."""
    return _search_page(study_or_404(slug), request.args)


@bp.post("/<slug>/search", endpoint="search_code")
@login_required
def search_code(slug: str):
    """Code the ticked hits (searched for again here) with the chosen codes, as one action."""
    study = study_or_404(slug)
    asked, _ = _asked(request.form, study)
    try:
        coded = search.code_hits(
            db.session,
            me(),
            study,
            asked.q,
            request.form.getlist("code"),
            set(request.form.getlist("hit")),
            question=asked.question or None,
            whole_words=asked.whole_words,
        )
    except NotFound:
        abort(404)
    except Refused as error:
        return _search_page(study, request.form, error.message, 400)
    flash(f"Coded {coded} hit{'' if coded == 1 else 's'}. Undo takes them all back in one step.")
    return redirect(url_for("coding.search", slug=study.slug, **asked.query()), code=303)
