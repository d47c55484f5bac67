"""Findings reports as stored: edits in order, ids of another study refused, audit without text,
vanished quotes and themes noticed and removed, withdrawal and purge helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select, text, update

from coding.passages import STRUCK, PassageFinder
from instruments import load_library
from survey import sealing
from survey.extensions import db, write_transaction
from survey.models import (
    AuditEvent,
    Code,
    CodingCase,
    CodingDocument,
    Report,
    ReportBuild,
    ReportQuote,
    ReportTheme,
    Response,
    Segment,
    Study,
    User,
)
from survey.services.coding import codebook, demo
from survey.services.coding.errors import NotFound
from survey.services.reports import (
    editor,
    exporting,
    picker,
    question_edits,
    store,
    theme_edits,
    withdrawn,
)
from survey.services.reports.errors import (
    ChoicesInvalid,
    ItemNotFound,
    SegmentNotFound,
    ThemeNotFound,
)
from survey.services.withdrawal import delete_response
from tests.conftest import make_app
from tests.factories import add_study, make_staff

SENTINEL = "Quillfeather Marrowby"
DAY = dt.date(2026, 11, 27)


@dataclass
class Demo:
    app: Flask
    study_id: int
    user_id: int
    codes: dict[str, str]  # name -> guid


@pytest.fixture
def world(tmp_path) -> Iterator[Demo]:
    """The coding demo (60 respondents, k=10) and an admin to analyse it."""
    app = make_app(tmp_path)
    with app.app_context():
        study_id = demo.create_demo(db.session, load_library("police-response")).study.id
        codes = dict(db.session.execute(select(Code.name, Code.public_id)).all())
    admin = make_staff(app, "admin")
    yield Demo(app, study_id, admin.id, codes)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _ctx(world: Demo) -> tuple[Study, User]:
    return db.session.get(Study, world.study_id), db.session.get(User, world.user_id)


def _report(world: Demo, *themes: str) -> Report:
    study, user = _ctx(world)
    report = store.create_report(db.session, study, user, "Findings")
    for name in themes:
        theme_edits.add_theme(db.session, study, user, report, world.codes[name])
    return report


def _order(report: Report) -> list[str]:
    return [t.name for t in store.themes_of(db.session, report)]


def test_themes_are_added_in_order_and_move_up_and_down(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed", "Fear", "Interpreter helped")
        theme_edits.move_theme(
            db.session, study, user, report, world.codes["Interpreter helped"], "up"
        )
        theme_edits.move_theme(db.session, study, user, report, world.codes["Not believed"], "up")
        assert _order(report) == ["Not believed", "Interpreter helped", "Fear"]
        theme_edits.move_theme(db.session, study, user, report, world.codes["Not believed"], "down")
        theme_edits.remove_theme(db.session, study, user, report, world.codes["Fear"])
        assert _order(report) == ["Interpreter helped", "Not believed"]
        assert [t.position for t in store.themes_of(db.session, report)] == [0, 1]
        assert store.choices_of(db.session, report).theme_ids == (
            world.codes["Interpreter helped"],
            world.codes["Not believed"],
        )


def test_questions_and_breakdowns_keep_their_order_and_refuse_unknown_items(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world)
        for item in ("believed", "arrested", "felt_safe_first"):
            question_edits.add_question(db.session, study, user, report, item)
        question_edits.move_question(db.session, study, user, report, "felt_safe_first", "up")
        question_edits.remove_question(db.session, study, user, report, "believed")
        question_edits.set_breakdowns(db.session, study, user, report, ["region", "gender"])
        with pytest.raises(ItemNotFound):
            question_edits.add_question(db.session, study, user, report, "no_such_item")
        with pytest.raises(ChoicesInvalid):
            question_edits.add_question(db.session, study, user, report, "arrested")
        with pytest.raises(ItemNotFound):
            question_edits.set_breakdowns(db.session, study, user, report, ["should_change"])
        choices = store.choices_of(db.session, report)
    assert choices.item_ids == ("felt_safe_first", "arrested")
    assert set(choices.breakdown_item_ids) == {"gender", "region"}


def test_a_theme_twice_an_empty_title_and_a_long_narrative_are_refused_with_a_message(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Fear")
        with pytest.raises(ChoicesInvalid, match="already a theme"):
            theme_edits.add_theme(db.session, study, user, report, world.codes["Fear"])
        with pytest.raises(ChoicesInvalid, match="title"):
            store.set_details(db.session, study, user, report, "   ", "")
        with pytest.raises(ChoicesInvalid, match="keep it under 5,000"):
            theme_edits.set_narrative(
                db.session, study, user, report, world.codes["Fear"], "x" * 5001
            )
        assert store.themes_of(db.session, report)[0].narrative == ""


def test_another_studys_report_and_codes_are_not_found(world):
    other_id = add_study(world.app, load_library("police-response"), slug="other")
    with world.app.app_context():
        study, user = _ctx(world)
        other = db.session.get(Study, other_id)
        theirs = store.create_report(db.session, other, user, "Theirs")
        their_code = codebook.add_code(db.session, user, other, codebook.CodeFields(name="X"))
        mine = _report(world)
        with pytest.raises(NotFound):
            store.report_of(db.session, study, theirs.public_id)
        with pytest.raises(ThemeNotFound):
            theme_edits.add_theme(db.session, study, user, mine, their_code.public_id)
        with pytest.raises(NotFound):
            store.theme_of(db.session, study, mine, their_code.public_id)
        assert store.themes_of(db.session, mine) == []


def test_every_edit_is_audited_without_any_text(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed")
        guid = world.codes["Not believed"]
        store.set_details(db.session, study, user, report, "Findings", f"About {SENTINEL}.")
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        theme_edits.save_theme(
            db.session, study, user, report, guid, f"{SENTINEL} said", offered[:2], offered
        )
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.detail)
        ).all()
        raw = db.session.execute(text("SELECT narrative FROM report_theme")).scalar_one()
        intro = db.session.execute(text("SELECT introduction FROM report")).scalar_one()
    actions = [action for action, _, _ in events]
    assert {"report.create", "report.theme_add", "report.details", "report.theme_save"} <= set(
        actions
    )
    assert all(SENTINEL not in f"{o} {d}" for _, o, d in events)
    assert raw.startswith(sealing.PREFIX) and intro.startswith(sealing.PREFIX)


def test_quotes_are_only_those_offered_and_a_filtered_list_keeps_the_rest(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed")
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        theme_edits.choose_quotes(db.session, study, user, report, guid, offered[:2], offered[:4])
        # A second form listing only offered[1:3] unticks [1] and ticks [2]; [0] stays.
        theme_edits.choose_quotes(db.session, study, user, report, guid, [offered[2]], offered[1:3])
        chosen = store.choices_of(db.session, report).quotes[guid]
        other = world.codes["Fear"]
        not_this_theme = sorted(picker.offered_guids(db.session, study, user, other))
        with pytest.raises(SegmentNotFound, match="can no longer be quoted"):
            theme_edits.choose_quotes(
                db.session, study, user, report, guid, not_this_theme[:1], not_this_theme[:1]
            )
    assert chosen == (offered[0], offered[2])


def _document_of(segment_guid: str) -> tuple[str, int, str]:
    """Return (response id, document id, text) of a segment's document."""
    return db.session.execute(
        select(CodingCase.response_id, CodingDocument.id, CodingDocument.text)
        .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
        .join(Segment, Segment.document_id == CodingDocument.id)
        .where(Segment.public_id == segment_guid)
    ).one()


