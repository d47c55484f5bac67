"""The sections of one theme: definition, prevalence, breakdowns, related themes, narrative, quotes.

Private helper of :mod:`analysis.findings.build`.
"""

from __future__ import annotations

import re

from analysis.findings import _protect
from analysis.findings._protect import Line, Withheld
from analysis.findings.document import (
    Block,
    Hidden,
    Note,
    Paragraph,
    Quote,
    Section,
    Shown,
    Table,
    paragraphs,
    plain,
)
from analysis.findings.snapshot import Breakdown, ThemeFacts

HIDDEN_NOTE = (
    "“hidden”: fewer than {k} respondents, or a count that would let a smaller one be "
    "worked out from the totals."
)
NO_RESPONDENTS = "No respondent's answers were coded with this theme."


class ThemeContext:
    """What every theme section needs: the threshold and each theme's protected line."""

    def __init__(self, themes: tuple[ThemeFacts, ...], k: int, small_study: bool) -> None:
        self.k = k
        self.small_study = small_study
        self.facts = {theme.id: theme for theme in themes}
        self.lines: dict[str, Line | None] = {}
        for theme in themes:
            try:
                self.lines[theme.id] = _protect.prevalence(theme.respondents, theme.base, k)
            except Withheld:
                self.lines[theme.id] = None
        self._both: dict[tuple[str, str], Shown | Hidden | None] = {}

    def both(self, first: str, second: str, count: int) -> Shown | Hidden | None:
        """Return the protected count with both themes, the same whichever theme asks."""
        key = tuple(sorted((first, second)))
        if key not in self._both:
            self._both[key] = self._protect_both(key, count)
        return self._both[key]

    def _protect_both(self, key: tuple[str, str], count: int) -> Shown | Hidden | None:
        a, b = (self.facts.get(id_) for id_ in key)
        lines = [self.lines.get(id_) for id_ in key]
        if a is None or b is None or None in lines or a.base != b.base:
            return None
        try:
            return _protect.both(
                count, lines[0], lines[1], (a.respondents, b.respondents, a.base), self.k
            )
        except Withheld:
            return None


def theme_sections(theme: ThemeFacts, context: ThemeContext) -> list[Section]:
    """Return the theme's section and its subsections."""
    blocks: list[Block] = [Paragraph((f"Definition: {plain(theme.definition) or 'not given'}",))]
    if plain(theme.path) and theme.path != theme.name:
        blocks.append(Paragraph((f"In the codebook: {plain(theme.path)}",)))
    if theme.kind == "category":
        blocks.append(
            Paragraph(("This theme is a category: it counts respondents with any code under it.",))
        )
    if theme.from_topics:
        blocks.append(
            Paragraph(
                (
                    "This theme was first drafted from a topic model, then reviewed, named and "
                    "defined by a person before it was used for coding.",
                )
            )
        )
    blocks += _prevalence(theme, context)
    blocks += [Paragraph((text,)) for text in paragraphs(theme.narrative)]
    sections = [Section(plain(theme.name), 2, tuple(blocks))]
    line = context.lines.get(theme.id)
    counted = not context.small_study and line is not None and isinstance(line.base, Shown)
    if counted and theme.respondents > 0:
        sections += [_breakdown(theme, b, line, context.k) for b in theme.breakdowns]
        if theme.related:
            sections.append(_related(theme, context))
    sections.append(_quotes(theme, context))
    return sections


def _prevalence(theme: ThemeFacts, context: ThemeContext) -> list[Block]:
    """Say how many respondents have the theme, or why no number is shown."""
    k, line = context.k, context.lines.get(theme.id)
    if context.small_study:
        return [Note((f"No numbers are shown: the study has fewer than {k} responses.",))]
    if line is None:
        return [Note(("No numbers are shown: this theme's counts do not add up.",))]
    if not isinstance(line.base, Shown):
        return [Note((f"No numbers are shown: fewer than {k} respondents completed the survey.",))]
    parts: tuple = ("Respondents with this theme: ", line.count, " of ", line.base)
    parts += (" respondents who completed the survey",)
    percent = _protect.share(line.count, line.base)
    if percent is not None:
        parts += (" (", percent, ")")
    blocks: list[Block] = [Paragraph((*parts, "."))]
    if theme.respondents == 0:
        blocks.append(Note((NO_RESPONDENTS,)))
    return blocks


def _breakdown(theme: ThemeFacts, facts: Breakdown, line: Line, k: int) -> Section:
    """Return the table of the theme by one closed question, or why it is not shown."""
    heading = f"By {plain(facts.question)}"
    try:
        missing = _protect.not_asked(facts.answers)
        cells, sizes = _protect.breakdown(facts.counts, facts.totals, line, k, missing)
    except Withheld:
        note = (
            f"This breakdown is not shown: it cannot be shown without revealing a group of "
            f"fewer than {k} respondents, or its numbers do not add up."
        )
        return Section(heading, 3, (Note((note,)),))
    rows = [
        (plain(answer), size, cell, _share_cell(cell, size))
        for answer, size, cell in zip(facts.answers, sizes, cells)
    ]
    rows.append(("Total", line.base, line.count, _share_cell(line.count, line.base)))
    table = Table(
        caption=f"{plain(theme.name)}: respondents by {plain(facts.question)}",
        headers=("Answer", "Respondents in group", "With the theme", "Share of group"),
        rows=tuple(rows),
        numeric=(False, True, True, True),
        note=HIDDEN_NOTE.format(k=k),
    )
    return Section(heading, 3, (table,))


def _share_cell(count: Shown | Hidden, base: Shown | Hidden):
    percent = _protect.share(count, base)
    return "hidden" if percent is None else percent


def _related(theme: ThemeFacts, context: ThemeContext) -> Section:
    """Return the other chosen themes these respondents also have, where it is safe to say."""
    rows, left_out = [], 0
    for related in theme.related:
        count = context.both(theme.id, related.theme_id, related.both)
        if isinstance(count, Shown):
            rows.append((plain(related.name), count))
        else:
            left_out += 1
    blocks: list[Block] = []
    if rows:
        blocks.append(
            Table(
                caption=f"Respondents with “{plain(theme.name)}” and another chosen theme",
                headers=("Theme", "Respondents with both"),
                rows=tuple(rows),
                numeric=(False, True),
            )
        )
    if left_out:
        blocks.append(
            Paragraph(
                (
                    f"Other themes shared with fewer than {context.k} of these respondents, or "
                    "whose numbers could reveal a small group, are not listed.",
                )
            )
        )
    return Section("Related themes", 3, tuple(blocks))


def _quotes(theme: ThemeFacts, context: ThemeContext) -> Section:
    """Return the chosen quotes, or a note saying why there are none."""
    heading = "In their own words"
    if context.small_study:
        note = (
            f"No quotes are shown: with fewer than {context.k} responses, words could identify "
            "the people who wrote them."
        )
        return Section(heading, 3, (Note((note,)),))
    if theme.respondents == 0:
        return Section(heading, 3, (Note((NO_RESPONDENTS,)),))
    if not theme.quotes:
        return Section(heading, 3, (Paragraph(("No quotes were chosen for this theme.",)),))
    blocks = tuple(
        Quote(plain(quote.text), _attribution(quote.question), _language(quote.language))
        for quote in theme.quotes
    )
    return Section(heading, 3, blocks)


def _language(tag: str) -> str:
    """Return a well-formed language tag, or "und" (undetermined)."""
    return tag if re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", tag or "") else "und"


def _attribution(question: str) -> str:
    question = plain(question)
    if not question or question == "Interview transcript":
        return "From an interview transcript"
    return f"Answer to “{question}”"
