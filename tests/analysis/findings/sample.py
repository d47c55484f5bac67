"""A small hand-made snapshot for the library's tests (made-up facts, no real data)."""

from __future__ import annotations

from analysis.findings.snapshot import (
    AgreementFacts,
    Breakdown,
    FrequencyFacts,
    FrequencyRow,
    MethodFacts,
    QuoteFacts,
    Related,
    Settings,
    Snapshot,
    StudyFacts,
    SupportFacts,
    ThemeFacts,
    TopicFitFacts,
)


def sample_snapshot(**changes) -> Snapshot:
    """Return a two-theme, one-question snapshot; `changes` replace top-level fields."""
    kindness = ThemeFacts(
        id="code-kind",
        name="Treated with kindness",
        path="How the police treated them › Treated with kindness",
        kind="code",
        definition="The officer was kind, patient or reassuring.",
        respondents=30,
        base=60,
        narrative="Half of the people we heard from described kindness.",
        breakdowns=(
            Breakdown("gender", "Gender", ("Woman", "Man", "No answer"), (41, 12, 7), (22, 6, 2)),
        ),
        related=(Related("code-offender", "Treated as an offender", 4),),
        quotes=(
            QuoteFacts(
                "seg-1", "She gave me tea and waited for [NAME-1].", "What went well?", "en"
            ),
        ),
    )
    offender = ThemeFacts(
        id="code-offender",
        name="Treated as an offender",
        path="How the police treated them › Treated as an offender",
        kind="code",
        definition="Arrested, charged or questioned as a suspect.",
        respondents=9,
        base=60,
        related=(Related("code-kind", "Treated with kindness", 4),),
    )
    values = {
        "taken_on": "2026-11-27",
        "settings": Settings(
            title="What survivors told us",
            theme_ids=("code-kind", "code-offender"),
            item_ids=("believed",),
            breakdown_item_ids=("gender",),
        ),
        "study": StudyFacts(
            title="Police response study",
            instrument_title="Your experience with the police",
            instrument_version="1.2",
            instrument_hash="4f1c2a",
            languages=("en", "sq"),
            responses=60,
            months=(("2026-09", 8), ("2026-10", 40), ("2026-11", 12)),
            threshold=10,
        ),
        "themes": (kindness, offender),
        "questions": (
            FrequencyFacts(
                "believed",
                "Did the police believe you?",
                False,
                (
                    FrequencyRow("Yes", 15),
                    FrequencyRow("Partly", 10),
                    FrequencyRow("No", 31),
                    FrequencyRow("Prefer not to say", 4, True),
                ),
                60,
            ),
        ),
        "methods": MethodFacts(
            instrument_errors=0,
            instrument_warnings=1,
            instrument_languages=("en", "sq"),
            coders=2,
            consensus=False,
            blind=True,
            unit="answer",
            agreement=(
                AgreementFacts(
                    "How the police treated them › Treated with kindness", 0.903, 0.9, 96.2, 106
                ),
            ),
            agreement_problem=None,
            topic_fits=(
                TopicFitFacts(
                    "What should change?",
                    "nmf",
                    6,
                    0,
                    0.12,
                    (),
                    suggested=("training, officers, listen", "interpreter, language, understand"),
                ),
            ),
            documents=106,
            redaction="Automatic proposals, reviewed by a person before quoting.",
            free_text_questions=("What went well?", "What should change?"),
        ),
        "support": (
            SupportFacts("Modern Slavery Helpline", "08000 121 700", "", "Free, 24 hours"),
        ),
        "versions": (("heard", "0.1"),),
    }
    values.update(changes)
    return Snapshot(**values)
