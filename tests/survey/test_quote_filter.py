"""A respondent's "do not quote my words" holds wherever words are shown or leave as quotes.

Twelve answers to the tiny study: six from respondents who asked not to be
quoted, each ending with the sentinel word DECLINED, and six that may be
quoted, ending with ALLOWED. The fitted topic shares (inserted, as the topic
page tests do) put the declined answers first in every topic, so a page that
forgot the filter would show them. Expected rows come from the answers this
module wrote, never from the code under test.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
import pytest
from flask import Flask
from lxml import html as lxml_html
from sqlalchemy import select, update

from coding import refi
from survey.extensions import db, write_transaction
from survey.models import CodingCase, CodingDocument, Response, Study
from survey.services import quotes
from survey.services.analysis import drafts
from survey.services.analysis.jobs import job_for
from survey.services.coding.exchange import case_name
from tests.conftest import make_app
from tests.factories import add_study, tiny_instrument
from tests.survey.analysis.test_topics_pages import BASE, CALLED, add_fit
from tests.survey.coding.helpers import SLUG, add_code, code_span, coder, respond, sync

DECLINED, ALLOWED = "zanzibarqq", "quotableqq"
K = 5


def _story(i: int, declined: bool) -> str:
    return f"Answer {i}: the police came. {DECLINED if declined else ALLOWED}"


def _shares(attributes: dict, text: str) -> list[float]:
    """Topic 0 for people who called, 1 for the others; declined answers weigh the most."""
    weight = 1.0 if DECLINED in text else 0.5
    return [weight, 0.0] if attributes.get("contact_kind") == CALLED else [0.0, weight]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The study with its twelve answers, two transcripts and a finished two-topic fit."""
    made = make_app(tmp_path_factory.mktemp("quote-filter"))
    study_id = add_study(
        made, tiny_instrument(quote_consent=True), slug=SLUG, disclosure_threshold=K
    )
    declined_ids = []
    for i in range(12):
        declined = i % 2 == 0
        contact = ("called", "found")[i % 4 // 2]  # each group: three declined, three allowed
        rid = respond(made, study_id, _story(i, declined), contact_kind=contact)
        if declined:
            declined_ids.append(rid)
    with made.app_context(), write_transaction(db.session):
        db.session.execute(
            update(Response).where(Response.id.in_(declined_ids)).values(no_quotes=True)
        )
    sync(made, study_id)
    _add_transcripts(made, study_id, declined_ids[0])
    made.config["FIT"] = add_fit(made, study_id, _shares)
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def _add_transcripts(app: Flask, study_id: int, declined_response: str) -> None:
    """A transcript on a case of its own, and one filed on a declined response's case."""
    with app.app_context(), write_transaction(db.session):
        own = CodingCase(study_id=study_id)
        db.session.add(own)
        db.session.flush()
        linked = db.session.scalar(
            select(CodingCase.id).where(CodingCase.response_id == declined_response)
        )
        for case_id, text in ((own.id, "Own case transcript."), (linked, "Linked transcript.")):
            db.session.add(
                CodingDocument(
                    study_id=study_id, case_id=case_id, kind="transcript", name=text,
                    text=text, length=len(text),
                )
            )  # fmt: skip


def _documents(app: Flask) -> dict[int, tuple[str, str]]:
    """Return {document id: (GUID, text)} of every document."""
    with app.app_context():
        rows = db.session.execute(
            select(CodingDocument.id, CodingDocument.public_id, CodingDocument.text)
        ).all()
    return {i: (guid, text) for i, guid, text in rows}


def _allowed(text: str) -> bool:
    """The oracle: what this module wrote as quotable."""
    return ALLOWED in text or text == "Own case transcript."


def _analyst(app: Flask):
    return coder(app, _study_id(app), role="researcher").client


def _study_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(Study.id).where(Study.slug == SLUG))


