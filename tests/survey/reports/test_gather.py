"""Gathering a findings snapshot from the demo study: figures checked against the segment rows.

Expected numbers come from the database rows read here (segments, the
answer rows, responses) or from the demo's published table (issue 10's map:
"Treated with kindness" 30 respondents, believed Yes 15 / Partly 10 / No 35),
never from the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select, update

from analysis.findings.snapshot import Snapshot
from survey.models import Answer, Code, CodingCase, CodingDocument, Response, Segment
from survey.services.analysis.drafts import CATEGORY
from survey.services.reports.choices import MAX_NARRATIVE, Choices
from survey.services.reports.errors import (
    ChoicesInvalid,
    ItemNotFound,
    SegmentNotFound,
    ThemeNotFound,
)
from survey.services.reports.gather import check_known, gather
from survey.services.reports.options import quote_options
from survey.services.reports.themes import counted
from tests.survey.reports.demo_site import (
    build_site,
    cases_by_code,
    close,
    code_guids,
)

DAY = dt.date(2026, 5, 1)
TREATED = "How the police treated them"
CHILDREN = ("Not believed", "Treated as an offender", "Treated with kindness",
            "Rushed or not listened to")  # fmt: skip
FEAR = "Fear"
FEARS = ("Fear of immigration enforcement", "Fear of the exploiters")
SUPPORT, GIVEN, NONE_GIVEN = "Support", "Given support", "No support or referral"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    made = build_site(tmp_path_factory.mktemp("gather"))
    yield made
    close(made)


def _choices(guids: dict[str, str], **changes) -> Choices:
    fields = {
        "title": "What survivors told us",
        "theme_ids": (guids[FEAR], guids["Treated with kindness"], guids["Not believed"]),
        "breakdown_item_ids": ("gender",),
        "item_ids": ("believed",),
    }
    return Choices(**(fields | changes))


def test_respondents_per_code_are_the_cases_with_its_segments(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        codable = [n for n in guids if session.scalar(select(Code.codable).where(
            Code.public_id == guids[n]))]  # fmt: skip
        choices = _choices(guids, theme_ids=tuple(guids[n] for n in codable))
        snapshot = gather(session, study, analyst, choices, today=DAY).snapshot
        expected = cases_by_code(session, study)
    got = {theme.name: theme.respondents for theme in snapshot.themes}
    assert got == {name: len(expected.get(name, ())) for name in codable}
    assert got["Treated with kindness"] == 30 and got["Treated as an offender"] == 9


def test_a_category_counts_each_respondent_with_any_of_its_codes_once(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        choices = _choices(guids, theme_ids=(guids[TREATED], guids["Interpreter helped"]))
        snapshot = gather(session, study, analyst, choices, today=DAY).snapshot
        expected = cases_by_code(session, study)
    union = set().union(*(expected[name] for name in CHILDREN))
    category = snapshot.themes[0]
    assert (category.kind, category.path) == ("category", TREATED)
    assert category.respondents == len(union) < sum(len(expected[n]) for n in CHILDREN)
    assert snapshot.themes[1].path == "Language and understanding › Interpreter helped"


def test_a_theme_under_another_chosen_theme_is_left_out_with_a_note(site):
    # Support 31 beside Given support 19 would give away the 31 - 19 = 12 coded "No support
    # or referral" only (so 14 - 12 = 2 with both, under k): the report keeps the category
    # and leaves the code under it out, whatever the order they were chosen in.
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        expected = cases_by_code(session, study)
        for order in ((SUPPORT, GIVEN), (GIVEN, "Not believed", SUPPORT)):
            choices = _choices(guids, theme_ids=tuple(guids[n] for n in order))
            gathered = gather(session, study, analyst, choices, today=DAY)
            with pytest.raises(ChoicesInvalid, match="not both") as refused:
                check_known(session, study, analyst, choices)
            snapshot = gathered.snapshot
            names = [t.name for t in snapshot.themes]
            assert GIVEN not in names and SUPPORT in names
            assert snapshot.settings.theme_ids == tuple(guids[n] for n in order if n != GIVEN)
            assert guids[GIVEN] not in snapshot.to_json()  # no count, row or breakdown of it
            support = next(t for t in snapshot.themes if t.name == SUPPORT)
            assert support.respondents == len(expected[GIVEN] | expected[NONE_GIVEN])
            assert [b.item_id for b in support.breakdowns] == ["gender"]
            assert all(r.theme_id != guids[GIVEN] for t in snapshot.themes for r in t.related)
            assert any(
                f"“{GIVEN}” sits under “{SUPPORT}”" in note and "leaves “Given support” out" in note
                for note in gathered.notes
            )
            assert f"Remove “{GIVEN}” first" in str(refused.value)


def test_sibling_codes_are_both_kept(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        choices = _choices(guids, theme_ids=(guids[GIVEN], guids[NONE_GIVEN]))
        check_known(session, study, analyst, choices)
        gathered = gather(session, study, analyst, choices, today=DAY)
    assert [t.name for t in gathered.snapshot.themes] == [GIVEN, NONE_GIVEN]
    assert not any("sits under" in note for note in gathered.notes)


def _completed_ids(session, study) -> set[str]:
    """Return the ids of the study's completed responses, straight from the response rows."""
    return set(session.scalars(select(Response.id).where(
        Response.study_id == study.id, Response.status == "completed")))  # fmt: skip


