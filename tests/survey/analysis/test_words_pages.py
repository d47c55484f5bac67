"""Words in context: keyword search over the redacted text, filters under disclosure control,
and tables of frequent words and pairs that never list a word only a few respondents used."""

from __future__ import annotations

import itertools

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import CodingDocument, Membership, Redaction, User
from survey.services.analysis import words_view
from tests.factories import add_study, make_staff, sign_in, tiny_instrument
from tests.survey.coding.helpers import respond, sync

SLUG = "tiny"
WORDS = f"/analysis/{SLUG}/words"
K = 5
WAGES = "They kept my wages every week."
POLICE = "The police found me at the farm."
VIKTOR = (
    # One sentence: analysis.text.tokenize leaves a full stop inside a text on its word ("wages.").
    "My boss Viktor Petrov kept my passport and wages, cannabis farm, cannabis farm, cannabis farm"
)
# (story, contact_kind, arrested): called 7, found 5; arrested no 11, yes 1.
PEOPLE = [(WAGES, "called", "no")] * 6 + [(POLICE, "found", "no")] * 5 + [(VIKTOR, "called", "yes")]


@pytest.fixture
def study_id(app) -> int:
    """The tiny study with threshold K, the answers above, and "Petrov" redacted."""
    found = add_study(app, tiny_instrument(), slug=SLUG, disclosure_threshold=K)
    for text, contact, arrested in PEOPLE:
        respond(app, found, text, contact_kind=contact, arrested=arrested)
    sync(app, found)
    with app.app_context(), write_transaction(db.session):
        # Texts are sealed at rest, so they are searched here rather than in SQL.
        [document] = [
            d for d in db.session.scalars(select(CodingDocument)) if "Petrov" in d.text
        ]
        start = document.text.index("Petrov")
        db.session.add(Redaction(document_id=document.id, start=start, end=start + 6, kind="name"))
    return found


@pytest.fixture
def analyst(app, study_id):
    """A client signed in as an analyst on the study's team."""
    member = make_staff(app, "analyst")
    with app.app_context(), write_transaction(db.session):
        user_id = db.session.scalar(select(User.id).where(User.email == member.email))
        db.session.add(Membership(user_id=user_id, study_id=study_id))
    client = app.test_client()
    sign_in(client, member.email, member.password)
    return client


def get(client, query: dict | None = None, status: int = 200) -> lxml_html.HtmlElement:
    """Get the words page with `query` and parse it."""
    response = client.get(WORDS, query_string=query or {})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return lxml_html.fromstring(response.get_data(as_text=True))


def marks(tree) -> list[str]:
    """Return the text of every highlighted match."""
    return [mark.text_content() for mark in tree.iter("mark")]


def lines(tree) -> list[str]:
    """Return each hit's line of text: left, match and right together."""
    return [span.text_content() for span in tree.find_class("kwic-text")]


def table(tree, caption_part: str) -> dict[str, list[str]]:
    """Return {row header: [cells]} of the table whose caption contains `caption_part`."""
    for found in tree.iter("table"):
        if caption_part in found.find("caption").text_content():
            return {
                tr.find("th").text_content(): [td.text_content() for td in tr.findall("td")]
                for tr in found.find("tbody").findall("tr")
            }
    return {}


def test_a_search_shows_each_hit_in_its_context_with_the_match_marked(analyst) -> None:
    tree = get(analyst, {"q": "wages"})
    assert marks(tree) == ["wages"] * 7
    assert lines(tree).count(WAGES) == 6
    assert "7 hits" in tree.find(".//h2[@id='hits-h']").text_content()


def test_a_phrase_is_found_whatever_its_case(analyst) -> None:
    assert marks(get(analyst, {"q": "POLICE found"})) == ["police found"] * 5


def test_each_hit_links_to_its_document_for_someone_who_may_code(app, analyst) -> None:
    tree = get(analyst, {"q": "police"})
    links = [
        a.get("href") for a in tree.iter("a") if a.text_content().startswith("open the answer")
    ]
    with app.app_context():
        guids = {d.public_id for d in db.session.scalars(select(CodingDocument))
                 if d.text == POLICE}  # fmt: skip
    assert {link.rsplit("/", 1)[1] for link in links} == guids
    assert all(link.startswith(f"/coding/{SLUG}/documents/") for link in links)


