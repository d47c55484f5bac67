"""The suggestions job learns one coder's codes on a question and proposes them for the rest."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from analysis.suggest import CodeSuggester
from survey.extensions import db
from survey.models import Code, CodeSuggestion, CodingDocument, Study
from survey.services.analysis import jobs
from survey.services.analysis.corpus import study_corpus
from tests.survey.analysis.helpers import (
    coder_id,
    documents_by_theme,
    job_row,
    start,
    text_study,
)
from tests.survey.coding.helpers import add_code, code_span, coder

CODED = {"wages": 8, "papers": 8, "police": 8}


@pytest.fixture
def setting(app):
    """40 answers; a coder coded 8 answers of each of three themes with the theme's code."""
    study_id = text_study(app, 40)
    member = coder(app, study_id)
    by_theme = documents_by_theme(app, study_id, 40)
    for theme, n in CODED.items():
        code = add_code(app, study_id, theme.capitalize())
        for guid in by_theme[theme][:n]:
            code_span(app, study_id, member.user_id, guid, 0, 5, code)
    return study_id, member, by_theme


def _params(app, study_id, member, **extra) -> dict:
    return {"item_id": "story", "coder_id": coder_id(app, study_id, member.user_id), **extra}


def _suggestions(app, job_id: int) -> list[tuple[str, str, float, str]]:
    """Return (document GUID, code name, probability, status) of the job's suggestions."""
    with app.app_context():
        rows = db.session.execute(
            select(
                CodingDocument.public_id,
                Code.name,
                CodeSuggestion.probability,
                CodeSuggestion.status,
            )
            .join(CodingDocument, CodingDocument.id == CodeSuggestion.document_id)
            .join(Code, Code.id == CodeSuggestion.code_id)
            .where(CodeSuggestion.job_id == job_id)
        ).all()
        return [tuple(row) for row in rows]


def _result(app, job_id: int) -> dict:
    with app.app_context():
        job = job_row(app, job_id)
        return jobs.result_of(db.session, db.session.merge(job))


def test_suggestions_go_to_uncoded_answers_only_above_the_threshold(app, setting):
    study_id, member, by_theme = setting
    job_id, _, status = start(
        app, study_id, "suggestions", _params(app, study_id, member, threshold=0.6)
    )
    assert status == "done", job_row(app, job_id).error
    coded = {guid for theme, n in CODED.items() for guid in by_theme[theme][:n]}
    found = _suggestions(app, job_id)
    assert found
    assert all(guid not in coded for guid, _, _, _ in found)
    assert all(0.6 <= p <= 1 and status == "open" for _, _, p, status in found)


def test_most_uncoded_answers_of_a_theme_are_offered_its_code(app, setting):
    study_id, member, by_theme = setting
    job_id, _, _ = start(app, study_id, "suggestions", _params(app, study_id, member))
    best: dict[str, tuple[float, str]] = {}
    for guid, name, p, _ in _suggestions(app, job_id):
        best[guid] = max(best.get(guid, (0.0, "")), (p, name))
    for theme, n in CODED.items():
        uncoded = by_theme[theme][n:]
        right = sum(best.get(guid, (0, ""))[1] == theme.capitalize() for guid in uncoded)
        assert right > len(uncoded) / 2, theme


def test_the_result_keeps_each_codes_cross_validated_scores_as_the_library_computes_them(
    app, setting
):
    study_id, member, by_theme = setting
    job_id, _, _ = start(app, study_id, "suggestions", _params(app, study_id, member))
    result = _result(app, job_id)
    assert (result["kind"], result["trained_on"], result["threshold"]) == ("suggestions", 24, 0.5)
    assert result["skipped"] == []
    assert {"scikit-learn", "nltk", "numpy", "heard"} <= set(result["versions"])
    # The same fit, made directly on the redacted texts, scores the same.
    with app.app_context():
        documents = study_corpus(db.session, db.session.get(Study, study_id), item_id="story")
    coded = {guid: theme.capitalize() for theme, n in CODED.items() for guid in by_theme[theme][:n]}
    texts = [d.text for d in documents if d.public_id in coded]
    labels = [{coded[d.public_id]} for d in documents if d.public_id in coded]
    direct = CodeSuggester(random_state=0).fit(texts, labels).scores_
    for row in result["codes"]:
        expected = direct.loc[row["name"]]
        assert row["support"] == 8 == expected["support"]
        assert row["f1"] == pytest.approx(expected["f1"], abs=1e-4)
        assert row["precision"] == pytest.approx(expected["precision"], abs=1e-4)


def test_another_coders_codings_are_not_learned_from(app, setting):
    study_id, member, by_theme = setting
    other = coder(app, study_id)
    housing = add_code(app, study_id, "Housing")
    for guid in by_theme["housing"][:8]:
        code_span(app, study_id, other.user_id, guid, 0, 5, housing)
    job_id, _, _ = start(app, study_id, "suggestions", _params(app, study_id, member))
    result = _result(app, job_id)
    names = {row["name"] for row in result["codes"] + result["skipped"]}
    assert names == {"Wages", "Papers", "Police"}
    assert result["trained_on"] == 24  # the other coder's answers count as uncoded here


def test_a_code_with_too_few_examples_is_skipped_with_the_reason(app, setting):
    study_id, member, by_theme = setting
    rare = add_code(app, study_id, "Rare")
    code_span(app, study_id, member.user_id, by_theme["housing"][0], 0, 5, rare)
    job_id, _, _ = start(app, study_id, "suggestions", _params(app, study_id, member))
    [skipped] = _result(app, job_id)["skipped"]
    assert skipped["name"] == "Rare" and "only 1 coded example" in skipped["reason"]


def test_too_few_coded_answers_fail_the_job_with_the_librarys_message(app):
    study_id = text_study(app, 12)
    member = coder(app, study_id)
    code = add_code(app, study_id, "Wages")
    guids = documents_by_theme(app, study_id, 12)["wages"]
    code_span(app, study_id, member.user_id, guids[0], 0, 5, code)
    job_id, _, status = start(app, study_id, "suggestions", _params(app, study_id, member))
    assert status == "failed"
    error = job_row(app, job_id).error
    assert error.startswith("suggest.too_few_coded: ") and "coded answers" in error
    assert _suggestions(app, job_id) == []
    assert json.loads(job_row(app, job_id).params_json)["threshold"] == 0.5
