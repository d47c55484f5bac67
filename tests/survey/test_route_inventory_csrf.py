"""Every state-changing rule wants its CSRF token, and no GET changes anything.

The requests come from the route inventory (test_route_inventory.py), sent by
someone allowed to use each route, in the world of
test_route_inventory_world.py.

What a GET may write, and why:
- `web_session`: the server-side session of whoever visits (a CSRF token, a
  respondent's place, a staff member's last activity); never an answer.
- `audit_event` rows recording that someone read raw text or downloaded
  words (SAFETY.md: "every view of raw text is recorded"), with the actions
  in `READ_AUDIT` (test_route_inventory.py).
Anything else a GET writes fails `test_no_get_changes_the_database`.

One route is exempt from both rules on purpose: the quick exit (`/x`). It must
work with one tap, as a plain link without JavaScript (GET) and as the
script's beacon (POST, no token), even from a page that has expired; all it
does is end the visitor's own session and discard their unsaved answers.
`test_the_quick_exit_only_ever_removes_the_visitors_own_state` holds it to that.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.survey.test_route_inventory import INVENTORY, SAMPLES, check_headers, outcome, writes
from tests.survey.test_route_inventory_world import ACTORS, Site, request, sites, stored

CHANGES = ("POST", "PUT", "PATCH", "DELETE")
QUICK_EXIT = "respond.quick_exit"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The world of test_route_inventory_world.py, built once for the module."""
    yield from sites(tmp_path_factory.mktemp("routes-csrf"))


def allowed_actor(sample) -> str:
    """Return an actor the inventory lets use `sample`'s route (staff: an administrator)."""
    category = INVENTORY[sample.endpoint]
    if category == "respondent" or sample.endpoint.startswith("respond."):
        return "respondent"
    return next(actor for actor in ("anonymous", "admin@own", *ACTORS)
                if outcome(category, actor) == "ok")  # fmt: skip


def test_every_rule_that_changes_state_is_sampled(site: Site):
    rules = {(rule.endpoint, method) for rule in site.app.url_map.iter_rules()
             for method in rule.methods if method in CHANGES}  # fmt: skip
    sampled = {(sample.endpoint, sample.method) for sample in SAMPLES}
    assert rules <= sampled, rules - sampled
    assert {method for _, method in rules} == {"POST"}  # no PUT, PATCH or DELETE routes yet


CHANGING = [s for s in SAMPLES if s.method in CHANGES and s.endpoint != QUICK_EXIT]


@pytest.mark.parametrize("sample", CHANGING, ids=lambda sample: sample.id)
def test_a_request_without_its_csrf_token_is_refused_and_changes_nothing(site: Site, sample):
    site.reset()
    before = stored(site, ignore=frozenset())

    response = request(site, sample, allowed_actor(sample), token=False, reset=False)

    assert response.status_code == 400, response.text[:500]
    assert "This page has expired" in response.text
    check_headers(response)
    assert stored(site, ignore=frozenset()) == before
    site.reset()


GETS = [s for s in SAMPLES if s.method == "GET" and s.endpoint != QUICK_EXIT]


def test_no_get_changes_the_database(site: Site):
    site.reset()
    wrong = {}
    for sample in GETS:
        before = stored(site)
        response = request(site, sample, allowed_actor(sample))
        assert response.status_code < 400, (sample.id, response.status_code)
        if written := writes(before, stored(site)):
            wrong[sample.id] = written
        site.reset()  # the next page finds the world as built (a respondent's place, say)
    assert not wrong, wrong


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_quick_exit_only_ever_removes_the_visitors_own_state(site: Site, method):
    site.reset()
    before = stored(site, ignore=frozenset())
    exit_ = next(s for s in SAMPLES if s.endpoint == QUICK_EXIT and s.method == method)

    response = request(site, exit_, "respondent", token=False, reset=False)

    written = writes(before, stored(site, ignore=frozenset()))
    site.reset()
    assert response.status_code == (303 if method == "GET" else 204)
    assert all(not new for new, _ in written.values()), written  # nothing added or changed
    assert set(written) == {"web_session", "response"}, written  # the session, unsaved answers
    (gone,) = written["response"][1]
    assert gone["status"] != "completed"


def test_reading_raw_text_is_recorded_by_a_get(site: Site):
    # The exception above is real: a document page read as an administrator leaves its record.
    site.reset()
    before = stored(site)
    document = next(sample for sample in GETS if sample.endpoint == "coding.document")

    request(site, document, "admin@own")

    new = [row for row in stored(site)["audit_event"] if row not in before["audit_event"]]
    site.reset()
    assert [row["action"] for row in new] == ["coding.read_text"]
