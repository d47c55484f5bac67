"""Descriptives pages: frequencies and crosstabs of closed questions, small counts never shown."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from lxml import html as lxml_html

from survey.extensions import db, write_transaction
from survey.models import Membership, Response, User
from tests.factories import add_study, make_staff, sign_in, tiny_instrument
from tests.survey.coding.helpers import respond

SLUG = "tiny"
BASE = f"/analysis/{SLUG}/describe"
K = 5
# 12 called the police, 3 were found by them (3 < K: hidden); arrests: 9 no, 6 yes.
PEOPLE = (
    [("called", "no")] * 8 + [("called", "yes")] * 4 + [("found", "no")] + [("found", "yes")] * 2
)


@pytest.fixture
def study_id(app) -> int:
    """The tiny study with threshold K and the people above as completed responses."""
    found = add_study(app, tiny_instrument(), slug=SLUG, disclosure_threshold=K)
    for contact, arrested in PEOPLE:
        respond(app, found, "A story.", contact_kind=contact, arrested=arrested)
    return found


@pytest.fixture
def analyst(app, study_id):
    """A client signed in as an analyst on the study's team."""
    member = make_staff(app, "analyst")
    with app.app_context(), write_transaction(db.session):
        user_id = db.session.query(User.id).filter_by(email=member.email).scalar()
        db.session.add(Membership(user_id=user_id, study_id=study_id))
    client = app.test_client()
    sign_in(client, member.email, member.password)
    return client


