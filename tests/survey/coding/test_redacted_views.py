"""Coders and analysts only ever see the redacted rendition: the sentinel test (issue 5).

Distinctive identifiers are planted in answers and a transcript, spans around
them are coded, and every coding page a coder (and a study lead) can open,
and every export they can download, is read: no sentinel appears anywhere.
A data steward's raw project export does hold them.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from coding.redaction import propose_redactions
from survey.extensions import db
from survey.models import CodingDocument
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.coding.transcript_files import add_transcript

# Letters no GUID can hold (q, x, z, w are not hex), so random ids in an export never match.
EMAIL, PHONE, NAME = "sentinel.qzxw@example.org", "07700 900457", "Zebulon Quartermaine"
SENTINELS = (EMAIL, "sentinel.qzxw", "qzxw", PHONE, "07700900457", "Zebulon", "Quartermaine")
STORIES = (
    f"My name is {NAME} and the police did not believe me.",
    f"Write to {EMAIL} if the officer calls again.",
    f"They said call {PHONE} and I was scared of the police.",
    "Nobody asked what happened to me.",
)
VTT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:04.000\n<v Interviewer>Who are you?\n\n"
    f"00:00:05.500 --> 00:00:09.250\n<v Respondent>my name is {NAME}, write to {EMAIL}.\n\n"
    # The name as a speaker label too: found once after "my name is", hidden everywhere.
    f"00:00:10.000 --> 00:00:12.000\n<v {NAME}>that is all.\n"
).encode()


def test_the_automatic_pass_finds_every_sentinel():
    planted = ((NAME, "name"), (EMAIL, "email"), (PHONE, "phone"))
    for story, wanted in zip(STORIES, planted, strict=False):
        assert wanted in {(story[r.start : r.end], r.kind) for r in propose_redactions(story)}
    transcript = f"my name is {NAME}, write to {EMAIL}."
    found = {(transcript[r.start : r.end], r.kind) for r in propose_redactions(transcript)}
    assert {(NAME, "name"), (EMAIL, "email")} <= found


@pytest.fixture
def planted(app):
    """The tiny study with sentinels in three answers and a transcript, coded around them."""
    study_id = coding_study(app, STORIES)
    lead = coder(app, study_id, role="researcher")
    analyst = coder(app, study_id)
    added = add_transcript(lead.client, "talk.vtt", VTT, name="Interview 1", case="new")
    assert added.status_code == 303
    docs = {text: guid for guid, text in sync(app, study_id)}
    with app.app_context():
        transcript = db.session.scalar(
            select(CodingDocument).where(CodingDocument.kind == "transcript")
        )
        docs[transcript.text] = transcript.public_id
    fear, police = add_code(app, study_id, "Fear"), add_code(app, study_id, "Police")
    for text, guid in docs.items():
        for sentinel in (NAME, EMAIL, PHONE):
            at = text.find(sentinel)
            if at >= 0:  # around it, inside it, and ending half-way through it
                end = min(len(text), at + len(sentinel) + 4)
                code_span(app, study_id, analyst.user_id, guid, 0, end, fear)
                code_span(app, study_id, lead.user_id, guid, at + 2, at + 5, police)
                code_span(app, study_id, analyst.user_id, guid, max(0, at - 3), at + 3, police)
    return study_id, lead, analyst, docs, (fear, police)


def _pages(docs, codes) -> list[str]:
    words = ["police", "name", "write", "call", *SENTINELS, "example.org", "07700"]
    return [
        BASE,
        f"{BASE}/documents",
        f"{BASE}/documents?question=story",
        *(f"{BASE}/documents/{guid}" for guid in docs.values()),
        f"{BASE}/codebook",
        *(f"{BASE}/codebook/{code}" for code in codes),
        f"{BASE}/codes",
        *(f"{BASE}/codes/{code}" for code in codes),
        f"{BASE}/grid/story",
        *(f"{BASE}/search?q={word}" for word in words),
        f"{BASE}/transcripts",
        f"{BASE}/exchange",
        f"{BASE}/log",
    ]


def _lead_pages(docs, codes) -> list[str]:
    return [
        f"{BASE}/compare",
        *(f"{BASE}/compare?code={code}" for code in codes),
        *(f"{BASE}/compare/{guid}?code={code}" for guid in docs.values() for code in codes),
        f"{BASE}/agreement",
        f"{BASE}/agreement.csv",
        *(f"{BASE}/codebook/{code}/split" for code in codes),
        f"{BASE}/export/project",
    ]


EXPORTS = [
    "/export/segments?format=csv",
    "/export/segments?format=xlsx",
    "/export/matrix?values=binary",
    "/export/matrix?values=counts",
    "/export/codebook?format=csv",
    "/export/codebook?format=qdc",
]


def _readable(path: str, data: bytes) -> str:
    """Return everything a person could read in a download: cells, zip members, or text."""
    if "format=xlsx" in path:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = (c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
        return "\n".join(str(cell) for cell in cells if cell is not None)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [archive.read(name) for name in archive.namelist()]
        return "\n".join(m.decode("utf-8", "replace") for m in members)
    return data.decode("utf-8", "replace")


def _leaks(text: str) -> list[str]:
    return [s for s in SENTINELS if s.casefold() in text.casefold()]


def test_no_coding_page_or_export_shows_a_sentinel(app, planted):
    _, lead, analyst, docs, codes = planted
    seen = 0
    for person, paths in (
        (analyst, _pages(docs, codes) + [BASE + e for e in EXPORTS]),
        (lead, _pages(docs, codes) + _lead_pages(docs, codes) + [BASE + e for e in EXPORTS]),
    ):
        for path in paths:
            response = person.client.get(path)
            assert response.status_code == 200, path
            readable = _readable(path, response.data)
            asked = path.partition("search?q=")[2]
            if asked in SENTINELS:  # the search form shows what the coder typed, nothing found
                assert "kwic-hit" not in readable, path
                readable = readable.replace(f'value="{asked}"', "")
            assert _leaks(readable) == [], path
            seen += 1
    assert seen > 50


def test_the_sentinel_documents_show_their_placeholders(app, planted):
    _, _, analyst, docs, _ = planted
    for text, guid in docs.items():
        page = analyst.client.get(f"{BASE}/documents/{guid}").get_data(as_text=True)
        for sentinel, label in ((NAME, "[NAME-1]"), (EMAIL, "[EMAIL-1]"), (PHONE, "[PHONE-1]")):
            if sentinel in text:
                assert re.search(
                    r'<span class="ph" title="Redacted: a \w+">' + re.escape(label), page
                )


def test_searching_for_a_redacted_name_finds_nothing(app, planted):
    _, _, analyst, _, _ = planted
    page = analyst.client.get(f"{BASE}/search?q=Zebulon").get_data(as_text=True)
    assert "No answer" in page or "kwic-hit" not in page
    near = analyst.client.get(f"{BASE}/search?q=name+is").get_data(as_text=True)
    assert "kwic-hit" in near and "[NAME-1]" in near


def test_a_data_stewards_raw_project_export_holds_the_sentinels(app, planted):
    study_id, _, _, _, _ = planted
    steward = coder(app, study_id, role="data_steward")
    redacted = steward.client.get(f"{BASE}/export/project")
    raw = steward.client.get(f"{BASE}/export/project?text=raw")
    assert redacted.status_code == raw.status_code == 200
    assert _leaks(_readable("qdpx", redacted.data)) == []
    assert {EMAIL, PHONE, "Zebulon", "Quartermaine"} <= set(_leaks(_readable("qdpx", raw.data)))
