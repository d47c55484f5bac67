"""A report never holds a category beside a code under it (issue 10, review finding F1).

Each theme's count is protected on its own, so Support (31) beside Given
support (19) would give away the 12 coded "No support or referral" only, and
with them the 2 who have both. The builder refuses the second of such a pair,
through the service and through the page, and no longer offers it; a pair
that reaches a build anyway (a code moved under a chosen category after both
were chosen) leaves the nested theme out of the snapshot with a note.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from analysis.findings.snapshot import Snapshot
from survey.extensions import db
from survey.models import AuditEvent, ReportTheme, Study, User
from survey.services.coding import codebook
from survey.services.reports import exporting, store, theme_edits
from survey.services.reports.errors import ChoicesInvalid
from tests.survey.reports.demo_site import PagesSite, close, signed_in_site

DAY = dt.date(2026, 11, 27)
SUPPORT, GIVEN, NONE_GIVEN = "Support", "Given support", "No support or referral"
REFUSAL = "A report shows a category or codes under it, not both"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[PagesSite]:
    """The coding demo (k=10) and an analyst on its team, signed in."""
    made = signed_in_site(tmp_path_factory.mktemp("nested-themes"))
    yield made
    close(made)


def _ctx(site: PagesSite) -> tuple[Study, User]:
    return db.session.get(Study, site.study_id), db.session.get(User, site.analyst_id)


def _theme_names(report_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(ReportTheme.name)
            .where(ReportTheme.report_id == report_id)
            .order_by(ReportTheme.position)
        )
    )


def _adds() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.theme_add")
    )


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [(SUPPORT, GIVEN, SUPPORT), (GIVEN, SUPPORT, GIVEN), (SUPPORT, NONE_GIVEN, SUPPORT)],
)
def test_the_service_refuses_a_theme_above_or_under_a_chosen_one(site, first, second, named):
    with site.app.app_context():
        study, user = _ctx(site)
        report = store.create_report(db.session, study, user, "Support")
        theme_edits.add_theme(db.session, study, user, report, site.codes[first])
        adds = _adds()
        with pytest.raises(ChoicesInvalid) as refused:
            theme_edits.add_theme(db.session, study, user, report, site.codes[second])
        assert _theme_names(report.id) == [first] and _adds() == adds
    assert str(refused.value) == (
        "A report shows a category or codes under it, not both: the difference between them"
        f" would count a few people. Remove “{named}” first."
    )


def test_the_service_keeps_siblings_and_other_categories(site):
    with site.app.app_context():
        study, user = _ctx(site)
        report = store.create_report(db.session, study, user, "Siblings")
        for name in (GIVEN, NONE_GIVEN, "Fear", "Not believed"):
            theme_edits.add_theme(db.session, study, user, report, site.codes[name])
        assert _theme_names(report.id) == [GIVEN, NONE_GIVEN, "Fear", "Not believed"]


def _post(site: PagesSite, path: str, **form):
    return site.client.post(path, data={"csrf_token": site.token, **form})


def _offered_codes(page: str) -> set[str]:
    """Return the code ids the builder's "Add a theme" list offers."""
    found = re.search(r'<select id="code" name="code"[^>]*>(.*?)</select>', page, re.S)
    assert found, "the builder should offer codes to add"
    return set(re.findall(r'<option value="([^"]+)"', found.group(1)))


def test_the_page_refuses_the_nested_theme_and_no_longer_offers_it(site):
    made = _post(site, f"/analysis/{site.slug}/reports", title="Support through the page")
    assert made.status_code == 302
    report = made.location
    assert _post(site, report, action="theme_add", code=site.codes[SUPPORT]).status_code == 302
    page = site.client.get(report)
    offered = _offered_codes(page.text)
    assert page.status_code == 200
    assert site.codes[GIVEN] not in offered and site.codes[NONE_GIVEN] not in offered
    assert {site.codes["Fear"], site.codes["Not believed"]} <= offered
    assert "the codes under a chosen theme and the categories above one are not listed" in (
        html.unescape(page.text)
    )
    refused = _post(site, report, action="theme_add", code=site.codes[GIVEN])
    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert REFUSAL in text and f"Remove “{SUPPORT}” first." in text
    with site.app.app_context():
        report_id = store.report_of(
            db.session, db.session.get(Study, site.study_id), report.rstrip("/").split("/")[-1]
        ).id
        assert _theme_names(report_id) == [SUPPORT]


def test_a_code_moved_under_a_chosen_category_is_left_out_of_the_build(site):
    with site.app.app_context():
        study, user = _ctx(site)
        report = store.create_report(db.session, study, user, "Moved")
        moved = "Fear of the exploiters"
        for name in (moved, SUPPORT):
            theme_edits.add_theme(db.session, study, user, report, site.codes[name])
        row = codebook.code_row(db.session, study, site.codes[moved])
        fields = codebook.fields_of(db.session, row)
        try:
            codebook.edit_code(
                db.session, user, study, site.codes[moved],
                dataclasses.replace(fields, parent=site.codes[SUPPORT]),
            )  # fmt: skip
            made = exporting.build_report(db.session, study, user, report, today=DAY)
            snapshot = Snapshot.from_json(made.snapshot)
        finally:
            codebook.edit_code(db.session, user, study, site.codes[moved], fields)
    assert [t.name for t in snapshot.themes] == [SUPPORT]
    assert site.codes[moved] not in snapshot.to_json()
    assert any(f"“{moved}” sits under “{SUPPORT}”" in note for note in snapshot.notes)
