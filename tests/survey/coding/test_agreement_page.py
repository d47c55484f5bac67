"""The agreement page: alpha, kappa and percent agreement per code, the unit, the CSV."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select

from survey.extensions import db
from survey.models import Coder, CodingSettings, Study, User
from survey.services.coding import reliability
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import audit_actions, post, text

# Which answers (by index, in the order `sync` gives) each coder applied each code to.
APPLIED = {
    "Wages withheld": {"ann": [0, 1, 2], "bob": [0, 1]},
    "Threats": {"ann": [3], "bob": [2, 3]},
    "Police helped": {"ann": [0, 3], "bob": [0, 3]},
}


def matrix(code: str, documents: int = 4) -> np.ndarray:
    """Return the coders-by-answers 0/1 reliability data of `code` in `APPLIED`."""
    return np.array(
        [[float(i in APPLIED[code][who]) for i in range(documents)] for who in ("ann", "bob")]
    )


@pytest.fixture
def coded(app):
    """Ann and Bob code the four answers as `APPLIED` says; one code nobody applies."""
    study_id = coding_study(app)
    docs = sync(app, study_id)
    lead = coder(app, study_id, "researcher", email="lead@example.org")
    people = {
        "ann": coder(app, study_id, email="ann@example.org"),
        "bob": coder(app, study_id, email="bob@example.org"),
    }
    codes = {name: add_code(app, study_id, name) for name in APPLIED}
    codes["Unused"] = add_code(app, study_id, "Unused")
    for name, by in APPLIED.items():
        for who, indices in by.items():
            for i in indices:
                code_span(app, study_id, people[who].user_id, docs[i][0], 0, 5, codes[name])
    return SimpleNamespace(study_id=study_id, docs=docs, lead=lead, people=people, codes=codes)


def csv_rows(response) -> dict[str, dict[str, str]]:
    """Return the CSV download's rows keyed by code path."""
    return {row["code_path"]: row for row in csv.DictReader(io.StringIO(text(response)))}


def test_alpha_and_kappa_equal_the_reference_packages(app, coded):
    w = coded
    rows = csv_rows(w.lead.client.get(f"{BASE}/agreement.csv?unit=answer"))
    for name in APPLIED:
        data = matrix(name)
        alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        kappa = cohen_kappa_score(data[0], data[1])
        assert float(rows[name]["alpha"]) == pytest.approx(alpha, abs=1e-6)
        assert float(rows[name]["kappa"]) == pytest.approx(kappa, abs=1e-6)
        agree = float(np.mean(data[0] == data[1]))
        assert float(rows[name]["percent_agreement"]) == pytest.approx(agree, abs=1e-6)
        assert rows[name]["units"] == "4"


def test_the_service_matches_krippendorff_to_full_precision(app, coded):
    w = coded
    with app.app_context():
        study = db.session.get(Study, w.study_id)
        viewer = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        table = reliability.agreement(db.session, study, viewer, "answer", [])
        found = {row.path: row for row in table.rows}
    expected = krippendorff.alpha(
        reliability_data=matrix("Threats"), level_of_measurement="nominal"
    )
    assert found["Threats"].alpha == pytest.approx(expected, abs=1e-12)
    assert found["Threats"].kappa == pytest.approx(cohen_kappa_score(*matrix("Threats")), abs=1e-12)


def test_the_page_shows_the_table_and_marks_codes_below_the_threshold(app, coded):
    w = coded
    page = w.lead.client.get(f"{BASE}/agreement")
    body = text(page)
    assert page.status_code == 200
    wages = krippendorff.alpha(
        reliability_data=matrix("Wages withheld"), level_of_measurement="nominal"
    )
    assert wages < 0.667
    row = body[body.index('<th scope="row">Wages withheld</th>') :].split("</tr>")[0]
    assert f'<td class="num">{wages:.3f}</td>' in row
    assert "below 0.667" in row
    assert body.count('<tr class="below') == 2
    helped = body[body.index('<th scope="row">Police helped</th>') :].split("</tr>")[0]
    assert '<td class="num">1.000</td>' in helped and "below" not in helped and "reliable" in helped
    unused = body[body.index('<th scope="row">Unused</th>') :].split("</tr>")[0]
    assert "not applied" in unused and "below" not in unused
    assert "Cohen’s kappa" in body
    assert "0.800" in body and "tentative" in body


def test_cohens_kappa_is_left_out_with_three_coders(app, coded):
    w = coded
    cleo = coder(app, w.study_id, email="cleo@example.org")
    code_span(app, w.study_id, cleo.user_id, w.docs[0][0], 0, 5, w.codes["Threats"])
    body = text(w.lead.client.get(f"{BASE}/agreement"))
    assert "Comparing ann@example.org, bob@example.org, cleo@example.org" in body
    assert '<th scope="col" class="num">Cohen’s kappa</th>' not in body
    assert "Cohen’s kappa is shown only when exactly two coders are compared." in body


