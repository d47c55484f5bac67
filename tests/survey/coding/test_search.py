"""Search: keyword in context over the study's answers, and "code all these hits" as one action."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, CodingDocument, CodingLogEntry, Segment
from survey.services.coding import search
from tests.factories import add_study
from tests.survey.coding.helpers import BASE, add_code, coder, coding_study
from tests.survey.studio import post, text

STORIES = (
    "They did not believe me. I was scared of the police.",
    "The officer listened and found me a place to stay. POLICE helped.",
    "Nobody asked what happened to me 🙁 — the police asked for my papers.",
    "لم يسألوا عن الخوف. الشرطة لم تسمعني.",
    "Die Straße war dunkel; the policeman was kind.",
)
MARKS = re.compile(r"<mark[^>]*>(.*?)</mark>")


def segments_of(app) -> list[tuple[str, int, int, str]]:
    """Return every segment as (document text, start, end, coded words), sorted."""
    with app.app_context():
        rows = db.session.execute(
            select(CodingDocument.text, Segment.start, Segment.end).join(
                CodingDocument, CodingDocument.id == Segment.document_id
            )
        ).all()
        return sorted((t, s, e, t[s:e]) for t, s, e in rows)


def read_events(app) -> list[dict]:
    with app.app_context():
        return [
            json.loads(detail)
            for detail in db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "coding.read_text")
            )
        ]


def hit_keys(page: str) -> list[str]:
    return re.findall(r'name="hit" value="([^"]+)"', page)


def test_search_shows_each_hit_in_context_case_insensitively(app):
    study_id = coding_study(app, STORIES)
    analyst = coder(app, study_id)

    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "Police"}))

    assert sorted(MARKS.findall(page)) == ["POLICE", "police", "police", "police"]
    assert "4 hits in 4 answers" in page
    assert "scared of the " in page  # the words before the hit


def test_whole_words_only_leaves_out_longer_words(app):
    study_id = coding_study(app, STORIES)
    analyst = coder(app, study_id)

    page = text(
        analyst.client.get(f"{BASE}/search", query_string={"q": "police", "whole_words": "1"})
    )

    assert sorted(MARKS.findall(page)) == ["POLICE", "police", "police"]
    assert "3 hits in 3 answers" in page


def test_sharp_s_is_found_by_double_s_and_right_to_left_lines_are_marked(app):
    study_id = coding_study(app, STORIES)
    analyst = coder(app, study_id)

    german = text(analyst.client.get(f"{BASE}/search", query_string={"q": "STRASSE"}))
    arabic = text(analyst.client.get(f"{BASE}/search", query_string={"q": "الخوف"}))

    assert MARKS.findall(german) == ["Straße"]
    assert MARKS.findall(arabic) == ["الخوف"]
    assert 'class="kwic-text" dir="rtl"' in arabic
    assert 'class="kwic-text" dir="ltr"' in german


def test_regular_expression_characters_are_searched_literally(app):
    study_id = coding_study(app, ["a.b (c+d)* here", "abc (cd) there"])
    analyst = coder(app, study_id)

    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "(c+d)*"}))
    nothing = text(analyst.client.get(f"{BASE}/search", query_string={"q": ".*"}))

    assert MARKS.findall(page) == ["(c+d)*"]
    assert MARKS.findall(nothing) == []
    assert "Nothing matches" in nothing


def test_a_query_that_is_too_long_gets_a_message_not_a_search(app):
    study_id = coding_study(app, STORIES)
    analyst = coder(app, study_id)

    response = analyst.client.get(f"{BASE}/search", query_string={"q": "police " * 40})

    assert response.status_code == 400
    assert "the limit is 200" in text(response)
    assert read_events(app) == []


def test_unknown_question_is_not_found(app):
    study_id = coding_study(app, STORIES)
    analyst = coder(app, study_id)

    response = analyst.client.get(f"{BASE}/search", query_string={"q": "x", "question": "nope"})

    assert response.status_code == 404


def test_the_search_records_a_view_with_the_number_of_hits_never_the_words(app):
    study_id = coding_study(app, STORIES)
    analyst = coder(app, study_id)

    analyst.client.get(f"{BASE}/search", query_string={"q": "scared", "question": "story"})

    assert read_events(app) == [{"view": "search", "question": "story", "hits": 1}]
    with app.app_context():
        everything = " ".join(db.session.scalars(select(AuditEvent.detail)))
    assert "scared" not in everything


def test_code_all_hits_codes_exactly_the_hits_and_one_undo_removes_them(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Police")
    analyst = coder(app, study_id)
    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "POLICE"}))

    response = post(
        analyst.client,
        f"{BASE}/search",
        {"q": "POLICE", "question": "", "code": fear, "hit": hit_keys(page)},
    )

    assert response.status_code == 303
    assert "q=POLICE" in response.headers["Location"]
    coded = segments_of(app)
    assert sorted(words for *_, words in coded) == ["POLICE", "police", "police", "police"]
    assert "Coded 4 hits" in text(analyst.client.get(response.headers["Location"]))
    with app.app_context():
        [entry] = db.session.scalars(select(CodingLogEntry)).all()
    assert entry.action == "code_hits"
    assert "police" not in entry.payload.casefold()

    assert post(analyst.client, f"{BASE}/undo").status_code == 303
    assert segments_of(app) == []


def test_unticked_hits_are_not_coded_and_offsets_from_the_browser_are_not_trusted(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "police"}))
    keys = hit_keys(page)
    forged = keys[0].split(":")[0] + ":3"  # a place in the text the search did not find

    post(
        analyst.client,
        f"{BASE}/search",
        {"q": "police", "code": fear, "hit": [keys[0], keys[2], forged]},
    )

    coded = segments_of(app)
    assert len(coded) == 2
    assert all(words.casefold() == "police" for *_, words in coded)


def test_coding_no_hit_or_no_code_is_refused_with_a_message(app):
    study_id = coding_study(app, STORIES)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "police"}))

    no_hit = post(analyst.client, f"{BASE}/search", {"q": "police", "code": fear})
    no_code = post(analyst.client, f"{BASE}/search", {"q": "police", "hit": hit_keys(page)})

    assert no_hit.status_code == 400
    assert "No hit is ticked" in text(no_hit)
    assert no_code.status_code == 400
    assert "Choose at least one code" in text(no_code)
    assert segments_of(app) == []


def test_a_category_or_another_studys_code_cannot_be_applied(app):
    study_id = coding_study(app, STORIES)
    category = add_code(app, study_id, "Feelings", codable=False)
    other = add_study(app, slug="other")
    foreign = add_code(app, other, "Elsewhere")
    analyst = coder(app, study_id)
    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "police"}))

    refused = post(
        analyst.client, f"{BASE}/search", {"q": "police", "code": category, "hit": hit_keys(page)}
    )
    unknown = post(
        analyst.client, f"{BASE}/search", {"q": "police", "code": foreign, "hit": hit_keys(page)}
    )

    assert refused.status_code == 400
    assert "is a category" in text(refused)
    assert unknown.status_code == 404
    assert segments_of(app) == []


def test_people_who_may_not_code_the_study_get_not_found(app):
    study_id = coding_study(app, STORIES)
    steward = coder(app, study_id, role="data_steward")
    outsider = coder(app, None)

    assert steward.client.get(f"{BASE}/search?q=police").status_code == 404
    assert outsider.client.get(f"{BASE}/search?q=police").status_code == 404
    assert post(outsider.client, f"{BASE}/search", {"q": "police"}).status_code == 404


def test_past_the_cap_the_page_says_there_are_more_and_codes_only_those_shown(app, monkeypatch):
    monkeypatch.setattr(search, "MAX_HITS", 3)
    study_id = coding_study(app, ["police police", "police police police"])
    fear = add_code(app, study_id, "Police")
    analyst = coder(app, study_id)

    page = text(analyst.client.get(f"{BASE}/search", query_string={"q": "police"}))
    post(analyst.client, f"{BASE}/search", {"q": "police", "code": fear, "hit": hit_keys(page)})

    assert "The first 3 hits" in page
    assert "There are more than 3 hits" in page
    assert len(hit_keys(page)) == 3
    assert len(segments_of(app)) == 3
