"""Gathering a findings snapshot from the demo study: figures checked against the segment rows.

Expected numbers come from the database rows read here (segments, case
attributes, responses) or from the demo's published table (issue 10's map:
"Treated with kindness" 30 respondents, believed Yes 15 / Partly 10 / No 35),
never from the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from analysis.findings.snapshot import Snapshot
from survey.models import Code, Response
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
from tests.survey.reports.demo_site import (
    attributes,
    build_site,
    cases_by_code,
    close,
    code_guids,
)

DAY = dt.date(2026, 5, 1)
TREATED = "How the police treated them"
CHILDREN = ("Not believed", "Treated as an offender", "Treated with kindness",
            "Rushed or not listened to")  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    made = build_site(tmp_path_factory.mktemp("gather"))
    yield made
    close(made)


def _choices(guids: dict[str, str], **changes) -> Choices:
    fields = {
        "title": "What survivors told us",
        "theme_ids": (guids[TREATED], guids["Treated with kindness"], guids["Not believed"]),
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
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        expected = cases_by_code(session, study)
    union = set().union(*(expected[name] for name in CHILDREN))
    category = snapshot.themes[0]
    assert (category.kind, category.path) == ("category", TREATED)
    assert category.respondents == len(union) < sum(len(expected[n]) for n in CHILDREN)
    assert snapshot.themes[1].path == f"{TREATED} › Treated with kindness"


def test_the_base_is_every_respondent_whose_words_were_coded(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        coded = set().union(*cases_by_code(session, study).values())
    assert {theme.base for theme in snapshot.themes} == {len(coded)}


def test_breakdowns_split_the_base_and_the_theme_by_each_case_answer(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        by_code = cases_by_code(session, study)
        answers = {
            case: a.get("gender", "No answer") for case, a in attributes(session, study).items()
        }
    coded = set().union(*by_code.values())
    kindness = next(t for t in snapshot.themes if t.name == "Treated with kindness")
    (split,) = kindness.breakdowns
    totals = Counter(answers[case] for case in coded)
    having = Counter(answers[case] for case in by_code["Treated with kindness"])
    assert split.question == "What is your gender?"
    assert dict(zip(split.answers, split.totals, strict=True)) == {
        a: totals.get(a, 0) for a in split.answers
    }
    assert dict(zip(split.answers, split.counts, strict=True)) == {
        a: having.get(a, 0) for a in split.answers
    }
    assert sum(split.totals) == len(coded) and sum(split.counts) == kindness.respondents


def test_related_themes_count_respondents_with_both(site):
    with site.session() as (session, study, analyst):
        guids = code_guids(session, study)
        snapshot = gather(session, study, analyst, _choices(guids), today=DAY).snapshot
        by_code = cases_by_code(session, study)
    kindness = next(t for t in snapshot.themes if t.name == "Treated with kindness")
    related = {r.name: r.both for r in kindness.related}
    assert related == {
        TREATED: len(by_code["Treated with kindness"]),
        "Not believed": len(by_code["Treated with kindness"] & by_code["Not believed"]),
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
