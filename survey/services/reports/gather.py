"""Read a study's coded data into a findings snapshot: the raw facts a report is built from.

`gather` takes what the analyst chose (`choices.Choices`) and returns the
`analysis.findings.snapshot.Snapshot` with notes for the analyst: a theme
deleted since it was chosen is left out, and so is a theme that sits under
another chosen theme in the codebook (their difference would count a few
people: `themes`); a chosen quote whose respondent withdrew or asked not to
be quoted disappears; coded cases that are not a completed response count
toward no theme; and each note says so. Every count of people is among the
study's completed responses (`themes`): the themes' base, every breakdown
and every closed question's table. The same database, choices and day give
an equal snapshot: everything is read in report order or sorted by public
ids and names, never by row ids.

`check_known` is the strict check the builder runs when the analyst saves
their choices: an id that is not on the study raises a named error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings.snapshot import (
    MethodFacts,
    QuoteFacts,
    Settings,
    Snapshot,
    ThemeFacts,
)
from survey.models import Coder, CodingDocument, Segment, Study, User
from survey.services.analysis.codes_view import attribute_questions
from survey.services.analysis.describe_view import ClosedQuestion, closed_questions
from survey.services.coding import coders as coders_service
from survey.services.coding.redaction import renditions
from survey.services.reports import facts
from survey.services.reports.choices import Choices, check_choices
from survey.services.reports.errors import (
    ChoicesInvalid,
    ItemNotFound,
    SegmentNotFound,
    ThemeNotFound,
)
from survey.services.reports.passages import (
    passages,
    question_labels,
    quote_text,
    quotes_refused,
)
from survey.services.reports.themes import (
    Node,
    Tree,
    breakdown,
    counted,
    nested_refusal,
    related,
    respondents_with,
)

__all__ = ["Gathered", "check_known", "gather"]


@dataclass(frozen=True)
class Gathered:
    """A snapshot and what the analyst should know about it (also in `snapshot.notes`)."""

    snapshot: Snapshot
    notes: tuple[str, ...]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def check_known(session: Session, study: Study, viewer: User, choices: Choices) -> None:
    """Raise a named error unless every id chosen is on the study and every quote may be used."""
    check_choices(choices)
    tree = Tree.of(session, study)
    for guid in choices.theme_ids:
        if guid not in tree.by_guid:
            raise ThemeNotFound(guid)
    nodes = [tree.by_guid[guid] for guid in choices.theme_ids]
    for node in nodes:
        if _above(tree, node, nodes):
            raise ChoicesInvalid(nested_refusal(node.name))
    single = {q.item_id for q in attribute_questions(study)}
    closed = {q.item_id for q in closed_questions(study)}
    for item in choices.breakdown_item_ids:
        if item not in single:
            raise ItemNotFound(item)
    for item in choices.item_ids:
        if item not in closed:
            raise ItemNotFound(item)
    chosen = {theme: tuple(guids) for theme, guids in choices.quotes.items() if guids}
    refused = quotes_refused(session, study) if chosen else None
    if refused:
        raise ChoicesInvalid(refused)
    for theme, guids in chosen.items():
        codes = tree.covered(tree.by_guid[theme].id)
        usable = {
            p.guid for p in passages(session, study, viewer, codes, guids=guids) if p.quotable
        }
        for guid in guids:
            if guid not in usable:
                raise SegmentNotFound(guid)


def gather(
    session: Session, study: Study, viewer: User, choices: Choices, *, today: dt.date
) -> Gathered:
    """Return the snapshot of the report `choices` describe, as `viewer` may see the data today."""
    check_choices(choices)
    notes: list[str] = []
    tree = Tree.of(session, study)
    nodes = _themes(tree, choices, notes)
    breakdowns = _questions(attribute_questions(study), choices.breakdown_item_ids, notes, True)
    charted = _questions(closed_questions(study), choices.item_ids, notes, False)
    base, pairs, outside = counted(session, study, viewer)
    if outside:
        notes.append(
            f"{_plural(outside, 'coded case is', 'coded cases are')} not a completed response "
            "(interview notes or a transcript on a case of its own, or an unfinished response): "
            "the report counts completed responses only, so their coding counts toward no theme."
        )
    having = {node.guid: respondents_with(pairs, tree.covered(node.id)) for node in nodes}
    answers = {q.item_id: facts.closed_answers(session, study, q) for q in breakdowns}
    chosen = {node.guid: (node.name, having[node.guid]) for node in nodes}
    quoted = _quotes(session, study, viewer, tree, nodes, choices, notes)
    themes = tuple(
        ThemeFacts(
            id=node.guid,
            name=node.name,
            path=tree.path(node.id),
            kind="code" if node.codable else "category",
            definition=node.definition,
            respondents=len(having[node.guid]),
            base=len(base),
            narrative=choices.narratives.get(node.guid, ""),
            breakdowns=tuple(
                breakdown(answers[q.item_id], base, having[node.guid]) for q in breakdowns
            ),
            related=related(node.guid, chosen),
            quotes=quoted[node.guid],
            from_topics=tree.from_topics(node.id),
        )
        for node in nodes
    )
    for theme in themes:
        if not theme.respondents:
            notes.append(f"“{theme.name}” has no coded passages yet: it shows no respondents.")
    settings = Settings(
        title=choices.title.strip(),
        theme_ids=tuple(node.guid for node in nodes),
        item_ids=tuple(q.item_id for q in charted),
        breakdown_item_ids=tuple(q.item_id for q in breakdowns),
        introduction=choices.introduction,
    )
    snapshot = Snapshot(
        taken_on=today.isoformat(),
        settings=settings,
        study=facts.study_facts(session, study),
        themes=themes,
        questions=tuple(facts.frequency_facts(session, study, q) for q in charted),
        methods=_methods(session, study, viewer, tree),
        support=facts.support_facts(study),
        versions=facts.versions(),
        notes=tuple(notes),
    )
    return Gathered(snapshot, tuple(notes))


def _themes(tree: Tree, choices: Choices, notes: list[str]) -> list[Node]:
    """Return the chosen themes still in the codebook and nested in no other chosen one.

    In report order; a note says what was left out and why.
    """
    found = [tree.by_guid[guid] for guid in choices.theme_ids if guid in tree.by_guid]
    gone = len(choices.theme_ids) - len(found)
    if gone:
        notes.append(
            f"{_plural(gone, 'theme you chose is', 'themes you chose are')} no longer in the "
            "codebook (deleted or merged since): left out of the report."
        )
    kept = [node for node in found if not _above(tree, node, found)]
    for node in found:
        if node not in kept:
            top = _above(tree, node, found)
            notes.append(
                f"“{node.name}” sits under “{top.name}” in the codebook, and both are themes"
                " of this report: a report shows a category or the codes under it, not both,"
                " since the difference between them would count a few people. The report"
                f" leaves “{node.name}” out: remove one of the two."
            )
    return kept


def _above(tree: Tree, node: Node, chosen: list[Node]) -> Node | None:
    """Return the first chosen theme `node` sits under in the codebook, or None."""
    return next(
        (other for other in chosen if other.id != node.id and node.id in tree.covered(other.id)),
        None,
    )


def _questions(
    known: list[ClosedQuestion], wanted: tuple[str, ...], notes: list[str], split: bool
) -> list[ClosedQuestion]:
    """Return the chosen questions the study still has, in order; note the others."""
    by_id = {q.item_id: q for q in known}
    found = [by_id[item] for item in wanted if item in by_id]
    gone = len(wanted) - len(found)
    if gone:
        what = "questions to break themes down by" if split else "closed questions"
        how = " as a question with one answer" if split else ""
        notes.append(
            f"{gone} of the {what} you chose {'is' if gone == 1 else 'are'} not in the "
            f"published instrument{how}: left out."
        )
    return found


def _quotes(
    session: Session,
    study: Study,
    viewer: User,
    tree: Tree,
    nodes: list[Node],
    choices: Choices,
    notes: list[str],
) -> dict[str, tuple[QuoteFacts, ...]]:
    """Return the chosen quotes that may still be used, per theme, in the analyst's order."""
    found: dict[str, tuple[QuoteFacts, ...]] = {node.guid: () for node in nodes}
    wanted = {node.guid: tuple(choices.quotes.get(node.guid, ())) for node in nodes}
    if not any(wanted.values()):
        return found
    refused = quotes_refused(session, study)
    if refused:
        notes.append(f"{refused} The quotes you chose are left out.")
        return found
    labels = question_labels(study)
    for node in nodes:
        if not wanted[node.guid]:
            continue
        codes = tree.covered(node.id)
        rows = {p.guid: p for p in passages(session, study, viewer, codes, guids=wanted[node.guid])}
        usable = [rows[g] for g in wanted[node.guid] if g in rows and rows[g].quotable]
        declined = sum(1 for g in wanted[node.guid] if g in rows and not rows[g].quotable)
        missing = sum(1 for g in wanted[node.guid] if g not in rows)
        if declined:
            notes.append(
                f"“{node.name}”: {_plural(declined, 'quote', 'quotes')} you chose "
                f"{'was' if declined == 1 else 'were'} removed: the respondent asked "
                "not to be quoted."
            )
        if missing:
            notes.append(
                f"“{node.name}”: {_plural(missing, 'quote', 'quotes')} you chose "
                f"{'is' if missing == 1 else 'are'} no longer there: the respondent withdrew, "
                "or the coding was changed."
            )
        documents = session.scalars(
            select(CodingDocument).where(CodingDocument.id.in_({p.document_id for p in usable}))
        ).all()
        views = renditions(session, documents)
        found[node.guid] = tuple(
            QuoteFacts(p.guid, quote_text(views[p.document_id], p), p.question(labels), p.language)
            for p in usable
        )
    return found


