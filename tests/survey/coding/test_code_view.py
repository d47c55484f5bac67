"""The codes with their counts, and the code view: every segment of a code in context."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import AuditEvent, Coder, CodingSettings, Segment
from tests.factories import add_study
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import text

STORIES = (
    "Nobody asked what happened to me 🙁 — they asked for my papers.",
    "They said ą́ą́ to me, q̃ too, and I felt fear of them.",
    "I was afraid. The officer listened and found me a place to stay.",
)
MARKS = re.compile(r"<mark>(.*?)</mark>")


def span_of(document_text: str, words: str) -> tuple[int, int]:
    """Return the code-point span of `words` in the text."""
    start = document_text.index(words)
    return start, start + len(words)


def code_words(app, study_id: int, user_id: int, docs, index: int, words: str, code: str) -> None:
    guid, body = docs[index]
    code_span(app, study_id, user_id, guid, *span_of(body, words), code)


def blind(app, study_id: int) -> None:
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True, revealed=False))


def by_text(docs, start: str) -> int:
    return next(i for i, (_, body) in enumerate(docs) if body.startswith(start))


def test_the_code_view_shows_exactly_the_coded_words_in_context(app):
    study_id = coding_study(app, STORIES)
    papers = add_code(app, study_id, "Papers")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    code_words(app, study_id, analyst.user_id, docs, by_text(docs, "Nobody"), "papers", papers)
    code_words(app, study_id, analyst.user_id, docs, by_text(docs, "They said"), "fear", papers)

    page = text(analyst.client.get(f"{BASE}/codes/{papers}"))

    assert sorted(MARKS.findall(page)) == ["fear", "papers"]  # after an emoji, combining marks
    assert "happened to me 🙁 — they asked for my <mark>papers</mark>." in page
    assert "q̃ too, and I felt <mark>fear</mark> of them." in page
    assert "2 segments in 2 answers from 2 cases" in page


def test_the_codes_page_counts_segments_answers_and_cases_per_code_and_coder(app):
    study_id = coding_study(app, STORIES)
    feelings = add_code(app, study_id, "Feelings", codable=False)
    fear = add_code(app, study_id, "Fear", parent=feelings)
    lead = coder(app, study_id, role="researcher")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    afraid = by_text(docs, "I was")
    code_words(app, study_id, analyst.user_id, docs, by_text(docs, "They said"), "fear", fear)
    code_words(app, study_id, analyst.user_id, docs, afraid, "afraid", fear)
    code_words(app, study_id, lead.user_id, docs, afraid, "afraid", fear)

    page = text(lead.client.get(f"{BASE}/codes"))

    row = page.split(f'href="/coding/tiny/codes/{fear}">Fear</a>', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row)[:3] == ["3", "2", "2"]
    assert sorted(re.findall(r'<td class="num">(\d+)</td>', row)[3:]) == ["1", "2"]
    assert 'Feelings <span class="muted">(category)</span>' in page


def test_blind_mode_shows_a_coder_only_their_own_codings_and_counts(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    lead = coder(app, study_id, role="researcher")
    ann = coder(app, study_id, email="ann@example.org")
    bo = coder(app, study_id, email="bo@example.org")
    docs = sync(app, study_id)
    code_words(app, study_id, ann.user_id, docs, by_text(docs, "They said"), "fear", fear)
    code_words(app, study_id, bo.user_id, docs, by_text(docs, "I was"), "afraid", fear)
    blind(app, study_id)

    ann_view = text(ann.client.get(f"{BASE}/codes/{fear}"))
    ann_counts = text(ann.client.get(f"{BASE}/codes"))
    lead_view = text(lead.client.get(f"{BASE}/codes/{fear}"))

    assert MARKS.findall(ann_view) == ["fear"]
    assert "bo@example.org" not in ann_view
    assert "bo@example.org" not in ann_counts
    assert "Segments by ann@example.org" in ann_counts
    assert "1 segment in 1 answer from 1 case" in ann_view
    assert sorted(MARKS.findall(lead_view)) == ["afraid", "fear"]


def test_filter_by_coder_and_question(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    ann = coder(app, study_id, email="ann@example.org")
    bo = coder(app, study_id, email="bo@example.org")
    docs = sync(app, study_id)
    code_words(app, study_id, ann.user_id, docs, by_text(docs, "They said"), "fear", fear)
    code_words(app, study_id, bo.user_id, docs, by_text(docs, "I was"), "afraid", fear)
    with app.app_context():
        bo_guid = db.session.scalar(select(Coder.public_id).where(Coder.user_id == bo.user_id))

    only_bo = text(ann.client.get(f"{BASE}/codes/{fear}", query_string={"coder": bo_guid}))
    story = text(ann.client.get(f"{BASE}/codes/{fear}", query_string={"question": "story"}))

    assert MARKS.findall(only_bo) == ["afraid"]
    assert sorted(MARKS.findall(story)) == ["afraid", "fear"]


def test_distressing_segments_are_collapsed_for_a_coder_who_chose_it(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    ann = coder(app, study_id)
    bo = coder(app, study_id)
    docs = sync(app, study_id)
    code_words(app, study_id, ann.user_id, docs, by_text(docs, "They said"), "fear", fear)
    with app.app_context(), write_transaction(db.session):
        db.session.execute(Segment.__table__.update().values(distressing=True))
        coder_row = db.session.scalar(select(Coder).where(Coder.user_id == bo.user_id))
        if coder_row is None:
            coder_row = Coder(study_id=study_id, user_id=bo.user_id, name="bo")
            db.session.add(coder_row)
        coder_row.collapse_distressing = True

    collapsed = text(bo.client.get(f"{BASE}/codes/{fear}"))
    open_ = text(ann.client.get(f"{BASE}/codes/{fear}"))

    assert '<details class="content-note"><summary>Content note' in collapsed
    assert "<mark>fear</mark>" in collapsed.split("<details", 1)[1].split("</details>")[0]
    assert "<details" not in open_.split("<ol", 1)[1]
    assert "<mark>fear</mark>" in open_


def test_unknown_code_another_studys_code_and_unknown_filters_are_not_found(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    other = add_study(app, slug="other")
    foreign = add_code(app, other, "Elsewhere")
    analyst = coder(app, study_id)

    assert analyst.client.get(f"{BASE}/codes/not-a-guid").status_code == 404
    assert analyst.client.get(f"{BASE}/codes/{foreign}").status_code == 404
    assert analyst.client.get(f"{BASE}/codes/{fear}?question=nope").status_code == 404
    assert analyst.client.get(f"{BASE}/codes/{fear}?coder={fear}").status_code == 404


def test_a_coder_hidden_by_blind_mode_cannot_be_chosen_as_a_filter(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    ann = coder(app, study_id)
    bo = coder(app, study_id)
    docs = sync(app, study_id)
    code_words(app, study_id, bo.user_id, docs, by_text(docs, "I was"), "afraid", fear)
    blind(app, study_id)
    with app.app_context():
        bo_guid = db.session.scalar(select(Coder.public_id).where(Coder.user_id == bo.user_id))

    assert ann.client.get(f"{BASE}/codes/{fear}?coder={bo_guid}").status_code == 404


def test_the_code_view_records_a_read_without_text_and_the_codes_page_reads_none(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    code_words(app, study_id, analyst.user_id, docs, by_text(docs, "They said"), "fear", fear)

    analyst.client.get(f"{BASE}/codes")
    analyst.client.get(f"{BASE}/codes/{fear}")

    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.detail).where(
                AuditEvent.action == "coding.read_text"
            )
        ).all()
    assert [(t, o, json.loads(d)) for t, o, d in events] == [
        ("code", fear, {"view": "code", "shown": 1})
    ]


def test_people_who_may_not_code_get_not_found(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    steward = coder(app, study_id, role="data_steward")
    outsider = coder(app, None)

    for client in (steward.client, outsider.client):
        assert client.get(f"{BASE}/codes").status_code == 404
        assert client.get(f"{BASE}/codes/{fear}").status_code == 404