@pytest.mark.parametrize("q", ["Petrov", "petrov", "viktor petrov", "example"])
def test_a_redacted_word_can_never_be_found(app, study_id, analyst, q) -> None:
    respond(app, study_id, "Write to boss@example.org for work.")
    sync(app, study_id)
    tree = get(analyst, {"q": q})
    assert marks(tree) == []
    assert lines(tree) == []


def test_the_words_around_a_redaction_are_found_without_it(analyst) -> None:
    tree = get(analyst, {"q": "viktor"})
    assert marks(tree) == ["Viktor"]
    assert "Petrov" not in lines(tree)[0] and "kept my passport" in lines(tree)[0]


def test_hits_are_capped_and_the_page_says_so(analyst, monkeypatch) -> None:
    monkeypatch.setattr(words_view, "LIMIT", 3)
    tree = get(analyst, {"q": "wages"})
    assert len(marks(tree)) == 3
    assert "The first 3 hits" in tree.text_content()
    assert "more than 3 hits" in tree.text_content()


def test_a_search_can_be_limited_to_one_question(analyst) -> None:
    assert len(marks(get(analyst, {"q": "wages", "question": "story"}))) == 7


def test_a_filter_whose_groups_all_reach_the_threshold_shows_only_its_quotes(analyst) -> None:
    tree = get(analyst, {"q": "farm", "where": "contact_kind=They found me"})
    assert lines(tree) == [POLICE] * 5


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("arrested=Yes", "fewer than 5 respondents"),  # selects 1
        ("arrested=No", "fewer than 5 respondents here"),  # leaves 1 out: the difference shows them
        ("contact_kind=Nobody said this", "fewer than 5 respondents"),
    ],
)
def test_a_filter_that_could_reveal_a_small_group_shows_no_quotes(analyst, where, words) -> None:
    tree = get(analyst, {"q": "wages", "where": where})
    assert marks(tree) == [] and not tree.find_class("kwic")
    assert words in tree.find(".//p[@role='status']").text_content()
    assert "1 hit" not in tree.text_content() and "6 hits" not in tree.text_content()


def test_filter_choices_are_the_answers_present_without_counts(analyst) -> None:
    tree = get(analyst)
    options = [o.text_content() for o in tree.xpath("//select[@name='where']//option")]
    assert "How did you meet the police?: They found me" in options
    assert not any(char.isdigit() for option in options for char in option)


def test_the_word_table_lists_only_words_used_in_at_least_k_answers(analyst) -> None:
    words = table(get(analyst, {"question": "story"}), "frequent words")
    # By hand: "wages" is in 7 answers (6 + Viktor's), "farm" in 6 (5 + 3 times in Viktor's).
    assert words["wages"] == ["7", "7"]
    assert words["farm"] == ["8", "6"]
    assert "cannabis" not in words and "passport" not in words and "viktor" not in words
    assert all(int(cells[1]) >= K for cells in words.values())


def test_pair_tables_never_list_a_pair_from_fewer_than_k_answers(analyst) -> None:
    tree = get(analyst, {"question": "story"})
    pmi, likelihood = table(tree, "mutual information"), table(tree, "likelihood")
    assert "police farm" in pmi and "police farm" in likelihood
    assert "cannabis farm" not in pmi and "cannabis farm" not in likelihood
    assert "cannabis" not in tree.text_content().lower()


@pytest.mark.parametrize(
    ("q", "words"),
    [("!!!", "punctuation alone"), ("wages " * 50, "at most 200 characters")],
)
def test_a_query_that_cannot_be_searched_gets_a_message_not_an_error(analyst, q, words) -> None:
    tree = get(analyst, {"q": q}, status=400)
    assert words in tree.find(".//div[@class='error-summary']").text_content()


def test_an_unknown_question_is_not_found(analyst) -> None:
    assert analyst.get(WORDS, query_string={"q": "wages", "question": "nope"}).status_code == 404


def test_text_that_looks_like_markup_is_shown_as_text(app, study_id, analyst) -> None:
    respond(app, study_id, "<script>alert(1)</script> wages")
    sync(app, study_id)
    page = analyst.get(WORDS, query_string={"q": "alert"}).get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_frequent_words_wait_for_a_question_to_be_chosen(analyst) -> None:
    tree = get(analyst)
    assert "Choose a question above" in tree.text_content()
    assert not table(tree, "frequent words")


def test_the_page_without_a_search_shows_the_form_and_the_tables(analyst) -> None:
    tree = get(analyst, {"question": "story"})
    assert table(tree, "frequent words")
    assert tree.find(".//form[@method='get']") is not None
    assert not tree.find_class("kwic")
    headings = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3")]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings))
