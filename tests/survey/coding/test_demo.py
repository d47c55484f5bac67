"""The synthetic coding demo: made-up answers, a starter codebook, two demo coders."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from coding.agreement import TENTATIVE, agreement_by_code
from instruments import load_library
from survey import create_app
from survey.extensions import db
from survey.models import Code, Coder, CodingDocument, Response, Segment, Study
from survey.services.coding import demo, exchange
from tests.conftest import database_url, make_app
from tests.factories import signed_in

EMAIL = re.compile(r"\S+@\S+")
PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


@pytest.fixture
def empty_app(tmp_path):
    """An app whose database has no tables yet, as on a fresh machine (`heard demo` migrates)."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "HEARD_DATABASE_URL": database_url(tmp_path)})
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Study, Response, CodingDocument, Code, Coder, Segment)
        }


def _texts(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(CodingDocument.text).order_by(CodingDocument.id)))


def _make(app) -> demo.DemoDataset:
    with app.app_context():
        return demo.create_demo(db.session, load_library("police-response"))


def test_heard_demo_twice_creates_the_coding_demo_once(empty_app):
    runner = empty_app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    counts = _counts(empty_app)
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "Synthetic coding demo created: 60 made-up responses" in first.output
    assert "never real people" in first.output
    assert "Synthetic coding demo already there." in second.output
    assert _counts(empty_app) == counts
    assert counts["Response"] == 60 and counts["Coder"] == 2 and counts["Segment"] > 100


def test_the_demo_is_the_same_every_time(app, tmp_path):
    made = _make(app)
    texts = _texts(app)
    other = make_app(tmp_path / "other")
    try:
        again = _make(other)
        assert (again.responses, again.documents, again.segments) == (
            made.responses,
            made.documents,
            made.segments,
        )
        assert _texts(other) == texts
    finally:
        with other.app_context():
            db.engine.dispose()


def test_the_study_is_labelled_synthetic_and_closed_to_respondents(app, client):
    _make(app)
    with app.app_context():
        study = db.session.scalar(select(Study).where(Study.slug == demo.SLUG))
        assert study.title.startswith("SYNTHETIC DEMO –")
        assert study.status == "closed"
    assert client.get(f"/s/{demo.SLUG}").status_code == 410


def test_the_answers_hold_no_email_address_or_phone_number(app):
    _make(app)
    texts = _texts(app)
    assert len(texts) > 60
    assert not [t for t in texts if EMAIL.search(t) or PHONE.search(t)]


def test_the_answers_are_varied_with_other_languages_and_an_emoji(app):
    _make(app)
    texts = " ".join(_texts(app))
    assert "Policja" in texts and "الشرطة" in texts and "Tôi" in texts
    assert "🙏" in texts or "🙁" in texts
    assert len(set(_texts(app))) > 40  # not one answer sixty times


def test_the_starter_codebook_has_categories_and_codes_with_guidance(app):
    _make(app)
    with app.app_context():
        codes = db.session.scalars(select(Code)).all()
    categories = [c for c in codes if not c.codable]
    usable = [c for c in codes if c.codable]
    assert len(categories) >= 3 and len(usable) >= 10
    assert all(c.parent_id in {k.id for k in categories} for c in usable)
    assert all(c.definition and c.when_to_use and c.when_not_to_use and c.example for c in usable)


def test_the_two_demo_coders_agree_on_most_codes_but_not_all(app):
    made = _make(app)
    with app.app_context():
        project = exchange.project_for(db.session, made.study, None)
        coders = db.session.scalars(select(Coder)).all()
    assert sorted((c.name, c.kind, c.user_id) for c in coders) == [
        ("Demo coder A", "imported", None),
        ("Demo coder B", "imported", None),
    ]
    table = agreement_by_code(
        project.codings, project.documents, [c.guid for c in project.coders], project.codebook
    )
    assert (table["alpha"] >= TENTATIVE).sum() > len(table) / 2
    assert table["below_threshold"].any()


def test_the_exchange_page_of_the_demo_says_the_answers_are_made_up(app):
    _make(app)
    admin = signed_in(app, "admin")
    page = admin.get(f"/coding/{demo.SLUG}/exchange").get_data(as_text=True)
    assert "made-up answers generated for the demo, never real people" in page
