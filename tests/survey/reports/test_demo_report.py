"""`heard demo` gives the coding demo a findings report that passes the check and exports."""

from __future__ import annotations

import datetime as dt

from lxml import html as lxml_html
from sqlalchemy import select

from instruments import load_library
from survey.extensions import db
from survey.models import Report, ReportQuote, ReportTheme, Response, Study, User
from survey.services.coding import demo
from survey.services.reports import demo as demo_report
from survey.services.reports import exporting, store
from tests.conftest import make_app
from tests.factories import make_staff

DAY = dt.date(2026, 11, 27)


def test_the_demo_report_is_made_once_and_exports_with_its_themes_and_quotes(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        study = demo.create_demo(db.session, load_library("police-response")).study
        first = demo_report.ensure_report(db.session, study)
        second = demo_report.ensure_report(db.session, study)
        study_id = study.id
    assert first.startswith("Demo findings report added") and "already there" in second
    admin = make_staff(app, "admin")
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, admin.id)
        [report] = db.session.scalars(select(Report)).all()
        names = [t.name for t in store.themes_of(db.session, report)]
        quotes = db.session.scalars(select(ReportQuote)).all()
        declined = db.session.scalars(select(Response.id).where(Response.no_quotes)).all()
        made = exporting.build_report(db.session, study, user, report, today=DAY)
        checked = exporting.check(db.session, study, made, user)
        _name, _type, page = exporting.export(db.session, study, user, made, "html", today=DAY)
        themes = db.session.scalars(select(ReportTheme)).all()
    assert names == [name for name, _ in demo_report.THEMES]
    assert len(quotes) == demo_report.QUOTES_PER_THEME * len(themes) and not declined
    assert checked.problems == [], checked.problems
    tree = lxml_html.fromstring(page)
    text = " ".join(tree.text_content().split())
    headings = [h.text_content() for h in tree.iter("h2")]
    assert all(name in headings for name in names)
    assert sum(len(t.quotes) for t in checked.snapshot.themes) == len(quotes)
    assert all(q.text in text for t in checked.snapshot.themes for q in t.quotes)
    assert "made up" in text.lower()  # the synthetic demo says so
