"""Read a built document the way an attacker would: every published count, tied to the truth.

`published_system` walks the document's study summary (completed responses),
themes (prevalence, breakdowns, related themes) and closed questions (each
answer and the respondents asked) and builds an oracle.System with the true
counts of the snapshot, the equations that hold between them, and the ones
the document shows. It also asserts that every shown count is the true one.

A question's answers among every completed response are the same unknowns as
the groups of a breakdown by it (G:item:answer), and the respondents asked
(A:item) plus those not asked (the "Not asked" row, or NA:item) are every
completed response (B): the attacker knows N and links the tables.
"""

from __future__ import annotations

from analysis.findings.document import Chart, Document, Hidden, Paragraph, Shown, Table
from analysis.findings.snapshot import FrequencyFacts, Snapshot, ThemeFacts
from tests.analysis.findings.oracle import System

NOT_ASKED = ("Not asked", "Not shown")


def _theme_unknowns(system: System, theme: ThemeFacts) -> tuple[str, str]:
    r = system.unknown(f"R:{theme.id}", theme.respondents)
    rest = system.unknown(f"Rc:{theme.id}", theme.base - theme.respondents)
    system.adds_up([r, rest], "B")
    for b in theme.breakdowns:
        with_, without, groups = [], [], []
        for i, answer in enumerate(b.answers):
            group = system.unknown(f"G:{b.item_id}:{answer}", b.totals[i])
            w = system.unknown(f"W:{theme.id}:{b.item_id}:{answer}", b.counts[i])
            o = system.unknown(f"O:{theme.id}:{b.item_id}:{answer}", b.totals[i] - b.counts[i])
            system.adds_up([w, o], group)
            with_.append(w), without.append(o), groups.append(group)
        system.adds_up(with_, r)
        system.adds_up(without, rest)
        system.adds_up(groups, "B")
    return r, rest


def _pair_unknowns(system: System, first: ThemeFacts, second: ThemeFacts, both: int) -> str:
    a, b = sorted((first, second), key=lambda theme: theme.id)
    key = f"{a.id}&{b.id}"
    n = a.base
    cells = {
        "11": both,
        "10": a.respondents - both,
        "01": b.respondents - both,
        "00": n - a.respondents - b.respondents + both,
    }
    names = {cell: system.unknown(f"P:{key}:{cell}", value) for cell, value in cells.items()}
    system.adds_up([names["11"], names["10"]], f"R:{a.id}")
    system.adds_up([names["01"], names["00"]], f"Rc:{a.id}")
    system.adds_up([names["11"], names["01"]], f"R:{b.id}")
    system.adds_up([names["10"], names["00"]], f"Rc:{b.id}")
    return names["11"]


def _question_unknowns(system: System, question: FrequencyFacts, n: int) -> None:
    asked = system.unknown(f"A:{question.item_id}", question.base)
    missing = [row for row in question.rows if row.label in NOT_ASKED]
    if missing:
        not_asked = system.unknown(f"G:{question.item_id}:{missing[0].label}", missing[0].count)
    else:
        not_asked = system.unknown(f"NA:{question.item_id}", n - question.base)
    system.adds_up([asked, not_asked], "B")
    rows = [row for row in question.rows if row.label not in NOT_ASKED]
    if not question.multiple:
        cells = [system.unknown(f"G:{question.item_id}:{row.label}", row.count) for row in rows]
        system.adds_up(cells, asked)
        return
    for row in rows:
        chose = system.unknown(f"C:{question.item_id}:{row.label}", row.count)
        rest = system.unknown(f"Cc:{question.item_id}:{row.label}", question.base - row.count)
        system.adds_up([chose, rest], asked)


def _read_question(system: System, question: FrequencyFacts, table: Table) -> None:
    prefix = "C" if question.multiple else "G"
    *answers, (label, asked, _) = table.rows
    assert label == "Respondents asked"
    _show(system, f"A:{question.item_id}", asked)
    for answer, count, share in answers:
        assert answer not in NOT_ASKED, "a question's table prints the respondents not asked"
        _show(system, f"{prefix}:{question.item_id}:{answer}", count)
        if isinstance(count, Hidden):
            assert share == "hidden", "a hidden count's share is shown"


def _show(system: System, name: str, value: object) -> None:
    if isinstance(value, Shown):
        assert value.count == system.truth[name], f"{name} shown as {value.count}"
        system.publish(name)


def published_system(snapshot: Snapshot, document: Document) -> System:
    """Return the attacker's system of every theme count the document shows."""
    system = System()
    system.unknown("B", snapshot.study.responses)
    by_name = {theme.name: theme for theme in snapshot.themes}
    by_id = {theme.id: theme for theme in snapshot.themes}
    by_question = {question.question: question for question in snapshot.questions}
    for theme in snapshot.themes:
        _theme_unknowns(system, theme)
    for theme in snapshot.themes:
        for related in theme.related:
            _pair_unknowns(system, theme, by_id[related.theme_id], related.both)
    for question in snapshot.questions:
        _question_unknowns(system, question, snapshot.study.responses)
    theme = None
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph) and block.parts[0] == "Completed responses: ":
                _show(system, "B", block.parts[1])
        if section.level == 2:
            theme = by_name.get(section.heading)
        if section.level == 3 and section.heading in by_question:
            for block in section.blocks:
                if isinstance(block, Chart):
                    _read_question(system, by_question[section.heading], block.table)
            continue
        if theme is None:
            continue
        for block in section.blocks:
            if isinstance(block, Paragraph) and block.parts[0] == "Respondents with this theme: ":
                _show(system, f"R:{theme.id}", block.parts[1])
                _show(system, "B", block.parts[3])
            if not isinstance(block, Table):
                continue
            if section.heading.startswith("By "):
                item = next(b for b in theme.breakdowns if section.heading == f"By {b.question}")
                for row in block.rows[:-1]:
                    _show(system, f"G:{item.item_id}:{row[0]}", row[1])
                    _show(system, f"W:{theme.id}:{item.item_id}:{row[0]}", row[2])
                _show(system, "B", block.rows[-1][1])
                _show(system, f"R:{theme.id}", block.rows[-1][2])
            if section.heading == "Related themes":
                for name, count in block.rows:
                    other = by_name[name]
                    pair = sorted((theme.id, other.id))
                    _show(system, f"P:{pair[0]}&{pair[1]}:11", count)
    return system
