"""The respondent's whole journey through the Flask test client."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Response, Study, Submission
from tests.factories import add_study
from tests.survey.journey import Respondent, step_path

# (the step as stored, what to answer on it), in order
EVERYTHING = [
    ("page/about", {"contact_kind": "found", "story": "They were kind to me."}),
    ("section/hard", None),
    ("page/hard", {"arrested": "yes"}),
    ("page/charged", {"charged": "dont_know"}),
    (
        "page/more",
        {"help": ["housing", "lawyer"], "age": "34", "when__month": "3", "when__year": "2021"},
    ),
]


@pytest.fixture
def person(app, client) -> Respondent:
    """Someone who has consented to the tiny study and is on its first question page."""
    add_study(app)
    respondent = Respondent(client, "tiny")
    respondent.begin()
    assert respondent.path == step_path("tiny", "page/about")
    return respondent


def stored(app) -> dict[str, tuple]:
    """Return every answer row of the only response, by item id."""
    with app.app_context():
        rows = db.session.execute(select(Answer.item_id, Answer.value, Answer.code)).all()
    return {item_id: (value, code) for item_id, value, code in rows}


def export_rows(app, runner, tmp_path: Path) -> list[dict[str, str]]:
    """Export the tiny study and read the CSV back."""
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "tiny", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def answer_everything(person: Respondent) -> None:
    """Answer every page of the tiny study and reach "Check your answers"."""
    for token, data in EVERYTHING:
        assert person.path == step_path("tiny", token)
        person.answer(data or {}, action="continue")
    assert person.path == "/s/tiny/check"


def test_every_question_answered_reaches_the_export(app, runner, person, tmp_path):
    answer_everything(person)
    person.submit()
    assert "Thank you. We have your answers." in person.html
    [row] = export_rows(app, runner, tmp_path)
    assert row["contact_kind"] == "found"
    assert row["story"] == "They were kind to me."
    assert (row["arrested"], row["charged"]) == ("yes", "dont_know")
    assert (row["help__housing"], row["help__lawyer"]) == ("1", "1")
    assert (row["age"], row["when"]) == ("34", "2021-03")


def test_everything_skipped_is_stored_as_codes_not_blanks(app, runner, person, tmp_path):
    person.answer({})
    person.answer({}, action="continue")  # the sensitive section's opening: answer it
    person.answer({})
    person.answer({})
    person.submit()
    [row] = export_rows(app, runner, tmp_path)
    assert row["contact_kind"] == row["story"] == row["arrested"] == "skipped"
    assert row["charged"] == "not_shown"
    assert row["help__housing"] == row["age"] == row["when"] == "skipped"


def test_a_skipped_sensitive_section_is_stored_as_skipped(app, runner, person, tmp_path):
    person.answer({"contact_kind": "called"})
    assert person.path == step_path("tiny", "section/hard")
    assert "This part asks about arrest." in person.html
    person.answer({}, action="skip")
    assert person.path == step_path("tiny", "page/more")
    person.answer({})
    person.submit()
    [row] = export_rows(app, runner, tmp_path)
    assert (row["arrested"], row["charged"]) == ("skipped", "not_shown")


def test_prefer_not_to_say_is_its_own_code(app, runner, person, tmp_path):
    person.answer({"contact_kind": "prefer_not_to_say", "story__na": "prefer_not_to_say"})
    person.answer({}, action="skip")
    person.answer({"help": "prefer_not_to_say", "age__na": "prefer_not_to_say"})
    person.submit()
    [row] = export_rows(app, runner, tmp_path)
    assert row["contact_kind"] == row["story"] == "prefer_not_to_say"
    assert row["help__housing"] == row["help__lawyer"] == row["age"] == "prefer_not_to_say"


def test_a_hidden_question_is_not_shown_and_stored_as_not_shown(app, runner, person, tmp_path):
    person.answer({})
    person.answer({})
    person.answer({"arrested": "no"})
    assert person.path == step_path("tiny", "page/more"), "the charge question must not be shown"
    person.answer({})
    person.submit()
    [row] = export_rows(app, runner, tmp_path)
    assert row["charged"] == "not_shown"


def test_changing_an_earlier_answer_hides_what_it_no_longer_leads_to(app, runner, person, tmp_path):
    answer_everything(person)
    person.get(step_path("tiny", "page/hard") + "?from=check")
    person.answer({"arrested": "no"})
    assert person.path == "/s/tiny/check"
    assert "Were you charged?" not in person.html
    person.submit()
    [row] = export_rows(app, runner, tmp_path)
    assert (row["arrested"], row["charged"]) == ("no", "not_shown")


def test_back_keeps_the_answers_already_given(person):
    person.answer({"contact_kind": "found", "story": "Kept"})
    person.answer({}, action="back")
    assert person.path == step_path("tiny", "page/about")
    assert 'value="found" checked' in person.html
    assert ">Kept</textarea>" in person.html


def test_save_resume_and_submit(app, client, runner, person, tmp_path):
    person.answer({"contact_kind": "called"}, action="save")
    phrase = person.phrase()
    assert len(phrase.split()) == 5
    later = Respondent(app.test_client(), "tiny")
    later.get("/s/tiny/resume")
    later.post(data={"phrase": "  " + phrase.upper().replace(" ", "   ") + " "})
    assert later.path == step_path("tiny", "page/about"), "resume returns to the saved page"
    assert 'value="called" checked' in later.html
    later.answer({"contact_kind": "called"})
    later.answer({}, action="skip")
    later.answer({})
    later.submit()
    [row] = export_rows(app, runner, tmp_path)
    assert row["contact_kind"] == "called"


def test_a_saved_phrase_no_longer_opens_a_submitted_response(app, person):
    person.answer({}, action="save")
    phrase = person.phrase()
    later = Respondent(app.test_client(), "tiny")
    later.get("/s/tiny/resume")
    later.post(data={"phrase": phrase})
    later.answer({})
    later.answer({}, action="skip")
    later.answer({})
    later.submit()
    again = Respondent(app.test_client(), "tiny")
    again.get("/s/tiny/resume")
    again.post(data={"phrase": phrase})
    assert again.page.status_code == 400
    assert "We could not find answers for that phrase" in again.html


def test_withdrawal_deletes_the_response_everywhere(app, person):
    answer_everything(person)
    person.submit()
    code = person.phrase()
    other = Respondent(app.test_client(), "tiny")
    other.get("/s/tiny/withdraw")
    other.post(data={"phrase": code, "confirm": "yes"})
    assert "Your answers are deleted" in other.html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
        assert db.session.scalar(select(Study.withdrawn_count)) == 1


def test_a_double_submit_keeps_one_response(app, person):
    answer_everything(person)
    html = person.html
    first = person.post()
    assert first.status_code == 200
    second = person.post(html=html)  # the same button on the same page, pressed again
    assert "already sent" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_a_double_clicked_save_keeps_one_row_per_question(app, person):
    html = person.html
    person.answer({"contact_kind": "found"})
    person.post(html=html, data={"contact_kind": "found", "action": "continue"})
    with app.app_context():
        rows = db.session.scalars(select(Answer.item_id)).all()
    assert sorted(rows) == ["contact_kind", "story"]


def test_a_page_that_is_not_on_the_path_moves_on_to_the_next_one(person):
    person.answer({})
    person.answer({})
    person.answer({"arrested": "no"})
    person.get(step_path("tiny", "page/charged"))
    assert person.path == step_path("tiny", "page/more")


def test_a_section_off_the_persons_path_is_never_shown_even_by_its_address(app, client):
    # Positions make every step reachable by counting: a section whose condition is
    # false for this person goes on to the next step without its title or content note.
    import yaml

    from tests.factories import instrument_yaml, tiny_instrument

    document = yaml.safe_load(instrument_yaml())
    document["sections"][1]["show_if"] = "contact_kind == 'called'"
    instrument = tiny_instrument(sections=document["sections"])
    add_study(app, instrument)
    person = Respondent(client, "tiny")
    person.begin()
    person.answer({"contact_kind": "found", "story": "They were kind to me."})
    assert person.path == step_path("tiny", "page/more", instrument)
    hidden = step_path("tiny", "section/hard", instrument)
    for response in (client.get(hidden), person.post(hidden, {"action": "continue"}, follow=False)):
        assert response.status_code == 303
        assert response.headers["Location"].endswith(step_path("tiny", "page/more", instrument))
        assert "arrest" not in response.get_data(as_text=True)