def test_fewer_than_two_coders_gives_a_clear_message(app, coded):
    w = coded
    with app.app_context():
        ann = db.session.scalar(select(Coder.public_id).where(Coder.name == "ann@example.org"))
    page = w.lead.client.get(f"{BASE}/agreement?coders={ann}")
    assert page.status_code == 200
    assert "Agreement needs at least two coders: choose two or more." in text(page)


def test_the_character_unit_compares_every_character(app):
    study_id = coding_study(app, ["They kept my passport and my phone."])
    ((guid, story),) = sync(app, study_id)
    lead = coder(app, study_id, "researcher")
    ann, bob = coder(app, study_id), coder(app, study_id)
    code = add_code(app, study_id, "Documents taken")
    code_span(app, study_id, ann.user_id, guid, 5, 20, code)
    code_span(app, study_id, bob.user_id, guid, 10, 34, code)
    data = np.zeros((2, len(story)))
    data[0, 5:20] = 1
    data[1, 10:34] = 1
    rows = csv_rows(lead.client.get(f"{BASE}/agreement.csv?unit=character"))
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert float(rows["Documents taken"]["alpha"]) == pytest.approx(expected, abs=1e-6)
    assert rows["Documents taken"]["units"] == str(len(story))
    assert rows["Documents taken"]["unit"] == "character"


def test_the_consensus_never_counts(app, coded):
    w = coded
    post(
        w.lead.client,
        f"{BASE}/compare/{w.docs[2][0]}",
        {"code": w.codes["Threats"], "take": "none"},
    )
    with app.app_context():
        consensus = db.session.scalar(select(Coder.public_id).where(Coder.kind == "consensus"))
    body = text(w.lead.client.get(f"{BASE}/agreement"))
    assert "Consensus" not in body
    assert w.lead.client.get(f"{BASE}/agreement?coders={consensus}").status_code == 404


def test_saving_the_default_unit_is_audited_and_used(app, coded):
    w = coded
    response = post(w.lead.client, f"{BASE}/agreement/unit", {"unit": "sentence"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(CodingSettings, w.study_id).unit == "sentence"
    assert ("coding.unit", json.dumps({"unit": "sentence"})) in audit_actions(app)
    body = text(w.lead.client.get(f"{BASE}/agreement"))
    assert "<h2>By code, comparing sentences</h2>" in body
    assert "Sentences (this study’s default)" in body


def test_an_unknown_unit_is_refused_with_a_message(app, coded):
    w = coded
    page = w.lead.client.get(f"{BASE}/agreement?unit=paragraph")
    assert page.status_code == 400
    assert "Choose answers, sentences or characters" in text(page)
    saved = post(w.lead.client, f"{BASE}/agreement/unit", {"unit": "paragraph"})
    assert saved.status_code == 400
    with app.app_context():
        assert db.session.get(CodingSettings, w.study_id) is None


def test_the_csv_neutralises_formulas_in_code_names(app, coded):
    w = coded
    add_code(app, w.study_id, '=HYPERLINK("x")')
    response = w.lead.client.get(f"{BASE}/agreement.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "'=HYPERLINK" in text(response)


def test_unknown_coders_are_404(app, coded):
    w = coded
    unknown = "00000000-0000-4000-8000-000000000000"
    assert w.lead.client.get(f"{BASE}/agreement?coders={unknown}").status_code == 404
    assert w.lead.client.get(f"{BASE}/agreement.csv?coders={unknown}").status_code == 404


def test_an_analyst_gets_404_on_every_agreement_page(app, coded):
    w = coded
    ann = w.people["ann"]
    assert ann.client.get(f"{BASE}/agreement").status_code == 404
    assert ann.client.get(f"{BASE}/agreement.csv").status_code == 404
    assert post(ann.client, f"{BASE}/agreement/unit", {"unit": "sentence"}).status_code == 404


def test_imported_coders_are_compared_without_choosing_them(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    docs = [guid for guid, _ in sync(app, study_id)]
    lead = coder(app, study_id, role="researcher")
    with app.app_context():
        from survey.extensions import write_transaction
        from survey.services.coding import segments

        with write_transaction(db.session):
            for name in ("Coder A", "Coder B"):
                db.session.add(Coder(study_id=study_id, kind="imported", name=name))
        imported = list(db.session.scalars(select(Coder).where(Coder.kind == "imported")))
        for coder_row, doc in zip(imported, docs[:2], strict=True):
            with write_transaction(db.session):
                db.session.add(
                    segments.Segment(document_id=_doc_id(doc), code_id=_code_id(fear),
                                     coder_id=coder_row.id, start=0, end=3)
                )  # fmt: skip

    page = text(lead.client.get(f"{BASE}/agreement"))

    assert "needs at least two coders" not in page
    assert "Coder A" in page and "Coder B" in page


def _doc_id(guid: str) -> int:
    from survey.models import CodingDocument

    return db.session.scalar(select(CodingDocument.id).where(CodingDocument.public_id == guid))


def _code_id(guid: str) -> int:
    from survey.models import Code

    return db.session.scalar(select(Code.id).where(Code.public_id == guid))