def _having(session, study, name: str) -> set[str]:
    """Return the completed responses whose case has a segment of code `name` (SQL rows)."""
    rows = session.scalars(
        select(Response.id)
        .select_from(Segment)
        .join(Code, Code.id == Segment.code_id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .join(CodingCase, CodingCase.id == CodingDocument.case_id)
        .join(Response, Response.id == CodingCase.response_id)
        .where(Code.study_id == study.id, Code.name == name, Response.status == "completed")
    )
    return set(rows)


def _gender(session, study) -> dict[str, str]:
    """Return {completed response: its gender answer in words}, from the answer rows.

    The words are the instrument's choice labels and the non-answer words the
    closed-question tables use; a response without a gender row is "Not answered".
    """
    words = {'"woman"': "Woman", '"man"': "Man", '"non_binary"': "Non-binary",
             '"self_describe"': "I describe myself in another way",
             "prefer_not_to_say": "Prefer not to say"}  # fmt: skip
    rows = session.execute(
        select(Answer.response_id, Answer.value, Answer.code)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.study_id == study.id, Response.status == "completed",
               Answer.item_id == "gender")
    )  # fmt: skip
    found = {rid: words[code or value] for rid, value, code in rows}
    return {rid: found.get(rid, "Not answered") for rid in _completed_ids(session, study)}


