"""Blind mode: the lead's coders page, turning it on and off, reveal, and who sees what."""

from __future__ import annotations

import json
from types import SimpleNamespace

from survey.extensions import db
from survey.models import CodingSettings
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import audit_actions, post, text

SCARED = "They did not believe me. I was scared of the police."
OFFICER = "The officer listened and found me a place to stay."


def setup(app):
    """A lead, two analysts, a code; Ann codes one answer and Bob another."""
    study_id = coding_study(app)
    docs = {words: guid for guid, words in sync(app, study_id)}
    lead = coder(app, study_id, "researcher", email="lead@example.org")
    ann = coder(app, study_id, email="ann@example.org")
    bob = coder(app, study_id, email="bob@example.org")
    code = add_code(app, study_id, "Fear")
    start = SCARED.index("scared of the police")
    code_span(app, study_id, ann.user_id, docs[SCARED], start, start + 20, code)
    code_span(app, study_id, ann.user_id, docs[SCARED], 0, 4, code)
    code_span(app, study_id, bob.user_id, docs[OFFICER], 4, 11, code)
    return SimpleNamespace(study_id=study_id, docs=docs, lead=lead, ann=ann, bob=bob, code=code)


def settings(app, study_id):
    """Return (blind, revealed, unit) as stored, or None when never saved."""
    with app.app_context():
        row = db.session.get(CodingSettings, study_id)
        return None if row is None else (row.blind, row.revealed, row.unit)


def test_the_coders_page_lists_people_and_the_consensus_with_counts(app):
    w = setup(app)
    post(w.lead.client, f"{BASE}/compare/{w.docs[SCARED]}", {"code": w.code, "take": "union"})
    body = text(w.lead.client.get(f"{BASE}/coders"))
    assert (
        '<th scope="row">ann@example.org</th><td>person</td><td class="num">2</td>'
        '<td class="num">1</td>' in body
    )
    assert '<th scope="row">bob@example.org</th><td>person</td><td class="num">1</td>' in body
    assert '<th scope="row">Consensus</th><td>consensus (reconciled)</td>' in body
    assert "Blind mode is off." in body


def test_blind_mode_is_stored_on_first_change_audited_and_shown(app):
    w = setup(app)
    assert settings(app, w.study_id) is None
    response = post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    assert response.status_code == 303
    assert settings(app, w.study_id) == (True, False, "answer")
    assert ("coding.blind", json.dumps({"blind": True})) in audit_actions(app)
    body = text(w.lead.client.get(f"{BASE}/coders"))
    assert "Blind mode is on: each coder now sees only their own codings." in body
    assert "<td>lead@example.org</td><td>Turned blind mode on</td>" in body


def test_reveal_and_hide_again_are_audited(app):
    w = setup(app)
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    assert post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "on"}).status_code == 303
    assert settings(app, w.study_id) == (True, True, "answer")
    assert post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "off"}).status_code == 303
    assert settings(app, w.study_id) == (True, False, "answer")
    actions = [(a, json.loads(d)) for a, d in audit_actions(app) if a == "coding.reveal"]
    assert actions == [
        ("coding.reveal", {"revealed": True}),
        ("coding.reveal", {"revealed": False}),
    ]
    body = text(w.lead.client.get(f"{BASE}/coders"))
    assert body.index("Hid everyone’s codings again") < body.index("Revealed everyone’s codings")


def test_turning_blind_mode_on_again_hides_what_was_revealed(app):
    w = setup(app)
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "on"})
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "off"})
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    assert settings(app, w.study_id) == (True, False, "answer")


def test_reveal_without_blind_mode_is_refused_with_a_message(app):
    w = setup(app)
    response = post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "on"})
    assert response.status_code == 400
    assert "Blind mode is off: every coder already sees everyone’s codings." in text(response)
    assert not [a for a, _ in audit_actions(app) if a == "coding.reveal"]


def test_a_malformed_switch_is_400_and_changes_nothing(app):
    w = setup(app)
    assert post(w.lead.client, f"{BASE}/coders/blind", {"blind": "maybe"}).status_code == 400
    assert settings(app, w.study_id) is None


