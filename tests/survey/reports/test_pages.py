"""The report builder's pages: a report of the demo built through its forms, checked and exported.

Each format is opened as a reader would (HTML parsed with lxml, DOCX read back
with python-docx, Markdown as text): the chosen themes and quotes are there,
no count under the threshold, nothing quoted from a respondent who asked not
to be quoted. A planted identifier in a narrative blocks the export with the
list of what to fix; the same build downloads as the same bytes; every
export is in the audit log.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import docx
import pytest
from lxml import html as lxml_html
from sqlalchemy import select, update

from survey.extensions import db, write_transaction
from survey.models import (
    AuditEvent,
    Code,
    CodingCase,
    CodingDocument,
    Response,
    Segment,
)
from tests.conftest import make_app
from tests.factories import add_study, form_token
from tests.survey.reports.demo_site import PagesSite, close, signed_in_site

THEMES = ("Not believed", "Treated as an offender", "Treated with kindness")  # Offender: 9 < k
PLANTED = "Ring her on 07700 900123"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[PagesSite]:
    """The coding demo (k=10) and an analyst on its team, signed in."""
    made = signed_in_site(tmp_path_factory.mktemp("report-pages"))
    yield made
    close(made)


def _post(site: PagesSite, path: str, **form):
    return site.client.post(path, data={"csrf_token": site.token, **form})


def _new_report(site: PagesSite, title: str = "What survivors told us") -> str:
    made = _post(site, f"/analysis/{site.slug}/reports", title=title)
    assert made.status_code == 302, made.text[:500]
    return made.location


def _offered(site: PagesSite, report: str, theme: str) -> list[str]:
    page = site.client.get(f"{report}/themes/{site.codes[theme]}")
    assert page.status_code == 200
    return re.findall(r'name="quote" value="([^"]+)"', page.text)


def _segment_texts(site: PagesSite, guids: list[str]) -> dict[str, str]:
    """Return the raw words of each segment (the demo has no redactions to hide)."""
    with site.app.app_context():
        rows = db.session.execute(
            select(Segment.public_id, Segment.start, Segment.end, CodingDocument.text)
            .join(CodingDocument, CodingDocument.id == Segment.document_id)
            .where(Segment.public_id.in_(guids))
        ).all()
    return {guid: text[start:end].strip() for guid, start, end, text in rows}


def _refuse_quotes(site: PagesSite, segment: str) -> None:
    """Mark the response behind `segment` as one that asked not to be quoted."""
    with site.app.app_context(), write_transaction(db.session):
        response_id = db.session.scalar(
            select(CodingCase.response_id)
            .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
            .join(Segment, Segment.document_id == CodingDocument.id)
            .where(Segment.public_id == segment)
        )
        db.session.execute(
            update(Response).where(Response.id == response_id).values(no_quotes=True)
        )


@pytest.fixture(scope="module")
def built(site: PagesSite) -> dict:
    """A report made through the forms: three themes, quotes, two questions, a breakdown."""
    report = _new_report(site)
    for name in THEMES:
        assert _post(site, report, action="theme_add", code=site.codes[name]).status_code == 302
    for _ in range(2):  # to the top
        _post(site, report, action="theme_up", code=site.codes["Treated with kindness"])
    for item in ("believed", "arrested"):
        assert _post(site, report, action="question_add", item=item).status_code == 302
    assert _post(site, report, action="breakdowns", by="gender").status_code == 302
    offered = _offered(site, report, "Not believed")
    texts = _segment_texts(site, offered)
    chosen = offered[:2]  # and a passage worded unlike them (the demo repeats some answers)
    refused = next(g for g in offered[2:] if texts[g] not in {texts[c] for c in chosen})
    saved = _post(
        site, f"{report}/themes/{site.codes['Not believed']}",
        narrative="Most said <b>nobody</b> believed them.", quote=[*chosen, refused],
        shown=offered,
    )  # fmt: skip
    assert saved.status_code == 302, saved.text[:800]
    _refuse_quotes(site, refused)  # after choosing: the report must leave it out
    checked = _post(site, f"{report}/builds")
    assert checked.status_code == 302
    files = {}
    for fmt in ("html", "docx", "md"):
        got = _post(site, checked.location, format=fmt)
        assert got.status_code == 200, got.text[:500]
        files[fmt] = got
    return {"report": report, "build": checked.location, "files": files,
            "quotes": [texts[g] for g in chosen], "refused": texts[refused]}  # fmt: skip


def _count_cells(cells: list[str]) -> list[int]:
    return [int(c) for c in (c.strip() for c in cells) if re.fullmatch(r"\d+", c)]


def test_the_html_export_has_the_themes_in_order_the_quotes_and_no_small_count(site, built):
    got = built["files"]["html"]
    tree = lxml_html.fromstring(got.data)
    headings = [h.text_content() for h in tree.iter("h2")]
    assert got.headers["Content-Disposition"].startswith("attachment; filename=")
    assert got.headers["Cache-Control"] == "no-store"
    assert got.mimetype == "text/html"
    order = [headings.index(name) for name in ("Treated with kindness", *THEMES[:2])]
    assert order == sorted(order)
    words = " ".join(tree.text_content().split())
    for quote in built["quotes"]:
        assert " ".join(quote.split()) in words
    assert " ".join(built["refused"].split()) not in words
    assert "Most said <b>nobody</b> believed them." in words  # typed HTML is text
    assert not tree.xpath("//b[text()='nobody']")
    counts = _count_cells([td.text_content() for td in tree.iter("td")])
    assert counts and all(n == 0 or n >= 10 for n in counts)
    assert not re.search(r"\b9 of 60\b", words)  # "Treated as an offender": 9 respondents


def test_the_docx_export_reads_back_with_the_themes_and_quotes_and_no_small_count(site, built):
    got = built["files"]["docx"]
    document = docx.Document(io.BytesIO(got.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert got.headers["Content-Disposition"].endswith('.docx"')
    for name in THEMES:
        assert name in text
    flat = " ".join(text.split())
    for quote in built["quotes"]:
        assert " ".join(quote.split()) in flat
    assert " ".join(built["refused"].split()) not in flat
    counts = _count_cells(cells)
    assert counts and all(n == 0 or n >= 10 for n in counts)


def test_the_markdown_export_has_the_themes_and_quotes(site, built):
    text = built["files"]["md"].get_data(as_text=True)
    flat = " ".join(text.split())
    for name in THEMES:
        assert name in text
    for quote in built["quotes"]:
        assert " ".join(quote.split()) in flat
    assert " ".join(built["refused"].split()) not in flat


def test_the_same_build_downloads_as_the_same_bytes_and_each_export_is_audited(site, built):
    for fmt in ("html", "docx", "md"):
        again = _post(site, built["build"], format=fmt)
        assert again.data == built["files"][fmt].data, fmt
    with site.app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "report.export")
        ).all()
        reads = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "coding.read_text")
        ).all()
    details = [json.loads(e.detail) for e in events]
    assert sorted(d["format"] for d in details) == sorted(["html", "docx", "md"] * 2)
    fingerprint = built["build"].rsplit("/", 1)[1]
    assert all(d["build"] == fingerprint and len(d["fingerprint"]) == 12 for d in details)
    assert {e.object_id for e in events} == {built["report"].rsplit("/", 1)[1]}
    assert any(json.loads(r.detail).get("view") == "report" for r in reads)


def test_a_planted_identifier_in_a_narrative_blocks_the_export_with_the_list(site):
    report = _new_report(site, "Blocked")
    code = site.codes["Fear of the exploiters"]
    _post(site, report, action="theme_add", code=code)
    _post(site, f"{report}/themes/{code}", narrative=PLANTED)
    checked = _post(site, f"{report}/builds")
    page = site.client.get(checked.location)
    tried = _post(site, checked.location, format="html")
    assert "The report cannot be exported yet" in page.text
    assert "may contain a phone number" in page.text
    assert "07700 900123" not in page.text  # the list masks what it found
    assert "Download as" not in page.text
    assert tried.status_code == 409 and "Content-Disposition" not in tried.headers
    with site.app.app_context():
        exported = db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "report.export")
        ).all()
    assert report.rsplit("/", 1)[1] not in exported


def test_the_preview_lists_what_would_block_the_export_above_the_document(site):
    report = _new_report(site, "Previewed")
    code = site.codes["Fear of the exploiters"]
    _post(site, report, action="theme_add", code=code)
    _post(site, f"{report}/themes/{code}", narrative=PLANTED)
    page = site.client.get(f"{report}/preview")
    problems, document = page.text.split('id="preview"', 1)

    assert page.status_code == 200
    assert "could not be exported as it is" in problems
    assert "may contain a phone number" in problems
    assert "07700 900123" not in problems  # masked, as on the check page
    assert "Fear of the exploiters" in document


def test_a_megabyte_narrative_is_refused_with_a_message_and_nothing_is_saved(site):
    report = _new_report(site, "Long")
    code = site.codes["Interpreter helped"]
    _post(site, report, action="theme_add", code=code)
    refused = _post(site, f"{report}/themes/{code}", narrative="word " * 200_000)
    assert refused.status_code == 400
    assert "keep it under 5,000" in refused.text
    assert "Text written" not in site.client.get(report).text


def test_a_theme_without_coded_passages_and_unknown_ids(site):
    report = _new_report(site, "Odd")
    with site.app.app_context():
        study_id = db.session.scalar(select(Code.study_id).limit(1))
    from tests.survey.coding.helpers import add_code

    empty = add_code(site.app, study_id, "Never used")
    _post(site, report, action="theme_add", code=empty)
    page = site.client.get(report)
    assert "“Never used” has no coded passages yet" in page.text
    assert site.client.get(f"{report}/themes/{empty}").status_code == 200
    for path in ("/nope", f"/themes/{site.codes['Fear']}", "/builds/nope", "/themes/nope"):
        assert site.client.get(report + path).status_code == 404, path
    unknown = _post(site, report, action="theme_add", code="not-a-code")
    assert unknown.status_code == 400 and "not in this study" in unknown.text
    assert _post(site, report, action="nonsense").status_code == 400


def test_the_preview_shows_the_document_without_inline_style(site, built):
    page = site.client.get(f"{built['report']}/preview")
    body = page.text.split('id="preview"', 1)[1]
    assert page.status_code == 200
    assert "Treated with kindness" in body and "&lt;b&gt;nobody&lt;/b&gt;" in body
    assert "<style" not in page.text and " style=" not in body
    assert "<main" not in body and "<h1" not in body


def test_a_study_under_the_threshold_says_so_instead_of_numbers(tmp_path):
    app = make_app(tmp_path)
    from tests.survey.coding.helpers import add_code, coder, respond, sync

    study_id = add_study(app, slug="tiny")
    for story in ("They kept my wages.", "The police found me."):
        respond(app, study_id, story)
    sync(app, study_id)
    code = add_code(app, study_id, "Wages")
    member = coder(app, study_id)
    client = member.client
    site = PagesSite(
        app, client, form_token(client), "tiny", study_id, member.user_id, {"Wages": code}
    )
    report = _new_report(site, "Too few")
    _post(site, report, action="theme_add", code=code)
    preview = client.get(f"{report}/preview").text.split('id="preview"', 1)[1]
    assert "fewer than 10" in preview
    assert not re.search(r"Completed responses: 2\b", preview)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
