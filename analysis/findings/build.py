"""Turn a snapshot into a findings document, with disclosure control applied to every count.

`build` is a pure function: the same snapshot gives the same document, with no
clock read anywhere. Every count passes through :mod:`analysis.disclosure`
(k is the study's threshold): a lone count under k says "fewer than k", a count
in a table that is hidden says "hidden", and counts that would let a hidden one
be worked out from totals are hidden too. A study with fewer than k completed
responses shows no counts, shares, charts or quotes at all, and says why.
"""

from __future__ import annotations

from analysis.findings import _protect
from analysis.findings._methods import method_sections, support_section
from analysis.findings._protect import Withheld
from analysis.findings._themes import HIDDEN_NOTE, ThemeContext, theme_sections
from analysis.findings.document import (
    Block,
    Chart,
    Document,
    Footer,
    Hidden,
    Note,
    Paragraph,
    Section,
    Shown,
    Table,
    TitleBlock,
    paragraphs,
    plain,
)
from analysis.findings.snapshot import FrequencyFacts, Snapshot, StudyFacts, fingerprint

__all__ = ["build"]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def build(snapshot: Snapshot) -> Document:
    """Return the document a reader sees, built from `snapshot` alone.

    Parameters
    ----------
    snapshot : analysis.findings.snapshot.Snapshot
        Raw facts; counts in it are true counts.

    Returns
    -------
    Document
        Counts protected with the study's threshold; the footer records the
        snapshot's date and fingerprint.
    """
    study, k = snapshot.study, snapshot.study.threshold
    small = study.responses < k
    sections = [_summary(study)]
    introduction = paragraphs(snapshot.settings.introduction)
    if introduction:
        sections.append(
            Section("Introduction", 2, tuple(Paragraph((text,)) for text in introduction))
        )
    context = ThemeContext(snapshot.themes, k, small)
    for theme in snapshot.themes:
        sections += theme_sections(theme, context)
    if snapshot.questions:
        sections.append(
            Section(
                "Answers to closed questions",
                2,
                (Paragraph(("How completed responses answered questions with set answers.",)),),
            )
        )
        sections += [_question(question, study, small) for question in snapshot.questions]
    sections += method_sections(snapshot)
    sections.append(support_section(snapshot))
    title = TitleBlock(
        title=plain(snapshot.settings.title) or "Findings",
        subtitle=f"Findings from the study “{plain(study.title)}”",
        lines=(("Data as of ", _day(snapshot.taken_on), "."),),
    )
    footer = Footer(
        taken_on=plain(snapshot.taken_on),
        fingerprint=fingerprint(snapshot),
        schema=snapshot.schema,
        versions=tuple((plain(name), plain(version)) for name, version in snapshot.versions),
    )
    return Document(title, tuple(sections), footer)


def _day(iso: str) -> str:
    """Return an ISO date as "27 November 2026" (as given if it is not one)."""
    parts = plain(iso).split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return plain(iso)


def _month(iso: str) -> str:
    """Return "2026-09" as "September 2026" (as given if it is not a month)."""
    parts = plain(iso).split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return plain(iso)


def _summary(study: StudyFacts) -> Section:
    """Return the study summary: instrument, fieldwork, completed responses."""
    k = study.threshold
    languages = ", ".join(plain(tag) for tag in study.languages) or "not recorded"
    blocks: list[Block] = []
    if study.synthetic:
        blocks.append(
            Note(("These data are synthetic: made up for a demonstration, not real people.",))
        )
    blocks.append(
        Paragraph(
            (
                f"Questionnaire: “{plain(study.instrument_title)}”, version "
                f"{plain(study.instrument_version)}, in these languages: {languages}.",
            )
        )
    )
    if study.months:
        first, last = _month(study.months[0][0]), _month(study.months[-1][0])
        span = first if first == last else f"{first} to {last}"
        blocks.append(Paragraph((f"Fieldwork: {span}.",)))
    if study.responses < k:
        blocks.append(
            Paragraph(("Completed responses: ", _protect.single(study.responses, k), "."))
        )
        blocks.append(
            Note(
                (
                    f"This study has fewer than {k} completed responses, the smallest number this "
                    "report may show. To protect the people who took part, the report shows no "
                    "counts, shares, charts or quotes: only the themes, their definitions and the "
                    "analyst's narrative.",
                )
            )
        )
        return Section("About this study", 2, tuple(blocks))
    blocks += _fieldwork(study)
    return Section("About this study", 2, tuple(blocks))


def _fieldwork(study: StudyFacts) -> list[Block]:
    """Return the number of completed responses and the table of them by month."""
    k = study.threshold
    counts = [count for _, count in study.months]
    if not counts or sum(counts) != study.responses or min(counts) < 0:
        return [Paragraph(("Completed responses: ", _protect.single(study.responses, k), "."))]
    cells, total = _protect.frequency(counts, k)
    rows = [(_month(month), cell) for (month, _), cell in zip(study.months, cells)]
    table = Table(
        caption="Completed responses by month",
        headers=("Month", "Completed responses"),
        rows=(*rows, ("Total", total)),
        numeric=(False, True),
        note=HIDDEN_NOTE.format(k=k),
    )
    return [Paragraph(("Completed responses: ", total, ".")), table]