def test_a_get_never_changes_the_setting(app):
    w = setup(app)
    assert w.lead.client.get(f"{BASE}/coders/blind").status_code == 405
    assert settings(app, w.study_id) is None


def test_posts_need_the_csrf_token(app):
    w = setup(app)
    assert w.lead.client.post(f"{BASE}/coders/blind", data={"blind": "on"}).status_code == 400
    assert settings(app, w.study_id) is None


def test_analysts_and_data_stewards_get_404_on_the_coders_pages(app):
    w = setup(app)
    steward = coder(app, w.study_id, "data_steward")
    for someone in (w.ann, steward):
        assert someone.client.get(f"{BASE}/coders").status_code == 404
        assert post(someone.client, f"{BASE}/coders/blind", {"blind": "on"}).status_code == 404
        assert post(someone.client, f"{BASE}/coders/reveal", {"reveal": "on"}).status_code == 404
    assert settings(app, w.study_id) is None


def test_a_researcher_off_the_team_gets_404(app):
    setup(app)
    outsider = coder(app, None, "researcher")
    assert outsider.client.get(f"{BASE}/coders").status_code == 404


def test_the_lead_sees_every_coder_on_compare_while_blind(app):
    w = setup(app)
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    body = text(w.lead.client.get(f"{BASE}/compare?code={w.code}"))
    assert "scared of the police" in body and "officer" in body
    assert "ann@example.org" in body and "bob@example.org" in body


def test_the_code_view_shows_a_coder_only_their_own_segments_until_revealed(app):
    w = setup(app)
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    blind = text(w.bob.client.get(f"{BASE}/codes/{w.code}"))
    assert "<mark>officer</mark>" in blind
    assert "scared of the police" not in blind
    assert "ann@example.org" not in blind
    assert "Blind coding: you see only your own codings" in blind
    # The lead sees everyone's all along.
    assert "<mark>scared of the police</mark>" in text(w.lead.client.get(f"{BASE}/codes/{w.code}"))

    post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "on"})
    revealed = text(w.bob.client.get(f"{BASE}/codes/{w.code}"))
    assert "<mark>scared of the police</mark>" in revealed
    assert "coded by ann@example.org" in revealed

    post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "off"})
    assert "scared of the police" not in text(w.bob.client.get(f"{BASE}/codes/{w.code}"))


def test_the_document_view_marks_and_lists_only_my_codings_until_revealed(app):
    w = setup(app)
    page = f"{BASE}/documents/{w.docs[SCARED]}"
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})
    blind = text(w.bob.client.get(page))
    assert "scared of the police" in blind  # the answer itself is shown, unmarked
    assert "<mark" not in blind
    assert '<blockquote class="seg-words">scared of the police</blockquote>' not in blind
    assert "ann@example.org" not in blind
    # Ann, and the lead, see Ann's codings all along.
    for someone in (w.ann, w.lead):
        assert '<blockquote class="seg-words">scared of the police</blockquote>' in text(
            someone.client.get(page)
        )

    post(w.lead.client, f"{BASE}/coders/reveal", {"reveal": "on"})
    revealed = text(w.bob.client.get(page))
    assert '<blockquote class="seg-words">scared of the police</blockquote>' in revealed
    assert "<mark" in revealed and "ann@example.org" in revealed


def test_the_overview_counts_only_the_answers_i_coded_until_revealed(app):
    w = setup(app)  # Ann coded one answer, Bob another
    ann = text(w.ann.client.get(BASE))
    assert "2 of 4 answers have at least one coding so far (by anyone on the team)." in ann
    post(w.lead.client, f"{BASE}/coders/blind", {"blind": "on"})

    ann = text(w.ann.client.get(BASE))
    lead = text(w.lead.client.get(BASE))

    assert "1 of 4 answers have at least one coding so far (by you)." in ann
    assert "2 of 4 answers have at least one coding so far (by anyone on the team)." in lead
