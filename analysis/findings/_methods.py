"""The methods appendix and the support section, worded from the snapshot's facts.

Private helper of :mod:`analysis.findings.build`.
"""

from __future__ import annotations

from analysis.findings import _protect
from analysis.findings.document import Block, Items, Note, Paragraph, Section, Table, plain
from analysis.findings.snapshot import AgreementFacts, MethodFacts, Snapshot, TopicFitFacts

RELIABLE = 0.800  # Krippendorff: rely on codes at or above (docs/agreement.md)
TENTATIVE = 0.667  # tentative conclusions only, from here to RELIABLE


def method_sections(snapshot: Snapshot) -> list[Section]:
    """Return the methods appendix: instrument, coding, agreement, topics, disclosure, limits."""
    facts, k = snapshot.methods, snapshot.study.threshold
    return [
        Section(
            "Methods",
            2,
            (Paragraph(("How the evidence in this report was gathered, coded and protected.",)),),
        ),
        Section("The questionnaire", 3, _instrument(snapshot)),
        Section("How the answers were coded", 3, _coding(facts, k)),
        Section("Agreement between coders", 3, _agreement(facts, k)),
        Section("Topic models", 3, _topics(facts.topic_fits)),
        Section("Disclosure control", 3, _disclosure(facts, k)),
        Section("Limitations", 3, _limitations(snapshot)),
    ]


def _instrument(snapshot: Snapshot) -> tuple[Block, ...]:
    study, facts = snapshot.study, snapshot.methods
    errors = (
        "no errors (a questionnaire with errors cannot be published)"
        if facts.instrument_errors == 0
        else f"{facts.instrument_errors} errors"
    )
    languages = ", ".join(plain(tag) for tag in facts.instrument_languages) or "not recorded"
    return (
        Paragraph(
            (
                f"Respondents answered “{plain(study.instrument_title)}”, version "
                f"{plain(study.instrument_version)} (content hash {plain(study.instrument_hash)}). "
                "Heard's questionnaire checks (plain language, no questions asking for "
                "identifying details, a way to skip every question, support information) "
                f"found {errors} and {_plural(facts.instrument_warnings, 'warning')} in the "
                "published "
                f"version. It was offered in these languages: {languages}.",
            )
        ),
    )


