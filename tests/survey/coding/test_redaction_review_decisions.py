"""The steward's decisions reach what coders read: accept, reject, add, kind, reviewed.

Each check reads the coders' view through `redaction.rendition`, the one
service every coder page uses. Refusals say why, store nothing and answer 400;
audit events hold GUIDs, kinds and counts, never the words.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, CodingDocument, Redaction
from survey.services.coding import redaction
from tests.survey.coding.helpers import BASE, coder
from tests.survey.coding.test_redaction_review import ARBEN, FARM, POLICE, setup
from tests.survey.studio import post, text


def coders_see(app, guid: str) -> str:
    """Return the text coders read of document `guid`."""
    with app.app_context():
        document = db.session.scalar(select(CodingDocument).where(CodingDocument.public_id == guid))
        return redaction.rendition(db.session, document).text


def spans(app, guid: str) -> list[tuple[int, int, str, str, str, int | None]]:
    """Return the document's spans as (start, end, kind, status, origin, decided by)."""
    with app.app_context():
        rows = db.session.execute(
            select(
                Redaction.start,
                Redaction.end,
                Redaction.kind,
                Redaction.status,
                Redaction.origin,
                Redaction.decided_by,
            )
            .join(CodingDocument, CodingDocument.id == Redaction.document_id)
            .where(CodingDocument.public_id == guid)
            .order_by(Redaction.start)
        ).all()
        return [tuple(row) for row in rows]


def span_id(app, guid: str, start: int) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Redaction.public_id)
            .join(CodingDocument, CodingDocument.id == Redaction.document_id)
            .where(CodingDocument.public_id == guid, Redaction.start == start)
        )


def audit_details(app) -> list[tuple[str, str]]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.action, AuditEvent.detail)).all())


@pytest.fixture
def review(app):
    """The study and a signed-in data steward on its team."""
    study_id, docs = setup(app)
    return docs, coder(app, study_id, role="data_steward")


def test_rejecting_a_proposal_shows_its_words_to_coders(app, review):
    docs, steward = review
    url = f"{BASE}/redaction/{docs[ARBEN]}/{span_id(app, docs[ARBEN], 54)}"

    response = post(steward.client, url, {"action": "reject"})

    assert response.status_code == 303
    assert coders_see(app, docs[ARBEN]).endswith(". Arben left in the night.")
    assert spans(app, docs[ARBEN])[2] == (54, 59, "name", "rejected", "auto", steward.user_id)


def test_accepting_a_rejected_span_hides_its_words_again(app, review):
    docs, steward = review
    url = f"{BASE}/redaction/{docs[ARBEN]}/{span_id(app, docs[ARBEN], 54)}"
    post(steward.client, url, {"action": "reject"})

    post(steward.client, url, {"action": "accept"})

    assert "Arben" not in coders_see(app, docs[ARBEN])
    assert spans(app, docs[ARBEN])[2][3] == "accepted"


def test_changing_the_kind_accepts_the_span_and_renames_its_placeholder(app, review):
    docs, steward = review
    url = f"{BASE}/redaction/{docs[ARBEN]}/{span_id(app, docs[ARBEN], 54)}"

    post(steward.client, url, {"action": "kind", "kind": "place"})

    assert coders_see(app, docs[ARBEN]).endswith("[PHONE-1]. [PLACE-1] left in the night.")
    assert spans(app, docs[ARBEN])[2][2:4] == ("place", "accepted")


@pytest.mark.parametrize("form", [{"action": "destroy"}, {"action": "kind", "kind": "shoe"}])
def test_an_unknown_decision_or_kind_is_refused(app, review, form):
    docs, steward = review
    url = f"{BASE}/redaction/{docs[ARBEN]}/{span_id(app, docs[ARBEN], 54)}"

    response = post(steward.client, url, form)

    assert response.status_code == 400
    assert "Choose Accept, Reject, or a kind from the list." in text(response)
    assert spans(app, docs[ARBEN])[2][3] == "proposed"


def test_adding_words_hides_them_from_coders(app, review):
    docs, steward = review

    response = post(
        steward.client,
        f"{BASE}/redaction/{docs[POLICE]}/add",
        {"how": "words", "words": "the police", "kind": "place"},
    )

    assert response.status_code == 303
    assert coders_see(app, docs[POLICE]) == "They did not believe me. I was scared of [PLACE-1]."
    assert spans(app, docs[POLICE]) == [(41, 51, "place", "accepted", "steward", steward.user_id)]


def test_adding_all_occurrences_of_a_name_gives_them_one_placeholder(app, review):
    docs, steward = review
    form = {"how": "words", "words": "Bluebell", "kind": "name", "occurrences": "all"}

    response = post(steward.client, f"{BASE}/redaction/{docs[FARM]}/add", form)

    assert coders_see(app, docs[FARM]) == (
        "We picked at the farm. [NAME-1] said wait. Later [NAME-1] came back with the van."
    )
    assert len(spans(app, docs[FARM])) == 2
    follow = steward.client.get(response.headers["Location"])
    assert "Hidden: 2 new spans." in text(follow)


def test_adding_the_first_occurrence_leaves_the_others(app, review):
    docs, steward = review
    form = {"how": "words", "words": "Bluebell", "kind": "name", "occurrences": "first"}

    post(steward.client, f"{BASE}/redaction/{docs[FARM]}/add", form)

    assert coders_see(app, docs[FARM]) == (
        "We picked at the farm. [NAME-1] said wait. Later Bluebell came back with the van."
    )


