"""The synthetic coding demo: a clearly labelled study of made-up answers, ready to code.

`create_demo` makes a separate study (slug `coding-demo`, its title starting
"SYNTHETIC DEMO –", closed to respondents) on the bundled police-response
instrument, with about sixty completed responses whose free-text answers are
made-up sentences assembled from templates (`demo_data`), never real people.
It adds a starter codebook (categories and codes with definitions, when to
use them and not, examples) and the codings of two imported coders, "Demo
coder A" and "Demo coder B", who agree on most codings but not all, so the
agreement and compare pages have something to show.

It is deterministic (a fixed random seed: the same texts, closed answers and
codings every time) and idempotent (a second run finds the study and does
nothing). Everything is made in one write transaction: the cases and
documents with `documents.add_case`, as `sync_documents` would, so a failure
half-way leaves nothing behind.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.segments import merge_spans
from coding.text import normalise
from instruments.schema import Instrument
from survey.extensions import write_transaction
from survey.models import (
    Answer,
    Code,
    Coder,
    CodingDocument,
    Memo,
    Response,
    Segment,
    Study,
    Submission,
)
from survey.models.studies import today
from survey.services.answers import free_text_ids
from survey.services.coding import demo_data
from survey.services.coding.documents import add_case
from survey.services.responses import stored_value
from survey.services.studies import create_study, instrument_of

SLUG = "coding-demo"
TITLE_PREFIX = "SYNTHETIC DEMO –"
TITLE = f"{TITLE_PREFIX} police response (made-up answers, never real people)"
NOTE = (
    "The answers in this study are synthetic: made-up answers generated for the demo, "
    "never real people."
)
SEED = 20_190_526  # fixed: the demo is the same every time
RESPONSES = 60
CODER_NAMES = ("Demo coder A", "Demo coder B")  # imported coders: no staff accounts

Span = tuple[int, int, tuple[str, ...]]


@dataclass(frozen=True)
class DemoDataset:
    """What `create_demo` found or made."""

    study: Study
    created: bool
    responses: int
    documents: int
    segments: int


def is_synthetic(study: Study) -> bool:
    """Return True for the synthetic demo study (made-up answers)."""
    return study.slug == SLUG or study.title.startswith(TITLE_PREFIX)


def _closed_answers(rng: random.Random) -> dict[str, object]:
    contact = rng.random() < 0.9
    arrested = rng.choice(("yes", "no", "no"))
    answers: dict[str, object] = {
        "police_contact": "yes" if contact else "no",
        "seen_as": rng.choice(("victim", "offender", "both", "neither", "victim")),
        "arrested": arrested,
        "believed": rng.choice(("yes", "partly", "no", "no")),
        "interpreter_given": rng.choice(("not_needed", "every_time", "no", "someone_i_knew")),
        "told_support": rng.choice(("yes", "no")),
        "referred": rng.choice(("yes_police", "yes_other", "no_did_not_want", "no_not_offered")),
        "felt_safe_first": rng.randint(1, 5),
        "age_band": rng.choice(("18_24", "25_34", "35_44", "45_54")),
        "gender": rng.choice(("woman", "man", "woman", "non_binary")),
        "uk_national": rng.choice(("no", "no", "no", "yes")),
    }
    if contact:
        answers["contact_how"] = rng.choice(("asked_for_help", "police_came", "someone_reported"))
        answers["region"] = rng.choice(("london", "north_west", "west_midlands", "south_east"))
    if arrested == "yes":
        answers["arrest_reason"] = [rng.choice(("immigration", "false_papers", "drugs", "theft"))]
    return answers


def _fill(rng: random.Random, template: str) -> str:
    return normalise(
        template.format(officer=rng.choice(demo_data.OFFICERS), crime=rng.choice(demo_data.CRIMES))
    )


def _answer(rng: random.Random, templates, count: int, extra=None) -> tuple[str, list[Span]]:
    """Return an answer assembled from `count` templates, and each sentence's span and codes."""
    chosen = rng.sample(templates, count)
    if extra is not None:
        chosen.append(extra)
    text, spans = "", []
    for template, codes in chosen:
        sentence = _fill(rng, template)
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence}" if text else sentence
        spans.append((start, len(text), codes))
    return text, spans