def _methods(session: Session, study: Study, viewer: User, tree: Tree) -> MethodFacts:
    """Return the facts of the methods appendix."""
    instrument_errors, instrument_warnings = facts.lint_counts(study)
    settings = coders_service.settings_for(session, study)
    coders = coders_service.coders_of(session, study)
    agreement, problem, unit = facts.agreement_facts(session, study, viewer)
    drafted = [
        (node.definition, tree.path(node.id))
        for node in tree.by_id.values()
        if tree.from_topics(node.id)
    ]
    coded = _coded_documents(session, study, viewer)
    labels = question_labels(study)
    items = {item for item, kind in coded.values() if kind == "answer" and item}
    return MethodFacts(
        instrument_errors=instrument_errors,
        instrument_warnings=instrument_warnings,
        instrument_languages=tuple(facts.instrument_languages(study)),
        coders=sum(c.kind in ("person", "imported") for c in coders),
        consensus=_consensus_counts(session, study, viewer),
        blind=bool(settings.blind),
        unit=unit,
        agreement=agreement,
        agreement_problem=problem,
        topic_fits=facts.topic_fit_facts(session, study, drafted),
        documents=len(coded),
        redaction=facts.redaction_sentence(session, study),
        free_text_questions=tuple(label for key, label in labels.items() if key in items),
    )


def _visible(session: Session, study: Study, viewer: User):
    visible = coders_service.visible_coder_ids(session, study, viewer)
    return () if visible is None else (Segment.coder_id.in_(visible or {-1}),)


def _coded_documents(session: Session, study: Study, viewer: User) -> dict[int, tuple]:
    """Return {document id: (question, kind)} of the documents with a coding the viewer sees."""
    rows = session.execute(
        select(CodingDocument.id, CodingDocument.item_id, CodingDocument.kind)
        .join(Segment, Segment.document_id == CodingDocument.id)
        .where(CodingDocument.study_id == study.id, *_visible(session, study, viewer))
        .distinct()
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _consensus_counts(session: Session, study: Study, viewer: User) -> bool:
    """Say whether a consensus coding the viewer may see exists (it then counts where it coded)."""
    found = session.scalar(
        select(Segment.id)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(
            Coder.study_id == study.id, Coder.kind == "consensus", *_visible(session, study, viewer)
        )
        .limit(1)
    )
    return found is not None
