"""Transcripts in the app: upload or paste, turns with speakers and times, the case, the views."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from markupsafe import escape
from sqlalchemy import select

from coding.transcripts import read_transcript
from survey.extensions import db, write_transaction
from survey.models import AuditEvent, CodingDocument, TranscriptTurn
from survey.services.coding import workspace
from survey.services.coding.transcripts import TurnMark
from tests.factories import form_token
from tests.survey.coding.helpers import (
    BASE,
    add_code,
    code_span,
    coder,
    coding_study,
    segment_rows,
    text_of,
)
from tests.survey.coding.transcript_files import (
    ANSWER,
    DOCX,
    NEW,
    QUESTION,
    SRT,
    TXT,
    VTT,
    add_transcript,
    counts,
    interviewed,
    stored,
)


@pytest.fixture
def study_id(app) -> int:
    """The tiny study, with four completed answers."""
    return coding_study(app)


@pytest.fixture
def lead(app, study_id):
    """A researcher on the study's team."""
    return coder(app, study_id, role="researcher")


TIMED = [("Interviewer", 1000, 4000), ("Respondent", 5500, 9250)]
UNTIMED = [("Interviewer", None, None), ("Respondent", None, None)]


@pytest.mark.parametrize(
    ("filename", "data", "times"),
    [
        ("interview.txt", TXT, UNTIMED),
        ("interview.docx", DOCX, UNTIMED),
        ("interview.vtt", VTT, TIMED),
        ("interview.srt", SRT, TIMED),
    ],
    ids=["txt", "docx", "vtt", "srt"],
)
def test_each_format_is_stored_with_its_speakers_turns_and_times(app, lead, filename, data, times):
    response = add_transcript(lead.client, filename, data)

    [transcript] = stored(app)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE}/documents/{transcript.guid}"
    assert transcript.words() == [("Interviewer", QUESTION), ("Respondent", ANSWER)]
    assert [(s, t0, t1) for s, _, _, t0, t1 in transcript.turns] == times
    assert transcript.length == len(transcript.text)


def test_pasted_text_becomes_a_transcript_of_a_new_anonymous_case(app, lead):
    response = add_transcript(lead.client, text=TXT.decode())

    [transcript] = stored(app)
    assert response.status_code == 303
    assert transcript.words() == [("Interviewer", QUESTION), ("Respondent", ANSWER)]
    assert transcript.response_id is None
    assert transcript.attributes == {}
    assert transcript.name == f"Interview {dt.datetime.now(dt.UTC).date().isoformat()}"


def test_the_name_typed_is_kept(app, lead):
    add_transcript(lead.client, "t.txt", TXT, name="Interview 3, second visit")

    assert stored(app)[0].name == "Interview 3, second visit"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Interview with Mrs Nguyen", "name"), ("Call 07700 900123", "phone"), ("Leeds, 3", "place")],
)
def test_a_name_with_identifying_details_is_refused_and_nothing_stored(app, lead, name, kind):
    response = add_transcript(lead.client, "t.txt", TXT, name=name)

    assert response.status_code == 400
    assert "identifying details" in response.get_data(as_text=True) and kind in response.get_data(
        as_text=True
    )
    assert stored(app) == []


def test_the_text_is_nfc_with_newlines(app, lead):
    add_transcript(
        lead.client, "t.txt", "Interviewer: Cafe\u0301?\r\nRespondent: Yes.\r\n".encode()
    )

    [transcript] = stored(app)
    assert transcript.words() == [("Interviewer", "Café?"), ("Respondent", "Yes.")]
    assert "\r" not in transcript.text


def test_a_warning_from_reading_the_transcript_is_flashed(app, lead):
    prose = "We left in spring.\n\nThe work was hard and nobody paid us."
    expected = read_transcript(prose).warnings
    assert expected  # no speakers: one turn per paragraph, and a warning saying so

    response = add_transcript(lead.client, text=prose)
    page = lead.client.get(response.headers["Location"]).get_data(as_text=True)

    assert [speaker for speaker, _ in stored(app)[0].words()] == [None, None]
    for warning in expected:
        assert str(escape(warning)) in page


def test_the_case_of_an_interviewer_administered_response_can_be_chosen(app, study_id, lead):
    case = interviewed(app, study_id)

    form = lead.client.get(NEW).get_data(as_text=True)
    response = add_transcript(lead.client, "t.txt", TXT, case=case)

    assert f'<option value="{case}">Case {case[:8]}</option>' in form
    assert response.status_code == 303
    [transcript] = stored(app)
    assert transcript.case == case
    assert transcript.response_id is not None


def test_only_interviewer_administered_and_transcript_cases_are_offered(app, study_id, lead):
    self_completed = interviewed(app, study_id, mode="self")
    interview = interviewed(app, study_id)
    add_transcript(lead.client, "t.txt", TXT)
    earlier = stored(app)[0].case

    form = lead.client.get(NEW).get_data(as_text=True)

    assert interview in form and earlier in form
    assert self_completed not in form


