"""Compare coders: the per-code page and the one-answer page.

The span arithmetic behind them is the library's: tests/coding/test_spans.py.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

from sqlalchemy import select

from survey.extensions import db
from survey.models import Segment, Study, User
from survey.services.coding import segments
from tests.factories import add_study, tiny_instrument
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import audit_actions, post, text

# --- the pages --------------------------------------------------------------------------

EMOJI_STORY = "Nobody asked what happened to me 🙁 — they asked for my papers."


def setup(app):
    """Two analysts and a lead on the tiny study, a code, and the documents by text."""
    study_id = coding_study(app)
    docs = {text: guid for guid, text in sync(app, study_id)}
    lead = coder(app, study_id, "researcher", email="lead@example.org")
    ann = coder(app, study_id, email="ann@example.org")
    bob = coder(app, study_id, email="bob@example.org")
    code = add_code(app, study_id, "Not believed")
    return SimpleNamespace(study_id=study_id, docs=docs, lead=lead, ann=ann, bob=bob, code=code)


def mark(app, study_id, who, docs, story, words, *codes):
    """Code the first occurrence of `words` in `story` as `who`."""
    start = story.index(words)
    code_span(app, study_id, who.user_id, docs[story], start, start + len(words), *codes)


def test_compare_shows_each_coders_spans_and_where_they_differ_after_an_emoji(app):
    w = setup(app)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)
    mark(app, w.study_id, w.bob, w.docs, EMOJI_STORY, "asked for my papers", w.code)

    page = w.lead.client.get(f"{BASE}/compare?code={w.code}")
    body = html.unescape(text(page))
    assert page.status_code == 200
    assert '<q class="span-text">they asked for</q>' in body
    assert '<q class="span-text">asked for my papers</q>' in body
    # Where they differ: the words only one of them marked, exactly (code points, not UTF-16).
    assert '<q class="span-text">they </q>' in body
    assert '<q class="span-text"> my papers</q>' in body
    assert "coders differ" in body
    assert ("coding.read_text", '{"documents": 1, "view": "compare"}') in audit_actions(app)


def test_answer_level_disagreement_says_who_applied_the_code(app):
    w = setup(app)
    other = add_code(app, w.study_id, "Fear")
    story = "They did not believe me. I was scared of the police."
    mark(app, w.study_id, w.ann, w.docs, story, "did not believe me", w.code)
    mark(app, w.study_id, w.bob, w.docs, story, "scared of the police", other)

    body = text(w.lead.client.get(f"{BASE}/compare?code={w.code}"))
    assert "ann@example.org: <strong>yes</strong>; bob@example.org: <strong>no</strong>" in body


def test_a_coder_who_has_not_coded_the_answer_is_not_counted_as_disagreeing(app):
    w = setup(app)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)
    mark(
        app,
        w.study_id,
        w.bob,
        w.docs,
        "The officer listened and found me a place to stay.",
        "found",
        w.code,
    )

    body = text(w.lead.client.get(f"{BASE}/compare?code={w.code}&only=disagreements"))
    assert 'bob@example.org: <span class="muted">has not coded this answer</span>' not in body
    assert "Nobody has applied" not in body
    assert "The coders do not differ" in body
    everything = text(w.lead.client.get(f"{BASE}/compare?code={w.code}"))
    assert 'bob@example.org: <span class="muted">has not coded this answer</span>' in everything


def test_only_disagreements_hides_answers_where_the_coders_agree(app):
    w = setup(app)
    agreed = "I was arrested for the cannabis farm. Later they said I was a victim."
    for who in (w.ann, w.bob):
        mark(app, w.study_id, who, w.docs, agreed, "they said I was a victim", w.code)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)
    mark(app, w.study_id, w.bob, w.docs, EMOJI_STORY, "asked for my papers", w.code)

    everything = text(w.lead.client.get(f"{BASE}/compare?code={w.code}"))
    assert "coders agree" in everything and "they said I was a victim" in everything
    differing = text(w.lead.client.get(f"{BASE}/compare?code={w.code}&only=disagreements"))
    assert "they said I was a victim" not in differing
    assert "asked for my papers" in differing


def test_the_summary_counts_answers_and_disagreements_per_code(app):
    w = setup(app)
    agreed = "I was arrested for the cannabis farm. Later they said I was a victim."
    for who in (w.ann, w.bob):
        mark(app, w.study_id, who, w.docs, agreed, "they said I was a victim", w.code)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)
    mark(app, w.study_id, w.bob, w.docs, EMOJI_STORY, "asked for my papers", w.code)

    body = text(w.lead.client.get(f"{BASE}/compare"))
    row = body[body.index('<th scope="row">Not believed</th>') :]
    assert row.startswith(
        '<th scope="row">Not believed</th><td class="num">2</td><td class="num">1 '
    )
    # The summary shows no respondent text, so it records no reading.
    assert "victim" not in body
    assert not [a for a, _ in audit_actions(app) if a == "coding.read_text"]


def test_the_answer_page_marks_each_coders_words_and_lists_them_in_a_table(app):
    w = setup(app)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)
    mark(app, w.study_id, w.bob, w.docs, EMOJI_STORY, "asked for my papers", w.code)

    page = w.lead.client.get(f"{BASE}/compare/{w.docs[EMOJI_STORY]}?code={w.code}")
    body = text(page)
    assert page.status_code == 200
    assert "🙁 — <mark>they asked for</mark> my papers." in body
    assert "🙁 — they <mark>asked for my papers</mark>." in body
    assert "🙁 — <mark>they </mark>asked for<mark> my papers</mark>." in body
    assert (
        '<tr><th scope="row">ann@example.org</th><td>37–51</td><td>they asked for</td></tr>' in body
    )
    assert EMOJI_STORY.index("they asked for") == 37
    assert 'value="union"' in body and 'value="intersection"' in body
    assert ("coding.read_text", '{"view": "compare_document"}') in audit_actions(app)


def test_respondent_text_is_escaped_on_the_compare_pages(app):
    study_id = coding_study(app, ["<script>alert(1)</script> they took my passport"])
    ((guid, story),) = sync(app, study_id)
    lead = coder(app, study_id, "researcher")
    ann = coder(app, study_id)
    code = add_code(app, study_id, "Documents taken")
    code_span(app, study_id, ann.user_id, guid, 0, len(story), code)

    for path in (f"{BASE}/compare?code={code}", f"{BASE}/compare/{guid}?code={code}"):
        body = text(lead.client.get(path))
        assert "<script>alert(1)" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_unknown_codes_and_answers_are_404(app):
    w = setup(app)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert w.lead.client.get(f"{BASE}/compare?code={unknown}").status_code == 404
    assert w.lead.client.get(f"{BASE}/compare/{unknown}").status_code == 404
    assert (
        w.lead.client.get(f"{BASE}/compare/{w.docs[EMOJI_STORY]}?code={unknown}").status_code == 404
    )


def test_a_code_of_another_study_is_404(app):
    w = setup(app)
    other_id = add_study(app, tiny_instrument(), slug="other")
    foreign = add_code(app, other_id, "Foreign")
    assert w.lead.client.get(f"{BASE}/compare?code={foreign}").status_code == 404


def test_an_analyst_gets_404_on_every_compare_page(app):
    w = setup(app)
    doc = w.docs[EMOJI_STORY]
    for path in (f"{BASE}/compare", f"{BASE}/compare?code={w.code}", f"{BASE}/compare/{doc}"):
        assert w.ann.client.get(path).status_code == 404
    assert (
        post(w.ann.client, f"{BASE}/compare/{doc}", {"code": w.code, "take": "union"}).status_code
        == 404
    )
    assert post(w.ann.client, f"{BASE}/compare/agreed", {"code": w.code}).status_code == 404


def test_a_lead_who_chose_it_sees_distressing_answers_collapsed_behind_a_note(app):
    w = setup(app)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)
    page = f"{BASE}/compare/{w.docs[EMOJI_STORY]}?code={w.code}"
    assert "<details" not in text(w.lead.client.get(page))

    with app.app_context():
        study = db.session.get(Study, w.study_id)
        ann = db.session.get(User, w.ann.user_id)
        guid = db.session.scalar(select(Segment.public_id))
        segments.update_segment(db.session, ann, study, guid, distressing=True)
    post(w.lead.client, f"{BASE}/preferences/distressing", {"collapse": "yes"})

    body = text(w.lead.client.get(page))
    note = body.index('<details class="distressing">')
    assert note < body.index("<mark>they asked for</mark>") < body.index("</details>")


def test_the_answer_page_without_a_code_shows_no_words_and_records_no_reading(app):
    w = setup(app)
    mark(app, w.study_id, w.ann, w.docs, EMOJI_STORY, "they asked for", w.code)

    page = w.lead.client.get(f"{BASE}/compare/{w.docs[EMOJI_STORY]}")

    assert page.status_code == 200
    assert "they asked for" not in text(page)
    assert "coding.read_text" not in [action for action, _ in audit_actions(app)]
