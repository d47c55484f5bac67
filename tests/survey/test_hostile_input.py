"""Hostile input over every form and JSON endpoint never gives a server error (issue 9, item 4).

Every POST rule of the route inventory (tests/survey/test_route_inventory.py)
is sent forms drawn from tests/hostile.py, by an actor allowed to use it, with
a valid CSRF token, in the world of test_route_inventory_world.py: XSS
polyglots, template syntax, SQL fragments, spreadsheet formulas,
right-to-left and zero-width characters, combining marks, NUL, lone surrogates
and invalid UTF-8 in the raw body, repeated, missing and unknown fields, and
megabyte values. Every GET rule (the JSON job status among them) gets hostile
query strings. No reply is ever a 5xx, and after each respondent request the
survey still opens and can still be finished. What is stored from such input
never renders as markup on a staff page: test_hostile_text_on_staff_pages.py.

On the three upload forms (multipart) the megabyte goes in the file. Their
bodies are encoded in memory before sending: werkzeug's test client spools a
body over 500 KB to a temporary file that it never closes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from tests.hostile import (
    form_body,
    hostile_bytes,
    hostile_form,
    hostile_query,
    huge_bytes,
    short,
)
from tests.survey.journey import Respondent, step_path
from tests.survey.test_route_inventory import SAMPLES
from tests.survey.test_route_inventory_csrf import allowed_actor
from tests.survey.test_route_inventory_world import IDS, UPLOADS, Sample, Site, fill, sites

EXAMPLES = 4  # per POST rule (78 rules); a respondent's rule gets three times as many
HUGE_EXAMPLES = 2  # a long value (60 KB to 1 MB), per rule that takes text (HUGE)
QUERY_EXAMPLES = 1  # per GET rule (91 rules)
QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def fuzz(examples: int) -> settings:
    """Return the settings of a run of `examples` requests: no example database in the repo."""
    return settings(max_examples=examples, database=None, deadline=None,
                    suppress_health_check=QUIET)  # fmt: skip


# Fields a form has besides those the inventory's sample fills in, with values that work.
EXTRA_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "respond.page": {"story": ("A story",), "story__na": ("prefer_not_to_say",),
                     "contact_kind__na": ("prefer_not_to_say", "skipped")},
    "respond.check": {"submit_key": (), "quotes": ("yes", "no")},
    "respond.start": {"lang": ("en", "fr")},
    "studio.new_study": {"source_text": ()},
    "coding.code_edit": {"definition": (), "when_to_use": (), "example": (), "parent": ()},
    "coding.code_new": {"definition": (), "parent": ()},
    "coding.apply": {"memo": ()},
    "coding.memo": {"code": ("{code}",), "segment": ("{seg}",)},
    "analysis.report_edit": {"title": ("A title",), "introduction": (), "item": ("contact_kind",),
                             "by": ("contact_kind",)},
    "analysis.report_theme_save": {"quote": (), "shown": (), "where": ()},
}  # fmt: skip
POSTS = [sample for sample in SAMPLES if sample.method == "POST"]
TEXT_FORMS = {"auth.login_view", "auth.password", "studio.new_study", "studio.edit",
              "studio.settings", "studio.team", "studio.admin_create_user", "coding.memo",
              "coding.code_new", "coding.code_edit", "coding.code_split", "coding.segment_update",
              "coding.search_code", "coding.redaction_add", "interview.page", "interview.guide",
              "analysis.report_new", "analysis.report_edit", "analysis.report_theme_save",
              *UPLOADS}  # fmt: skip
HUGE = [s for s in POSTS if s.endpoint.startswith("respond.") or s.endpoint in TEXT_FORMS]
GETS = [sample for sample in SAMPLES if sample.method == "GET" and sample.endpoint != "static"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The world of test_route_inventory_world.py, built once for the module."""
    yield from sites(tmp_path_factory.mktemp("hostile"))


def fields(site: Site, sample: Sample, actor: str) -> dict[str, tuple[str, ...]]:
    """Return the form's field names, each with the values that work for `actor`."""
    known = {**{name: (value,) for name, value in sample.form.items()},
             **EXTRA_FIELDS.get(sample.endpoint, {})}  # fmt: skip
    return {name: tuple(fill(site, sample, value, actor) for value in values)
            for name, values in known.items()}  # fmt: skip


def client_of(site: Site, actor: str):
    """Return a new client carrying `actor`'s session."""
    client = site.app.test_client()
    if site.cookies[actor]:
        client.set_cookie(site.app.config["SESSION_COOKIE_NAME"], site.cookies[actor])
    return client


def send(site: Site, sample: Sample, actor: str, pairs, upload: bytes = b""):
    """POST `pairs` (raw bytes) to `sample`'s path as `actor`, with the actor's CSRF token."""
    client = client_of(site, actor)
    path = fill(site, sample, sample.path, actor)
    token = {"csrf_token": site.tokens[actor]}
    if sample.endpoint in UPLOADS:  # multipart: text fields decoded as a browser would send
        name, content = UPLOADS[sample.endpoint]
        data = MultiDict([(k.decode(errors="replace"), v.decode(errors="replace"))
                          for k, v in pairs])  # fmt: skip
        data.update(token)
        data["file"] = (io.BytesIO(content[:40] + upload), name)
        boundary, body = encode_multipart(data)  # in memory: the client's own spool leaks
        content_type = f"multipart/form-data; boundary={boundary}"
        response = client.post(path, data=body, content_type=content_type)
    else:
        body = form_body(pairs, token)
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    response.get_data()
    response.close()
    return response