def test_the_next_part_of_an_interview_can_join_an_earlier_transcripts_case(app, lead):
    add_transcript(lead.client, "part1.txt", TXT)
    first = stored(app)[0]

    add_transcript(lead.client, "part2.txt", TXT, case=first.case)

    assert [t.case for t in stored(app)] == [first.case, first.case]
    assert counts(app)["CodingCase"] == 4 + 1


def test_adding_a_transcript_is_audited_with_ids_and_counts_only(app, lead):
    add_transcript(lead.client, "t.txt", TXT, name="Interview 3")

    [transcript] = stored(app)
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "coding.transcript_added")
        )
    detail = json.loads(event.detail)
    assert event.object_id == transcript.guid
    assert detail == {"case": transcript.case, "new_case": True, "turns": 2, "speakers": 2}
    assert QUESTION not in event.detail and "Interview 3" not in event.detail


def test_the_document_view_shows_each_turns_time_outside_the_text(app, lead):
    add_transcript(lead.client, "t.vtt", VTT)
    [transcript] = stored(app)

    page = lead.client.get(f"{BASE}/documents/{transcript.guid}").get_data(as_text=True)

    # The speakers are written in the text; the cue times are not, so they are shown.
    assert transcript.text.startswith(f"Interviewer: {QUESTION}")
    assert text_of(page) == transcript.text
    assert page.count('<span class="turn" data-turn=') == 2
    assert '<span class="turn" data-turn="[0:01] "></span>' in page
    assert '<span class="turn" data-turn="[0:05] "></span>' in page
    assert "<h1>Transcript 1 of 1</h1>" in page


def test_a_label_written_in_the_text_is_not_shown_twice(app, lead):
    add_transcript(lead.client, "t.txt", TXT)
    [transcript] = stored(app)

    page = lead.client.get(f"{BASE}/documents/{transcript.guid}").get_data(as_text=True)

    assert text_of(page) == transcript.text
    assert 'class="turn"' not in page


def test_reading_a_transcript_is_recorded(app, lead):
    add_transcript(lead.client, "t.txt", TXT)
    [transcript] = stored(app)

    lead.client.get(f"{BASE}/documents/{transcript.guid}")

    with app.app_context():
        objects = list(
            db.session.scalars(
                select(AuditEvent.object_id).where(AuditEvent.action == "coding.read_text")
            )
        )
    assert objects == [transcript.guid]


def test_hostile_text_and_speakers_are_escaped(app, lead):
    hostile = "[<b>Boss</b>] <script>alert(1)</script>\n[Other] <img src=x onerror=alert(1)>\n"
    add_transcript(lead.client, "t.txt", hostile.encode(), name="<i>x</i>")
    [transcript] = stored(app)

    page = lead.client.get(f"{BASE}/documents/{transcript.guid}").get_data(as_text=True)
    listing = lead.client.get(f"{BASE}/transcripts").get_data(as_text=True)

    assert "<script>alert" not in page and "<img src=x" not in page and "<i>x</i>" not in listing
    assert text_of(page) == transcript.text


def test_the_list_shows_each_transcript_without_naming_speakers(app, study_id, lead):
    add_transcript(lead.client, "t.txt", b"[Amara] We met in May.\n[Interviewer] Go on.\n")
    add_transcript(lead.client, "t.vtt", VTT, name="Second interview")
    first, second = stored(app)
    analyst = coder(app, study_id, role="analyst")

    page = analyst.client.get(f"{BASE}/transcripts").get_data(as_text=True)

    assert page.index(f"{BASE}/documents/{first.guid}") < page.index(second.guid)
    assert first.case[:8] in page and "Second interview" in page
    assert "<td>2</td><td>2</td>" in page  # turns, speakers
    assert "Amara" not in page
    assert "Add a transcript" not in page  # analysts read; they do not add


def test_the_coding_navigation_links_the_transcripts(app, lead):
    page = lead.client.get(f"{BASE}/transcripts").get_data(as_text=True)

    assert f'<a href="{BASE}/transcripts" aria-current="page">Transcripts</a>' in page
    assert f'href="{NEW}"' in page


def test_a_coded_transcript_shows_in_the_code_view_and_every_export(app, study_id, lead):
    code = add_code(app, study_id, "Travel")
    add_transcript(lead.client, "t.txt", TXT)
    [transcript] = stored(app)
    _, start, end, _, _ = transcript.turns[1]
    code_span(app, study_id, lead.user_id, transcript.guid, start, end, code)

    pages = {
        path: lead.client.get(f"{BASE}{path}")
        for path in (
            f"/codes/{code}",
            "/export/segments",
            "/export/segments?format=xlsx",
            "/export/matrix",
            "/export/project",
            f"/compare?code={code}",
        )
    }

    assert {path: r.status_code for path, r in pages.items()} == dict.fromkeys(pages, 200)
    assert ANSWER in pages[f"/codes/{code}"].get_data(as_text=True)
    assert ANSWER in pages["/export/segments"].get_data(as_text=True)
    assert transcript.case in pages["/export/matrix"].get_data(as_text=True)


