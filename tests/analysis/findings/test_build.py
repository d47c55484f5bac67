"""Building a findings document: disclosure control on every count, facts worded honestly."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.findings import build, shown_counts, texts, to_docx, to_html, to_markdown
from analysis.findings.document import Chart, Hidden, Note, Paragraph, Percent, Quote, Shown, Table
from analysis.findings.snapshot import (
    AgreementFacts,
    Breakdown,
    FrequencyFacts,
    FrequencyRow,
    fingerprint,
)
from tests.analysis.findings.attacker import published_system
from tests.analysis.findings.oracle import System
from tests.analysis.findings.sample import sample_snapshot
from tests.analysis.findings.synthetic import respondents_snapshot


def section(document, heading, after=None):
    """Return the first section with `heading` (after the level-2 section `after`, if given)."""
    seen = after is None
    for candidate in document.sections:
        if candidate.heading == after:
            seen = True
        elif seen and candidate.heading == heading:
            return candidate
    raise LookupError(heading)


def all_text(document) -> str:
    return "\n".join(text for _, text in texts(document))


def replace_theme(snapshot, index, **changes):
    themes = list(snapshot.themes)
    themes[index] = dataclasses.replace(themes[index], **changes)
    return dataclasses.replace(snapshot, themes=tuple(themes))


def test_the_oracle_sees_a_count_recovered_from_a_total():
    system = System()
    parts = [system.unknown("a", 3), system.unknown("b", 57)]
    system.unknown("total", 60)
    system.adds_up(parts, "total")
    system.publish("b"), system.publish("total")
    assert system.exposed(10) == {"a": 3}


def test_a_theme_under_k_says_fewer_than_k_and_gives_no_share():
    document = build(sample_snapshot())
    blocks = section(document, "Treated as an offender").blocks
    line = next(b for b in blocks if isinstance(b, Paragraph) and "Respondents" in b.parts[0])
    assert line.parts[1] == Hidden(10, fewer=True)
    assert not any(isinstance(part, Percent) for part in line.parts)
    assert "fewer than 10 of 60" in "".join(text for _, text in texts(document))


def test_a_theme_whose_complement_is_small_is_hidden_too():
    snapshot = replace_theme(sample_snapshot(), 0, respondents=55, breakdowns=(), related=())
    line = section(build(snapshot), "Treated with kindness").blocks[2]
    assert line.parts[1] == Hidden(10) and line.parts[3] == Shown(60)


def test_every_shown_count_is_zero_or_at_least_k():
    for seed in range(6):
        snapshot = respondents_snapshot(seed, 40 + seed * 7, (0.5, 0.12, 0.04, 0.85))
        counts = [n for _, n in shown_counts(build(snapshot))]
        assert counts and all(n == 0 or n >= 10 for n in counts)


@pytest.mark.parametrize("seed", range(12))
def test_no_small_count_can_be_worked_out_from_what_the_themes_show(seed):
    n = 30 + 9 * seed
    snapshot = respondents_snapshot(seed, n, (0.5, 0.15, 0.05, 0.9, 0.3))
    system = published_system(snapshot, build(snapshot))
    assert system.published, "the document shows counts"
    assert system.exposed(10) == {}


def test_a_naive_breakdown_would_be_caught():
    """The attacker model is not vacuous: publishing every raw count exposes small ones."""
    snapshot = respondents_snapshot(3, 57, (0.5, 0.15, 0.05, 0.9, 0.3))
    system = published_system(snapshot, build(snapshot))
    for name in list(system.truth):
        if name.startswith(("G:", "W:", "R:")):
            system.publish(name)
    assert system.exposed(10)


def test_related_themes_give_the_same_count_from_either_side():
    snapshot = respondents_snapshot(1, 80, (0.5, 0.4))
    document = build(snapshot)
    first = section(document, "Related themes", after="Theme 0").blocks[0]
    second = section(document, "Related themes", after="Theme 1").blocks[0]
    assert first.rows[0][1] == second.rows[0][1]
    truth = snapshot.themes[0].related[0].both
    assert first.rows[0][1] == Shown(truth)


def test_months_and_answers_hide_a_second_count_beside_a_small_one():
    document = build(sample_snapshot())
    months = section(document, "About this study").blocks[-1]
    assert [row[1] for row in months.rows] == [Hidden(10), Shown(40), Hidden(10), Shown(60)]
    chart = section(document, "Did the police believe you?").blocks[0]
    assert isinstance(chart, Chart)
    counts = [row[1] for row in chart.table.rows]
    # Prefer not to say (4) is small; the next smallest answer (Partly, 10) is hidden with it.
    assert counts == [Shown(15), Hidden(10), Shown(31), Hidden(10), Shown(60)]
    assert chart.values == (25.0, None, round(100 * 31 / 60), None)  # whole, as the table prints


def test_a_study_under_k_shows_no_numbers_and_no_quotes():
    snapshot = sample_snapshot()
    study = dataclasses.replace(snapshot.study, responses=8, months=(("2026-10", 8),))
    document = build(dataclasses.replace(snapshot, study=study))
    methods = document.sections.index(section(document, "Methods"))
    before = dataclasses.replace(document, sections=document.sections[:methods])
    assert list(shown_counts(before)) == []
    assert "%" not in all_text(before)
    assert not any(isinstance(b, Chart | Quote | Table) for s in before.sections for b in s.blocks)
    assert {t.name for t in snapshot.themes} <= {s.heading for s in before.sections}
    assert "fewer than 10 completed responses" in all_text(document)
    assert "She gave me tea" not in all_text(document)


def test_a_theme_nobody_has_says_so():
    snapshot = replace_theme(sample_snapshot(), 1, respondents=0, related=())
    text = all_text(build(snapshot))
    assert "No respondent's answers were coded with this theme." in text


def test_a_breakdown_that_does_not_add_up_is_withheld_with_a_note():
    broken = Breakdown("gender", "Gender", ("Woman", "Man"), (41, 12), (50, 6))
    snapshot = replace_theme(sample_snapshot(), 0, breakdowns=(broken,))
    by_gender = section(build(snapshot), "By Gender")
    assert isinstance(by_gender.blocks[0], Note)


def test_a_multiple_choice_question_counts_choices_within_its_base():
    question = FrequencyFacts(
        "help",
        "Who helped?",
        True,
        (FrequencyRow("Police", 30), FrequencyRow("Charity", 52), FrequencyRow("Friend", 4)),
        60,
    )
    document = build(dataclasses.replace(sample_snapshot(), questions=(question,)))
    chart = section(document, "Who helped?").blocks[1]
    assert [row[1] for row in chart.table.rows] == [Shown(30), Hidden(10), Hidden(10), Shown(60)]
    assert "counts are choices" in all_text(document)


def test_methods_name_the_codes_below_reliable():
    snapshot = sample_snapshot()
    rushed = AgreementFacts("How the police treated them › Rushed", 0.712, 0.7, 88.0, 106)
    methods = dataclasses.replace(snapshot.methods, agreement=(*snapshot.methods.agreement, rushed))
    document = build(dataclasses.replace(snapshot, methods=methods))
    table = next(
        b for b in section(document, "Agreement between coders").blocks if isinstance(b, Table)
    )
    assert [row[-1] for row in table.rows] == ["reliable", "tentative"]
    assert "Codes below 0.800: How the police treated them › Rushed (0.712)" in all_text(document)


def test_synthetic_data_are_named_as_such():
    snapshot = sample_snapshot()
    study = dataclasses.replace(snapshot.study, synthetic=True)
    assert "synthetic" in all_text(build(dataclasses.replace(snapshot, study=study)))
    assert "synthetic" not in all_text(build(snapshot))


def test_the_footer_records_the_snapshot_and_the_same_snapshot_gives_the_same_document():
    snapshot = sample_snapshot()
    document = build(snapshot)
    assert document == build(sample_snapshot())
    assert fingerprint(snapshot) in all_text(document)
    assert document.footer.taken_on == "2026-11-27"


def test_control_characters_never_reach_the_document():
    snapshot = replace_theme(sample_snapshot(), 0, narrative="a\x00b\x1bc\r\nd")
    assert "a" + "bc\nd" in all_text(build(snapshot))
    assert "\x00" not in all_text(build(snapshot))


def nasty_snapshots():
    """Snapshots with facts that do not fit together: the build must still give a document."""
    base = sample_snapshot()
    kind = base.themes[0]
    study = base.study
    yield replace_theme(base, 0, respondents=70)  # more than the base
    yield replace_theme(base, 0, base=0, respondents=0)
    yield replace_theme(base, 0, breakdowns=(Breakdown("g", "G", ("A",), (1, 2), (3,)),))
    yield replace_theme(base, 0, related=(dataclasses.replace(kind.related[0], theme_id="gone"),))
    yield replace_theme(base, 0, related=(dataclasses.replace(kind.related[0], both=500),))
    yield dataclasses.replace(base, study=dataclasses.replace(study, months=(("bad", -3),)))
    yield dataclasses.replace(base, study=dataclasses.replace(study, months=(), responses=0))
    bad_question = FrequencyFacts("q", "", True, (FrequencyRow("x", 90),), 60)
    yield dataclasses.replace(base, questions=(bad_question,), taken_on="not a date")
    yield dataclasses.replace(base, themes=(), questions=(), support=())


@pytest.mark.parametrize("snapshot", list(nasty_snapshots()))
def test_facts_that_do_not_fit_give_a_document_not_an_error(snapshot):
    document = build(snapshot)
    assert all(n == 0 or n >= 10 for _, n in shown_counts(document))
    assert to_html(document) and to_markdown(document) and to_docx(document)


# Questions not shown to everyone (review of issue 10, F2): the completed responses (N) are
# published, so "Respondents asked" and N give the number not asked; the two are one line.


@pytest.mark.parametrize(
    ("seed", "not_asked"), [(s, m) for s in range(4) for m in (0, 3, 9, 10, 14, 40)]
)
def test_no_small_count_can_be_worked_out_from_questions_asked_of_some(seed, not_asked):
    n = 60 + 11 * seed
    snapshot = respondents_snapshot(seed, n, (0.5, 0.2, 0.6), not_asked=not_asked)
    system = published_system(snapshot, build(snapshot))
    assert "B" in system.published
    if not 0 < not_asked < 10:  # "asked" is shown, and checked against the truth
        assert {"A:route", "A:help"} <= system.published
    else:
        assert not {"A:route", "A:help"} & system.published
    assert system.exposed(10) == {}


def test_the_attacker_model_of_questions_is_not_vacuous():
    """Printing the true number asked beside N exposes the few not asked."""
    snapshot = respondents_snapshot(0, 60, (0.5,), not_asked=3)
    system = published_system(snapshot, build(snapshot))
    system.publish("A:help")
    assert system.exposed(10) == {"G:help:Not asked": 3}


def asked_of_some(multiple, asked, rows, n=60):
    """Return the sample snapshot with one question shown to `asked` of `n` respondents."""
    facts = FrequencyFacts(
        "q",
        "Which helped?",
        multiple,
        tuple(FrequencyRow(label, count, label.startswith("Not ")) for label, count in rows),
        asked,
    )
    snapshot = sample_snapshot(questions=(facts,))
    study = dataclasses.replace(snapshot.study, responses=n, months=(("2026-10", n),))
    return dataclasses.replace(snapshot, study=study)


def question_blocks(snapshot):
    return section(build(snapshot), "Which helped?").blocks


@pytest.mark.parametrize("label", ["Not asked", "Not shown"])
def test_few_not_asked_hide_the_number_asked_and_say_why(label):
    for multiple, rows in (
        (True, (("Food", 30), ("Housing", 40), (label, 3))),
        (False, (("Food", 30), ("Housing", 27), (label, 3))),
    ):
        blocks = question_blocks(asked_of_some(multiple, 57, rows))
        assert len(blocks) == 1 and isinstance(blocks[0], Note)
        assert "fewer than 10 of the completed responses were not asked" in blocks[0].parts[0]
        assert "57" not in blocks[0].parts[0]


def test_the_not_asked_row_is_never_printed_and_asked_is_the_true_number():
    for multiple, rows in (
        (True, (("Food", 30), ("Housing", 40), ("Not answered", 5), ("Not asked", 12))),
        (False, (("Food", 20), ("Housing", 28), ("Not answered", 0), ("Not asked", 12))),
    ):
        chart = next(
            b for b in question_blocks(asked_of_some(multiple, 48, rows)) if isinstance(b, Chart)
        )
        labels = [row[0] for row in chart.table.rows]
        assert "Not asked" not in labels and "Not asked" not in chart.labels
        assert chart.table.rows[-1] == ("Respondents asked", Shown(48), "")
    single = asked_of_some(False, 48, (("Food", 20), ("Housing", 28), ("Not asked", 12)))
    chart = question_blocks(single)[0]
    # Shares are of those asked: 20 of 48 is 42%, not 20 of 60.
    assert chart.table.rows[0] == ("Food", Shown(20), Percent(100 * 20 / 48))


def test_more_not_asked_than_asked_still_shows_the_answers():
    rows = (("Food", 12), ("Housing", 0), ("Not asked", 48))
    blocks = question_blocks(asked_of_some(True, 12, rows))
    chart = next(b for b in blocks if isinstance(b, Chart))
    assert [row[1] for row in chart.table.rows] == [Shown(12), Shown(0), Shown(12)]


def test_few_asked_say_so():
    rows = (("Food", 5), ("Housing", 2), ("Not asked", 53))
    for multiple in (True, False):
        note = question_blocks(asked_of_some(multiple, 7, rows))[0]
        assert (
            note.parts[0]
            == "No numbers are shown: fewer than 10 respondents were asked this question."
        )


def test_a_not_asked_row_that_does_not_fit_is_not_printed():
    # The row says 3 were not asked, but N - asked is 10: the counts do not fit.
    rows = (("Food", 30), ("Housing", 40), ("Not asked", 3))
    note = question_blocks(asked_of_some(True, 50, rows))[0]
    assert "do not add up" in note.parts[0]


def test_a_breakdown_by_a_question_few_were_not_asked_is_withheld():
    snapshot = respondents_snapshot(2, 70, (0.5,), not_asked=4)
    document = build(snapshot)
    by_route = section(document, "By Route", after="Theme 0")
    assert isinstance(by_route.blocks[0], Note)
    system = published_system(snapshot, document)
    assert system.exposed(10) == {}
