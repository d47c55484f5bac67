"""Distressing passages stay collapsed on every page for a coder who chose it, not only one.

A coder who asked to see passages marked distressing collapsed gets them
behind a content note wherever the words are shown: the code view's
context, the search lines, the grid and the compare pages. Only the marks
of coders the viewer may see count (blind mode).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import CodingSettings, Segment, Study, User
from survey.services.coding import segments
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import post, text

SCARED = "They did not believe me. I was scared of the police."
DETAILS = re.compile(r'<details class="(?:content-note|distressing|cn)">.*?</details>', re.S)


def setup(app, role: str = "analyst"):
    """Ann marks "scared of the police" distressing; Bob (who collapses them) codes "believe"."""
    study_id = coding_study(app)
    docs = {words: guid for guid, words in sync(app, study_id)}
    ann = coder(app, study_id, email="ann@example.org")
    bob = coder(app, study_id, role, email="bob@example.org")
    fear, doubt = add_code(app, study_id, "Fear"), add_code(app, study_id, "Doubt")
    mark(app, study_id, ann, docs[SCARED], "scared of the police", fear, distressing=True)
    mark(app, study_id, bob, docs[SCARED], "believe", doubt)
    post(bob.client, f"{BASE}/preferences/distressing", {"collapse": "yes"})
    return SimpleNamespace(
        study_id=study_id, doc=docs[SCARED], ann=ann, bob=bob, fear=fear, doubt=doubt
    )


def mark(app, study_id, who, document, words, code, distressing=False):
    """Code `words` of SCARED as `who`, flagged distressing if asked."""
    start = SCARED.index(words)
    code_span(app, study_id, who.user_id, document, start, start + len(words), code)
    if not distressing:
        return
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, who.user_id)
        guid = db.session.scalar(
            select(Segment.public_id).where(
                Segment.start == start, Segment.end == start + len(words)
            )
        )
        segments.update_segment(db.session, user, study, guid, distressing=True)


def blind(app, study_id):
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True, revealed=False, unit="answer"))


def outside_notes(page: str) -> str:
    """Return the page without its collapsed passages."""
    return DETAILS.sub("", page)


def test_the_code_view_collapses_context_that_overlaps_a_distressing_passage(app):
    w = setup(app)
    page = text(w.bob.client.get(f"{BASE}/codes/{w.doubt}"))
    assert "scared of the police" not in outside_notes(page)
    assert "<mark>believe</mark> me. I was scared of the police." in page  # inside the note
    assert "Content note" in page


def test_the_code_view_shows_context_to_a_coder_who_did_not_ask_to_collapse(app):
    w = setup(app)
    post(w.bob.client, f"{BASE}/preferences/distressing", {"collapse": "no"})
    page = text(w.bob.client.get(f"{BASE}/codes/{w.doubt}"))
    assert "scared of the police" in outside_notes(page)


def test_in_blind_mode_another_coder_s_mark_neither_collapses_nor_shows_itself(app):
    w = setup(app)
    blind(app, w.study_id)
    page = text(w.bob.client.get(f"{BASE}/codes/{w.doubt}"))
    assert "<details" not in page.split('<ol class="segments">', 1)[1]


def test_search_lines_overlapping_a_distressing_passage_are_collapsed(app):
    w = setup(app)
    page = text(w.bob.client.get(f"{BASE}/search", query_string={"q": "police"}))
    assert 'class="kwic-hit">police</mark>' in page
    assert "police</mark>" not in outside_notes(page)
    other = text(w.bob.client.get(f"{BASE}/search", query_string={"q": "officer"}))
    assert "<details" not in other.split('<ol class="kwic"', 1)[1]
    assert "officer</mark>" in other


def test_search_lines_are_not_collapsed_for_someone_who_did_not_ask(app):
    w = setup(app)
    page = text(w.ann.client.get(f"{BASE}/search", query_string={"q": "police"}))
    assert "police</mark>" in outside_notes(page)


def test_a_grid_row_with_a_distressing_passage_is_collapsed(app):
    w = setup(app)
    page = text(w.bob.client.get(f"{BASE}/grid/story"))
    assert SCARED not in outside_notes(page)
    assert SCARED in page
    assert "The officer listened and found me a place to stay." in outside_notes(page)
    assert f'name="row" value="{w.doc}"' in outside_notes(page)  # still saved with the form


def test_the_per_code_compare_page_collapses_the_spans_of_a_flagged_answer(app):
    w = setup(app, role="researcher")
    page = text(w.bob.client.get(f"{BASE}/compare", query_string={"code": w.fear}))
    assert "scared of the police" in page
    assert "scared of the police" not in outside_notes(page)


def test_the_answer_compare_page_collapses_the_spans_table_and_reconcile_choices(app):
    w = setup(app, role="researcher")
    page = text(w.bob.client.get(f"{BASE}/compare/{w.doc}", query_string={"code": w.fear}))
    assert "scared of the police" in page
    assert "scared of the police" not in outside_notes(page)
    assert 'value="union"' in outside_notes(page)  # the choices are there, without the words
