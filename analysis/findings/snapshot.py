"""The data a findings report is built from: plain facts, frozen, and their fingerprint.

A snapshot is everything a report shows, gathered from the database at one
moment (survey/services/reports/gather.py) and kept with the report, so that
rebuilding from the same snapshot gives the same document, byte for byte.
Counts in it are **raw** (the true numbers); disclosure control is applied
when the document is built (`analysis.findings.build`), never here, so a
snapshot must be kept as safely as the data it came from (the service seals it).

`Snapshot.to_json` writes canonical JSON (sorted keys, no spaces, UTF-8 kept),
`Snapshot.from_json` reads it back to an equal snapshot, and `fingerprint`
is the SHA-256 of that JSON: the report prints it, so a reader can tell which
data a document was built from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin, get_type_hints

__all__ = [
    "SCHEMA",
    "AgreementFacts",
    "Breakdown",
    "FrequencyFacts",
    "FrequencyRow",
    "MethodFacts",
    "QuoteFacts",
    "Related",
    "Settings",
    "Snapshot",
    "StudyFacts",
    "SupportFacts",
    "ThemeFacts",
    "TopicFitFacts",
    "fingerprint",
]

SCHEMA = 1


@dataclass(frozen=True)
class StudyFacts:
    """What the report says about the study as a whole."""

    title: str
    instrument_title: str
    instrument_version: str  # the version label, e.g. "1.2"
    instrument_hash: str  # the published version's content hash
    languages: tuple[str, ...]  # language tags the instrument offers
    responses: int  # completed responses (raw)
    months: tuple[tuple[str, int], ...]  # ("2026-03", completed that month), in order (raw)
    threshold: int  # the study's disclosure threshold k
    synthetic: bool = False  # the demo's made-up data: the report says so


@dataclass(frozen=True)
class Breakdown:
    """Respondents with a theme by the answers to one closed question (raw counts)."""

    item_id: str
    question: str  # the question's label
    answers: tuple[str, ...]  # answer labels, in the instrument's order ("No answer" last)
    totals: tuple[int, ...]  # respondents in the base who gave each answer
    counts: tuple[int, ...]  # of those, respondents with the theme


@dataclass(frozen=True)
class Related:
    """Another chosen theme and how many respondents have both (raw)."""

    theme_id: str
    name: str
    both: int


@dataclass(frozen=True)
class QuoteFacts:
    """One quote the analyst chose: the redacted rendition of a coded segment."""

    id: str  # the segment's public id
    text: str  # redacted rendition (placeholders such as [NAME-1] kept)
    question: str  # the question it answers, or "Interview transcript"
    language: str  # language tag of the text


@dataclass(frozen=True)
class ThemeFacts:
    """One theme (a code, or a category with every code under it)."""

    id: str  # the code's public id
    name: str
    path: str  # "Category › Code"
    kind: str  # "code" or "category"
    definition: str
    respondents: int  # respondents with the theme (raw)
    base: int  # every completed response of the study: the share's denominator (raw)
    narrative: str = ""  # the analyst's text, shown as typed (escaped)
    breakdowns: tuple[Breakdown, ...] = ()
    related: tuple[Related, ...] = ()
    quotes: tuple[QuoteFacts, ...] = ()
    from_topics: bool = False  # first drafted from a topic model


@dataclass(frozen=True)
class FrequencyRow:
    """One answer of a closed question (raw count)."""

    label: str
    count: int
    non_answer: bool = False  # "Prefer not to say", "Skipped", ...


@dataclass(frozen=True)
class FrequencyFacts:
    """A closed question's answers among completed responses."""

    item_id: str
    question: str
    multiple: bool  # multiple choice: counts are choices, not people
    rows: tuple[FrequencyRow, ...]
    base: int  # completed responses asked the question (raw)


