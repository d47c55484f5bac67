"""NUL in an address, a query or a form field is refused before any view runs (issue 9).

No keyboard types NUL, no id or slug holds one, and PostgreSQL refuses it in
text (that was a 500): such a request names nothing (404) or is not a form a
page sent (400), on every database alike (survey/web/errors.py, `_refuse_nul`).
"""

from __future__ import annotations

import pytest

from tests.factories import add_study
from tests.survey.journey import Respondent
from tests.survey.test_bad_input import answer_count


@pytest.fixture
def person(app, client) -> Respondent:
    """Someone on the first question page of the tiny study."""
    add_study(app)
    respondent = Respondent(client, "tiny")
    respondent.begin()
    return respondent


def test_nul_in_a_form_field_is_refused_before_anything_is_stored(app, person):
    # No keyboard types NUL and PostgreSQL refuses it in text: the request is refused
    # whole (400) before the view runs, on every database alike.
    before, question = answer_count(app), person.path
    response = person.answer({"contact_kind": "found", "story": "kind\x00people"})
    assert response.status_code == 400
    assert person.path == question, "the person stays on the question page's address"
    assert answer_count(app) == before
    person.get(question)
    assert person.answer({"contact_kind": "found", "story": "kind people"}).status_code == 200
    assert answer_count(app) > before, "the same page saves once the NUL is gone"


@pytest.mark.parametrize("path", ["/s/tiny%00", "/s/ti%00ny/resume", "/studio/studies/t%00/edit"])
def test_nul_in_an_address_names_nothing(app, client, path):
    add_study(app)
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_nul_in_a_query_parameter_is_refused(app, client):
    add_study(app)
    response = client.get("/s/tiny?lang=en%00")
    assert response.status_code == 400