def _plural(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def _coding(facts: MethodFacts, k: int) -> tuple[Block, ...]:
    questions = "; ".join(f"“{plain(q)}”" for q in facts.free_text_questions) or "none recorded"
    coders = _plural(facts.coders, "coder")
    blind = (
        "Coders worked blind: none saw another's coding while coding."
        if facts.blind
        else "Coders could see each other's coding."
    )
    counting = (
        "Where coders agreed a consensus coding, only the consensus counts; elsewhere a "
        "respondent counts once when any coder applied the theme."
        if facts.consensus
        else "A respondent counts once when any coder applied the theme to any of their answers."
    )
    base = (
        "A theme's share is of every respondent who completed the survey, the same people as "
        "every other table in this report: a respondent whose answers were not coded, or who "
        "wrote nothing to code, counts as not having the theme."
    )
    return (
        Paragraph(("Free-text answers to these questions were coded: ", questions, ".")),
        Paragraph(
            (
                "Texts coded (answers and transcripts): ",
                _protect.single(facts.documents, k),
                f". Coding was done by {coders}, with a shared codebook whose definitions "
                "appear in each theme's section. ",
                blind,
                " ",
                counting,
                " ",
                base,
            )
        ),
    )


def _reading(alpha: float | None) -> str:
    if alpha is None:
        return "not computable"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "below the tentative level"


def _figure(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _agreement(facts: MethodFacts, k: int) -> tuple[Block, ...]:
    unit = plain(facts.unit) or "answer"
    blocks: list[Block] = [
        Paragraph(
            (
                f"Agreement between coders was measured per code, with each {unit} as the unit "
                f"(units are {unit}s compared, not respondents). Krippendorff's alpha is read by "
                f"his conventions: codes at or above {RELIABLE:.3f} are reliable; from "
                f"{TENTATIVE:.3f} to below {RELIABLE:.3f} they support tentative conclusions "
                f"only; below {TENTATIVE:.3f} a code should be revised before it is relied on.",
            )
        )
    ]
    if facts.agreement_problem:
        blocks.append(Note((f"No agreement figures: {plain(facts.agreement_problem)}",)))
    if not facts.agreement:
        if not facts.agreement_problem:
            blocks.append(Paragraph(("No agreement figures were computed.",)))
        return tuple(blocks)
    blocks.append(_agreement_table(facts.agreement, unit, k))
    below = [a for a in facts.agreement if a.alpha is None or a.alpha < RELIABLE]
    if below:
        names = "; ".join(f"{plain(a.path)} ({_figure(a.alpha)})" for a in below)
        blocks.append(Paragraph((f"Codes below {RELIABLE:.3f}: {names}.",)))
    else:
        blocks.append(Paragraph((f"Every code reached {RELIABLE:.3f}.",)))
    return tuple(blocks)


def _agreement_table(rows: tuple[AgreementFacts, ...], unit: str, k: int) -> Table:
    return Table(
        caption=f"Agreement between coders per code (unit: {unit})",
        headers=(
            "Code",
            "Krippendorff's alpha",
            "Cohen's kappa",
            "Percent agreement",
            f"{unit.capitalize()}s compared",
            "Reading",
        ),
        rows=tuple(
            (
                plain(a.path),
                _figure(a.alpha),
                _figure(a.kappa),
                "–" if a.percent is None else f"{a.percent:.1f}%",
                _protect.single(a.units, k),
                _reading(a.alpha),
            )
            for a in rows
        ),
        numeric=(False, True, True, True, True, False),
    )


def _topics(fits: tuple[TopicFitFacts, ...]) -> tuple[Block, ...]:
    if not fits:
        return (Paragraph(("No topic model was used.",)),)
    items = []
    for fit in fits:
        seed = "" if fit.seed is None else f", seed {fit.seed}"
        coherence = "" if fit.coherence is None else f", mean coherence {fit.coherence:.3f}"
        drafted = (
            " Codes first drafted from it: " + "; ".join(plain(c) for c in fit.drafted_codes) + "."
            if fit.drafted_codes
            else " No code was drafted from it."
        )
        suggested = (
            " It suggested these topics (top words): "
            + "; ".join(f"{i}. {plain(terms)}" for i, terms in enumerate(fit.suggested, 1))
            + "."
            if fit.suggested
            else ""
        )
        unnamed = fit.topics - len(fit.suggested)
        if unnamed > 0:
            suggested += (
                f" {unnamed} of its topics name no word that enough respondents used to be shown."
            )
        items.append(
            (
                f"{plain(fit.method).upper()} with {fit.topics} topics on the answers to "
                f"“{plain(fit.question)}”{seed}{coherence}.{suggested}{drafted}",
            )
        )
    return (
        Paragraph(
            (
                "Topic models were fitted to suggest patterns, not to count them. Every code "
                "drafted from a topic was reviewed, named and defined by a person before coding, "
                "and every count in this report comes from people's coding, not from a model.",
            )
        ),
        Items(tuple(items)),
    )


def _disclosure(facts: MethodFacts, k: int) -> tuple[Block, ...]:
    return (
        Items(
            (
                (
                    f"Counts of fewer than {k} respondents are not shown: a single count says "
                    f"“fewer than {k}” (primary suppression).",
                ),
                (
                    "Other counts that would let a hidden one be worked out from totals or from "
                    "another table are hidden too, and say “hidden” (secondary suppression).",
                ),
                ("A share is shown only when both of its counts are shown.",),
                (
                    "Quotes come only from respondents who agreed to be quoted. They are redacted: "
                    f"{plain(facts.redaction)} Placeholders such as [NAME-1] stand for removed "
                    "details.",
                ),
            )
        ),
    )


def _limitations(snapshot: Snapshot) -> tuple[Block, ...]:
    items = [
        (
            "The respondents chose to take part: they are not a random sample, and the numbers "
            "describe them, not everyone with the same experience.",
        ),
        (
            "Counts of themes are counts of respondents whose answers were coded with the theme, "
            "out of everyone who completed the survey; someone who did not mention something, or "
            "whose answers were not coded, may still have experienced it.",
        ),
        (
            "Automatic redaction is a starting point: it finds many names, places and numbers, "
            "not all, which is why people reviewed the quotes.",
        ),
        ("A hidden count may still be narrowed to a range from the numbers shown.",),
    ]
    if snapshot.study.synthetic:
        items.insert(0, ("The data are synthetic: made up for a demonstration, not real people.",))
    return (Items(tuple(items)),)


def support_section(snapshot: Snapshot) -> Section:
    """Return where readers affected by the report can get help."""
    items = []
    for service in snapshot.support:
        details = [plain(x) for x in (service.phone, service.url, service.description) if x]
        items.append((plain(service.name) + (": " + ", ".join(details) if details else ""),))
    blocks: list[Block] = [
        Paragraph(
            (
                "This report describes exploitation and abuse. If reading it has affected you, "
                "or you know someone who needs help, these services can help:",
            )
        )
    ]
    if items:
        blocks.append(Items(tuple(items)))
    else:
        blocks.append(Paragraph(("No support services were recorded for this study.",)))
    return Section("Support", 2, tuple(blocks))