@dataclass(frozen=True)
class AgreementFacts:
    """Inter-coder agreement for one code (docs/agreement.md)."""

    path: str
    alpha: float | None  # Krippendorff's alpha (nominal)
    kappa: float | None
    percent: float | None  # 0..100
    units: int  # units compared (not respondents: a measure of coders)


@dataclass(frozen=True)
class TopicFitFacts:
    """A topic model fitted on the study and how it was used."""

    question: str
    method: str
    topics: int
    seed: int | None
    coherence: float | None
    drafted_codes: tuple[str, ...] = ()  # codes first drafted from it, by path
    suggested: tuple[str, ...] = ()  # each topic's top terms, "wage, pay, money" (k-filtered)


@dataclass(frozen=True)
class MethodFacts:
    """What the methods appendix states, as facts (the build words them)."""

    instrument_errors: int  # lint errors of the published version (0: it was publishable)
    instrument_warnings: int
    instrument_languages: tuple[str, ...]
    coders: int  # people and imported coders
    consensus: bool  # a consensus coding exists and counts where present
    blind: bool  # coders coded blind to each other
    unit: str  # agreement unit: "answer", "sentence" or "character"
    agreement: tuple[AgreementFacts, ...]
    agreement_problem: str | None  # why no agreement could be computed, if so
    topic_fits: tuple[TopicFitFacts, ...]
    documents: int  # texts coded (answers and transcripts) (raw)
    redaction: str  # how quotes were redacted, one sentence (e.g. "automatic proposals, reviewed")
    free_text_questions: tuple[str, ...]  # labels of the questions whose answers were coded


@dataclass(frozen=True)
class SupportFacts:
    """A support service readers can pass on."""

    name: str
    phone: str = ""
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class Settings:
    """What the analyst chose: the report is rebuilt from these and the data."""

    title: str
    theme_ids: tuple[str, ...]  # in report order
    item_ids: tuple[str, ...]  # closed questions, in report order
    breakdown_item_ids: tuple[str, ...]  # attributes each theme is broken down by
    introduction: str = ""  # the analyst's opening text


@dataclass(frozen=True)
class Snapshot:
    """Everything one findings report shows, as of `taken_on`."""

    taken_on: str  # ISO date the data was read (day precision)
    settings: Settings
    study: StudyFacts
    themes: tuple[ThemeFacts, ...]  # in report order
    questions: tuple[FrequencyFacts, ...]  # in report order
    methods: MethodFacts
    support: tuple[SupportFacts, ...]
    versions: tuple[tuple[str, str], ...] = ()  # (library, version) the build used
    schema: int = SCHEMA
    notes: tuple[str, ...] = field(default=())  # facts for the analyst, not for readers

    def to_json(self) -> str:
        """Return canonical JSON: sorted keys, no spaces; equal snapshots give equal text."""
        return json.dumps(
            dataclasses.asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        """Read `to_json` output back (ValueError if it is not a snapshot of this schema)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError(f"not a findings snapshot of schema {SCHEMA}")
        return _load(cls, data)


def fingerprint(snapshot: Snapshot) -> str:
    """Return the SHA-256 (hex) of the snapshot's canonical JSON."""
    return hashlib.sha256(snapshot.to_json().encode("utf-8")).hexdigest()


def _load(kind: Any, value: Any) -> Any:
    """Rebuild `value` (parsed JSON) as `kind`: dataclasses, tuples, optionals, scalars."""
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise ValueError(f"{kind.__name__} must be an object")
        hints = get_type_hints(kind)
        names = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: _load(hints[k], v) for k, v in value.items() if k in names})
    origin = get_origin(kind)
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], v) for v in value)
        return tuple(_load(a, v) for a, v in zip(args, value, strict=True))
    if origin is not None and type(None) in get_args(kind):  # X | None
        if value is None:
            return None
        inner = next(a for a in get_args(kind) if a is not type(None))
        return _load(inner, value)
    if kind is float and isinstance(value, int):
        return float(value)
    return value
