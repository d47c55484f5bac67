"""The codes by answer page and its CSV: small counts hidden, and totals do not give them away."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import Code, CodingDocument, Segment, Study
from survey.services.coding import coders
from tests.analysis import oracles
from tests.conftest import make_app
from tests.factories import add_study, tiny_instrument
from tests.survey.coding.helpers import add_code, code_span, coder, respond, sync

K = 5
# (answer to contact_kind, codes of the case): 14 called and 3 found.
CASES = [("called", {"Police", "Papers"})] * 8 + [("called", {"Police"})] * 4 \
    + [("called", set())] * 2 + [("found", {"Police"})] * 2 + [("found", {"Papers"})]  # fmt: skip


@dataclass
class Site:
    app: Flask
    client: FlaskClient
    slug: str


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """One study: 17 respondents, two codes, coded by one analyst."""
    app = make_app(tmp_path_factory.mktemp("codes-page"))
    study_id = add_study(app, tiny_instrument(), slug="codes", disclosure_threshold=K)
    for i, (answer, _) in enumerate(CASES):
        respond(app, study_id, f"Answer number {i:02d}.", contact_kind=answer)
    documents = sync(app, study_id)  # sorted by text: in the order of CASES
    guids = {name: add_code(app, study_id, name) for name in ("Police", "Papers")}
    analyst = coder(app, study_id)
    for (guid, _), (_, names) in zip(documents, CASES, strict=True):
        for name in sorted(names):
            code_span(app, study_id, analyst.user_id, guid, 0, 6, guids[name])
    yield Site(app, analyst.client, "codes")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def table_cells(html: str) -> list[list[str]]:
    """Return the cells of the page's table, row by row, without the row labels."""
    body = re.search(r'<table[^>]*id="codes-table".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in rows]  # fmt: skip


def test_a_small_cell_is_hidden_and_the_totals_do_not_give_it_away(site):
    html = site.client.get(f"/analysis/{site.slug}/codes?by=contact_kind").get_data(as_text=True)
    cells = table_cells(html)
    # Rows Police, Papers, Total; columns "I called them", "They found me", Total.
    assert [line[-1] for line in cells] == ["14", "9", "23"]  # respondents per code; codes given
    hidden = np.array([[value == "hidden" for value in line] for line in cells])
    assert hidden[0, 1] and hidden[1, 1]  # 2 and 1 respondents who were found
    # The found column's total (3) is small, so the called column's (20) would give it away
    # from the grand total, and with it the called cells would give the found cells away.
    assert hidden[:, :2].all()
    shown = [int(value) for line in cells for value in line if value != "hidden"]
    assert all(value == 0 or value >= K for value in shown)
    assert not oracles.determined(hidden).any()


def test_the_csv_is_the_same_suppressed_table(site):
    response = site.client.get(f"/analysis/{site.slug}/codes.csv?by=contact_kind")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv"
    assert rows[0] == ["code", "I called them", "They found me", "Total"]
    assert rows[1:] == [["Police", "", "", "14"], ["Papers", "", "", "9"],
                        ["Total", "", "", "23"]]  # fmt: skip


@pytest.mark.parametrize("by", ["help", "story", "nothing"])
def test_a_question_that_cannot_split_the_table_is_not_found(site, by):
    # help takes several answers (a person would count in several columns); story is free text.
    assert site.client.get(f"/analysis/{site.slug}/codes?by={by}").status_code == 404


def test_where_the_consensus_coded_an_answer_only_the_consensus_counts(tmp_path):
    app = make_app(tmp_path)
    study_id = add_study(app, tiny_instrument(), slug="consensus", disclosure_threshold=K)
    for i in range(6):
        respond(app, study_id, f"Answer {i}.")
    documents = [guid for guid, _ in sync(app, study_id)]
    police, papers = add_code(app, study_id, "Police"), add_code(app, study_id, "Papers")
    lead = coder(app, study_id, role="researcher")
    for guid in documents:
        code_span(app, study_id, lead.user_id, guid, 0, 6, police)
    with app.app_context(), write_transaction(db.session):  # the consensus: "Papers" instead
        study = db.session.get(Study, study_id)
        consensus = coders.consensus_coder(db.session, study).id
        code_id = db.session.scalar(select(Code.id).where(Code.public_id == papers))
        for document_id in db.session.scalars(
            select(CodingDocument.id).where(CodingDocument.public_id.in_(documents))
        ):
            db.session.add(Segment(document_id=document_id, code_id=code_id,
                                   coder_id=consensus, start=0, end=6))  # fmt: skip
    html = lead.client.get("/analysis/consensus/codes?by=arrested").get_data(as_text=True)
    assert [line[-1] for line in table_cells(html)] == ["0", "6", "6"]