def test_only_documents_of_respondents_who_said_yes_or_were_not_asked_are_quotable(app) -> None:
    documents = _documents(app)
    with app.app_context():
        study = db.session.get(Study, _study_id(app))
        found = quotes.quotable_document_ids(db.session, study)
        refused = quotes.unquotable_document_guids(db.session, study)
    assert found == {i for i, (_, text) in documents.items() if _allowed(text)}
    assert refused == {guid for guid, text in documents.values() if not _allowed(text)}
    assert len(found) == 7 and len(refused) == 7  # 6 answers + 1 transcript each


def test_topic_quotes_never_show_a_declined_answer_though_it_weighs_the_most(app) -> None:
    tree = lxml_html.fromstring(
        _analyst(app).get(f"{BASE}/topics/{app.config['FIT']}").get_data(as_text=True)
    )
    shown = [quote.text_content() for quote in tree.iter("blockquote")]

    assert len(shown) == 6  # three per topic, from the six answers that may be quoted
    assert all(ALLOWED in text for text in shown)
    assert not any(DECLINED in text for text in shown)


def test_example_quotes_of_draft_codes_come_only_from_quotable_answers(app) -> None:
    with app.app_context():
        study = db.session.get(Study, _study_id(app))
        job = job_for(db.session, study, app.config["FIT"])
        made = drafts.drafts_for(db.session, study, job, [0, 1])
    examples = [text for draft in made for text in draft.examples]
    assert examples and all(ALLOWED in text and DECLINED not in text for text in examples)


def _words(app: Flask, **query: str):
    response = _analyst(app).get(f"/analysis/{SLUG}/words", query_string=query)
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True))


def test_words_in_context_shows_no_declined_answer_and_says_some_are_left_out(app) -> None:
    tree = _words(app, q="police")
    lines = [span.text_content() for span in tree.find_class("kwic-text")]

    assert len(lines) == 6 and all(ALLOWED in line for line in lines)
    assert tree.find_class("words-unquoted")
    assert not [m for m in tree.iter("mark") if DECLINED in m.text_content()]


def test_a_search_for_a_declined_answer_s_own_word_finds_nothing(app) -> None:
    tree = _words(app, q=DECLINED)
    assert not tree.find_class("kwic-text")


def test_word_counts_still_include_declined_answers(app) -> None:
    tree = _words(app, question="story")
    counts = {
        tr.find("th").text_content(): [td.text_content() for td in tr.findall("td")]
        for table in tree.iter("table")
        if "frequent words" in table.find("caption").text_content()
        for tr in table.find("tbody").findall("tr")
    }
    assert counts["police"] == ["12", "12"]  # every answer says it once


def test_the_segments_export_withholds_declined_text_but_keeps_codes_and_offsets(app) -> None:
    study_id = _study_id(app)
    lead = coder(app, study_id, role="researcher")
    code = add_code(app, study_id, "Police")
    stories = {guid: text for guid, text in sync(app, study_id) if "police" in text}
    for guid, text in stories.items():
        code_span(app, study_id, lead.user_id, guid, text.index("police"), len(text), code)

    export = lead.client.get(f"/coding/{SLUG}/export/segments?format=csv")

    assert export.status_code == 200 and DECLINED.encode() not in export.data
    frame = pd.read_csv(io.BytesIO(export.data), encoding="utf-8-sig")
    assert len(frame) == len(stories) and set(frame["code_path"]) == {"Police"}
    for row in frame.itertuples():
        text = stories[row.document_id]
        assert (row.start, row.end) == (text.index("police"), len(text))
        expected = text[row.start : row.end] if _allowed(text) else quotes.WITHHELD
        assert row.text == expected


def test_the_project_export_keeps_every_document_and_names_the_cases_not_to_quote(app) -> None:
    lead = coder(app, _study_id(app), role="researcher")
    with app.app_context():
        cases = db.session.execute(
            select(CodingDocument.text, CodingCase.public_id).join(
                CodingCase, CodingCase.id == CodingDocument.case_id
            )
        ).all()

    export = lead.client.get(f"/coding/{SLUG}/export/project")

    assert export.status_code == 200
    project = refi.read_qdpx(export.data)
    assert len(project.documents) == len(_documents(app))  # coding elsewhere is analysis
    for text, guid in cases:
        assert (case_name(guid) in project.description) is not _allowed(text)