def test_the_base_is_every_completed_response(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        completed = session.scalar(select(func.count()).select_from(Response).where(
            Response.study_id == study.id, Response.status == "completed"))  # fmt: skip
    assert {theme.base for theme in snapshot.themes} == {completed} == {snapshot.study.responses}


def test_breakdown_groups_are_the_closed_question_table_counts(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        choices = _choices(guids, item_ids=("gender", "believed"))
        snapshot = gather(session, study, analyst, choices, today=DAY).snapshot
        gender = _gender(session, study)
        kind = _having(session, study, "Treated with kindness")
    kindness = next(t for t in snapshot.themes if t.name == "Treated with kindness")
    (split,) = kindness.breakdowns
    totals, having = Counter(gender.values()), Counter(gender[rid] for rid in kind)
    assert split.question == "What is your gender?"
    assert set(totals) <= set(split.answers)
    assert dict(zip(split.answers, split.totals, strict=True)) == {
        a: totals.get(a, 0) for a in split.answers
    }
    assert dict(zip(split.answers, split.counts, strict=True)) == {
        a: having.get(a, 0) for a in split.answers
    }
    assert sum(split.totals) == kindness.base and sum(split.counts) == kindness.respondents == 30
    table = next(q for q in snapshot.questions if q.item_id == "gender")
    assert [(row.label, row.count) for row in table.rows] == list(
        zip(split.answers, split.totals, strict=True)
    )


def test_a_completed_response_nobody_coded_is_in_the_base_and_its_group_without_the_theme(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        kind = sorted(_having(session, study, "Treated with kindness"))
        detached, unfinished = (session.get(Response, rid) for rid in kind[:2])
        version = detached.instrument_version_id
        # A completed response with no coding case: its case now stands alone, as
        # interview notes do, so its codings count for nobody.
        session.execute(update(CodingCase).where(CodingCase.response_id == detached.id)
                        .values(response_id=None))  # fmt: skip
        unfinished.status = "in_progress"  # an unfinished response with a coded case
        planted, silent = (
            Response(study_id=study.id, instrument_version_id=version, status="completed",
                     language="en", completed_on=DAY)
            for _ in range(2)
        )  # fmt: skip
        session.add_all([planted, silent])
        session.flush()
        session.add_all([
            Answer(response_id=planted.id, item_id="gender", value='"man"'),
            Answer(response_id=silent.id, item_id="gender", code="prefer_not_to_say"),
            CodingCase(study_id=study.id, response_id=silent.id, attributes_json="{}"),
        ])  # fmt: skip
        session.flush()
        ids = planted.id, silent.id, detached.id, unfinished.id
        try:
            choices = _choices(guids, item_ids=("gender",))
            gathered = gather(session, study, analyst, choices, today=DAY)
            base, pairs, outside = counted(session, study, analyst)
            completed, gender = _completed_ids(session, study), _gender(session, study)
            kind_now = _having(session, study, "Treated with kindness")
        finally:
            session.rollback()
        assert session.scalar(select(func.count()).select_from(Response).where(
            Response.study_id == study.id)) == 60  # fmt: skip
    planted_id, silent_id, detached_id, unfinished_id = ids
    assert base == completed and {planted_id, silent_id, detached_id} <= base
    assert unfinished_id not in base and outside == 2
    assert not {rid for rid, _ in pairs} & set(ids)
    assert kind_now == set(kind) - {detached_id, unfinished_id}
    snapshot = gathered.snapshot
    kindness = next(t for t in snapshot.themes if t.name == "Treated with kindness")
    assert kindness.base == len(completed) == snapshot.study.responses
    assert kindness.respondents == len(kind_now) == 28
    (split,) = kindness.breakdowns
    groups = dict(zip(split.answers, split.totals, strict=True))
    with_theme = dict(zip(split.answers, split.counts, strict=True))
    assert groups == {a: Counter(gender.values()).get(a, 0) for a in split.answers}
    assert groups["Prefer not to say"] == 1 and with_theme["Prefer not to say"] == 0
    assert with_theme == {a: Counter(gender[r] for r in kind_now).get(a, 0) for a in split.answers}
    assert gender[planted_id] == "Man" and gender[silent_id] == "Prefer not to say"
    (table,) = snapshot.questions
    assert {row.label: row.count for row in table.rows} == groups
    assert any("2 coded cases are not a completed response" in n for n in gathered.notes)


def test_related_themes_count_respondents_with_both(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        by_code = cases_by_code(session, study)
    kindness = next(t for t in snapshot.themes if t.name == "Treated with kindness")
    related = {r.name: r.both for r in kindness.related}
    kind = by_code["Treated with kindness"]
    assert related == {
        FEAR: len(kind & set().union(*(by_code[n] for n in FEARS))),
        "Not believed": len(kind & by_code["Not believed"]),
    }


def test_study_facts_and_closed_questions_are_raw_counts_of_completed_responses(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        days = session.scalars(select(Response.completed_on).where(
            Response.study_id == study.id, Response.status == "completed")).all()  # fmt: skip
    months = Counter(f"{d.year:04d}-{d.month:02d}" for d in days)
    assert snapshot.study.responses == len(days) == 60
    assert dict(snapshot.study.months) == dict(months)
    assert snapshot.study.synthetic and snapshot.study.threshold == 10
    (believed,) = snapshot.questions
    counts = {row.label: row.count for row in believed.rows}
    assert (counts["Yes"], counts["Partly"], counts["No"]) == (15, 10, 35)
    assert snapshot.taken_on == "2026-05-01"


def test_methods_state_the_coding_and_the_agreement(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
    methods = snapshot.methods
    assert (methods.coders, methods.consensus, methods.blind, methods.unit) == (
        2,
        False,
        False,
        "answer",
    )
    alpha = {a.path.split(" › ")[-1]: a.alpha for a in methods.agreement}
    assert alpha["Not believed"] == pytest.approx(0.916, abs=0.001)
    assert alpha["Treated with kindness"] == pytest.approx(0.903, abs=0.001)
    assert methods.agreement_problem is None and methods.documents == 106
    assert methods.instrument_errors == 0
    assert next(s.name for s in snapshot.support) == "Modern Slavery & Exploitation Helpline"
    assert dict(snapshot.versions)["pandas"]


def test_the_same_data_choices_and_day_give_the_same_snapshot(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        theme = guids["Treated with kindness"]
        picked = tuple(o.guid for o in quote_options(session, study, analyst, theme).options[:3])
        choices = _choices(guids, quotes={theme: picked}, narratives={theme: "Kind officers."})
        first = gather(session, study, analyst, choices, today=DAY).snapshot
        second = gather(session, study, analyst, choices, today=DAY).snapshot
    assert first.to_json() == second.to_json()
    assert Snapshot.from_json(first.to_json()) == first
    kindness = next(t for t in first.themes if t.id == theme)
    assert [q.id for q in kindness.quotes] == list(
        picked
    ) and kindness.narrative == "Kind officers."


def test_a_theme_no_longer_in_the_codebook_is_left_out_with_a_note(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        choices = _choices(guids, theme_ids=("no-such-theme", guids["Not believed"]))
        gathered = gather(session, study, analyst, choices, today=DAY)
        with pytest.raises(ThemeNotFound):
            check_known(session, study, analyst, choices)
    assert [t.name for t in gathered.snapshot.themes] == ["Not believed"]
    assert any("no longer in the codebook" in note for note in gathered.notes)
    assert gathered.snapshot.notes == gathered.notes


@pytest.mark.parametrize(
    "changes",
    [{"item_ids": ("no_such_item",)}, {"breakdown_item_ids": ("support_after",)},
     {"breakdown_item_ids": ("went_well",)}],
)  # fmt: skip
def test_unknown_or_unusable_questions_are_named_errors(site, changes):
    with site.session() as (session, study, analyst):
        choices = _choices(code_guids(session, study), **changes)
        with pytest.raises(ItemNotFound):
            check_known(session, study, analyst, choices)
        gathered = gather(session, study, analyst, choices, today=DAY)
    assert any("left out" in note for note in gathered.notes)


def test_a_segment_of_another_theme_is_a_named_error(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        other = quote_options(session, study, analyst, guids["Not believed"]).options[0].guid
        theme = guids["Treated with kindness"]
        for wanted in (other, "no-such-segment"):
            with pytest.raises(SegmentNotFound):
                check_known(session, study, analyst, _choices(guids, quotes={theme: (wanted,)}))
            gathered = gather(
                session, study, analyst, _choices(guids, quotes={theme: (wanted,)}), today=DAY
            )
            assert not any(t.quotes for t in gathered.snapshot.themes)
            assert any("no longer there" in note for note in gathered.notes)


@pytest.mark.parametrize(
    "changes",
    [{"title": " "}, {"narratives": {"x": "text"}}, {"theme_ids": ("a", "a")},
     {"introduction": "x" * (MAX_NARRATIVE + 1)}],
)  # fmt: skip
def test_choices_no_report_can_hold_are_refused_with_a_message(site, changes):
    with site.session() as (session, study, analyst), pytest.raises(ChoicesInvalid) as refused:
        gather(session, study, analyst, _choices(code_guids(session, study), **changes), today=DAY)
    assert str(refused.value)


def test_a_very_long_narrative_is_refused_and_one_at_the_limit_is_kept(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        theme = guids["Not believed"]
        with pytest.raises(ChoicesInvalid):
            gather(
                session,
                study,
                analyst,
                _choices(guids, narratives={theme: "x" * (MAX_NARRATIVE + 1)}),
                today=DAY,
            )
        text = "<script>alert(1)</script> " * (MAX_NARRATIVE // 26)
        snapshot = gather(
            session, study, analyst, _choices(guids, narratives={theme: text}), today=DAY
        ).snapshot
    assert next(t for t in snapshot.themes if t.id == theme).narrative == text


def test_codes_drafted_from_topics_say_so(site):
    with site.session() as (session, study, analyst):
        counted = session.scalar(select(func.count()).select_from(Code).where(
            Code.study_id == study.id, Code.name == CATEGORY))  # fmt: skip
        snapshot = gather(
            session, study, analyst, _choices(code_guids(session, study)), today=DAY
        ).snapshot
    assert counted == 0 and not any(t.from_topics for t in snapshot.themes)


def test_the_methods_name_the_topics_a_fitted_model_suggested(site):
    # "what the topic models suggested and how it was used" (issue 10): each topic's top
    # words, as the topics page stores them (only words at least k respondents used).
    from analysis.findings import build, to_markdown
    from survey.models import AnalysisJob
    from survey.services.analysis import demo_topics, explorer

    with site.session() as (session, study, analyst):
        demo_topics.ensure_topics(session, study)
        job = session.scalars(select(AnalysisJob).where(AnalysisJob.study_id == study.id)).one()
        stored = explorer.topics(explorer.result_of(session, job))
        snapshot = gather(session, study, analyst, _choices(code_guids(session, study)),
                          today=DAY).snapshot  # fmt: skip
    [fit] = snapshot.methods.topic_fits
    assert fit.suggested == tuple(", ".join(t.terms[:5]) for t in stored if t.terms)
    text = to_markdown(build(snapshot)).replace("\\", "")
    assert f"1. {fit.suggested[0]}" in text
    unnamed = sum(1 for t in stored if not t.terms)
    assert (f"{unnamed} of its topics name no word" in text) == (unnamed > 0)


def test_a_scale_question_is_counted_under_its_point_labels(site):
    # Scale points are stored as whole numbers; the labels were keyed by text, so the
    # table printed "1".."5" beside unused labels (descriptives page and report alike).
    import json

    from survey.services.analysis.describe_view import describe

    with site.session() as (session, study, _analyst):
        table = describe(session, study, "felt_safe_first").table
        stored = Counter(
            json.loads(value)
            for value in session.scalars(
                select(Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Answer.item_id == "felt_safe_first", Answer.code.is_(None),
                       Response.study_id == study.id, Response.status == "completed")
            )
        )  # fmt: skip
    labels = {row.label: row for row in table.rows if not row.non_answer}
    assert list(labels)[:5] == ["Very unsafe", "Unsafe", "Neither safe nor unsafe", "Safe",
                                "Very safe"]  # fmt: skip
    assert not {"1", "2", "3", "4", "5"} & set(labels)
    shown = {label: row.count for label, row in labels.items() if row.count is not None}
    by_point = dict(zip(["Very unsafe", "Unsafe", "Neither safe nor unsafe", "Safe", "Very safe"],
                        [stored.get(point, 0) for point in range(1, 6)], strict=True))  # fmt: skip
    assert shown and all(shown[label] == by_point[label] for label in shown)
