"""Quote consent: the question before the final submit, what is stored, and the receipt.

One app serves the module (each test uses its own study or its own response),
so the journeys do not each pay for an app and a schema.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from lxml import html as lxml_html
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response, Study
from survey.services.receipt import receipt_for
from tests.conftest import make_app
from tests.factories import add_study, tiny_instrument
from tests.survey.interview.helpers import interviewer, start
from tests.survey.journey import Respondent
from tests.survey.studio import post

QUESTION = "May we quote your words in reports? We never use your name."
RECEIPT_LINE = "Whether we may quote your words in reports."
ASKS, SILENT = "asks", "silent"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module: a study that asks about quotes and one that does not."""
    made = make_app(tmp_path_factory.mktemp("quote-consent"))
    add_study(made, tiny_instrument(quote_consent=True), slug=ASKS)
    add_study(made, tiny_instrument(), slug=SILENT)
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def _at_check(app: Flask, slug: str) -> Respondent:
    """Return a respondent who answered the tiny study at `slug` and is on "Check your answers"."""
    person = Respondent(app.test_client(), slug)
    person.begin()
    person.answer({"contact_kind": "called", "story": "They listened."})
    person.answer({}, action="skip")  # the sensitive section's opening
    person.answer({})
    assert person.path == f"/s/{slug}/check", person.path
    return person


def _completed(app: Flask, slug: str) -> list[Response]:
    """Return the completed responses of the study at `slug`, detached."""
    with app.app_context():
        study_id = db.session.scalar(select(Study.id).where(Study.slug == slug))
        rows = db.session.scalars(
            select(Response).where(
                Response.study_id == study_id,
                Response.status == "completed",
            )
        ).all()
        db.session.expunge_all()
    return rows


def _no_quotes(app: Flask, response_id: str) -> bool:
    with app.app_context():
        return db.session.get(Response, response_id).no_quotes


def _radios(html: str) -> list[tuple[str, bool]]:
    tree = lxml_html.fromstring(html)
    return [
        (radio.get("value"), radio.get("checked") is not None)
        for radio in tree.xpath("//form//input[@name='quote_consent']")
    ]


def test_the_check_page_asks_inside_the_send_form_with_neither_choice_made(app) -> None:
    person = _at_check(app, ASKS)

    assert QUESTION in person.html
    assert _radios(person.html) == [("yes", False), ("no", False)]
    assert "Yes, you may quote my words" in person.html
    assert "No, do not quote my words" in person.html


def test_a_study_that_does_not_ask_shows_no_question_and_stores_quotes_allowed(app) -> None:
    person = _at_check(app, SILENT)
    assert QUESTION not in person.html and _radios(person.html) == []
    before = {r.id for r in _completed(app, SILENT)}

    person.submit()

    (response,) = [r for r in _completed(app, SILENT) if r.id not in before]
    assert response.no_quotes is False


@pytest.mark.parametrize(
    ("posted", "no_quotes", "said"),
    [
        ({"quote_consent": "yes"}, False, "You said we may quote your words in reports."),
        ({"quote_consent": "no"}, True, "We will not quote your words in reports."),
        ({}, True, "We will not quote your words in reports."),  # no answer is not a yes
        ({"quote_consent": "maybe"}, True, "We will not quote your words in reports."),
    ],
    ids=["yes", "no", "no-answer", "tampered"],
)
def test_the_choice_is_stored_with_the_submit_and_only_a_yes_allows_quotes(
    app, posted, no_quotes, said
) -> None:
    person = _at_check(app, ASKS)
    before = {r.id for r in _completed(app, ASKS)}

    person.post(data=posted)

    assert person.page.status_code == 200 and said in person.html
    (response,) = [r for r in _completed(app, ASKS) if r.id not in before]
    assert response.no_quotes is no_quotes


def _interview_at_check(app: Flask, client) -> str:
    rid = start(client, ASKS)
    base = f"/interview/{ASKS}/{rid}"
    post(client, f"{base}/consent", {"consent": "agree"})
    post(client, f"{base}/page/about", {"contact_kind": "found", "story": "I was heard."})
    post(client, f"{base}/section/hard", {"action": "skip"})
    assert post(client, f"{base}/page/more", {}).headers["Location"].endswith(f"{base}/check")
    return rid


@pytest.mark.parametrize(
    ("posted", "no_quotes"),
    [({"quote_consent": "yes"}, False), ({"quote_consent": "no"}, True), ({}, True)],
    ids=["yes", "no", "no-answer"],
)
def test_an_interviewer_asks_the_question_and_the_answer_is_stored(app, posted, no_quotes) -> None:
    client, _ = interviewer(app, _study_id(app, ASKS))
    rid = _interview_at_check(app, client)
    check = client.get(f"/interview/{ASKS}/{rid}/check").get_data(as_text=True)
    assert QUESTION in check and _radios(check) == [("yes", False), ("no", False)]

    done = post(client, f"/interview/{ASKS}/{rid}/check", posted)

    assert done.status_code == 200
    assert _no_quotes(app, rid) is no_quotes


def test_an_interview_stopped_with_its_answers_kept_is_never_quoted(app) -> None:
    client, _ = interviewer(app, _study_id(app, ASKS))
    rid = _interview_at_check(app, client)

    done = post(
        client, f"/interview/{ASKS}/{rid}/stop", {"reason": "respondent_chose", "answers": "keep"}
    )

    assert done.status_code == 200 and "never be quoted" in done.get_data(as_text=True)
    assert _no_quotes(app, rid) is True


def _study_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Study.id).where(Study.slug == slug))


def test_the_receipt_before_consent_says_the_choice_is_stored_when_the_study_asks(app) -> None:
    client = app.test_client()
    assert RECEIPT_LINE in client.get(f"/s/{ASKS}").get_data(as_text=True)
    assert RECEIPT_LINE not in client.get(f"/s/{SILENT}").get_data(as_text=True)


def test_the_receipt_service_mentions_the_choice_only_for_an_instrument_that_asks(app) -> None:
    with app.app_context():
        study = db.session.scalar(select(Study).where(Study.slug == ASKS))
        asks = receipt_for(study, tiny_instrument(quote_consent=True), session_idle_days=1)
        silent = receipt_for(study, tiny_instrument(), session_idle_days=1)
    assert sum(RECEIPT_LINE in line for line in asks.stored) == 1
    assert not any(RECEIPT_LINE in line for line in silent.stored)