def test_a_withdrawn_quote_is_removed_and_the_analyst_told(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed")
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        theme_edits.choose_quotes(db.session, study, user, report, guid, offered[:2], offered[:2])
        response_id, _, _ = _document_of(offered[0])
        with write_transaction(db.session):
            delete_response(db.session, study.id, response_id, secret_key="k")
        left = db.session.scalars(select(ReportQuote.segment_id)).all()
        assert None in left  # noticed as gone, not silently dropped
        view = editor.editor(db.session, study, user, report)
        assert any("A quote chosen for “Not believed” was removed" in n for n in view.notes)
        page = picker.theme_page(db.session, study, user, report, guid)
        assert any("A quote chosen for “Not believed” was removed" in n for n in page.notes)
        # Showing the builder and the theme's page changed nothing (a GET writes nothing) ...
        assert db.session.scalars(select(ReportQuote.segment_id)).all() == left
        assert store.choices_of(db.session, report).quotes[guid] == (offered[1],)
        # ... the report's next form tidies it.
        store.tidy(db.session, study, user, report)
        assert db.session.scalars(select(ReportQuote.segment_id)).all() == [
            x for x in left if x is not None
        ]
        assert editor.editor(db.session, study, user, report).notes == []


def test_a_theme_whose_code_was_deleted_is_removed_with_a_note(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Time and patience", "Fear")
        codebook.delete_code(db.session, user, study, world.codes["Time and patience"], "remove")
        view = editor.editor(db.session, study, user, report)
    assert [t.name for t in view.themes] == ["Fear"]
    assert view.notes == [
        "The theme “Time and patience” was removed from the report: its code was deleted"
        " from the codebook."
    ]


def test_a_theme_without_coded_passages_gets_a_note(world):
    with world.app.app_context():
        study, user = _ctx(world)
        empty = codebook.add_code(db.session, user, study, codebook.CodeFields(name="Unused"))
        report = _report(world)
        theme_edits.add_theme(db.session, study, user, report, empty.public_id)
        view = editor.editor(db.session, study, user, report)
    assert view.themes[0].segments == 0
    assert any("“Unused” has no coded passages yet" in note for note in view.notes)


def test_a_build_is_stored_sealed_once_per_snapshot_and_deleting_the_report_takes_it(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Fear")
        first = exporting.build_report(db.session, study, user, report, today=DAY)
        again = exporting.build_report(db.session, study, user, report, today=DAY)
        raw = db.session.execute(text("SELECT snapshot FROM report_build")).scalar_one()
        assert first.public_id == again.public_id and raw.startswith(sealing.PREFIX)
        store.delete_report(db.session, study, user, report)
        assert db.session.scalars(select(ReportBuild)).all() == []
        assert db.session.scalars(select(ReportTheme)).all() == []


def test_withdrawal_helpers_strike_quoted_words_and_forget_builds(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed")
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        _, _, words = _document_of(offered[0])
        theme_edits.set_narrative(db.session, study, user, report, guid, f"One said: “{words}”")
        exporting.build_report(db.session, study, user, report, today=DAY)
        with write_transaction(db.session):
            struck = withdrawn.strike_reports(db.session, study.id, PassageFinder([words]))
            forgotten = withdrawn.forget_builds(db.session, study.id, DAY)
        narrative = store.themes_of(db.session, report)[0].narrative
        assert (struck, forgotten) == (1, 1)
        assert words not in narrative and STRUCK in narrative
        exporting.build_report(db.session, study, user, report, today=DAY)
        with write_transaction(db.session):
            kept = withdrawn.forget_builds(db.session, study.id, DAY + dt.timedelta(days=1))
            purged = withdrawn.purge_reports(db.session, study.id)
        assert (kept, purged) == (0, 1)
        assert db.session.scalars(select(Report)).all() == []


def test_a_withdrawal_strikes_quoted_words_from_narratives_and_deletes_later_builds(world):
    # Through the real withdrawal: the narrative quoting the respondent loses the passage,
    # and a build made on or after the day the response was completed (its snapshot holds
    # the response's quote and counts) is deleted; an earlier build did not hold it.
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed")
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        response_id, _, words = _document_of(offered[0])
        completed = db.session.scalar(
            select(Response.completed_on).where(Response.id == response_id)
        )
        theme_edits.set_narrative(db.session, study, user, report, guid, f"One said: “{words}”")
        theme_edits.choose_quotes(db.session, study, user, report, guid, offered[:1], offered[:1])
        exporting.build_report(db.session, study, user, report, today=completed)
        before = exporting.build_report(
            db.session, study, user, report, today=completed - dt.timedelta(days=1)
        )
        before_id = before.id
        with write_transaction(db.session):
            delete_response(db.session, study.id, response_id, secret_key="k")
        narrative = store.themes_of(db.session, report)[0].narrative
        assert words not in narrative and STRUCK in narrative
        builds = db.session.scalars(select(ReportBuild.id)).all()
        assert builds == [before_id]


def test_a_quote_from_a_response_that_asked_not_to_be_quoted_is_never_offered(world):
    with world.app.app_context():
        study, user = _ctx(world)
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        response_id, _, _ = _document_of(offered[0])
        with write_transaction(db.session):
            db.session.execute(
                update(Response).where(Response.id == response_id).values(no_quotes=True)
            )
        report = _report(world, "Not believed")
        with pytest.raises(SegmentNotFound, match="can no longer be quoted"):
            theme_edits.choose_quotes(
                db.session, study, user, report, guid, offered[:1], offered[:1]
            )
        assert offered[0] not in picker.offered_guids(db.session, study, user, guid)


def test_a_withdrawal_strikes_quoted_words_from_report_titles_and_theme_names(world):
    # A title and a theme's name (the code's name when it was chosen) are analyst text
    # too: one that quotes the withdrawn answer loses the passage, like a narrative.
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed", "Fear")
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        response_id, _, words = _document_of(offered[0])
        passage = " ".join(words.split()[:8])
        assert len(passage.split()) >= 6  # long enough to count as quoted
        store.set_details(db.session, study, user, report, f"“{passage}”: findings", "")
        with write_transaction(db.session):
            store.themes_of(db.session, report)[0].name = f"Said “{passage}”"
        with write_transaction(db.session):
            delete_response(db.session, study.id, response_id, secret_key="k")
        db.session.expire_all()
        title = db.session.get(Report, report.id).title
        names = [t.name for t in store.themes_of(db.session, report)]
    assert passage not in title and title.startswith(f"“{STRUCK}") and title.endswith(": findings")
    assert passage not in names[0] and names[0].startswith(f"Said “{STRUCK}")
    assert names[1] == "Fear"


def test_tidying_a_withdrawn_quote_leaves_no_quote_count_in_the_audit_log(world):
    with world.app.app_context():
        study, user = _ctx(world)
        report = _report(world, "Not believed")
        guid = world.codes["Not believed"]
        offered = sorted(picker.offered_guids(db.session, study, user, guid))
        theme_edits.choose_quotes(db.session, study, user, report, guid, offered[:1], offered[:1])
        response_id, _, _ = _document_of(offered[0])
        with write_transaction(db.session):
            delete_response(db.session, study.id, response_id, secret_key="k")
        notes = store.tidy(db.session, study, user, report)
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "report.tidy")
        ).all()
    assert any("A quote chosen for “Not believed” was removed" in n for n in notes)
    assert all("quote" not in str(detail) for detail in details)
