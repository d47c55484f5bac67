"""HEARD_LINK_HOSTS: the sites a study's exit address and support links may go to; links audited.

A respondent who leaves by quick exit or taps a support link reaches that
site with their address. The administrator may list the hosts allowed; the
settings refuse others, publishing and reopening refuse a study whose links
(its own or its instrument's) go elsewhere, and every change of a link is
audited with its old and new value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import update

from survey.config import link_hosts, settings_from
from survey.extensions import db, write_transaction
from survey.models import Study
from survey.services.audit import MAX_DETAIL_LENGTH
from survey.services.link_hosts import allowed
from survey.services.study_settings import CUT
from tests.conftest import make_app
from tests.factories import make_staff, sign_in
from tests.survey.studio import audit_actions, edited_yaml, post, study_row, team_study, text

HOSTS = ("nhs.uk", "modernslaveryhelpline.org")
SETTINGS = "/studio/studies/tiny/settings"
VALID = {
    "title": "A tiny survey",
    "slug": "tiny",
    "languages": ["en"],
    "exit_url": "",
    "retention_days": "730",
    "disclosure_threshold": "10",
    "resume_enabled": "yes",
    "draft_lifetime_hours": "24",
    "support_en": "",
}
ALLOWED_NAMED = "nhs.uk, modernslaveryhelpline.org (or a subdomain of one)"


# == the setting and the rule ==


def test_the_setting_is_read_as_lower_case_host_names_and_empty_means_any(tmp_path):
    assert settings_from({}, tmp_path)["HEARD_LINK_HOSTS"] == ()
    read = settings_from({"HEARD_LINK_HOSTS": " NHS.uk, ,gov.uk.,nhs.uk"}, tmp_path)
    assert read["HEARD_LINK_HOSTS"] == ("nhs.uk", "gov.uk")


@pytest.mark.parametrize("bad", ["https://nhs.uk", "*.nhs.uk", "nhs.uk:443", "nhs.uk/help", "a b"])
def test_a_value_that_is_not_a_host_name_stops_start_up_naming_it(bad):
    with pytest.raises(ValueError, match="HEARD_LINK_HOSTS") as refused:
        link_hosts(f"gov.uk,{bad}")
    assert repr(bad) in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://nhs.uk/help",
        "https://www.nhs.uk/",
        "https://a.b.NHS.UK./x?y=1#z",
        "https://www.modernslaveryhelpline.org",
    ],
)
def test_a_link_on_an_allowed_host_or_a_subdomain_is_allowed(url):
    assert allowed(url, HOSTS)


@pytest.mark.parametrize(
    "url",
    [
        "https://evilnhs.uk/",  # not a subdomain
        "https://nhs.uk.evil.example/",
        "https://nhs.uk@evil.example/",  # userinfo: the host is evil.example
        "https://evil.example\\@nhs.uk/",  # browsers read the backslash as a slash
        "https://evil.example\t.nhs.uk/",
        "http://www.nhs.uk/",  # not https
        "https://[::1]/",
        "nhs.uk",
        "https://",
        "https://evil.com%2F.nhs.uk/",  # escapes in the host
        "https://evil.com%40.nhs.uk/",
        "https://evil.com@nhs.uk/",  # userinfo, even on an allowed host
        "https://nhs.uk:99999/",  # a port no browser opens
        "https://nhs.uk:abc/",
        "https://a..nhs.uk/",  # empty labels
        "https://.nhs.uk/",
    ],
)
def test_a_link_elsewhere_or_that_a_browser_could_read_otherwise_is_refused(url):
    assert not allowed(url, HOSTS)


def test_without_hosts_any_link_is_allowed():
    assert allowed("https://anywhere.example/", ())


# == the studio ==


@pytest.fixture
def limited(tmp_path) -> Iterator[Flask]:
    """An app whose administrator allows only HOSTS."""
    app = make_app(tmp_path)
    app.config["HEARD_LINK_HOSTS"] = HOSTS  # as settings_from reads the environment (above)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _researcher(app: Flask, **fields):
    member = make_staff(app, "researcher")
    team_study(app, member.id, **fields)
    client = app.test_client()
    sign_in(client, member.email, member.password)
    return client


def _save(client, **changes):
    return post(client, SETTINGS, {**VALID, **changes})


def test_an_exit_address_elsewhere_is_refused_naming_the_field_and_the_hosts(limited):
    client = _researcher(limited)

    refused = _save(client, exit_url="https://tracker.example/weather")

    page = text(refused)
    assert refused.status_code == 400
    assert f"The exit address must be on a site the administrator allows: {ALLOWED_NAMED}" in page
    assert '<a href="#exit_url">' in page
    assert study_row(limited, "tiny").exit_url is None


def test_a_support_link_elsewhere_is_refused_naming_its_line_and_the_hosts(limited):
    client = _researcher(limited)
    lines = "Helpline | 0800 | https://www.nhs.uk/help\nOther | | https://tracker.example/"

    refused = _save(client, support_en=lines)

    assert refused.status_code == 400
    assert (
        f"Line 2: the web address must be on a site the administrator allows: {ALLOWED_NAMED}"
        in (text(refused))
    )
    assert study_row(limited, "tiny").support == {}


def test_links_on_the_allowed_hosts_are_saved_and_the_form_names_the_hosts(limited):
    client = _researcher(limited)
    assert "on nhs.uk, modernslaveryhelpline.org or a subdomain" in text(client.get(SETTINGS))

    saved = _save(client, exit_url="https://www.nhs.uk/", support_en="Help | | https://nhs.uk/help")

    assert saved.status_code == 303
    row = study_row(limited, "tiny")
    assert row.exit_url == "https://www.nhs.uk/"
    assert row.support == {"en": [{"name": "Help", "url": "https://nhs.uk/help"}]}


def test_saving_other_settings_is_refused_while_an_old_exit_address_breaks_the_rule(limited):
    client = _researcher(limited, exit_url="https://set-before.example/")

    refused = _save(client, title="Renamed", exit_url="https://set-before.example/")

    assert refused.status_code == 400 and "The exit address must be on a site" in text(refused)
    assert study_row(limited, "tiny").title == "A tiny survey"


def _settings_events(app: Flask) -> list[dict]:
    return [json.loads(d) for action, d in audit_actions(app) if action == "study.settings"]


def test_exit_address_changes_are_audited_with_the_old_and_the_new_address(app):
    client = _researcher(app, exit_url="https://old.example/")

    _save(client, exit_url="https://new.example/away")
    _save(client, exit_url="")

    exits = [e for e in _settings_events(app) if e["setting"] == "exit_url"]
    assert exits == [
        {"setting": "exit_url", "old": "https://old.example/", "new": "https://new.example/away"},
        {"setting": "exit_url", "old": "https://new.example/away", "new": ""},
    ]


def test_a_long_exit_address_is_cut_with_a_marker_to_fit_the_audit_log(app):
    client = _researcher(app)
    long = "https://new.example/" + "a" * 400

    assert _save(client, exit_url=long).status_code == 303

    (event,) = [e for e in _settings_events(app) if e["setting"] == "exit_url"]
    assert len(event["new"]) == MAX_DETAIL_LENGTH and event["new"].endswith(CUT)
    assert long.startswith(event["new"].removesuffix(CUT))


def test_support_link_changes_are_audited_per_language_with_old_and_new_links(app):
    client = _researcher(app)
    _save(client, support_en="A | | https://a.example/\nB | 0800")

    _save(client, support_en="A | | https://a.example/\nB | 0800 | https://b.example/")
    _save(client, support_en="A | 0800 | https://a.example/\nB | 0800 | https://b.example/")

    links = [e for e in _settings_events(app) if e["setting"] == "support_links"]
    assert links == [
        {"setting": "support_links", "language": "en", "old": "", "new": "https://a.example/"},
        {
            "setting": "support_links",
            "language": "en",
            "old": "https://a.example/",
            "new": "https://a.example/ https://b.example/",
        },
    ]  # the third change touched a phone number only: the support event, no link event
    assert [e["setting"] for e in _settings_events(app)].count("support") == 3


# == publishing and reopening ==


def _set_exit(app: Flask, url: str) -> None:
    """Put a link in place as if saved before the administrator set the hosts."""
    with app.app_context(), write_transaction(db.session):
        db.session.execute(update(Study).values(exit_url=url))


def test_publishing_is_refused_while_the_studys_exit_address_goes_elsewhere(limited):
    client = _researcher(limited, draft=edited_yaml())
    _set_exit(limited, "https://set-before.example/")

    refused = post(client, "/studio/studies/tiny/publish")

    page = text(refused)
    assert refused.status_code == 409
    assert "cannot be published" in page
    assert "The exit address in the settings (https://set-before.example/)" in page
    assert study_row(limited, "tiny").draft_source is not None  # nothing published


def test_publishing_is_refused_while_the_instruments_support_links_go_elsewhere(limited):
    support = {"en": [{"name": "Help", "url": "https://tracker.example/help"}]}
    client = _researcher(limited, draft=edited_yaml(support=support))

    refused = post(client, "/studio/studies/tiny/publish")

    assert refused.status_code == 409
    assert "Support line 1 (en) in the instrument (https://tracker.example/help)" in text(refused)


def test_publishing_links_on_the_allowed_hosts_goes_ahead(limited):
    support = {"en": [{"name": "Help", "url": "https://www.nhs.uk/help"}]}
    client = _researcher(limited, draft=edited_yaml(support=support))

    published = post(client, "/studio/studies/tiny/publish")

    assert published.status_code == 303
    assert study_row(limited, "tiny").draft_source is None


def test_reopening_is_refused_while_a_support_link_goes_elsewhere(limited):
    client = _researcher(limited, status="closed")
    with limited.app_context(), write_transaction(db.session):
        support = {"en": [{"name": "Help", "url": "https://tracker.example/"}]}
        db.session.execute(update(Study).values(support_json=json.dumps(support)))

    refused = post(client, "/studio/studies/tiny/reopen")

    assert refused.status_code == 409 and "cannot be reopened" in text(refused)
    assert "Support line 1 (en) in the study&#39;s settings" in text(refused)
    assert study_row(limited, "tiny").status == "closed"


def test_without_hosts_the_same_study_publishes(app):
    client = _researcher(app, draft=edited_yaml())
    _set_exit(app, "https://set-before.example/")

    assert post(client, "/studio/studies/tiny/publish").status_code == 303


# == respondent pages of a study opened before the administrator set the list ==


def test_links_of_a_study_opened_before_the_list_are_not_shown_to_respondents(tmp_path):
    from tests.factories import add_study
    from tests.survey.journey import Respondent

    app = make_app(tmp_path)
    add_study(app)
    with app.app_context(), write_transaction(db.session):
        db.session.execute(
            update(Study).values(
                exit_url="https://tracker.example/exit",
                support_json=json.dumps({"en": [
                    {"name": "Our own line", "url": "https://tracker.example/help"},
                    {"name": "NHS 111", "url": "https://111.nhs.uk/"},
                ]}),
            )
        )  # fmt: skip
    app.config["HEARD_LINK_HOSTS"] = HOSTS  # set after the study was opened
    client = app.test_client()
    page = Respondent(client, "tiny").get("/s/tiny").get_data(as_text=True)
    assert "tracker.example" not in page
    assert "Our own line" in page and "https://111.nhs.uk/" in page
    assert f'data-exit="{app.config["HEARD_DEFAULT_EXIT_URL"]}"' in page
    leave = client.get("/x")
    assert leave.headers["Location"] == app.config["HEARD_DEFAULT_EXIT_URL"]