def page(client, path: str) -> lxml_html.HtmlElement:
    """Get `path` (200 expected) and parse it."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return lxml_html.fromstring(response.get_data(as_text=True))


def table_rows(tree, caption_part: str) -> dict[str, list[str]]:
    """Return {row header: [cell texts]} of the table whose caption contains `caption_part`."""
    for table in tree.iter("table"):
        if caption_part in table.find("caption").text_content():
            return {
                tr.find("th").text_content().replace("non-answer", "").strip(): [
                    td.text_content().strip() for td in tr.findall("td")
                ]
                for tr in table.find("tbody").findall("tr")
            }
    raise AssertionError(f"no table with caption {caption_part!r}")


def test_the_index_lists_the_closed_questions_and_not_the_free_text_one(analyst) -> None:
    tree = page(analyst, BASE)
    links = {a.text_content(): a.get("href") for a in tree.iter("a")}
    assert links["How did you meet the police?"] == f"{BASE}/contact_kind"
    assert "Tell us more" not in links


def test_frequencies_show_counts_that_agree_with_pandas_where_they_are_shown(analyst) -> None:
    truth = Counter(contact for contact, _ in PEOPLE)
    rows = table_rows(page(analyst, f"{BASE}/contact_kind"), "frequencies")
    shown = {label: cells[0] for label, cells in rows.items()}
    assert set(shown) == {"I called them", "They found me"}
    for label, value in {"I called them": "called", "They found me": "found"}.items():
        assert shown[label] == "hidden" or int(shown[label]) == truth[value]


def test_a_count_under_the_threshold_never_appears_in_the_table_or_the_chart(analyst) -> None:
    tree = page(analyst, f"{BASE}/contact_kind")
    rows = table_rows(tree, "frequencies")
    assert rows["They found me"][0] == "hidden"
    for cells in rows.values():
        assert cells[0] == "hidden" or int(cells[0]) == 0 or int(cells[0]) >= K
    svg = tree.find(".//figure").find("{http://www.w3.org/2000/svg}svg")
    svg_text = svg.text_content() if svg is not None else tree.find(".//figure").text_content()
    assert "hidden" in svg_text and "3" not in svg_text.replace("They found me", "")
    assert "hidden" in tree.find(".//p[@class='notice']").text_content()


def test_a_question_with_only_safe_counts_shows_them_all_with_percentages(app, analyst) -> None:
    rows = table_rows(page(analyst, f"{BASE}/arrested"), "frequencies")
    assert rows == {"Yes": ["6", "40.0%"], "No": ["9", "60.0%"]}


def test_non_answers_are_listed_last_marked_and_left_out_of_the_base(app, study_id, analyst):
    for _ in range(K):
        respond(app, study_id, None, arrested="yes", charged="prefer_not_to_say")
    tree = page(analyst, f"{BASE}/charged")
    table = next(t for t in tree.iter("table") if "frequencies" in t.find("caption").text_content())
    last = table.find("tbody").findall("tr")[-1]
    assert "non-answer" in last.get("class")
    labels = list(table_rows(tree, "frequencies"))
    assert labels[-1] == "Not answered" and labels[-2] == "Prefer not to say"


def test_each_option_of_a_multiple_choice_question_is_counted(app, study_id, analyst) -> None:
    for _ in range(K):
        respond(app, study_id, None, help=["housing", "lawyer"])
    for _ in range(K + 1):
        respond(app, study_id, None, help=["housing"])
    tree = page(analyst, f"{BASE}/help")
    rows = table_rows(tree, "frequencies")
    assert rows["A place to stay"][0] == str(2 * K + 1)
    assert rows["A lawyer"][0] == str(K)
    assert "choices, not people" in tree.text_content()


def test_a_crosstab_agrees_with_pandas_and_hides_small_cells(analyst) -> None:
    tree = page(analyst, f"{BASE}/contact_kind?by=arrested")
    rows = table_rows(tree, "(rows) by")
    truth = pd.crosstab(
        pd.Series([c for c, _ in PEOPLE]), pd.Series([a for _, a in PEOPLE]), margins=True
    )
    names = {"I called them": "called", "They found me": "found", "Total": "All"}
    columns = {"Yes": "yes", "No": "no", "Total": "All"}
    header = [
        th.text_content() for th in tree.xpath("//table[contains(@class,'crosstab')]//thead//th")
    ]
    for label, cells in rows.items():
        for column, cell in zip(header, cells):
            true = truth.loc[names[label], columns[column]]
            assert cell == "hidden" or (int(cell) == true and (true == 0 or true >= K))
    assert rows["They found me"][:2] == ["hidden", "hidden"]


def test_the_crosstab_form_works_without_javascript(analyst) -> None:
    tree = page(analyst, f"{BASE}/contact_kind")
    form = next(f for f in tree.iter("form") if f.get("method") == "get")
    assert form.get("action") == f"{BASE}/contact_kind"
    assert [o.get("value") for o in form.find(".//select[@name='by']").findall("option")][1:] == [
        "arrested", "charged", "help", "age", "when",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [f"{BASE}/nothing", f"{BASE}/contact_kind?by=nothing", f"{BASE}/contact_kind?by=contact_kind"],
)
def test_an_unknown_question_is_not_found(analyst, path) -> None:
    assert analyst.get(path).status_code == 404


def test_a_free_text_question_links_to_its_words_instead(analyst) -> None:
    tree = page(analyst, f"{BASE}/story")
    assert "own words" in tree.text_content()
    assert not list(tree.iter("table"))


def test_an_incomplete_response_is_not_counted(app, study_id, analyst) -> None:
    with app.app_context(), write_transaction(db.session):
        for response in db.session.query(Response).filter_by(study_id=study_id):
            response.status = "in_progress"
            break
    rows = table_rows(page(analyst, f"{BASE}/arrested"), "frequencies")
    assert rows["Yes"][0] == "hidden" or int(rows["Yes"][0]) + int(rows["No"][0]) == len(PEOPLE) - 1


def test_a_study_with_no_responses_has_an_empty_table(app, analyst) -> None:
    add_study(app, tiny_instrument(), slug="empty", disclosure_threshold=K)
    member = make_staff(app, "admin")
    client = app.test_client()
    sign_in(client, member.email, member.password)
    tree = page(client, "/analysis/empty/describe/contact_kind")
    assert table_rows(tree, "frequencies") == {
        "I called them": ["0", "–"],
        "They found me": ["0", "–"],
    }


def _cells(tree) -> dict[str, list[str]]:
    """Return {row header: [cell texts]} of the crosstab on the page."""
    table = tree.xpath("//table[contains(@class,'crosstab')]")[0]
    return {
        tr.find("th").text_content().strip(): [td.text_content().strip() for td in tr.findall("td")]
        for tr in table.find("tbody").findall("tr")
    }


@pytest.mark.parametrize(
    ("people", "kept"),
    [
        # Called 12 (all not arrested), found 24 (4 not arrested, 20 arrested): the frequencies
        # (12 and 24; 16 and 20) leave the 4 no way to hide: no crosstab at all.
        ([("called", "no")] * 12 + [("found", "no")] * 4 + [("found", "yes")] * 20, False),
        # Called 9 (2 arrested), found 6 (1 arrested): every count the page shows agrees.
        ([("called", "no")] * 7 + [("called", "yes")] * 2 + [("found", "no")] * 5
         + [("found", "yes")], True),
    ],
)  # fmt: skip
def test_a_crosstab_shows_the_totals_the_frequency_pages_show_or_nothing(staff, app, people, kept):
    found = add_study(app, tiny_instrument(), slug="cross", disclosure_threshold=K)
    for contact, arrested in people:
        respond(app, found, "A story.", contact_kind=contact, arrested=arrested)
    client = staff("admin")
    base = "/analysis/cross/describe"
    frequencies = {
        item: {label: cells[0] for label, cells in table_rows(page(client, f"{base}/{item}"),
                                                             "frequencies").items()}
        for item in ("contact_kind", "arrested")
    }  # fmt: skip

    tree = page(client, f"{base}/contact_kind?by=arrested")

    if not kept:
        assert not tree.xpath("//table[contains(@class,'crosstab')]")
        assert "This crosstab cannot be shown" in tree.text_content()
        return
    cells = _cells(tree)
    row_totals = {label: line[-1] for label, line in cells.items() if label != "Total"}
    column_totals = dict(zip(["No", "Yes"], cells["Total"][:-1], strict=True))
    assert row_totals == frequencies["contact_kind"]
    assert column_totals == {label: frequencies["arrested"][label] for label in column_totals}
