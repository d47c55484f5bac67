"""The codebook pages: the tree, adding and editing codes, merging, splitting and deleting.

The rules are the library's and come back as messages on the same page with
a 400; nothing changes when something is refused. Merged and moved segments
follow their code, and duplicates collapse. Every change is in the coding log
and the audit log.
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import AuditEvent, Code, CodingLogEntry, CodingSettings, Memo
from tests.survey.coding.helpers import (
    BASE,
    add_code,
    code_span,
    coder,
    coding_study,
    segment_rows,
    sync,
)
from tests.survey.studio import post, text

FIELDS = {"kind": "code", "parent": "", "colour": "#1f77b4"}


@pytest.fixture
def study(app):
    """The tiny study, its documents (GUIDs in text order) and its lead (a researcher)."""
    study_id = coding_study(app)
    documents = [guid for guid, _ in sync(app, study_id)]
    return study_id, documents, coder(app, study_id, role="researcher", email="ann@example.org")


def codes(app, study_id) -> list[tuple[str, str | None, bool]]:
    """Return (name, parent name, codable) of every code, by name."""
    with app.app_context():
        rows = db.session.scalars(select(Code).where(Code.study_id == study_id)).all()
        names = {row.id: row.name for row in rows}
        return sorted((r.name, names.get(r.parent_id), r.codable) for r in rows)


def actions(app, model, column) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(column).order_by(model.id)))


def test_adding_codes_and_categories_builds_the_tree(app, study):
    study_id, _, ann = study
    added = post(
        ann.client, f"{BASE}/codebook/new", {**FIELDS, "name": "Police", "kind": "category"}
    )
    assert added.status_code == 303
    with app.app_context():
        group = db.session.scalar(select(Code.public_id).where(Code.name == "Police"))
    form = {
        **FIELDS,
        "name": "  Disbelief ",
        "parent": group,
        "definition": "Not believed by officers.",
        "when_to_use": "Said outright.",
        "when_not_to_use": "Only feared.",
        "example": "They laughed at me.",
    }
    assert post(ann.client, f"{BASE}/codebook/new", form).status_code == 303
    assert ("Disbelief", "Police", True) in codes(app, study_id)
    assert ("Police", None, False) in codes(app, study_id)
    page = text(ann.client.get(f"{BASE}/codebook"))
    assert "Police/Disbelief" in page and "Not believed by officers." in page
    assert "When not to use" in page and "They laughed at me." in page
    assert "#1f77b4" in page and "0 segments" in page
    css = text(ann.client.get(f"{BASE}/colours.css"))
    assert "#1f77b4" in css
    assert "code_add" in actions(app, CodingLogEntry, CodingLogEntry.action)
    assert "coding.code_add" in actions(app, AuditEvent, AuditEvent.action)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fear", "There is already a code called &#39;Fear&#39; here"),
        ("   ", "A code needs a name."),
        ("x" * 201, "The code name is 201 characters long"),
        ("Debt\nbondage", "The code name contains a line break (U+000A)"),
        ("Debt\x1b[31m", "The code name contains the control character U+001B"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_added(app, study, name, message):
    study_id, _, ann = study
    add_code(app, study_id, "Fear")
    response = post(ann.client, f"{BASE}/codebook/new", {**FIELDS, "name": name})
    assert response.status_code == 400
    assert message in text(response)
    assert [c[0] for c in codes(app, study_id)] == ["Fear"]


def test_a_bad_colour_is_refused(app, study):
    study_id, _, ann = study
    response = post(ann.client, f"{BASE}/codebook/new", {**FIELDS, "name": "Debt", "colour": "red"})
    assert response.status_code == 400 and "is not a colour like #1F77B4" in text(response)
    assert codes(app, study_id) == []


def test_renaming_moving_and_rewriting_a_code(app, study):
    study_id, _, ann = study
    fear = add_code(app, study_id, "Fear")
    group = add_code(app, study_id, "Feelings", codable=False)
    form = {**FIELDS, "name": "Fear of harm", "parent": group, "definition": "Afraid."}
    response = post(ann.client, f"{BASE}/codebook/{fear}", form)
    assert response.status_code == 303
    assert ("Fear of harm", "Feelings", True) in codes(app, study_id)
    edit = text(ann.client.get(f"{BASE}/codebook/{fear}"))
    assert 'value="Fear of harm"' in edit and "Afraid." in edit


def test_renaming_onto_a_siblings_name_or_moving_under_itself_is_refused(app, study):
    study_id, _, ann = study
    fear = add_code(app, study_id, "Fear")
    add_code(app, study_id, "Shame")
    child = add_code(app, study_id, "Of the police", parent=fear)
    taken = post(ann.client, f"{BASE}/codebook/{fear}", {**FIELDS, "name": "shame"})
    assert taken.status_code == 400 and "There is already a code called" in text(taken)
    cycle = post(ann.client, f"{BASE}/codebook/{fear}", {**FIELDS, "name": "Fear", "parent": child})
    assert cycle.status_code == 400 and "that is inside it" in text(cycle)
    assert ("Fear", None, True) in codes(app, study_id)
    assert ("Of the police", "Fear", True) in codes(app, study_id)


def test_a_code_in_use_cannot_become_a_category(app, study):
    study_id, documents, ann = study
    fear = add_code(app, study_id, "Fear")
    code_span(app, study_id, ann.user_id, documents[0], 0, 5, fear)
    response = post(
        ann.client, f"{BASE}/codebook/{fear}", {**FIELDS, "name": "Fear", "kind": "category"}
    )
    assert response.status_code == 400 and "cannot become a category" in text(response)
    assert codes(app, study_id) == [("Fear", None, True)]


def test_merging_asks_first_then_segments_follow_and_duplicates_collapse(app, study):
    study_id, documents, ann = study
    fear, afraid = add_code(app, study_id, "Fear"), add_code(app, study_id, "Afraid")
    add_code(app, study_id, "Of the boss", parent=afraid)
    code_span(app, study_id, ann.user_id, documents[0], 0, 10, fear)
    code_span(app, study_id, ann.user_id, documents[0], 0, 10, afraid)  # the same words twice
    code_span(app, study_id, ann.user_id, documents[1], 3, 8, afraid)
    post(ann.client, f"{BASE}/memos", {"target": "code", "guid": afraid, "text": "Afraid memo"})
    ask = post(ann.client, f"{BASE}/codebook/{afraid}/merge", {"target": fear})
    assert ask.status_code == 200
    assert "has 2 segments" in text(ask) and "Merge them" in text(ask)
    assert len(segment_rows(app, study_id)) == 3, "nothing changes before the confirmation"
    done = post(ann.client, f"{BASE}/codebook/{afraid}/merge", {"target": fear, "confirm": "yes"})
    assert done.status_code == 303
    rows = segment_rows(app, study_id)
    assert [(r[1], r[3], r[4]) for r in rows] == [("Fear", 0, 10), ("Fear", 3, 8)]
    assert codes(app, study_id) == [("Fear", None, True), ("Of the boss", "Fear", True)]
    with app.app_context():
        memos = db.session.scalars(select(Memo.text).where(Memo.target == "code")).all()
    assert memos == ["Afraid memo"]
    assert "code_merge" in actions(app, CodingLogEntry, CodingLogEntry.action)


def test_merging_into_a_code_someone_just_deleted_says_so(app, study):
    study_id, documents, ann = study
    fear, afraid = add_code(app, study_id, "Fear"), add_code(app, study_id, "Afraid")
    code_span(app, study_id, ann.user_id, documents[0], 0, 10, afraid)
    bo = coder(app, study_id, role="researcher", email="bo@example.org")
    assert post(bo.client, f"{BASE}/codebook/{fear}/delete").status_code == 303
    response = post(
        ann.client, f"{BASE}/codebook/{afraid}/merge", {"target": fear, "confirm": "yes"}
    )
    assert response.status_code == 400
    assert "no longer exists" in text(response)
    assert [r[1] for r in segment_rows(app, study_id)] == ["Afraid"]


def test_merging_into_itself_or_a_category_is_refused(app, study):
    study_id, _, ann = study
    fear = add_code(app, study_id, "Fear")
    group = add_code(app, study_id, "Group", codable=False)
    same = post(ann.client, f"{BASE}/codebook/{fear}/merge", {"target": fear, "confirm": "yes"})
    assert same.status_code == 400 and "cannot be merged into itself" in text(same)
    category = post(
        ann.client, f"{BASE}/codebook/{fear}/merge", {"target": group, "confirm": "yes"}
    )
    assert category.status_code == 400 and "is a category" in text(category)
    assert len(codes(app, study_id)) == 2


def test_splitting_moves_the_chosen_segments_to_new_codes(app, study):
    study_id, documents, ann = study
    fear = add_code(app, study_id, "Fear")
    for document in documents[:3]:
        code_span(app, study_id, ann.user_id, document, 0, 6, fear)
    guids = [r[0] for r in segment_rows(app, study_id)]
    page = ann.client.get(f"{BASE}/codebook/{fear}/split")
    assert page.status_code == 200 and text(page).count('<fieldset class="split-row">') == 3
    form = {
        "parts": "2",
        "name-0": "Of the police",
        "name-1": "Of the boss",
        f"to-{guids[0]}": "0",
        f"to-{guids[1]}": "1",
        f"to-{guids[2]}": "keep",
    }
    assert post(ann.client, f"{BASE}/codebook/{fear}/split", form).status_code == 303
    assert sorted(r[1] for r in segment_rows(app, study_id)) == [
        "Fear",
        "Of the boss",
        "Of the police",
    ]
    assert ("Of the police", "Fear", True) in codes(app, study_id)


def test_a_split_to_an_unnamed_code_is_refused(app, study):
    study_id, documents, ann = study
    fear = add_code(app, study_id, "Fear")
    code_span(app, study_id, ann.user_id, documents[0], 0, 6, fear)
    [row] = segment_rows(app, study_id)
    form = {"parts": "2", "name-0": "Police", "name-1": "", f"to-{row[0]}": "1"}
    response = post(ann.client, f"{BASE}/codebook/{fear}/split", form)
    assert response.status_code == 400 and "Give new code 2 a name" in text(response)
    assert 'value="Police"' in text(response)
    assert codes(app, study_id) == [("Fear", None, True)]


def test_deleting_an_unused_code(app, study):
    study_id, _, ann = study
    fear = add_code(app, study_id, "Fear")
    assert "Nobody has applied it" in text(ann.client.get(f"{BASE}/codebook/{fear}/delete"))
    assert post(ann.client, f"{BASE}/codebook/{fear}/delete").status_code == 303
    assert codes(app, study_id) == []
    assert "coding.code_delete" in actions(app, AuditEvent, AuditEvent.action)


def test_deleting_a_code_in_use_asks_what_becomes_of_its_segments(app, study):
    study_id, documents, ann = study
    fear, shame = add_code(app, study_id, "Fear"), add_code(app, study_id, "Shame")
    code_span(app, study_id, ann.user_id, documents[0], 0, 6, fear)
    code_span(app, study_id, ann.user_id, documents[1], 0, 6, fear)
    asked = text(ann.client.get(f"{BASE}/codebook/{fear}/delete"))
    assert "It is applied to 2 segments" in asked and "Move them to another code" in asked
    refused = post(ann.client, f"{BASE}/codebook/{fear}/delete")
    assert refused.status_code == 400 and "move them to another code or remove" in text(refused)
    no_target = post(ann.client, f"{BASE}/codebook/{fear}/delete", {"segments": "move"})
    assert no_target.status_code == 400 and "Choose the code to move" in text(no_target)
    assert len(segment_rows(app, study_id)) == 2
    moved = post(
        ann.client, f"{BASE}/codebook/{fear}/delete", {"segments": "move", "target": shame}
    )
    assert moved.status_code == 303
    assert [r[1] for r in segment_rows(app, study_id)] == ["Shame", "Shame"]
    assert (
        post(ann.client, f"{BASE}/codebook/{shame}/delete", {"segments": "remove"}).status_code
        == 303
    )
    assert segment_rows(app, study_id) == [] and codes(app, study_id) == []


def test_a_code_with_codes_under_it_cannot_be_deleted(app, study):
    study_id, _, ann = study
    fear = add_code(app, study_id, "Fear")
    add_code(app, study_id, "Of the police", parent=fear)
    assert "has codes under it" in text(ann.client.get(f"{BASE}/codebook/{fear}/delete"))
    response = post(ann.client, f"{BASE}/codebook/{fear}/delete", {"segments": "remove"})
    assert response.status_code == 400 and "has codes under it" in text(response)
    assert len(codes(app, study_id)) == 2


def test_the_counts_follow_blind_mode(app, study):
    study_id, documents, _ = study
    ann = coder(app, study_id, email="analyst@example.org")  # not the lead: blind applies
    fear = add_code(app, study_id, "Fear")
    bo = coder(app, study_id, email="bo@example.org")
    code_span(app, study_id, ann.user_id, documents[0], 0, 6, fear)
    code_span(app, study_id, bo.user_id, documents[1], 0, 6, fear)
    assert "2 segments" in text(ann.client.get(f"{BASE}/codebook"))
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True))
    assert "1 segment<" in text(ann.client.get(f"{BASE}/codebook"))


def test_two_people_adding_the_same_name_at_once_get_one_code(app, study):
    study_id, _, ann = study
    bo = coder(app, study_id, role="researcher", email="bo@example.org")
    start = threading.Barrier(2)
    statuses: list[int] = []

    def add(client) -> None:
        start.wait()
        statuses.append(
            post(client, f"{BASE}/codebook/new", {**FIELDS, "name": "Fear"}).status_code
        )

    threads = [threading.Thread(target=add, args=(c.client,)) for c in (ann, bo)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 400]
    assert codes(app, study_id) == [("Fear", None, True)]


def test_codebook_changes_are_audited_with_small_details(app, study):
    study_id, _, ann = study
    fear = add_code(app, study_id, "Fear")
    post(ann.client, f"{BASE}/codebook/{fear}", {**FIELDS, "name": "Fear", "definition": "x" * 300})
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action.like("coding.code_%"))
        ).all()
    assert details and all(len(json.loads(d).get("study", "")) < 50 for d in details)
    assert all("x" * 300 not in d for d in details)


def test_people_who_may_not_code_cannot_see_the_codebook(app, study):
    study_id, _, _ = study
    fear = add_code(app, study_id, "Fear")
    steward = coder(app, study_id, role="data_steward")
    for path in ("codebook", "codebook/new", f"codebook/{fear}", f"codebook/{fear}/delete"):
        assert steward.client.get(f"{BASE}/{path}").status_code == 404
    assert post(steward.client, f"{BASE}/codebook/{fear}/delete").status_code == 404
    assert codes(app, study_id) == [("Fear", None, True)]
