"""What a stored build may let out today: current quotes, builds a few responses apart, file names.

A build passes the check on the day it is built; these tests change the
study afterwards (a steward redacts a word of a quote, a respondent asks not
to be quoted, the study withholds free text, a coding is removed, a response
is completed, the report is renamed, a library is upgraded) and export the
old build. The report's forms tidy what vanished; its pages only say so.
The demo study, fresh for each test (each one changes it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from survey.extensions import db, write_transaction
from survey.models import (
    AuditEvent,
    CodingCase,
    CodingDocument,
    Membership,
    Redaction,
    ReportQuote,
    Response,
    Segment,
)
from survey.services.coding import codebook
from survey.services.exports.settings import ExportSettings
from survey.services.reports import exporting, freshness, options, store, theme_edits
from survey.services.reports.passages import WITHHELD_TEXT
from tests.factories import form_token, make_staff, sign_in
from tests.survey.reports.demo_site import Site, build_site, close, code_guids

DAY = dt.date(2026, 11, 27)
THEME = "Treated with kindness"
PHONE = "07700 900123"


@pytest.fixture
def site(tmp_path) -> Iterator[Site]:
    made = build_site(tmp_path)
    yield made
    close(made)


def _report(session, study, user, title: str = "Kindness", quotes: int = 1):
    """Return a report of THEME with its first `quotes` offered passages chosen."""
    guid = code_guids(session, study)[THEME]
    report = store.create_report(session, study, user, title)
    theme_edits.add_theme(session, study, user, report, guid)
    chosen = sorted(options.offered_guids(session, study, user, guid))[:quotes]
    if chosen:
        theme_edits.choose_quotes(session, study, user, report, guid, chosen, chosen)
    return report, chosen


def _segment(session, guid: str) -> tuple[Segment, CodingDocument]:
    return session.execute(
        select(Segment, CodingDocument)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(Segment.public_id == guid)
    ).one()


def _kinds(checked) -> list[str]:
    return [problem.kind for problem in checked.problems]


# F3: a quote is re-derived from its segment's current redacted text at export


def test_a_word_redacted_after_the_build_blocks_the_old_build_until_built_again(site):
    with site.session() as (session, study, user):
        report, (quote,) = _report(session, study, user)
        made = exporting.build_report(session, study, user, report, today=DAY)
        kept = exporting.check(session, study, made, user).snapshot.themes[0].quotes[0].text
        word = max(re.findall(r"[A-Za-z]{4,}", kept), key=len)
        segment, document = _segment(session, quote)
        start = document.text.find(word, segment.start)
        assert segment.start <= start < segment.end
        with write_transaction(session):
            session.add(
                Redaction(document_id=document.id, start=start, end=start + len(word),
                          kind="place", origin="steward", status="accepted")
            )  # fmt: skip

        checked = exporting.check(session, study, made, user)
        with pytest.raises(exporting.ExportBlocked):
            exporting.export(session, study, user, made, "md")
        again = exporting.build_report(session, study, user, report, today=DAY)
        _, _, body = exporting.export(session, study, user, again, "md")

    assert _kinds(checked) == [freshness.STALE]
    assert "build again" in checked.problems[0].message
    assert checked.problems[0].excerpt == ""  # the list never repeats the words
    text = " ".join(body.decode().split())
    assert " ".join(kept.split()) not in text
    assert "[PLACE-" in text


def _declines(session, study, quote: str) -> None:
    response_id = session.scalar(
        select(CodingCase.response_id)
        .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
        .join(Segment, Segment.document_id == CodingDocument.id)
        .where(Segment.public_id == quote)
    )
    session.execute(update(Response).where(Response.id == response_id).values(no_quotes=True))


def _withholds(session, study, quote: str) -> None:
    study.export_settings_json = ExportSettings(free_text="withheld").as_json()


def _uncoded(session, study, quote: str) -> None:
    session.execute(delete(Segment).where(Segment.public_id == quote))


@pytest.mark.parametrize("change", [_declines, _withholds, _uncoded], ids=lambda f: f.__name__)
def test_a_quote_that_may_no_longer_be_used_blocks_the_old_build(site, change):
    with site.session() as (session, study, user):
        report, (quote,) = _report(session, study, user)
        made = exporting.build_report(session, study, user, report, today=DAY)
        assert exporting.check(session, study, made, user).problems == []
        with write_transaction(session):
            change(session, study, quote)

        checked = exporting.check(session, study, made, user)
        with pytest.raises(exporting.ExportBlocked) as blocked:
            exporting.export(session, study, user, made, "html")
        exported = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.export")
        )

    assert _kinds(checked) == [freshness.STALE]
    assert [p.kind for p in blocked.value.problems] == [freshness.STALE]
    assert (WITHHELD_TEXT in checked.problems[0].message) == (change is _withholds)
    assert exported == 0


# F4: the file name never takes the live title


def test_the_file_name_comes_from_the_build_not_a_title_changed_after_it(site):
    with site.session() as (session, study, user):
        report, _ = _report(session, study, user, "Kindness at the station", quotes=0)
        made = exporting.build_report(session, study, user, report, today=DAY)
        store.set_details(session, study, user, report, f"Amina Khan {PHONE}", "")
        name, _, body = exporting.export(session, study, user, made, "md")

    assert name == f"{study.slug}-kindness-at-the-station-{made.fingerprint[:8]}.md"
    assert "amina" not in name.lower() and "07700" not in name
    assert PHONE not in body.decode()


# F5: two builds a few responses apart never both leave


def _complete(session, study, count: int) -> None:
    with write_transaction(session):
        for _ in range(count):
            session.add(
                Response(study_id=study.id, instrument_version_id=study.instrument_version.id,
                         status="completed", language="en", completed_on=DAY)
            )  # fmt: skip


def test_a_build_one_response_from_an_exported_one_is_blocked_with_what_to_do(site):
    with site.session() as (session, study, user):
        first, _ = _report(session, study, user, "First", quotes=0)
        earlier = exporting.build_report(session, study, user, first, today=DAY)
        exporting.export(session, study, user, earlier, "md", today=DAY)
        before = exporting.check(session, study, earlier, user).snapshot.study.responses
        _complete(session, study, 1)
        second, _ = _report(session, study, user, "Second", quotes=0)  # another report
        later = exporting.build_report(session, study, user, second, today=DAY)

        checked = exporting.check(session, study, later, user)
        with pytest.raises(exporting.ExportBlocked):
            exporting.export(session, study, user, later, "md")
        exporting.export(session, study, user, earlier, "md", today=DAY)  # the earlier one may
        k = study.disclosure_threshold

    assert earlier.exported_on == DAY and later.exported_on is None
    assert checked.snapshot.study.responses == before + 1
    assert _kinds(checked) == [freshness.MOVED]
    message = checked.problems[0].message
    assert f"counted {before}" in message and "27 November 2026" in message
    assert f"wait until {k - 1} more responses are completed" in message
    assert "Export that earlier build again" in message


def test_a_build_k_responses_from_every_exported_one_may_leave(site):
    with site.session() as (session, study, user):
        report, _ = _report(session, study, user, quotes=0)
        exporting.export(
            session, study, user,
            exporting.build_report(session, study, user, report, today=DAY), "md", today=DAY,
        )  # fmt: skip
        _complete(session, study, study.disclosure_threshold)
        later = exporting.build_report(session, study, user, report, today=DAY)
        checked = exporting.check(session, study, later, user)
        exporting.export(session, study, user, later, "md")

    assert checked.problems == []
    assert later.exported_on is not None


def test_the_responses_needed_clear_every_exported_build():
    # 60 and 70 are out (k=10): 61..69 are each within k of one of them, and so is 71..79.
    assert freshness._enough(61, [60, 70], 10) == 70
    assert freshness._enough(71, [60, 70], 10) == 80
    assert freshness._enough(60, [60, 70], 10) == 60


# F9: the versions that write the files


def test_a_build_records_python_and_lxml_and_says_when_the_writers_changed(site, monkeypatch):
    with site.session() as (session, study, user):
        report, _ = _report(session, study, user, quotes=0)
        made = exporting.build_report(session, study, user, report, today=DAY)
        same = exporting.check(session, study, made, user)
        recorded = dict(same.snapshot.versions)
        monkeypatch.setattr(freshness, "installed_versions", lambda: {**recorded, "lxml": "99.0"})
        changed = exporting.check(session, study, made, user)

    assert {"Python", "lxml", "python-docx", "Pillow", "heard"} <= set(recorded)
    # Heard's own writer code, fingerprinted (its version number does not move with it).
    root = Path(__file__).resolve().parents[3]
    library = root / "analysis"
    files = [*(library / "findings").rglob("*.py")]
    files += [library / name for name in ("charts.py", "_svg.py", "disclosure.py")]
    digest = hashlib.sha256()
    for file in sorted(files):
        name = file.relative_to(root).as_posix().encode()
        digest.update(name + b"\0" + file.read_bytes() + b"\0")
    assert recorded["report writer"] == digest.hexdigest()[:12]
    assert not any("software that writes the files" in note for note in same.notes)
    assert any(f"lxml {recorded['lxml']} → 99.0" in note for note in changed.notes)
    assert changed.problems == []  # a note, not a reason to block


# F7: the tidy event records no count of quotes


def _tidy_events(session) -> list[dict]:
    rows = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "report.tidy"))
    return [json.loads(detail or "{}") for detail in rows]


def test_tidying_a_vanished_quote_leaves_no_audit_trace(site):
    with site.session() as (session, study, user):
        report, (quote,) = _report(session, study, user)
        with write_transaction(session):
            _uncoded(session, study, quote)
        notes = store.tidy(session, study, user, report)
        left = session.scalars(select(ReportQuote.id)).all()
        events = _tidy_events(session)

    assert len(notes) == 1 and "A quote chosen for" in notes[0]
    assert left == []
    assert events == []


def test_tidying_a_deleted_theme_records_how_many_themes_only(site):
    with site.session() as (session, study, user):
        report, (quote,) = _report(session, study, user)
        other = code_guids(session, study)["Time and patience"]
        theme_edits.add_theme(session, study, user, report, other)
        codebook.delete_code(session, user, study, other, "remove")
        with write_transaction(session):
            _uncoded(session, study, quote)
        store.tidy(session, study, user, report)
        events = _tidy_events(session)

    assert events == [{"themes": 1}]


# F6: the pages change nothing; the report's next form tidies


@pytest.fixture
def pages(tmp_path):
    """The demo with a report whose chosen quote's coding was then removed; an analyst signed in."""
    made = build_site(tmp_path)
    with made.session() as (session, study, user):
        report, (quote,) = _report(session, study, user, quotes=1)
        with write_transaction(session):
            _uncoded(session, study, quote)
        theme = code_guids(session, study)[THEME]
        path = f"/analysis/{study.slug}/reports/{report.public_id}"
        study_id = study.id
    analyst = make_staff(made.app, "analyst")
    with made.app.app_context(), write_transaction(db.session):
        db.session.add(Membership(user_id=analyst.id, study_id=study_id))
    client = made.app.test_client()
    sign_in(client, analyst.email, analyst.password)
    yield made.app, client, path, theme
    close(made)


def _state(app) -> tuple:
    with app.app_context():
        quotes = db.session.scalars(select(ReportQuote.segment_id).order_by(ReportQuote.id)).all()
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    return quotes, [a for a in actions if a != "coding.read_text"]


def test_the_report_pages_name_a_vanished_quote_and_change_nothing(pages):
    app, client, path, theme = pages
    before = _state(app)
    shown = [client.get(page) for page in (path, f"{path}/themes/{theme}", f"{path}/preview")]

    assert before[0] == [None]
    assert [page.status_code for page in shown] == [200, 200, 200]
    for page in shown:
        assert "A quote chosen for “Treated with kindness” was removed" in page.text
    assert _state(app) == before


def test_the_reports_next_form_removes_the_vanished_quote_and_says_so(pages):
    app, client, path, _ = pages
    token = form_token(client)
    saved = client.post(
        path,
        data={"csrf_token": token, "action": "details", "title": "Kindness", "introduction": ""},
    )
    page = client.get(saved.location)

    assert saved.status_code == 302
    assert "A quote chosen for “Treated with kindness” was removed" in page.text
    assert _state(app)[0] == []
    assert "A quote chosen for" not in client.get(saved.location).text  # said once
