"""The analysis overview: closed questions lead to descriptives, free text to words and topics,
and a question with too little text for topics says how much they need."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from survey.services.analysis import overview_view
from tests.factories import add_study, tiny_instrument
from tests.survey.coding.helpers import respond, sync

SLUG = "tiny"


@pytest.fixture
def study_id(app) -> int:
    """The tiny study with three free-text answers."""
    found = add_study(app, tiny_instrument(), slug=SLUG)
    for story in ("One.", "Two.", "Three."):
        respond(app, found, story)
    sync(app, found)
    return found


def overview(client) -> lxml_html.HtmlElement:
    """Get and parse the overview."""
    response = client.get(f"/analysis/{SLUG}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return lxml_html.fromstring(response.get_data(as_text=True))


def links(tree) -> dict[str, str]:
    """Return {visible link text: href}."""
    return {a.text_content(): a.get("href") for a in tree.iter("a")}


def test_closed_questions_link_to_their_descriptives(staff, study_id) -> None:
    found = links(overview(staff("admin")))
    assert found["How did you meet the police?"] == f"/analysis/{SLUG}/describe/contact_kind"
    assert found["Were you arrested?"] == f"/analysis/{SLUG}/describe/arrested"


def test_a_free_text_question_shows_its_answers_and_links_to_words(staff, study_id) -> None:
    tree = overview(staff("admin"))
    row = next(tr for tr in tree.iter("tr") if "Tell us more" in tr.text_content())
    assert row.find("td").text_content() == "3"
    assert links(tree)["Words in context: Tell us more"] == f"/analysis/{SLUG}/words?question=story"


def test_too_little_text_for_topics_says_how_much_they_need_and_why(staff, study_id) -> None:
    from analysis.topics import MIN_DOCUMENTS

    assert MIN_DOCUMENTS > 3
    tree = overview(staff("admin"))
    text = " ".join(tree.text_content().split())
    assert f"they need at least {MIN_DOCUMENTS}" in text
    assert f"Topic models need at least {MIN_DOCUMENTS} answers to a question" in text
    assert "Topics: Tell us more" not in links(tree)


def test_enough_text_links_to_topics(staff, study_id, monkeypatch) -> None:
    monkeypatch.setattr(overview_view, "topic_threshold", lambda: 3)
    tree = overview(staff("admin"))
    assert "Topics: Tell us more" in links(tree)
    assert "Too few for topics" not in tree.text_content()


def test_a_study_without_free_text_still_offers_descriptives(app, staff) -> None:
    add_study(app, tiny_instrument(), slug=SLUG)
    tree = overview(staff("admin"))
    assert "No completed response has a free-text answer yet" in tree.text_content()
    assert "How did you meet the police?" in links(tree)


def test_the_coding_overview_links_to_the_analysis(staff, study_id) -> None:
    page = staff("admin").get(f"/coding/{SLUG}").get_data(as_text=True)
    assert f'href="/analysis/{SLUG}"' in page
