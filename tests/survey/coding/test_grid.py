"""The grid: answers as rows, codes as columns; tick and save without JavaScript."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Code, CodingDocument, CodingLogEntry, Segment
from survey.services.coding import segments
from tests.factories import add_study
from tests.survey.coding.helpers import (
    BASE,
    STORIES,
    add_code,
    code_span,
    coder,
    coding_study,
    respond,
    sync,
)
from tests.survey.studio import post, text

GRID = f"{BASE}/grid/story"


def form_of(page: str) -> dict[str, list[str]]:
    """Return the save form's fields as a browser would send them (ticked boxes only)."""
    form = page.split(f'<form method="post" action="{GRID}">', 1)[1].split("</form>", 1)[0]
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag).group(1)
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        fields.setdefault(name, []).append(value)
    return fields


def tick(form: dict[str, list[str]], document: str, code: str) -> None:
    form.setdefault("cell", []).append(f"{document}:{code}")


def untick(form: dict[str, list[str]], document: str, code: str) -> None:
    form["cell"].remove(f"{document}:{code}")


def segments_of(app) -> list[tuple[str, str, int, int, int]]:
    """Return every segment as (document GUID, code GUID, start, end, document length)."""
    with app.app_context():
        rows = db.session.execute(
            select(
                CodingDocument.public_id,
                Code.public_id,
                Segment.start,
                Segment.end,
                CodingDocument.length,
            )
            .join(CodingDocument, CodingDocument.id == Segment.document_id)
            .join(Code, Code.id == Segment.code_id)
        ).all()
        return sorted(tuple(row) for row in rows)


def test_the_grid_shows_every_answer_and_a_column_per_codable_code(app):
    study_id = coding_study(app)
    category = add_code(app, study_id, "Feelings", codable=False)
    add_code(app, study_id, "Fear", parent=category)
    add_code(app, study_id, "Help")
    analyst = coder(app, study_id)

    page = text(analyst.client.get(GRID))

    for story in STORIES:
        assert story in page
    headers = re.findall(r'<th scope="col" class="code-col">(.*?)</th>', page)
    assert [re.sub(r"<[^>]+>", "|", h) for h in headers] == ["Fear|Feelings/Fear|", "Help"]
    assert "Unticking a box removes all your codings of that code in that answer" in page


