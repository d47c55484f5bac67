"""The topic explorer: fits listed and started, progress, the explorer, small groups, quotes.

Most tests insert a finished fit directly (job, result and per-document
shares in the shapes of the contract), so the expected numbers are the ones
the test chose; the end-to-end tests run a real fit with the inline job mode.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

import pytest
from flask import Flask
from lxml import html as lxml_html
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    AuditEvent,
    CodingCase,
    CodingDocument,
    DocumentTopics,
    Study,
)
from survey.services.analysis.job_params import MAX_TOPICS
from tests.factories import csrf_token
from tests.survey.coding.helpers import SLUG, add_study, coder, respond, sync, tiny_instrument

BASE = f"/analysis/{SLUG}"
TERMS = (
    ["police", "scared", "believe", "officer", "arrest", "papers", "cell", "night", "fear", "van"],
    ["stay", "place", "help", "house", "listened", "found", "room", "food", "safe", "bed"],
)
CALLED, FOUND = "I called them", "They found me"
SELECTION = {
    "k": [2, 3, 4],
    "coherence": [0.21, 0.14, 0.09],
    "diversity": [1.0, 0.9, 0.8],
    "stability": [0.95, 0.7, 0.6],
    "chosen": 2,
    "rule": "the highest coherence among stable fits",
}


def study_with_answers(app: Flask, groups: dict[str, int], threshold: int = 5) -> int:
    """Make the tiny study with `groups[value]` answers per contact_kind value; return its id."""
    study_id = add_study(app, tiny_instrument(), slug=SLUG, disclosure_threshold=threshold)
    for value, count in groups.items():
        for i in range(count):
            story = (
                f"Answer {value} {i}: the police did not believe me."
                if value == "called"
                else f"Answer {value} {i}: they found me a place to stay."
            )
            respond(app, study_id, story, contact_kind=value)
    sync(app, study_id)
    return study_id


def documents(app: Flask, study_id: int) -> list[tuple[int, str, dict]]:
    """Return (document id, text, case attributes) of the study's documents, by id."""
    with app.app_context():
        rows = db.session.execute(
            select(CodingDocument.id, CodingDocument.text, CodingCase.attributes_json)
            .join(CodingCase, CodingCase.id == CodingDocument.case_id)
            .where(CodingDocument.study_id == study_id)
            .order_by(CodingDocument.id)
        ).all()
    return [(i, text, json.loads(attributes)) for i, text, attributes in rows]


def by_contact(attributes: dict, text: str = "") -> list[float]:
    """Shares that put answers of people who called in topic 0 and the others in topic 1."""
    return [1.0, 0.0] if attributes.get("contact_kind") == CALLED else [0.0, 1.0]


def add_fit(
    app: Flask,
    study_id: int,
    weights=by_contact,
    *,
    status: str = "done",
    selection: dict | None = None,
    segments=lambda document_id, text: [],
    without: tuple[str, ...] = (),
    **job: object,
) -> str:
    """Insert a topics job (and, when done, its result and shares); return its public id."""
    docs = documents(app, study_id)
    with app.app_context(), write_transaction(db.session):
        row = AnalysisJob(
            study_id=study_id,
            kind="topics",
            params_json=json.dumps(
                {
                    "item_id": "story",
                    "n_topics": "auto" if selection else 2,
                    "method": "nmf",
                    "seed": 0,
                    "segmenting": "auto",
                }
            ),
            status=status,
            **job,
        )
        db.session.add(row)
        db.session.flush()
        if status == "done":
            result = {
                "kind": "topics", "item_id": "story", "method": "nmf", "n_topics": 2, "seed": 0,
                "segmenting": "auto", "documents": len(docs), "segments": len(docs),
                "coherence_mean": 0.15, "diversity": 1.0,
                "topics": [
                    {"id": t, "terms": TERMS[t], "npmi": 0.1 + t / 10, "prevalence": 0.5}
                    for t in range(2)
                ],
                "selection": selection, "params": {},
            }  # fmt: skip
            result = {key: value for key, value in result.items() if key not in without}
            db.session.add(AnalysisResult(job_id=row.id, result_json=json.dumps(result)))
            for document_id, text, attributes in docs:
                shares = weights(attributes, text)
                db.session.add(
                    DocumentTopics(
                        job_id=row.id,
                        document_id=document_id,
                        weights_json=json.dumps(shares),
                        top_topic=max(range(2), key=lambda t: shares[t]),
                        segments_json=json.dumps(segments(document_id, text)),
                    )
                )
        return row.public_id


def analyst(app: Flask, study_id: int, role: str = "analyst"):
    """Return a client signed in as a new `role` on the study's team."""
    return coder(app, study_id, role=role).client