def survey_still_works(site: Site) -> None:
    """Assert the survey opens for its respondent and can be finished by someone new."""
    respondent = client_of(site, "respondent")
    assert respondent.get(step_path("tiny", "page/about")).status_code < 500
    person = Respondent(site.app.test_client(), "tiny")
    assert person.get("/s/tiny").status_code == 200


def finish_a_survey(site: Site) -> None:
    """Assert someone new can answer every page and submit (after the world was reset)."""
    person = Respondent(site.app.test_client(), "tiny")
    person.begin()
    person.answer({"contact_kind": "found", "story": "It went fine."})
    person.answer({}, action="skip")
    person.answer({"help": ["housing"]})
    response = person.submit()
    assert response.status_code == 200 and person.phrase(), person.path


@pytest.mark.parametrize("sample", POSTS, ids=lambda sample: sample.id)
def test_hostile_forms_never_give_a_server_error(site: Site, sample: Sample):
    actor = allowed_actor(sample)
    respondent = sample.endpoint.startswith("respond.")
    site.reset()

    @fuzz(EXAMPLES * 3 if respondent else EXAMPLES)
    @given(pairs=hostile_form(fields(site, sample, actor)), upload=hostile_bytes())
    def run(pairs, upload):
        response = send(site, sample, actor, pairs, upload)
        assert response.status_code < 500, (response.status_code, short(pairs))
        if respondent:
            survey_still_works(site)
        if response.status_code < 400:  # it may have changed something: the next finds the world
            site.reset()

    try:
        run()
    finally:
        site.reset()
    if respondent:
        finish_a_survey(site)
        site.reset()


@pytest.mark.parametrize("sample", HUGE, ids=lambda sample: sample.id)
def test_values_up_to_a_megabyte_never_give_a_server_error(site: Site, sample: Sample):
    actor = allowed_actor(sample)
    site.reset()

    upload = sample.endpoint in UPLOADS  # the file is the long value: see the module's notes
    forms = hostile_form(fields(site, sample, actor), huge=not upload)

    @fuzz(HUGE_EXAMPLES)
    @given(pairs=forms, content=huge_bytes() if upload else st.just(b""))
    def run(pairs, content):
        response = send(site, sample, actor, pairs, content)
        assert response.status_code < 500, (response.status_code, short(pairs))
        if response.status_code < 400:
            site.reset()

    try:
        run()
    finally:
        site.reset()


@pytest.mark.parametrize("sample", GETS, ids=lambda sample: sample.id)
def test_hostile_query_strings_never_give_a_server_error(site: Site, sample: Sample):
    actor = allowed_actor(sample)
    path = fill(site, sample, sample.path, actor)
    joiner = "&" if "?" in path else "?"

    @fuzz(QUERY_EXAMPLES)
    @given(query=hostile_query())
    def run(query):
        response = client_of(site, actor).get(path + joiner + query.decode("ascii"))
        response.get_data()
        response.close()
        assert response.status_code < 500, (response.status_code, short(query))

    run()


ODD_IDS = ("%00", "a%00b", "%FF%FE", "%E2%80%AE%7B%7B7*7%7D%7D%27--")
NAMED = [sample for sample in SAMPLES if "{" in sample.path and sample.endpoint != "static"]


@pytest.mark.parametrize("odd", ODD_IDS)
def test_odd_ids_and_slugs_in_paths_never_give_a_server_error(site: Site, odd: str):
    # Every id or slug in an address in turn (PostgreSQL refuses NUL in text: that was a 500).
    wrong = {}
    for sample in NAMED:
        actor = allowed_actor(sample)
        names = [name for name in ("slug", "guide", *IDS) if f"{{{name}}}" in sample.path]
        for name in names:
            path = fill(site, sample, sample.path.replace(f"{{{name}}}", odd), actor)
            client = client_of(site, actor)
            if sample.method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data={"csrf_token": site.tokens[actor]})
            response.close()
            if response.status_code >= 500:
                wrong[sample.id, name] = response.status_code
            if response.status_code < 400 and sample.method == "POST":
                site.reset()
    assert not wrong, wrong


def test_repeated_parameters_and_raw_bytes_reach_the_respondent_page(site: Site):
    # The pieces the strategies build on do what they say: a repeated answer is refused
    # kindly; invalid UTF-8 (a lone surrogate's bytes among it) is kept as text and shown
    # again escaped (werkzeug leaves escapes it cannot decode as they were: "%FF%ED%A0%80").
    site.reset()
    sample = next(sample for sample in POSTS if sample.endpoint == "respond.page")
    twice = [(b"contact_kind", b"called"), (b"contact_kind", b"found"), (b"action", b"continue")]
    refused = send(site, sample, "respondent", twice)
    broken = [(b"story", b"\xff\xed\xa0\x80<b>"), (b"action", b"continue")]
    response = send(site, sample, "respondent", broken)
    back = client_of(site, "respondent").get(step_path("tiny", "page/about")).get_data(as_text=True)
    site.reset()
    assert refused.status_code == 400 and "Choose only one answer." in refused.text
    assert response.status_code in (302, 303), response.status_code
    assert "%FF%ED%A0%80&lt;b&gt;</textarea>" in back or "\ufffd&lt;b&gt;</textarea>" in back
