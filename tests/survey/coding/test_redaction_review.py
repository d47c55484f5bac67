"""The data steward's redaction review: raw text for stewards only, every view audited.

Coders (analysts, researchers) get 404 on every redaction route, as for a
study that does not exist; administrators may review. Reading writes nothing
but the record of the view: a document whose proposals were never stored
keeps them unstored until the first decision.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import delete, select, update

from survey.extensions import db, write_transaction
from survey.models import AuditEvent, CodingDocument, Redaction
from tests.factories import signed_in
from tests.survey.coding.helpers import BASE, coder, coding_study, sync
from tests.survey.studio import post, text

ARBEN = "My name is Arben Hoxha and my phone was 07700 900123. Arben left in the night."
FARM = "We picked at the farm. Bluebell said wait. Later Bluebell came back with the van."
POLICE = "They did not believe me. I was scared of the police."
STORIES = (ARBEN, FARM, POLICE)


def setup(app):
    """Return (study id, {text: document GUID}) for the three stories."""
    study_id = coding_study(app, STORIES)
    return study_id, {story: guid for guid, story in sync(app, study_id)}


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.session.expunge_all()
        return list(found)


def unstore(app, guid: str) -> None:
    """Make `guid` a document made before proposals were stored."""
    with app.app_context(), write_transaction(db.session):
        document_id = db.session.scalar(
            select(CodingDocument.id).where(CodingDocument.public_id == guid)
        )
        db.session.execute(delete(Redaction).where(Redaction.document_id == document_id))
        db.session.execute(
            update(CodingDocument)
            .where(CodingDocument.id == document_id)
            .values(redactions_proposed=False)
        )


def stored(app, guid: str) -> tuple[bool, int]:
    """Return (proposals stored?, how many redaction rows) for document `guid`."""
    with app.app_context():
        document = db.session.scalar(select(CodingDocument).where(CodingDocument.public_id == guid))
        count = len(
            db.session.scalars(select(Redaction).where(Redaction.document_id == document.id)).all()
        )
        return document.redactions_proposed, count


def test_a_steward_sees_the_raw_text_with_every_span_marked_in_words(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")

    page = text(steward.client.get(f"{BASE}/redaction/{docs[ARBEN]}"))

    assert "Arben Hoxha" in page and "07700 900123" in page
    assert "[1: name, proposed]" in page and "[2: phone, proposed]" in page
    assert "[3: name, proposed]" in page


def test_the_preview_shows_what_coders_see_with_consistent_placeholders(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")

    page = text(steward.client.get(f"{BASE}/redaction/{docs[ARBEN]}"))
    preview = page.split('id="redacted-text"')[1].split("</div>")[0]

    assert "My name is [NAME-1] and my phone was [PHONE-1]. [NAME-2] left" in preview
    assert "Arben" not in preview and "07700" not in preview


def test_every_view_of_raw_text_is_audited_without_the_text(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")

    steward.client.get(f"{BASE}/redaction/{docs[ARBEN]}")
    steward.client.get(f"{BASE}/redaction/{docs[ARBEN]}")

    seen = events(app, "coding.read_text")
    assert len(seen) == 2
    assert {(e.actor_id, e.object_type, e.object_id) for e in seen} == {
        (steward.user_id, "codingdocument", docs[ARBEN])
    }
    assert [json.loads(e.detail) for e in seen] == [{"view": "raw_text"}] * 2


def test_the_list_shows_counts_and_review_state_but_no_raw_text(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")

    page = text(steward.client.get(f"{BASE}/redaction"))

    assert "Arben" not in page and "Bluebell" not in page and "07700" not in page
    assert page.count(f"/redaction/{docs[ARBEN]}") == 1
    row = page.split(docs[ARBEN])[1].split("</tr>")[0]
    assert "<td>3</td><td>0</td><td>0</td><td>No</td>" in row
    assert "3 documents not reviewed yet" in page
    assert events(app, "coding.read_text") == []


def test_the_list_can_show_only_documents_not_reviewed_yet(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")
    post(steward.client, f"{BASE}/redaction/{docs[POLICE]}/reviewed", {"reviewed": "on"})

    everything = text(steward.client.get(f"{BASE}/redaction"))
    pending = text(steward.client.get(f"{BASE}/redaction?show=unreviewed"))

    assert docs[POLICE] in everything and docs[POLICE] not in pending
    assert docs[ARBEN] in pending and docs[FARM] in pending


def test_the_list_is_paginated(app, monkeypatch):
    from survey.services.coding import redaction_pages

    monkeypatch.setattr(redaction_pages, "PAGE_SIZE", 2)
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")

    first = text(steward.client.get(f"{BASE}/redaction"))
    second = text(steward.client.get(f"{BASE}/redaction?page=2"))

    assert "page 1 of 2" in first and "page 2 of 2" in second
    shown = [guid for guid in docs.values() if guid in first] + [
        guid for guid in docs.values() if guid in second
    ]
    assert sorted(shown) == sorted(docs.values())


@pytest.mark.parametrize("role", ["analyst", "researcher"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/redaction"),
        ("GET", "/redaction/{doc}"),
        ("POST", "/redaction/{doc}/{span}"),
        ("POST", "/redaction/{doc}/add"),
        ("POST", "/redaction/{doc}/reviewed"),
        ("POST", "/redaction/{doc}/accept-all"),
    ],
)
def test_coders_get_404_on_every_redaction_route(app, role, method, path):
    study_id, docs = setup(app)
    member = coder(app, study_id, role=role)
    with app.app_context():
        span = db.session.scalars(select(Redaction.public_id)).first()
    url = BASE + path.format(doc=docs[ARBEN], span=span)
    form = {"action": "reject", "words": "Bluebell", "kind": "name", "reviewed": "on"}

    response = member.client.get(url) if method == "GET" else post(member.client, url, form)

    assert response.status_code == 404
    assert "Arben" not in text(response)
    assert events(app, "coding.read_text") == []
    assert stored(app, docs[ARBEN]) == (True, 3)


def test_an_administrator_may_review_without_being_on_the_team(app):
    _, docs = setup(app)
    admin = signed_in(app, "admin")

    assert admin.get(f"{BASE}/redaction").status_code == 200
    assert "Arben Hoxha" in text(admin.get(f"{BASE}/redaction/{docs[ARBEN]}"))


def test_coders_do_not_see_the_redaction_link_and_stewards_do(app):
    study_id, _ = setup(app)
    steward = coder(app, study_id, role="data_steward")
    analyst = coder(app, study_id)

    assert f'href="{BASE}/redaction"' in text(steward.client.get(f"{BASE}/redaction"))
    assert f'href="{BASE}/redaction"' not in text(analyst.client.get(f"{BASE}/documents"))


def test_reading_writes_nothing_and_proposals_stay_unstored_until_a_post(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")
    unstore(app, docs[ARBEN])

    listing = text(steward.client.get(f"{BASE}/redaction"))
    page = text(steward.client.get(f"{BASE}/redaction/{docs[ARBEN]}"))

    assert '3 <span class="muted">(computed)</span>' in listing
    assert "[1: name, proposed]" in page and "not stored yet" in page
    assert "[NAME-1]" in page.split('id="redacted-text"')[1]
    assert stored(app, docs[ARBEN]) == (False, 0)
    assert [e.action for e in events(app, "coding.read_text")] == ["coding.read_text"]


def test_the_first_decision_stores_the_proposals_with_it(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")
    unstore(app, docs[ARBEN])
    page = text(steward.client.get(f"{BASE}/redaction/{docs[ARBEN]}"))
    action = f"{BASE}/redaction/{docs[ARBEN]}/at-54-59"
    assert f'action="{action}"' in page

    response = post(steward.client, action, {"action": "reject"})

    assert response.status_code == 303
    assert stored(app, docs[ARBEN]) == (True, 3)
    with app.app_context():
        statuses = dict(db.session.execute(select(Redaction.start, Redaction.status)).all())
    assert statuses[54] == "rejected" and statuses[11] == "proposed"
    (proposed,) = events(app, "coding.redaction_propose")
    assert json.loads(proposed.detail) == {"proposed": 3}


def test_a_post_without_its_csrf_token_changes_nothing(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")

    response = steward.client.post(
        f"{BASE}/redaction/{docs[FARM]}/add", data={"words": "Bluebell", "kind": "name"}
    )

    assert response.status_code == 400
    assert stored(app, docs[FARM]) == (True, 0)


def test_a_document_or_span_of_another_study_is_not_found(app):
    study_id, docs = setup(app)
    steward = coder(app, study_id, role="data_steward")
    other = coding_study_elsewhere(app, steward.user_id)
    with app.app_context():
        theirs = db.session.scalars(
            select(Redaction.public_id)
            .join(CodingDocument, CodingDocument.id == Redaction.document_id)
            .where(CodingDocument.public_id == other)
        ).first()

    assert steward.client.get(f"{BASE}/redaction/{other}").status_code == 404
    decided = post(steward.client, f"{BASE}/redaction/{docs[ARBEN]}/{theirs}", {"action": "reject"})
    assert decided.status_code == 404
    assert post(steward.client, f"{BASE}/redaction/{other}/accept-all").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Redaction.status).where(Redaction.public_id == theirs)) == (
            "proposed"
        )


def coding_study_elsewhere(app, user_id: int) -> str:
    """Make a second study (the steward on its team too) with Arben's story; its document GUID."""
    from survey.models import Membership
    from tests.factories import add_study, tiny_instrument
    from tests.survey.coding.helpers import respond

    study_id = add_study(app, tiny_instrument(), slug="elsewhere")
    respond(app, study_id, ARBEN)
    with app.app_context(), write_transaction(db.session):
        db.session.add(Membership(user_id=user_id, study_id=study_id))
    ((guid, _),) = sync(app, study_id)
    return guid


