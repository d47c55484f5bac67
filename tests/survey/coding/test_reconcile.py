"""Reconcile into the consensus: take one coder, the union, the intersection, or none; undo."""

from __future__ import annotations

import json
from types import SimpleNamespace

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Coder, CodingDocument, CodingLogEntry, Segment, Study, User
from survey.services.coding import segments
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import post, text

STORY = "Nobody asked what happened to me 🙁 — they asked for my papers."
BOTH = (STORY.index("asked for my"), STORY.index("asked for my") + len("asked for"))
AGREED = "I was arrested for the cannabis farm. Later they said I was a victim."


def setup(app):
    """Ann and Bob code the same answer differently; return what the tests need."""
    study_id = coding_study(app)
    docs = {words: guid for guid, words in sync(app, study_id)}
    lead = coder(app, study_id, "researcher", email="lead@example.org")
    ann = coder(app, study_id, email="ann@example.org")
    bob = coder(app, study_id, email="bob@example.org")
    code = add_code(app, study_id, "Treated as a suspect")
    for who, words in (
        (ann, "Nobody asked"),
        (ann, "they asked for"),
        (bob, "asked for my papers"),
    ):
        start = STORY.index(words)
        code_span(app, study_id, who.user_id, docs[STORY], start, start + len(words), code)
    return SimpleNamespace(study_id=study_id, docs=docs, lead=lead, ann=ann, bob=bob, code=code)


def consensus(app, document: str, code: str | None = None) -> list[tuple[int, int]]:
    """Return the consensus coder's spans in `document` (of every code, or of `code`)."""
    with app.app_context():
        query = (
            select(Segment.start, Segment.end)
            .join(Coder, Coder.id == Segment.coder_id)
            .join(CodingDocument, CodingDocument.id == Segment.document_id)
            .where(Coder.kind == "consensus", CodingDocument.public_id == document)
            .order_by(Segment.start)
        )
        return [tuple(row) for row in db.session.execute(query)]


def where(words: str, story: str = STORY) -> tuple[int, int]:
    """Return the span of `words` in `story`."""
    start = story.index(words)
    return start, start + len(words)


def reconcile(lead, docs, code, take, story=STORY):
    """Post the reconcile form of one answer as the lead."""
    return post(lead.client, f"{BASE}/compare/{docs[story]}", {"code": code, "take": take})


def test_union_takes_everything_any_coder_marked(app):
    w = setup(app)
    response = reconcile(w.lead, w.docs, w.code, "union")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/compare/{w.docs[STORY]}?code={w.code}")
    assert consensus(app, w.docs[STORY]) == [
        where("Nobody asked"),
        where("they asked for my papers"),
    ]


def test_intersection_takes_only_where_all_coders_agree(app):
    w = setup(app)
    assert reconcile(w.lead, w.docs, w.code, "intersection").status_code == 303
    assert consensus(app, w.docs[STORY]) == [BOTH]
    start, end = consensus(app, w.docs[STORY])[0]
    assert STORY[start:end] == "asked for"


def test_take_one_coder_copies_exactly_their_spans(app):
    w = setup(app)
    with app.app_context():
        ann_guid = db.session.scalar(select(Coder.public_id).where(Coder.name == w.ann.email))
    assert reconcile(w.lead, w.docs, w.code, ann_guid).status_code == 303
    assert consensus(app, w.docs[STORY]) == [where("Nobody asked"), where("they asked for")]


def test_not_this_code_empties_the_consensus_of_that_code_only(app):
    w = setup(app)
    other = add_code(app, w.study_id, "Papers")
    code_span(app, w.study_id, w.ann.user_id, w.docs[STORY], *where("my papers"), other)
    reconcile(w.lead, w.docs, w.code, "union")
    reconcile(w.lead, w.docs, other, "union")
    assert reconcile(w.lead, w.docs, w.code, "none").status_code == 303
    assert consensus(app, w.docs[STORY]) == [where("my papers")]


def test_reconciling_twice_does_not_duplicate_or_log_twice(app):
    w = setup(app)
    reconcile(w.lead, w.docs, w.code, "union")
    again = reconcile(w.lead, w.docs, w.code, "union")
    assert again.status_code == 303
    assert "nothing changed" in text(w.lead.client.get(again.headers["Location"]))
    assert consensus(app, w.docs[STORY]) == [
        where("Nobody asked"),
        where("they asked for my papers"),
    ]
    with app.app_context():
        entries = db.session.scalar(
            select(func.count()).where(CodingLogEntry.action == "reconcile")
        )
    assert entries == 1