def page(client, path: str):
    """GET `path`, check it is 200, and return its parsed HTML."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return lxml_html.fromstring(response.get_data(as_text=True))


def rows_of(tree, caption_start: str) -> list[list[str]]:
    """Return the body rows (cell texts) of the table whose caption starts with `caption_start`."""
    for table in tree.iter("table"):
        caption = table.find("caption")
        if caption is not None and caption.text_content().startswith(caption_start):
            return [
                [cell.text_content().strip() for cell in tr.xpath("./th|./td")]
                for tr in table.xpath("./tbody/tr")
            ]
    raise AssertionError(f"no table captioned {caption_start!r}")


def test_the_explorer_shows_each_topic_with_its_top_ten_words_npmi_and_prevalence(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    job = add_fit(app, study_id)
    tree = page(analyst(app, study_id), f"{BASE}/topics/{job}")
    rows = rows_of(tree, "Topics with their top 10 words")
    assert [row[1] for row in rows] == [", ".join(terms) for terms in TERMS]
    assert [row[2] for row in rows] == ["0.10", "0.20"]
    assert [row[3] for row in rows] == ["50.0%", "50.0%"]
    assert tree.xpath("//figure[contains(@class, 'chart-bars')]/svg")  # the prevalence bar chart


def test_an_automatic_fit_shows_the_k_curve_with_the_chosen_k_and_its_table(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    job = add_fit(app, study_id, selection=SELECTION)
    tree = page(analyst(app, study_id), f"{BASE}/topics/{job}")
    assert len(tree.xpath("//section[.//h2[@id='curve-h']]//svg")) == 1
    rows = rows_of(tree, "Scores for each number of topics")
    assert [row[0] for row in rows] == ["2 (chosen)", "3", "4"]
    assert rows[1][1:] == ["0.140", "0.900", "0.700"]


def test_a_result_stored_without_its_summary_figures_still_shows_with_dashes(app):
    study_id = study_with_answers(app, {"police": 6, "support": 6})
    job = add_fit(app, study_id, without=("coherence_mean", "diversity"))
    tree = page(analyst(app, study_id), f"{BASE}/topics/{job}")
    facts = {
        dt.text_content(): dt.getnext().text_content() for dt in tree.xpath("//dl[1]//dt")
    }
    assert facts["Mean coherence (NPMI)"] == facts["Diversity"] == "–"


def test_a_fit_with_a_fixed_k_has_no_k_curve(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    tree = page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id)}")
    assert not tree.xpath("//h2[@id='curve-h']")


def test_prevalence_by_attribute_gives_each_groups_mean_share_and_size(app):
    study_id = study_with_answers(app, {"called": 6, "found": 5})
    job = add_fit(app, study_id)
    tree = page(analyst(app, study_id), f"{BASE}/topics/{job}?by=contact_kind")
    rows = rows_of(tree, "Mean topic share by")
    assert rows == [[CALLED, "6", "100.0%", "0.0%"], [FOUND, "5", "0.0%", "100.0%"]]


def test_a_group_under_the_threshold_is_hidden_and_so_is_another_beside_it(app):
    # 4 < k = 5: hidden; the 8 beside it would give the 4 away from the total, so it goes too.
    study_id = study_with_answers(app, {"called": 8, "found": 4})
    tree = page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id)}?by=contact_kind")
    rows = rows_of(tree, "Mean topic share by")
    assert [row[0] for row in rows] == [CALLED, FOUND]
    assert all(cell == "hidden" for row in rows for cell in row[1:])


def test_with_three_groups_only_the_small_one_and_the_next_smallest_are_hidden(app):
    study_id = study_with_answers(app, {"called": 9, "found": 7}, threshold=5)
    # A third group: answers whose case has no contact_kind (prefer not to say) — two of them.
    respond(app, study_id, "I would rather not say how we met.", contact_kind="prefer_not_to_say")
    respond(app, study_id, "Not saying how.", contact_kind="prefer_not_to_say")
    sync(app, study_id)
    tree = page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id)}?by=contact_kind")
    rows = {row[0]: row[1] for row in rows_of(tree, "Mean topic share by")}
    assert rows[CALLED] == "9"
    assert list(rows.values()).count("hidden") == 2


def test_a_filtered_split_never_lets_a_small_group_be_worked_out_from_the_unfiltered_one(app):
    study_id = add_study(app, tiny_instrument(), slug=SLUG, disclosure_threshold=5)
    cells = {("called", "yes"): 6, ("called", "no"): 6, ("found", "yes"): 6, ("found", "no"): 2}
    for (kind, arrested), count in cells.items():
        for i in range(count):
            respond(
                app,
                study_id,
                f"Answer {kind} {arrested} {i}.",
                contact_kind=kind,
                arrested=arrested,
            )
    sync(app, study_id)
    client, job = analyst(app, study_id), add_fit(app, study_id)
    split = f"{BASE}/topics/{job}?by=arrested"
    everyone = {r[0]: r[1] for r in rows_of(page(client, split), "Mean topic share by")}
    called = {
        r[0]: r[1]
        for r in rows_of(
            page(client, f"{split}&where=contact_kind:{CALLED}"), "Mean topic share by"
        )
    }
    # Were both shown, 8 - 6 would give away the two who were found and not arrested.
    assert everyone["No"] == "8"
    assert called["No"] == "hidden"


def test_quotes_come_from_the_redacted_text_of_the_answers_most_about_each_topic(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    respond(app, study_id, "My boss Peter Wilson took my passport.", contact_kind="called")
    sync(app, study_id)

    def weights(attributes, text):  # the new answer is the one most about topic 0
        return [1.0, 0.0] if "passport" in text else [0.5, 0.5]

    tree = page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id, weights)}")
    quotes = tree.xpath("//section[.//h2[@id='quotes-h']]//blockquote")
    texts = [q.text_content() for q in quotes]
    assert len(texts) == 6  # three per topic
    assert not any("Peter" in t or "Wilson" in t for t in texts)
    assert any("[NAME-" in t for t in texts)


def test_a_long_answer_is_quoted_by_its_best_passage_for_the_topic(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    long = "We slept in a van by the farm. " * 10 + "The police never came to help us."
    respond(app, study_id, long, contact_kind="called")
    sync(app, study_id)
    start = long.index("The police")

    def segments(document_id, text):
        return [[0, start, 1, 0.9], [start, len(text), 0, 0.95]] if text == long else []

    def weights(attributes, text):
        return [0.6, 0.4] if text == long else [0.5, 0.5]

    tree = page(
        analyst(app, study_id),
        f"{BASE}/topics/{add_fit(app, study_id, weights, segments=segments)}",
    )
    first = tree.xpath("//h3[@id='quotes-0']/following-sibling::ul[1]//blockquote")
    assert "The police never came to help us." in [q.text_content() for q in first]


@pytest.mark.parametrize(
    ("groups", "where", "shown"),
    [
        ({"called": 6, "found": 4}, "contact_kind:They found me", False),
        # The filter selects enough, but comparing it with the unfiltered view
        # would show the quotes of the four who answered otherwise.
        ({"called": 6, "found": 4}, "contact_kind:I called them", False),
        ({"called": 6, "found": 5}, "contact_kind:I called them", True),
    ],
)
def test_a_filter_shows_no_quotes_when_it_or_the_rest_holds_fewer_than_the_threshold(
    app, groups, where, shown
):
    study_id = study_with_answers(app, groups)
    tree = page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id)}?where={where}")
    assert bool(tree.xpath("//blockquote")) is shown
    assert bool(tree.xpath("//*[contains(@class, 'quotes-withheld')]")) is not shown


def test_quotes_link_to_the_coding_document_only_for_someone_who_may_code(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    job = add_fit(app, study_id)
    links = "//section[.//h2[@id='quotes-h']]//a[contains(@href, '/coding/')]"
    assert page(analyst(app, study_id), f"{BASE}/topics/{job}").xpath(links)
    assert not page(coder(app, None, role="admin").client, f"{BASE}/topics/{job}").xpath(
        "//a[contains(@href, '/documents/x')]"
    )


def test_a_running_fit_shows_a_progress_bar_with_its_stage_and_a_refresh_link(app):
    study_id = study_with_answers(app, {"called": 2, "found": 2})
    job = add_fit(app, study_id, status="running", progress=40, stage="fitting k=7")
    tree = page(analyst(app, study_id), f"{BASE}/topics/{job}")
    bar = tree.xpath("//progress")[0]
    assert bar.get("value") == "40"
    assert "fitting k=7" in tree.xpath("//*[@role='status']")[0].text_content()
    assert tree.xpath("//a[text()='Refresh']")
    assert tree.xpath("//script[contains(@src, 'analysis.js')]")
    assert tree.xpath(f"//*[@data-status-url='{BASE}/jobs/{job}/status']")


def test_the_status_route_returns_only_status_progress_and_stage(app):
    study_id = study_with_answers(app, {"called": 2, "found": 2})
    job = add_fit(app, study_id, status="running", progress=40, stage="fitting k=7")
    response = analyst(app, study_id).get(f"{BASE}/jobs/{job}/status")
    assert response.status_code == 200
    assert response.get_json() == {"status": "running", "progress": 40, "stage": "fitting k=7"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_failed_fit_shows_its_message_and_a_way_to_try_again(app):
    study_id = study_with_answers(app, {"called": 2, "found": 2})
    message = "topics.too_few_documents: Topic models need at least 20 answers."
    job = add_fit(app, study_id, status="failed", error=message)
    tree = page(analyst(app, study_id), f"{BASE}/topics/{job}")
    assert "at least 20 answers" in tree.xpath("//*[@role='alert']")[0].text_content()
    retry = tree.xpath("//form[@action='/analysis/tiny/topics']")[0]
    assert {i.get("name"): i.get("value") for i in retry.iter("input")}["n_topics"] == "2"


def test_the_list_of_fits_shows_each_fit_with_its_status(app):
    study_id = study_with_answers(app, {"called": 2, "found": 2})
    add_fit(app, study_id, status="queued")
    add_fit(app, study_id)
    tree = page(analyst(app, study_id), f"{BASE}/topics")
    rows = rows_of(tree, "Topic fits of this study")
    assert sorted(row[4] for row in rows) == ["done", "waiting"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("n_topics", "1", f"whole number from 2 to {MAX_TOPICS}"),
        ("n_topics", "many", f"whole number from 2 to {MAX_TOPICS}"),
        ("method", "kmeans", "Choose NMF or LDA"),
        ("seed", "-3", "The seed must be a whole number"),
        ("item_id", "nope", "Choose a question"),
        ("language", "ar", "Choose a language the answers are in"),
    ],
)
def test_a_bad_fit_form_starts_nothing_and_says_why(app, field, value, message):
    study_id = study_with_answers(app, {"called": 2, "found": 2})
    client = analyst(app, study_id)
    token = csrf_token(client.get(f"{BASE}/topics").get_data(as_text=True))
    form = {"csrf_token": token, "item_id": "story", "n_topics": "auto", "method": "nmf"}
    response = client.post(f"{BASE}/topics", data={**form, "seed": "0", field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AnalysisJob.id)) is None


@pytest.mark.parametrize("path", ["/topics/{job}", "/jobs/{job}/status"])
def test_another_studys_fit_is_not_found(app, path):
    study_id = study_with_answers(app, {"called": 2, "found": 2})
    job = add_fit(app, study_id)
    other = add_study(app, tiny_instrument(), slug="other")
    client = coder(app, other).client
    assert client.get("/analysis/other" + path.format(job=job)).status_code == 404


POLICE = ("police", "officer", "station", "arrest", "believe", "papers", "cell", "shouted")
SHELTER = ("charity", "house", "room", "food", "bed", "safe", "warm", "sleep")


def answers(count: int) -> Sequence[str]:
    """Return `count` made-up answers, each about one of two themes (alternately), seeded."""
    rng = random.Random(7)
    return [
        " ".join([*rng.sample(POLICE if i % 2 else SHELTER, 5), f"day{i}"]) for i in range(count)
    ]


def test_a_fit_started_from_the_form_runs_and_opens_in_the_explorer(app):
    study_id = add_study(app, tiny_instrument(), slug=SLUG, disclosure_threshold=5)
    for i, story in enumerate(answers(40)):
        respond(app, study_id, story, contact_kind="called" if i % 3 else "found")
    sync(app, study_id)
    client = analyst(app, study_id)
    token = csrf_token(client.get(f"{BASE}/topics").get_data(as_text=True))
    form = {"csrf_token": token, "item_id": "story", "n_topics": "2", "method": "nmf", "seed": "1"}
    response = client.post(f"{BASE}/topics", data=form)
    assert response.status_code == 302
    tree = page(client, response.headers["Location"] + "?by=contact_kind")
    rows = rows_of(tree, "Topics with their top 10 words")
    assert len(rows) == 2
    words = {w for row in rows for w in row[1].split(", ")}
    assert {"police", "house"} <= words
    # Each topic's top words come from one theme: the fit told them apart.
    themes = [set(row[1].split(", ")[:4]) for row in rows]
    assert sorted(bool(t <= set(POLICE)) for t in themes) == [False, True]
    assert len(rows_of(tree, "Mean topic share by")) == 2
    with app.app_context():
        assert db.session.scalar(select(Study.slug)) == SLUG


def test_showing_quotes_is_recorded_in_the_audit_log_without_any_text(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id)}")
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "coding.read_text")
        ).all()
    assert len(events) == 1
    assert "topics" in events[0].detail and "police" not in events[0].detail


def test_the_same_words_from_several_people_are_quoted_once(app):
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    for _ in range(3):
        respond(app, study_id, "They kept my passport.", contact_kind="called")
    sync(app, study_id)

    def weights(attributes, text):
        return [1.0, 0.0] if "passport" in text else [0.5, 0.5]

    tree = page(analyst(app, study_id), f"{BASE}/topics/{add_fit(app, study_id, weights)}")
    first = tree.xpath("//h3[@id='quotes-0']/following-sibling::ul[1]//blockquote")
    texts = [q.text_content() for q in first]
    assert len(texts) == 3 and texts.count("They kept my passport.") == 1