def test_the_propose_command_stores_proposals_once(app):
    _, docs = setup(app)
    unstore(app, docs[ARBEN])
    runner = app.test_cli_runner()

    first = runner.invoke(args=["coding", "propose", "tiny"])
    again = runner.invoke(args=["coding", "propose", "tiny"])

    assert first.exit_code == 0, first.output
    assert "Stored 3 proposed spans for 1 document." in first.output
    assert "Stored 0 proposed spans for 0 documents." in again.output
    assert stored(app, docs[ARBEN]) == (True, 3)
    assert len(events(app, "coding.redaction_propose")) == 1


def test_the_propose_command_names_a_missing_study(app):
    result = app.test_cli_runner().invoke(args=["coding", "propose", "nowhere"])

    assert result.exit_code == 2
    assert "No study called 'nowhere'." in result.output


def test_the_list_groups_answers_by_question_then_transcripts(app):
    study_id, _ = setup(app)
    steward = coder(app, study_id, role="data_steward")
    transcript = "Interviewer: Who drove?\nRespondent: A man called Dritan."
    with app.app_context(), write_transaction(db.session):
        db.session.add(
            CodingDocument(
                study_id=study_id, kind="transcript", name="Interview 1",
                text=transcript, length=len(transcript),
            )
        )  # fmt: skip

    page = text(steward.client.get(f"{BASE}/redaction"))

    headings = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', page)
    assert headings == ["Tell us more", "Transcripts"]
    assert "Dritan" not in page
    assert "(computed)" in page.split("Transcripts")[1]