def test_tick_save_untick_round_trip(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    form = form_of(text(analyst.client.get(GRID)))
    tick(form, docs[0][0], fear)
    tick(form, docs[2][0], fear)

    saved = post(analyst.client, GRID, form)

    assert saved.status_code == 303
    coded = segments_of(app)
    assert [(d, c, s, e) for d, c, s, e, _ in coded] == sorted(
        [(docs[0][0], fear, 0, len(docs[0][1])), (docs[2][0], fear, 0, len(docs[2][1]))]
    )
    page = text(analyst.client.get(saved.headers["Location"]))
    assert "Saved: 2 boxes newly ticked, 0 unticked." in page
    form = form_of(page)
    assert sorted(form["cell"]) == sorted(f"{d}:{fear}" for d in (docs[0][0], docs[2][0]))

    untick(form, docs[0][0], fear)
    post(analyst.client, GRID, form)

    assert [d for d, *_ in segments_of(app)] == [docs[2][0]]


def test_sending_the_same_form_twice_codes_once(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    form = form_of(text(analyst.client.get(GRID)))
    tick(form, docs[1][0], fear)

    post(analyst.client, GRID, form)
    again = post(analyst.client, GRID, form)

    assert again.status_code == 303
    assert len(segments_of(app)) == 1
    with app.app_context():
        assert len(db.session.scalars(select(CodingLogEntry)).all()) == 1


def test_rows_not_on_the_page_and_cells_not_changed_are_left_alone(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    form = form_of(text(analyst.client.get(GRID)))
    # Since the page was made: an answer not on this page is coded, and so is one on it.
    code_span(app, study_id, analyst.user_id, docs[3][0], 0, 4, fear)
    code_span(app, study_id, analyst.user_id, docs[1][0], 0, 4, fear)
    form["row"] = [docs[0][0], docs[1][0]]  # the page showed two rows
    tick(form, docs[0][0], fear)

    post(analyst.client, GRID, form)

    assert sorted((d, s, e) for d, _, s, e, _ in segments_of(app)) == sorted(
        [(docs[0][0], 0, len(docs[0][1])), (docs[1][0], 0, 4), (docs[3][0], 0, 4)]
    )


def test_part_coded_answers_show_part_and_unticking_removes_all_my_codings_there(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    other = coder(app, study_id)
    docs = sync(app, study_id)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear)
    code_span(app, study_id, analyst.user_id, docs[0][0], 10, 14, fear)
    code_span(app, study_id, other.user_id, docs[0][0], 0, 4, fear)
    page = text(analyst.client.get(GRID))

    assert page.count(" part<span") == 1
    assert 'class="cell coded-part"' in page
    form = form_of(page)
    untick(form, docs[0][0], fear)
    post(analyst.client, GRID, form)

    assert [(d, s, e) for d, _, s, e, _ in segments_of(app)] == [(docs[0][0], 0, 4)]  # theirs


def test_another_studys_code_or_answer_in_the_form_is_not_found(app):
    study_id = coding_study(app)
    add_code(app, study_id, "Fear")
    other = add_study(app, slug="other")
    foreign = add_code(app, other, "Elsewhere")
    respond(app, other, "Someone else's words.")
    [(foreign_doc, _)] = sync(app, other)
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    form = form_of(text(analyst.client.get(GRID)))

    bad_code = post(analyst.client, GRID, form | {"cell": [f"{docs[0][0]}:{foreign}"]})
    bad_row = post(analyst.client, GRID, form | {"row": [foreign_doc]})

    assert bad_code.status_code == 404
    assert bad_row.status_code == 404
    assert segments_of(app) == []


def test_unknown_question_is_not_found(app):
    study_id = coding_study(app)
    analyst = coder(app, study_id)

    assert analyst.client.get(f"{BASE}/grid/nope").status_code == 404
    assert analyst.client.get(f"{BASE}/grid/arrested").status_code == 404
    assert post(analyst.client, f"{BASE}/grid/nope", {"row": []}).status_code == 404


def _many(app, found: int, called: int) -> int:
    stories = [f"Story number {i}, told in {'x' * i} words." for i in range(found + called)]
    study_id = add_study(app)
    for i, story in enumerate(stories):
        respond(app, study_id, story, contact_kind="found" if i < found else "called")
    sync(app, study_id)
    return study_id


def test_filter_by_attribute_and_sort_by_length(app):
    study_id = _many(app, found=10, called=10)
    analyst = coder(app, study_id)

    page = text(
        analyst.client.get(GRID, query_string={"a_contact_kind": "They found me", "sort": "long"})
    )

    shown = re.findall(r"Story number (\d+),", page)
    assert shown == [str(i) for i in range(9, -1, -1)]
    assert "10 answers match the filter" in page
    assert '<option value="They found me" selected>' in page
    assert '<option value="I called them">' in page


def test_a_filter_selecting_fewer_cases_than_the_threshold_shows_no_answers(app):
    study_id = _many(app, found=10, called=2)
    analyst = coder(app, study_id)

    page = text(analyst.client.get(GRID, query_string={"a_contact_kind": "I called them"}))

    assert "Story number" not in page
    assert "fewer than 10 cases" in page
    assert 'name="cell"' not in page
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action)).all().count("coding.read_text") == 0


def test_a_filter_that_leaves_out_fewer_cases_than_the_threshold_shows_no_answers(app):
    # 10 of 12 would tell, by subtraction from the whole list, which 2 called the police.
    study_id = _many(app, found=10, called=2)
    analyst = coder(app, study_id)

    page = text(analyst.client.get(GRID, query_string={"a_contact_kind": "They found me"}))

    assert "Story number" not in page
    assert "answers match the filter" not in page
    assert "fewer than 10 cases" in page


def test_two_filters_whose_difference_is_a_small_group_show_no_answers(app):
    # "They found me" alone: 11 and 10 either side. With "not arrested" too it would show 10,
    # and the difference between the two pages would be the one person found and arrested.
    study_id = add_study(app)
    people = [("found", "no")] * 10 + [("found", "yes")] + [("called", "no")] * 10
    for i, (kind, arrested) in enumerate(people):
        respond(app, study_id, f"Story number {i}.", contact_kind=kind, arrested=arrested)
    sync(app, study_id)
    analyst = coder(app, study_id)
    found = {"a_contact_kind": "They found me"}

    one = text(analyst.client.get(GRID, query_string=found))
    both = text(analyst.client.get(GRID, query_string={**found, "a_arrested": "no"}))

    assert "Story number" in one
    assert "Story number" not in both
    assert "fewer than 10 cases" in both


def test_the_filter_choices_show_no_counts_and_the_hint_says_why(app):
    study_id = _many(app, found=10, called=10)
    analyst = coder(app, study_id)

    page = text(analyst.client.get(GRID))

    options = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]*)</option>", page)
    assert "They found me" in options and "I called them" in options
    assert not any(char.isdigit() for option in options for char in option)
    assert "The choices show no counts." in page


