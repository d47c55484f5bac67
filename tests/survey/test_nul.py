"""NUL in an address or a query string is refused before any view runs (issue 9).

No id, slug or query value holds NUL, and PostgreSQL refuses it in text (that
was a 500): such a request names nothing (404) or is not a link a page made
(400), on every database alike (survey/web/errors.py, `_refuse_nul`). Typed
form text is the forms' business (test_bad_input.py, coding/test_review_fixes.py).
"""

from __future__ import annotations

import pytest

from tests.factories import add_study
from tests.survey.journey import Respondent


@pytest.fixture
def person(app, client) -> Respondent:
    """Someone on the first question page of the tiny study."""
    add_study(app)
    respondent = Respondent(client, "tiny")
    respondent.begin()
    return respondent


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