def test_search_and_exports_include_transcripts(app, lead):
    add_transcript(lead.client, "t.txt", TXT)

    hits = lead.client.get(f"{BASE}/search?q=lorry").get_data(as_text=True)
    project = lead.client.get(f"{BASE}/export/project")

    assert stored(app)[0].guid in hits
    assert project.status_code == 200
    with app.app_context():
        kinds = set(db.session.scalars(select(CodingDocument.kind)))
    assert kinds == {"answer", "transcript"}


def test_a_turn_can_be_coded_in_the_document_view(app, study_id, lead):
    code = add_code(app, study_id, "Travel")
    add_transcript(lead.client, "t.txt", TXT)
    [transcript] = stored(app)
    _, start, end, _, _ = transcript.turns[1]

    response = lead.client.post(
        f"{BASE}/documents/{transcript.guid}/codings",
        data={
            "csrf_token": form_token(lead.client),
            "code": code,
            "start": str(start),
            "end": str(end),
            "units": "codepoints",
        },
    )

    assert response.status_code == 303
    assert [(row[1], row[3], row[4]) for row in segment_rows(app, study_id)] == [
        ("Travel", start, end)
    ]


@pytest.mark.parametrize("role", ["interviewer", "researcher"])
def test_the_interviewer_or_lead_on_the_team_may_add_a_transcript(app, study_id, role):
    person = coder(app, study_id, role=role)

    assert person.client.get(NEW).status_code == 200
    response = add_transcript(person.client, "t.txt", TXT)

    assert response.status_code == 303
    assert len(stored(app)) == 1


def test_an_interviewer_who_may_not_code_returns_to_the_form(app, study_id):
    interviewer = coder(app, study_id, role="interviewer")

    response = add_transcript(interviewer.client, "t.txt", TXT)
    page = interviewer.client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.headers["Location"] == NEW
    assert "Transcript added: 2 turns, 2 speakers" in page
    assert interviewer.client.get(f"{BASE}/transcripts").status_code == 404


@pytest.mark.parametrize(
    ("role", "on_team"),
    [("analyst", True), ("data_steward", True), ("interviewer", False), ("researcher", False)],
)
def test_others_get_not_found_and_nothing_is_stored(app, study_id, role, on_team):
    person = coder(app, study_id if on_team else None, role=role)
    before = counts(app)

    assert person.client.get(NEW).status_code == 404
    assert add_transcript(person.client, "t.txt", TXT).status_code == 404
    assert counts(app) == before


def test_a_data_steward_cannot_open_the_list(app, study_id):
    steward = coder(app, study_id, role="data_steward")

    assert steward.client.get(f"{BASE}/transcripts").status_code == 404


def test_a_time_and_speaker_the_text_lacks_are_shown_before_the_turn(app, lead):
    add_transcript(lead.client, text="We left in spring.\n\nThe work was hard.")
    [transcript] = stored(app)
    with app.app_context(), write_transaction(db.session):
        document = db.session.scalar(
            select(CodingDocument).where(CodingDocument.public_id == transcript.guid)
        )
        turn = db.session.scalar(
            select(TranscriptTurn).where(
                TranscriptTurn.document_id == document.id, TranscriptTurn.position == 1
            )
        )
        turn.speaker, turn.time_start_ms = "Ana", 3_725_000

    page = lead.client.get(f"{BASE}/documents/{transcript.guid}").get_data(as_text=True)

    assert page.count('class="turn"') == 1
    assert '<span class="turn" data-turn="[1:02:05] Ana: "></span>' in page
    assert text_of(page) == transcript.text


def test_turn_starts_cut_the_text_without_changing_it():
    text = "Hello there.\nYes, we did."
    marks = [TurnMark(0, "[0:01] "), TurnMark(13, "[0:05] "), TurnMark(99, "[9:99] ")]

    cut = workspace.chunks(text, [], marks)

    assert "".join(c.text for c in cut) == text
    assert [(c.text, c.turn) for c in cut] == [
        ("Hello there.\n", "[0:01] "),
        ("Yes, we did.", "[0:05] "),
    ]


def test_the_document_view_of_a_transcript_speaks_of_a_transcript(app, lead):
    add_transcript(lead.client, "t.txt", TXT)
    [transcript] = stored(app)

    page = lead.client.get(f"{BASE}/documents/{transcript.guid}").get_data(as_text=True)

    assert "Code this transcript" in page and "Memos on this transcript" in page
    assert "this answer" not in page