def test_adding_a_span_by_offsets(app, review):
    docs, steward = review
    form = {"how": "offsets", "start": "17", "end": "21", "kind": "place"}

    post(steward.client, f"{BASE}/redaction/{docs[FARM]}/add", form)

    assert coders_see(app, docs[FARM]).startswith("We picked at the [PLACE-1]. Bluebell")


def test_words_inside_a_hidden_span_are_counted_as_already_hidden(app, review):
    docs, steward = review
    form = {"how": "words", "words": "Arben", "kind": "name", "occurrences": "all"}

    response = post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/add", form)

    assert "2 occurrences already hidden" in text(steward.client.get(response.headers["Location"]))
    assert len(spans(app, docs[ARBEN])) == 3


def test_an_overlap_with_a_span_that_is_not_rejected_is_refused_and_named(app, review):
    docs, steward = review
    form = {"how": "words", "words": "Hoxha and my", "kind": "name"}

    response = post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/add", form)

    page = text(response)
    assert response.status_code == 400
    assert "overlaps the name span 11–22 (“Arben Hoxha”, proposed)" in page
    assert 'value="Hoxha and my"' in page  # what was typed comes back
    assert len(spans(app, docs[ARBEN])) == 3


def test_an_overlap_with_a_rejected_span_is_allowed(app, review):
    docs, steward = review
    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/{span_id(app, docs[ARBEN], 11)}",
         {"action": "reject"})  # fmt: skip

    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/add",
         {"how": "words", "words": "Hoxha", "kind": "name"})  # fmt: skip

    assert coders_see(app, docs[ARBEN]).startswith("My name is Arben [NAME-1] and")


def test_accepting_a_rejected_span_that_now_overlaps_is_refused(app, review):
    docs, steward = review
    url = f"{BASE}/redaction/{docs[ARBEN]}/{span_id(app, docs[ARBEN], 11)}"
    post(steward.client, url, {"action": "reject"})
    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/add",
         {"how": "words", "words": "Hoxha", "kind": "name"})  # fmt: skip

    response = post(steward.client, url, {"action": "accept"})

    assert response.status_code == 400
    assert "overlaps the name span 17–22 (“Hoxha”, accepted)" in text(response)


@pytest.mark.parametrize(
    "form, message",
    [
        ({"how": "offsets", "start": "70", "end": "999"}, "out of range: the text has 78"),
        ({"how": "offsets", "start": "5", "end": "5"}, "That span is empty"),
        ({"how": "offsets", "start": "-1", "end": "x"}, "whole numbers"),
        ({"how": "words", "words": "   "}, "Type the words to hide"),
        ({"how": "words", "words": "Arb"}, "is not in the text as whole words"),
        ({"how": "words", "words": "Arben", "kind": "shoe"}, "Choose the kind of detail"),
    ],
)
def test_a_bad_span_is_refused_with_a_message(app, review, form, message):
    docs, steward = review

    response = post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/add", {"kind": "name", **form})

    assert response.status_code == 400
    assert message in text(response)
    assert len(spans(app, docs[ARBEN])) == 3


def test_accept_all_accepts_every_proposal_and_stamps_who(app, review):
    docs, steward = review

    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/accept-all")

    assert {s[3:] for s in spans(app, docs[ARBEN])} == {("accepted", "auto", steward.user_id)}
    with app.app_context():
        assert None not in db.session.scalars(select(Redaction.decided_at)).all()


def test_marking_reviewed_and_reopening(app, review):
    docs, steward = review
    url = f"{BASE}/redaction/{docs[FARM]}/reviewed"

    post(steward.client, url, {"reviewed": "on"})
    reviewed = text(steward.client.get(f"{BASE}/redaction/{docs[FARM]}"))
    post(steward.client, url, {"reviewed": "off"})
    reopened = text(steward.client.get(f"{BASE}/redaction/{docs[FARM]}"))

    assert "Reviewed: reopen" in reviewed and "Mark this document reviewed" in reopened
    with app.app_context():
        assert not db.session.scalar(
            select(CodingDocument.redactions_reviewed).where(CodingDocument.public_id == docs[FARM])
        )


def test_decisions_are_audited_with_ids_kinds_and_counts_never_words(app, review):
    docs, steward = review
    guid = span_id(app, docs[ARBEN], 54)
    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/{guid}", {"action": "reject"})
    post(steward.client, f"{BASE}/redaction/{docs[FARM]}/add",
         {"words": "Bluebell", "kind": "name", "occurrences": "all"})  # fmt: skip
    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/accept-all")
    post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/reviewed", {"reviewed": "on"})

    found = dict(audit_details(app))
    assert json.loads(found["coding.redaction_decide"]) == {
        "before": "proposed", "decision": "reject", "document": docs[ARBEN], "kind": "name"
    }  # fmt: skip
    assert json.loads(found["coding.redaction_add"])["added"] == 2
    assert json.loads(found["coding.redaction_accept_all"]) == {"accepted": 2}
    assert json.loads(found["coding.redaction_reviewed"]) == {"reviewed": True}
    everything = " ".join(detail for _, detail in audit_details(app))
    assert not any(word in everything for word in ("Arben", "Bluebell", "07700"))
