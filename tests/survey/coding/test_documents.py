"""The documents list and the document view: reading an answer, coding a span, and the limits.

The text element holds the answer's text exactly, whatever is coded; offsets
from the browser are UTF-16 and the server converts them; without JavaScript
a person codes the whole answer or the exact words typed; every bad span is
a message and a 400 with nothing stored; other people's work stays hidden in
blind mode; reading an answer is recorded, never its words.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from coding.text import codepoints_to_utf16
from survey.extensions import db, write_transaction
from survey.models import AuditEvent, CodingSettings
from tests.survey.coding.helpers import (
    BASE,
    add_code,
    code_span,
    coder,
    coding_study,
    segment_rows,
    sync,
    text_of,
)
from tests.survey.studio import post, text

EMOJI_STORY = "Nobody asked what happened to me 🙁 — they asked for my papers."


@pytest.fixture
def study(app):
    """The tiny study with its four stories and two codes; returns (id, {text: guid}, codes)."""
    study_id = coding_study(app)
    documents = {body: guid for guid, body in sync(app, study_id)}
    codes = {name: add_code(app, study_id, name) for name in ("Fear", "Papers")}
    return study_id, documents, codes


def page_of(client, guid):
    response = client.get(f"{BASE}/documents/{guid}")
    assert response.status_code == 200
    return text(response)


def reads(app) -> list[dict]:
    with app.app_context():
        return [
            json.loads(detail)
            for detail in db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "coding.read_text")
            )
        ]


def test_the_documents_list_shows_each_answer_with_the_codings_i_can_see(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    code_span(app, study_id, me.user_id, documents[EMOJI_STORY], 0, 6, codes["Fear"])
    page = text(me.client.get(f"{BASE}/documents?question=story"))
    assert "Tell us more" in page
    assert page.count('href="/coding/tiny/documents/') == 4
    assert "<td>1</td>" in page  # one coding on one answer
    for body in documents:
        assert body not in page, "the list shows no answer's words"
    assert reads(app) == []


def test_the_documents_list_is_paged_by_fifty(app):
    study_id = coding_study(app, [f"Answer number {n}." for n in range(51)])
    me = coder(app, study_id)
    first = text(me.client.get(f"{BASE}/documents"))
    assert first.count('href="/coding/tiny/documents/') == 50
    assert "page 1 of 2" in first
    second = text(me.client.get(f"{BASE}/documents?question=story&page=2"))
    assert second.count('href="/coding/tiny/documents/') == 1
    assert "Answer 51" in second


def test_the_text_element_holds_the_answer_exactly_with_overlapping_codings(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    code_span(app, study_id, me.user_id, guid, 0, 20, codes["Fear"])
    code_span(app, study_id, me.user_id, guid, 10, 40, codes["Papers"])
    page = page_of(me.client, guid)
    assert text_of(page) == EMOJI_STORY
    # 10-20 is inside both codings: its chunk is wrapped in two marks, one per code.
    assert page.count("<mark ") == 4  # 0-10: one, 10-20: two, 20-40: one
    assert 'title="1: Fear (' in page and 'title="2: Papers (' in page


def test_reading_a_document_is_recorded_without_its_words(app, study):
    study_id, documents, _ = study
    me = coder(app, study_id)
    page_of(me.client, documents[EMOJI_STORY])
    assert reads(app) == [{"question": "story", "view": "document"}]


def test_hostile_text_is_shown_as_text(app):
    hostile = '<script>alert(1)</script> & "quotes" <b>bold</b>'
    study_id = coding_study(app, [hostile])
    me = coder(app, study_id)
    guid = sync(app, study_id)[0][0]
    page = page_of(me.client, guid)
    assert "<script>alert" not in page and "<b>bold" not in page
    assert text_of(page) == hostile


def test_coding_a_browser_selection_converts_utf16_offsets_to_code_points(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    start = EMOJI_STORY.index("they asked")
    end = start + len("they asked")
    units = {
        "start": codepoints_to_utf16(EMOJI_STORY, start),
        "end": codepoints_to_utf16(EMOJI_STORY, end),
    }
    assert units["start"] == start + 1  # the emoji counts twice in UTF-16
    response = post(
        me.client,
        f"{BASE}/documents/{guid}/codings",
        {"code": codes["Papers"], "how": "selection", "units": "utf16", **units},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/documents/{guid}")
    [row] = segment_rows(app, study_id)
    assert EMOJI_STORY[row[3] : row[4]] == "they asked"


def test_one_post_applies_several_codes_with_a_memo_and_a_mark(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    form = {"code": [codes["Fear"], codes["Papers"]], "how": "whole", "memo": "Both."}
    post(me.client, f"{BASE}/documents/{guid}/codings", {**form, "distressing": "yes"})
    rows = segment_rows(app, study_id)
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("Fear", 0, len(EMOJI_STORY), "Both.", True),
        ("Papers", 0, len(EMOJI_STORY), "Both.", True),
    ]


def test_without_javascript_the_exact_words_typed_are_coded(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    form = {"code": codes["Papers"], "how": "selection", "words": "for my papers"}
    assert post(me.client, f"{BASE}/documents/{guid}/codings", form).status_code == 303
    [row] = segment_rows(app, study_id)
    assert EMOJI_STORY[row[3] : row[4]] == "for my papers"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("the border", "Those words are not in this answer"),
        ("asked", "Those words are in this answer 2 times"),
    ],
)
def test_words_not_found_or_found_twice_are_refused(app, study, words, message):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    form = {"code": codes["Fear"], "how": "words", "words": words}
    response = post(me.client, f"{BASE}/documents/{guid}/codings", form)
    assert response.status_code == 400
    assert message in text(response)
    assert f'value="{words}"' in text(response), "what was typed is kept"
    assert segment_rows(app, study_id) == []


@pytest.mark.parametrize(
    ("start", "end", "units", "message"),
    [
        ("4", "4", "codepoints", "is empty"),
        ("9", "2", "codepoints", "ends before it starts"),
        ("0", "999", "codepoints", "lies outside the text"),
        ("0", "34", "utf16", "falls inside a character"),  # between the emoji's two halves
        ("one", "5", "codepoints", "is not a whole number"),
        ("", "", "codepoints", "Select some words"),
    ],
)
def test_bad_spans_are_refused_with_a_message_and_nothing_is_stored(
    app, study, start, end, units, message
):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    assert EMOJI_STORY.index("🙁") == 33
    form = {"code": codes["Fear"], "how": "selection", "start": start, "end": end, "units": units}
    response = post(me.client, f"{BASE}/documents/{guid}/codings", form)
    assert response.status_code == 400
    assert message in text(response)
    assert 'class="error-summary"' in text(response)
    assert segment_rows(app, study_id) == []


def test_coding_needs_a_code_and_a_category_is_refused(app, study):
    study_id, documents, _ = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    category = add_code(app, study_id, "Authorities", codable=False)
    none = post(me.client, f"{BASE}/documents/{guid}/codings", {"how": "whole"})
    assert none.status_code == 400 and "Choose at least one code" in text(none)
    refused = post(
        me.client, f"{BASE}/documents/{guid}/codings", {"code": category, "how": "whole"}
    )
    assert refused.status_code == 400 and "is a category" in text(refused)
    assert segment_rows(app, study_id) == []


def test_unknown_or_other_studies_documents_and_segments_are_not_found(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    other = coder(app, study_id, email="other@example.org")
    guid = documents[EMOJI_STORY]
    code_span(app, study_id, other.user_id, guid, 0, 5, codes["Fear"])
    [row] = segment_rows(app, study_id)
    missing = "00000000-0000-4000-8000-000000000000"
    assert me.client.get(f"{BASE}/documents/{missing}").status_code == 404
    whole = {"code": codes["Fear"], "how": "whole"}
    assert post(me.client, f"{BASE}/documents/{missing}/codings", whole).status_code == 404
    # Someone else's coding cannot be removed or changed.
    assert post(me.client, f"{BASE}/segments/{row[0]}/remove").status_code == 404
    assert post(me.client, f"{BASE}/segments/{row[0]}", {"memo": "x"}).status_code == 404
    assert len(segment_rows(app, study_id)) == 1


def test_people_who_may_not_code_get_not_found(app, study):
    study_id, documents, _ = study
    guid = documents[EMOJI_STORY]
    steward = coder(app, study_id, role="data_steward")
    outsider = coder(app, None)  # an analyst not on the team
    for client in (steward.client, outsider.client):
        assert client.get(f"{BASE}/documents").status_code == 404
        assert client.get(f"{BASE}/documents/{guid}").status_code == 404
    nobody = app.test_client().get(f"{BASE}/documents/{guid}")
    assert nobody.status_code == 302 and "/studio/login" in nobody.headers["Location"]
    assert reads(app) == []


def test_blind_mode_shows_only_my_own_codings(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id, email="me@example.org")
    other = coder(app, study_id, email="other@example.org")
    guid = documents[EMOJI_STORY]
    code_span(app, study_id, other.user_id, guid, 0, 6, codes["Fear"])
    code_span(app, study_id, me.user_id, guid, 10, 14, codes["Papers"])
    assert "other@example.org" in page_of(me.client, guid)
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True))
    page = page_of(me.client, guid)
    assert "other@example.org" not in page and "Fear" not in page.split("Code this answer")[0]
    assert page.count("<mark ") == 1
    assert "Codings (1)" in page
    listing = text(me.client.get(f"{BASE}/documents"))
    assert listing.count("<td>1</td>") == 1


def test_removing_and_changing_my_coding(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    code_span(app, study_id, me.user_id, guid, 0, 6, codes["Fear"])
    [row] = segment_rows(app, study_id)
    back = {"next": f"{BASE}/documents/{guid}"}
    memo = post(me.client, f"{BASE}/segments/{row[0]}", {"memo": "Not asked.", **back})
    assert memo.status_code == 303 and memo.headers["Location"] == back["next"]
    post(me.client, f"{BASE}/segments/{row[0]}", {"distressing": "yes"})
    assert segment_rows(app, study_id)[0][5:] == ("Not asked.", True)
    page = page_of(me.client, guid)
    assert "Not asked." in page and "Unmark as distressing" in page
    removed = post(me.client, f"{BASE}/segments/{row[0]}/remove", back)
    assert removed.status_code == 303
    assert segment_rows(app, study_id) == []
    assert "Codings (0)" in page_of(me.client, guid)


def test_a_segment_memo_too_long_is_refused(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    code_span(app, study_id, me.user_id, guid, 0, 6, codes["Fear"])
    [row] = segment_rows(app, study_id)
    response = post(me.client, f"{BASE}/segments/{row[0]}", {"memo": "x" * 10_001})
    assert response.status_code == 400 and "The memo is too long" in text(response)
    assert segment_rows(app, study_id)[0][5] == ""


def test_distressing_passages_collapse_for_a_coder_who_chooses_it(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    guid = documents[EMOJI_STORY]
    code_span(app, study_id, me.user_id, guid, 0, 20, codes["Fear"])
    [row] = segment_rows(app, study_id)
    post(me.client, f"{BASE}/segments/{row[0]}", {"distressing": "yes"})
    assert "<details" not in page_of(me.client, guid).split('id="doc-text"')[1].split("</div>")[0]
    chosen = post(
        me.client,
        f"{BASE}/preferences/distressing",
        {"collapse": "yes", "next": f"{BASE}/documents/{guid}"},
    )
    assert chosen.status_code == 303
    page = page_of(me.client, guid)
    text_element = page.split('id="doc-text"')[1].split("</div>")[0]
    assert text_element.count('<details class="cn">') == 1
    assert "Content note: a passage marked distressing (Fear)" in text_element
    # The passage is inside the note; the rest of the answer is not.
    inside = text_element.split("</summary>")[1].split("</details>")[0]
    assert "Nobody asked what h" in inside and "papers" not in inside
    assert "Words collapsed: marked distressing." in page
    post(me.client, f"{BASE}/preferences/distressing", {"collapse": "no"})
    assert text_of(page_of(me.client, guid)) == EMOJI_STORY


def test_previous_and_next_answers_to_the_same_question(app, study):
    study_id, _, _ = study
    me = coder(app, study_id)
    listing = text(me.client.get(f"{BASE}/documents"))
    links = [part.split('"')[0] for part in listing.split('href="/coding/tiny/documents/')[1:]]
    first = page_of(me.client, links[0])
    assert "Answer 1 of 4" in first and 'rel="prev"' not in first
    assert f'href="/coding/tiny/documents/{links[1]}" rel="next"' in first
    last = page_of(me.client, links[3])
    assert "Answer 4 of 4" in last and 'rel="next"' not in last.split("</nav>")[1]


def test_coding_with_a_code_someone_just_deleted_says_so(app, study):
    study_id, documents, codes = study
    me = coder(app, study_id)
    lead = coder(app, study_id, role="researcher", email="lead@example.org")  # the lead deletes
    guid = documents[EMOJI_STORY]
    assert post(lead.client, f"{BASE}/codebook/{codes['Fear']}/delete").status_code == 303
    response = post(
        me.client, f"{BASE}/documents/{guid}/codings", {"code": codes["Fear"], "how": "whole"}
    )
    assert response.status_code == 400
    assert "A code you chose no longer exists" in text(response)
    assert segment_rows(app, study_id) == []