def _free_text(rng: random.Random, index: int, contact: bool) -> dict[str, tuple[str, list[Span]]]:
    texts = {}
    other = None
    if index % 12 == 5:  # five of the sixty write partly in another language
        other = demo_data.OTHER_LANGUAGES[(index // 12) % len(demo_data.OTHER_LANGUAGES)]
    if contact and rng.random() < 0.8:
        texts["went_well"] = _answer(rng, demo_data.WENT_WELL, rng.randint(1, 2))
    texts["should_change"] = _answer(rng, demo_data.SHOULD_CHANGE, rng.randint(1, 3), other)
    return texts


def _respond(session: Session, study: Study, answers: dict[str, object]) -> Response:
    response = Response(
        study_id=study.id,
        instrument_version_id=study.instrument_version_id,
        status="completed",
        language="en",
        completed_on=today(),
    )
    session.add(response)
    session.flush()
    words = free_text_ids(instrument_of(study.instrument_version))
    for item_id, value in answers.items():
        stored = stored_value(session, study.id, json.dumps(value), item_id in words)
        session.add(Answer(response_id=response.id, item_id=item_id, value=stored))
    session.add(Submission(response_id=response.id))
    session.flush()
    return response


def _codebook(session: Session, study: Study) -> dict[str, Code]:
    made: dict[str, Code] = {}
    for position, entry in enumerate(demo_data.CODEBOOK):
        code = Code(
            study_id=study.id,
            parent_id=made[entry.parent].id if entry.parent else None,
            name=entry.name,
            codable=entry.codable,
            definition=entry.definition,
            when_to_use=entry.when_to_use,
            when_not_to_use=entry.when_not_to_use,
            example=entry.example,
            colour=entry.colour,
            position=position,
        )
        session.add(code)
        session.flush()
        made[entry.key] = code
    return made


def _second_reading(rng: random.Random, codes: tuple[str, ...]) -> tuple[str, ...]:
    """Return how Demo coder B codes a sentence Demo coder A coded with `codes`."""
    read: list[str] = []
    for code in codes:
        confused = 0.35 if code in demo_data.HARD_CODES else 0.06
        roll = rng.random()
        if roll < confused:
            read.append(demo_data.CONFUSABLE[code])
        elif roll < confused + 0.08:
            continue  # missed
        else:
            read.append(code)
        if rng.random() < 0.05:
            read.append(demo_data.CONFUSABLE[code])
    return tuple(dict.fromkeys(read))


def _codings(rng: random.Random, text: str, spans: list[Span]) -> list[dict[str, list]]:
    """Return {code key: spans} for coder A and coder B over one answer."""
    first: dict[str, list] = defaultdict(list)
    second: dict[str, list] = defaultdict(list)
    whole = rng.random() < 0.1  # B sometimes codes the whole answer, not the sentence
    for start, end, codes in spans:
        for code in codes:
            first[code].append((start, end))
        for code in _second_reading(rng, codes):
            second[code].append((0, len(text)) if whole else (start, end))
    return [first, second]


def _segments(session, rng, documents: list[tuple[CodingDocument, list[Span]]], codes, coders):
    count = 0
    for document, spans in documents:
        for coder, by_code in zip(coders, _codings(rng, document.text, spans)):
            for key, found in by_code.items():
                for start, end in merge_spans(found):
                    session.add(
                        Segment(
                            document_id=document.id,
                            code_id=codes[key].id,
                            coder_id=coder.id,
                            start=start,
                            end=end,
                            distressing=key == "offender" and "cell" in document.text,
                            memo=demo_data.SEGMENT_MEMO if count % 25 == 7 else "",
                        )
                    )
                    count += 1
    session.flush()
    return count


def _populate(session: Session, study: Study, instrument: Instrument) -> None:
    rng = random.Random(SEED)
    codes = _codebook(session, study)
    coders = [Coder(study_id=study.id, kind="imported", name=name) for name in CODER_NAMES]
    session.add_all(coders)
    session.add(Memo(study_id=study.id, target="study", text=demo_data.STUDY_MEMO))
    coded: list[tuple[CodingDocument, list[Span]]] = []
    for index in range(RESPONSES):
        answers = _closed_answers(rng)
        texts = _free_text(rng, index, answers["police_contact"] == "yes")
        response = _respond(
            session, study, {**answers, **{k: text for k, (text, _) in texts.items()}}
        )
        add_case(session, study.id, response.id, instrument)
        for document in session.scalars(
            select(CodingDocument).where(CodingDocument.case.has(response_id=response.id))
        ):
            coded.append((document, texts[document.item_id][1]))
    _segments(session, rng, coded, codes, coders)


def _counts(session: Session, study: Study) -> tuple[int, int, int]:
    responses = session.scalar(
        select(func.count()).select_from(Response).where(Response.study_id == study.id)
    )
    documents = session.scalar(
        select(func.count()).select_from(CodingDocument).where(CodingDocument.study_id == study.id)
    )
    segments = session.scalar(
        select(func.count())
        .select_from(Segment)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study.id)
    )
    return responses, documents, segments


def create_demo(
    session: Session, instrument: Instrument, *, draft_lifetime_hours: int = 24
) -> DemoDataset:
    """Create the synthetic coding demo study once; return it, and whether it was made now."""
    study = session.scalar(select(Study).where(Study.slug == SLUG))
    created = study is None
    if created:
        with write_transaction(session):
            study = create_study(
                session,
                instrument,
                slug=SLUG,
                publish=True,
                draft_lifetime_hours=draft_lifetime_hours,
            )
            study.title = TITLE
            study.status = "closed"  # nobody can answer it: the answers are made up
            _populate(session, study, instrument)
    return DemoDataset(study, created, *_counts(session, study))