def _question(question: FrequencyFacts, study: StudyFacts, small: bool) -> Section:
    """Return a closed question's chart of shares and its frequency table, or why not.

    The completed responses (N) are published in the study summary, so the
    respondents asked and those not asked are one line with total N: "asked"
    is shown only when neither is 1 to k-1, and the not-asked row is never
    printed in the table (N minus "asked" gives it).
    """
    k = study.threshold
    heading = plain(question.question) or plain(question.item_id)
    if small:
        note = f"No numbers are shown: the study has fewer than {k} responses."
        return Section(heading, 3, (Note((note,)),))
    try:
        kept, rows, asked = (_multiple if question.multiple else _single)(question, study)
    except _Unfit:
        note = "No numbers are shown: the answers recorded do not add up to the responses."
        return Section(heading, 3, (Note((note,)),))
    except Withheld:
        note = "No numbers are shown: they cannot be shown without revealing a small group."
        return Section(heading, 3, (Note((note,)),))
    if not isinstance(asked, Shown):
        not_asked = study.responses - question.base
        if 0 < question.base < k or not 0 < not_asked < k:
            note = f"No numbers are shown: fewer than {k} respondents were asked this question."
        else:
            note = (
                f"No numbers are shown: fewer than {k} of the completed responses were not "
                "asked this question, and the number asked would count them."
            )
        return Section(heading, 3, (Note((note,)),))
    if asked.count == 0:
        note = "No numbers are shown: no respondent was asked this question."
        return Section(heading, 3, (Note((note,)),))
    labels = tuple(plain(row.label) for row in kept)
    percents = [_protect.share(count, asked) for count in rows]
    kind = "choices" if question.multiple else "respondents"
    table = Table(
        caption=f"{heading}: answers given",
        headers=("Answer", "Choices" if question.multiple else "Respondents", "Share"),
        rows=(
            *((label, count, p or "hidden") for label, count, p in zip(labels, rows, percents)),
            ("Respondents asked", asked, ""),
        ),
        numeric=(False, True, True),
        note=HIDDEN_NOTE.format(k=k),
    )
    shown = "; ".join(
        f"{label} {'hidden' if p is None else f'{p.value:.0f}%'}"
        for label, p in zip(labels, percents)
    )
    alt = (
        f"Bar chart of the share of respondents giving each answer to “{heading}”: {shown}. "
        "The table beside it gives the counts."
    )
    chart = Chart(
        title=f"{heading}: share of respondents",
        labels=labels,
        # Whole percents, as the table and the alt text print them: one figure everywhere.
        values=tuple(None if p is None else float(round(p.value)) for p in percents),
        unit="%",
        alt=alt,
        table=table,
    )
    blocks: list[Block] = [chart]
    if question.multiple:
        blocks.insert(
            0,
            Paragraph(
                (
                    f"Respondents could choose more than one answer: counts are {kind}, and the "
                    "shares add up to more than 100%.",
                )
            ),
        )
    return Section(heading, 3, tuple(blocks))


class _Unfit(Withheld):
    """A question's counts do not fit the completed responses (the report says so)."""


def _split(question: FrequencyFacts, study: StudyFacts) -> int | None:
    """Return the not-asked row's position, checking it holds N minus the respondents asked.

    The row is found by its label alone, as a breakdown by the same question
    finds its group, so the two tables protect the same counts.
    """
    counts = [row.count for row in question.rows]
    if not counts or min(counts) < 0 or not 0 <= question.base <= study.responses:
        raise _Unfit("no answers, a negative count or more asked than completed")
    missing = _protect.not_asked([row.label for row in question.rows])
    if (counts[missing] if missing is not None else 0) != study.responses - question.base:
        raise _Unfit("the not-asked row is not the completed responses minus those asked")
    return missing


def _single(question: FrequencyFacts, study: StudyFacts):
    """Protect a single-choice question within every completed response; return the rows shown."""
    missing = _split(question, study)
    counts = [row.count for row in question.rows]
    if sum(counts) != study.responses:
        raise _Unfit("the answers do not add up to the completed responses")
    published = _protect.answers(counts, missing, study.threshold)
    kept = [i for i in range(len(counts)) if i != missing]
    return [question.rows[i] for i in kept], [published.cells[i] for i in kept], published.asked


def _multiple(question: FrequencyFacts, study: StudyFacts):
    """Protect each answer of a multiple-choice question as a count within those asked."""
    k = study.threshold
    missing = _split(question, study)
    kept = [row for i, row in enumerate(question.rows) if i != missing]
    asked = _protect.prevalence(question.base, study.responses, k).count
    if not isinstance(asked, Shown):
        return kept, [], asked
    if any(row.count > question.base for row in kept):
        raise _Unfit("an answer was chosen by more respondents than were asked")
    counts = [_protect.prevalence(row.count, question.base, k).count for row in kept]
    return kept, [c if isinstance(c, Shown) else Hidden(k) for c in counts], asked
