"""Coded segments and the code by case matrix: as tables, and as CSV and XLSX downloads."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from sqlalchemy import select

from coding.model import Case, Code, Codebook, Coder, Coding, Document, Project
from survey.extensions import db, write_transaction
from survey.models import AuditEvent, CodingSettings
from survey.services.coding import tables
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync

# No web address: it would be redacted ([URL-1]) before any export.
FORMULA = '=HYPERLINK("#top","click")'


def _project() -> Project:
    book = Codebook(
        (
            Code("c1", "Fear", codable=False),
            Code("c2", "Of the police", parent="c1"),
            Code("c3", "Debt"),
        )
    )
    documents = (
        Document("d1", "story 1", "They did not believe me.", case="k1", question="story"),
        Document("d2", "story 2", "I owed them money.", case="k2", question="story"),
    )
    cases = (
        Case("k1", "case k1", {"contact_kind": "I called them"}),
        Case("k2", "case k2", {"contact_kind": "=cmd"}),
        Case("k3", "case k3", {"contact_kind": "They found me"}),
    )
    codings = (
        Coding("s1", "d1", "c2", "u1", 0, 4),
        Coding("s2", "d1", "c2", "u1", 13, 20, memo="disbelief"),
        Coding("s3", "d2", "c3", "u1", 2, 6),
    )
    return Project("p", book, documents, cases, (Coder("u1", "ann@example.org"),), codings, ())


def test_segments_frame_has_the_documented_columns_and_the_text_of_each_span():
    frame = tables.segments_frame(_project(), {"story": "Tell us more"})
    assert list(frame.columns) == list(tables.SEGMENT_COLUMNS)
    second = frame.iloc[1]
    assert (second.code_path, second.text, second.memo) == (
        "Fear/Of the police",
        "believe",
        "disbelief",
    )
    assert (second.question_label, second.case_id, second.coder) == (
        "Tell us more",
        "k1",
        "ann@example.org",
    )


def test_matrix_counts_segments_per_case_and_binary_marks_presence():
    counts = tables.matrix_frame(_project(), "counts").set_index("case_id")
    binary = tables.matrix_frame(_project(), "binary").set_index("case_id")
    assert counts.loc["k1", "code_fear_of_the_police"] == 2
    assert binary.loc["k1", "code_fear_of_the_police"] == 1
    assert binary.loc["k3"].filter(like="code_").sum() == 0  # a case nobody coded is a row of 0s
    assert "code_fear" not in counts.columns  # a category is not a column


def test_the_matrix_csv_neutralises_attribute_values_that_look_like_formulas():
    data = tables.csv_bytes(tables.matrix_frame(_project()), bom=False)
    frame = pd.read_csv(io.BytesIO(data)).set_index("case_id")
    assert frame.loc["k2", "contact_kind"] == "'=cmd"


@pytest.mark.parametrize(
    ("label", "prefix", "taken", "expected"),
    [
        ("Peur/Été", "code_", set(), "code_peur_ete"),
        ("2024 arrests", "", set(), "v_2024_arrests"),
        ("Fear", "code_", {"code_fear"}, "code_fear_2"),
        ("x" * 60, "code_", set(), "code_" + "x" * 27),
        ("恐怖", "code_", set(), "code"),
    ],
)
def test_safe_names_suit_r_and_stata(label, prefix, taken, expected):
    assert tables.safe_name(label, prefix, set(taken)) == expected


def test_code_columns_stay_unique_and_short_for_long_similar_paths():
    book = Codebook(
        tuple(
            Code(f"g{i}", "A very long name of a code that repeats " + str(i % 2) * 3 + str(i))
            for i in range(12)
        )
    )
    columns = list(tables.code_columns(book).values())
    assert len(set(columns)) == 12
    assert all(len(c) <= 32 and c.replace("_", "").isalnum() and c.isascii() for c in columns)


def _coded_study(app, stories=None):
    study_id = coding_study(app, stories) if stories else coding_study(app)
    docs = sync(app, study_id)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    return study_id, docs, fear, analyst


def test_pandas_reads_the_segments_csv_with_the_documented_columns(app):
    study_id, docs, fear, analyst = _coded_study(app)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear)
    response = analyst.client.get(f"{BASE}/export/segments?format=csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # a byte order mark, for Excel
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="tiny-coded-segments.csv"'
    )
    frame = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    assert list(frame.columns) == list(tables.SEGMENT_COLUMNS)
    assert frame.loc[0, "text"] == docs[0][1][:4]
    assert frame.loc[0, "code_path"] == "Fear"
    assert frame.loc[0, "question_label"] == "Tell us more"


def test_pandas_reads_the_segments_xlsx(app):
    study_id, docs, fear, analyst = _coded_study(app)
    code_span(app, study_id, analyst.user_id, docs[1][0], 0, 3, fear)
    response = analyst.client.get(f"{BASE}/export/segments?format=xlsx")
    assert response.headers["Content-Disposition"].endswith('filename="tiny-coded-segments.xlsx"')
    frame = pd.read_excel(io.BytesIO(response.data))
    assert list(frame.columns) == list(tables.SEGMENT_COLUMNS)
    assert frame.loc[0, "text"] == docs[1][1][:3]


def test_a_formula_looking_answer_is_neutralised_in_csv_and_xlsx(app):
    study_id, docs, fear, analyst = _coded_study(app, [FORMULA])
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, len(FORMULA), fear)
    csv = analyst.client.get(f"{BASE}/export/segments?format=csv").data
    xlsx = analyst.client.get(f"{BASE}/export/segments?format=xlsx").data
    from_csv = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig").loc[0, "text"]
    from_xlsx = pd.read_excel(io.BytesIO(xlsx)).loc[0, "text"]
    assert from_csv == from_xlsx == "'" + FORMULA


def test_pandas_reads_the_matrix_with_safe_column_names(app):
    study_id, docs, fear, analyst = _coded_study(app)
    police = add_code(app, study_id, "Police é/2")
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear, police)
    code_span(app, study_id, analyst.user_id, docs[0][0], 10, 14, fear)
    response = analyst.client.get(f"{BASE}/export/matrix?values=counts")
    assert not response.data.startswith(b"\xef\xbb\xbf")  # no byte order mark for R and Stata
    frame = pd.read_csv(io.BytesIO(response.data))
    assert list(frame.columns)[:3] == ["case_id", "code_fear", "code_police_e_2"]
    assert {"contact_kind", "arrested"} <= set(frame.columns)
    assert len(frame) == 4  # one row per case
    assert frame["code_fear"].sum() == 2
    binary = pd.read_csv(io.BytesIO(analyst.client.get(f"{BASE}/export/matrix").data))
    assert binary["code_fear"].sum() == 1


def test_in_blind_mode_a_coder_exports_only_their_own_codings(app):
    study_id, docs, fear, analyst = _coded_study(app)
    other = coder(app, study_id)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear)
    code_span(app, study_id, other.user_id, docs[1][0], 0, 5, fear)
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True))
    data = analyst.client.get(f"{BASE}/export/segments?format=csv").data
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame["coder"]) == [analyst.email]
    matrix = pd.read_csv(io.BytesIO(analyst.client.get(f"{BASE}/export/matrix").data))
    assert matrix["code_fear"].sum() == 1


def test_a_segments_export_is_recorded_as_a_view_of_raw_text_and_audited(app):
    study_id, docs, fear, analyst = _coded_study(app)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear)
    analyst.client.get(f"{BASE}/export/segments?format=csv")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    by_action = {e.action: json.loads(e.detail) for e in events}
    assert by_action["coding.export"] == {"export": "segments-csv", "rows": 1, "text": "redacted"}
    assert by_action["coding.read_text"]["view"] == "export:segments-csv"
    assert docs[0][1][:4] not in "".join(e.detail for e in events)


def test_an_unknown_format_is_not_found(app):
    _, _, _, analyst = _coded_study(app)
    assert analyst.client.get(f"{BASE}/export/segments?format=sav").status_code == 404
    assert analyst.client.get(f"{BASE}/export/matrix?values=mean").status_code == 404