def test_a_filter_value_no_case_has_shows_nothing(app):
    study_id = _many(app, found=10, called=2)
    analyst = coder(app, study_id)

    page = text(analyst.client.get(GRID, query_string={"a_contact_kind": "made up"}))

    assert "Story number" not in page


def test_the_grid_records_who_read_which_question_never_the_text(app):
    study_id = coding_study(app)
    analyst = coder(app, study_id)

    analyst.client.get(GRID)

    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "coding.read_text")
        ).all()
    assert [json.loads(d) for d in details] == [{"view": "grid", "question": "story", "rows": 4}]
    assert not any(word in details[0] for word in ("police", "believe"))


def test_a_save_racing_a_removal_in_another_tab_asks_to_check_and_changes_nothing(app, monkeypatch):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear)
    form = form_of(text(analyst.client.get(GRID)))
    untick(form, docs[0][0], fear)
    tick(form, docs[1][0], fear)
    write = segments.change_codes

    def removed_meanwhile(session, actor, study, **changes):
        # The other tab removes the segment after this save has read it, before it writes.
        for guid in changes["remove"]:
            segments.remove_segment(session, actor, study, guid)
        return write(session, actor, study, **changes)

    monkeypatch.setattr(segments, "change_codes", removed_meanwhile)
    saved = post(analyst.client, GRID, form)

    assert saved.status_code == 409
    assert "The grid changed since you opened it: check and save again." in text(saved)
    assert segments_of(app) == []  # the other tab's removal; this save's tick is not half-done


def test_pages_of_a_hundred_rows(app):
    study_id = _many(app, found=0, called=105)
    analyst = coder(app, study_id)

    first = text(analyst.client.get(GRID))
    second = text(analyst.client.get(GRID, query_string={"page": 2}))

    assert len(re.findall(r'name="row"', first)) == 100
    assert len(re.findall(r'name="row"', second)) == 5
    assert "page 2 of 2" in second


def test_people_who_may_not_code_get_not_found(app):
    study_id = coding_study(app)
    steward = coder(app, study_id, role="data_steward")

    assert steward.client.get(GRID).status_code == 404
    assert post(steward.client, GRID, {"row": []}).status_code == 404


def test_codes_ticked_on_the_same_answers_are_one_step_for_undo(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    help_ = add_code(app, study_id, "Help")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    form = form_of(text(analyst.client.get(GRID)))
    for code in (fear, help_):
        tick(form, docs[1][0], code)

    post(analyst.client, GRID, form)
    assert len(segments_of(app)) == 2
    post(analyst.client, f"{BASE}/undo")

    assert segments_of(app) == []


def test_one_undo_takes_back_a_save_that_ticked_and_unticked(app):
    study_id = coding_study(app)
    fear = add_code(app, study_id, "Fear")
    help_ = add_code(app, study_id, "Help")
    analyst = coder(app, study_id)
    docs = sync(app, study_id)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, help_)
    form = form_of(text(analyst.client.get(GRID)))
    tick(form, docs[1][0], fear)
    untick(form, docs[0][0], help_)

    saved = post(analyst.client, GRID, form)

    page = text(analyst.client.get(saved.headers["Location"]))
    assert "Saved: 1 box newly ticked, 1 unticked." in page
    assert segments_of(app) == [(docs[1][0], fear, 0, len(docs[1][1]), len(docs[1][1]))]
    post(analyst.client, f"{BASE}/undo")
    assert segments_of(app) == [(docs[0][0], help_, 0, 4, len(docs[0][1]))]