def test_the_log_entry_keeps_before_and_after_states_without_text(app):
    w = setup(app)
    reconcile(w.lead, w.docs, w.code, "union")
    reconcile(w.lead, w.docs, w.code, "intersection")
    with app.app_context():
        payload = db.session.scalars(
            select(CodingLogEntry.payload)
            .where(CodingLogEntry.action == "reconcile")
            .order_by(CodingLogEntry.id)
        ).all()[-1]
    entry = json.loads(payload)
    assert [(s["start"], s["end"]) for s in entry["before"]] == [
        where("Nobody asked"),
        where("they asked for my papers"),
    ]
    assert [(s["start"], s["end"]) for s in entry["after"]] == [BOTH]
    assert entry["take"] == "intersection"
    assert "papers" not in payload


def test_undo_restores_the_previous_consensus(app):
    w = setup(app)
    reconcile(w.lead, w.docs, w.code, "union")
    reconcile(w.lead, w.docs, w.code, "intersection")
    page = f"{BASE}/compare/{w.docs[STORY]}?code={w.code}"
    undone = post(w.lead.client, f"{BASE}/undo", {"next": page})
    assert undone.status_code == 303
    assert consensus(app, w.docs[STORY]) == [
        where("Nobody asked"),
        where("they asked for my papers"),
    ]
    post(w.lead.client, f"{BASE}/undo", {"next": page})
    assert consensus(app, w.docs[STORY]) == []


def test_the_answer_page_offers_undo_after_reconciling(app):
    w = setup(app)
    response = reconcile(w.lead, w.docs, w.code, "union")
    body = text(w.lead.client.get(response.headers["Location"]))
    assert f'action="{BASE}/undo"' in body
    assert "The consensus is saved." in body


def test_an_unknown_choice_is_refused_with_a_message_and_nothing_changes(app):
    w = setup(app)
    response = reconcile(w.lead, w.docs, w.code, "everyone-else")
    assert response.status_code == 400
    assert "Choose one of the coders who coded this answer" in text(response)
    assert consensus(app, w.docs[STORY]) == []
    assert reconcile(w.lead, w.docs, w.code, "").status_code == 400


def test_accept_where_coders_agree_copies_only_agreed_answers(app):
    w = setup(app)
    for who in (w.ann, w.bob):
        code_span(app, w.study_id, who.user_id, w.docs[AGREED], *where("a victim", AGREED), w.code)
    response = post(w.lead.client, f"{BASE}/compare/agreed", {"code": w.code})
    assert response.status_code == 303
    assert "1 more answer." in text(w.lead.client.get(response.headers["Location"]))
    assert consensus(app, w.docs[AGREED]) == [where("a victim", AGREED)]
    assert consensus(app, w.docs[STORY]) == []  # they differ there: left for the lead
    again = post(w.lead.client, f"{BASE}/compare/agreed", {"code": w.code})
    assert "0 more answers." in text(w.lead.client.get(again.headers["Location"]))
    assert consensus(app, w.docs[AGREED]) == [where("a victim", AGREED)]


def test_the_consensus_is_shown_but_never_compared(app):
    w = setup(app)
    reconcile(w.lead, w.docs, w.code, "union")
    body = text(w.lead.client.get(f"{BASE}/compare/{w.docs[STORY]}?code={w.code}"))
    assert "Consensus now" in body
    assert "Take Consensus" not in body


def test_a_passage_flagged_distressing_stays_flagged_in_the_consensus(app):
    w = setup(app)
    with app.app_context():
        study = db.session.get(Study, w.study_id)
        bob = db.session.get(User, w.bob.user_id)
        guid = db.session.scalar(
            select(Segment.public_id).join(Coder).where(Coder.name == w.bob.email)
        )
        segments.update_segment(db.session, bob, study, guid, distressing=True)
    reconcile(w.lead, w.docs, w.code, "union")
    with app.app_context():
        flags = db.session.execute(
            select(Segment.start, Segment.distressing)
            .join(Coder)
            .where(Coder.kind == "consensus")
            .order_by(Segment.start)
        ).all()
    assert [tuple(f) for f in flags] == [(0, False), (where("they asked for")[0], True)]
