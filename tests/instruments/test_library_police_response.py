"""The bundled instrument "Your experience of the police" (police-response).

These tests check what a respondent and a researcher rely on: that the survey
loads, that every question can be left and says why it is asked, that
sensitive sections warn first and can be skipped, that it never asks who
someone is, that the routing hides questions that do not apply (and only
those), and that the words are plain.

Readability is scored with textstat, Flesch reading ease. textstat 0.7.13
counts English syllables with NLTK's cmudict and calls ``nltk.download`` when
that corpus is missing (``textstat/backend/utils/_get_cmudict.py``). Heard
never downloads at run time, so the ``flesch`` fixture blocks downloads and
makes textstat count syllables with Pyphen's en_GB hyphenation dictionary,
which ships inside the pyphen package. Pyphen undercounts some words
("people", "every" count as one syllable), so scores run a little high: the
per-text floor is set above textstat's usual 50 so that dense official prose
still fails it (see ``test_the_per_text_floor_rejects_dense_official_prose``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

import pytest

import instruments
from instruments.lint import estimate_seconds
from instruments.schema import Instrument, Section, Text

INSTRUMENT_ID = "police-response"
LANGUAGE = "en"

OVERALL_FLOOR = 60.0
"""Flesch reading ease of all respondent text together (SAFETY.md: 60 or above)."""

PER_TEXT_FLOOR = 55.0
"""Flesch reading ease of each label, hint, note and consent text over 8 words."""

PER_TEXT_MIN_WORDS = 9
"""Shorter texts are left out of the per-text check: Flesch is noise on a few words."""

NAMES_WARNING = "do not write names of people or places"

IDENTIFIER_PATTERNS = {
    "a name": r"\b(first |last |full |sur|family |given |user)?names?\b",
    "a phone number": r"\b(phone|telephone|mobile|whatsapp)\b",
    "an email address": r"\be-?mail\b",
    "an address": r"\b(address|postcode|post code|zip code)\b",
    "a date of birth": r"\b(date of birth|birth ?day|born on|dob)\b",
    "a passport": r"\bpassport\b",
    "a visa": r"\bvisa\b",
    "a permit": r"\bpermit\b",
    "an official number": r"\b(national insurance|nhs number|reference number|crime number|"
    r"case number|licence number|id number)\b",
    "an online account": r"\b(facebook|instagram|username|social media)\b",
}
"""Words that would mean an item asks who someone is, or how to find them."""

DENSE_OFFICIAL_PROSE = (
    "Participation in this research is entirely voluntary, and you may withdraw your "
    "consent at any time without providing any justification.",
    "Information regarding your immigration status may be shared with the relevant "
    "authorities in accordance with applicable legislation.",
    "The National Referral Mechanism is a framework for identifying and referring potential "
    "victims of modern slavery and ensuring they receive the appropriate support.",
    "Your responses will be processed confidentially and retained for a maximum period of "
    "twenty-four months, after which they will be securely destroyed.",
)
"""Consent-form and policy sentences of the kind this instrument must not read like."""

BURDEN_TOLERANCE = 1.2
"""The lint's tolerance: the stated time may fall short of the estimate by at most 20 %."""

STATED_MINUTES = (10, 15)
"""The product brief: the survey takes "about 10-15 minutes"."""


# --- Fixtures and helpers -------------------------------------------------------


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    """Load the bundled instrument the way Heard does: any problem raises InstrumentInvalid."""
    return instruments.load_library(INSTRUMENT_ID)


@pytest.fixture(scope="module")
def flesch() -> Iterator[Callable[[str], float]]:
    """Return Flesch reading ease from textstat, with syllables from Pyphen and no downloads."""
    import nltk
    from textstat.backend.counts import _count_syllables
    from textstat.backend.metrics import _flesch_reading_ease, _syllables_per_word
    from textstat.textstat import textstatistics

    def refuse_download(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"textstat tried to download NLTK data {args!r}: it must not")

    caches = (
        _count_syllables.count_syllables,
        _syllables_per_word.syllables_per_word,
        _flesch_reading_ease.flesch_reading_ease,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nltk, "download", refuse_download)
        # None sends every word to textstat's Pyphen fallback (its KeyError/TypeError path).
        patch.setattr(_count_syllables, "get_cmudict", lambda lang: None)
        for cached in caches:
            cached.cache_clear()
        scorer = textstatistics()
        scorer.set_lang("en_GB")
        yield scorer.flesch_reading_ease
        for cached in caches:
            cached.cache_clear()


def text(value: Text | None) -> str:
    """Return `value` in the instrument's language, or "" when there is none."""
    return value.get(LANGUAGE) if value is not None else ""


def as_sentence(words: str) -> str:
    """End `words` with a full stop, so that joined fragments count as sentences."""
    words = words.strip()
    return words if words.endswith((".", "?", "!")) else words + "."


def prose_texts(instrument: Instrument) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every piece of running text a respondent reads."""
    yield "purpose", text(instrument.purpose)
    for part in instrument.consent.PARTS:
        yield f"consent.{part}", text(getattr(instrument.consent, part))
    for resource in instrument.support.get(LANGUAGE, ()):
        if resource.description:
            yield f"support.{resource.name}", resource.description
    for section in instrument.sections:
        for key in ("intro", "content_note"):
            yield f"{section.id}.{key}", text(getattr(section, key))
        for item in section.items:
            for key in ("label", "hint", "why_we_ask"):
                yield f"{item.id}.{key}", text(getattr(item, key))


def respondent_texts(instrument: Instrument) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for everything a respondent reads, titles and choices too."""
    yield "title", text(instrument.title)
    yield from prose_texts(instrument)
    for section in instrument.sections:
        yield f"{section.id}.title", text(section.title)
        for item in section.items:
            for choice in item.choices:
                yield f"{item.id}.{choice.value}", text(choice.label)


def shown(instrument: Instrument, item_id: str, answers: Mapping[str, object]) -> bool:
    """Return whether `item_id` is shown, given its section's and its own show_if."""
    section, item = instrument.section_of(item_id), instrument.item(item_id)
    return all(
        condition is None or condition.evaluate(answers)
        for condition in (section.show_if, item.show_if)
    )


def positions(instrument: Instrument) -> dict[str, int]:
    """Return the position of every item in reading order."""
    return {item.id: index for index, item in enumerate(instrument.items())}


# --- It loads ------------------------------------------------------------------


def test_it_loads_from_the_library_with_no_problems(instrument: Instrument) -> None:
    assert instrument.id == INSTRUMENT_ID
    assert instrument.languages == (LANGUAGE,)
    assert instrument.layout == "section"


# --- Voice and choice -------------------------------------------------------------


def test_every_question_says_why_we_ask(instrument: Instrument) -> None:
    silent = [item.id for item in instrument.answerable_items() if not text(item.why_we_ask)]
    assert silent == []


def test_no_question_is_required(instrument: Instrument) -> None:
    required = [item.id for item in instrument.items() if item.required]
    assert required == []


def test_every_question_offers_prefer_not_to_say(instrument: Instrument) -> None:
    missing = [
        item.id
        for item in instrument.answerable_items()
        if "prefer_not_to_say" not in item.non_answers
    ]
    assert missing == []


def test_every_sensitive_section_warns_first_and_can_be_skipped(instrument: Instrument) -> None:
    sensitive = [section for section in instrument.sections if section.sensitive]
    assert sensitive, "the survey asks about arrest and immigration: some section is sensitive"
    for section in sensitive:
        note = text(section.content_note)
        assert note, f"{section.id} has no content note"
        assert section.skippable, f"{section.id} cannot be skipped"
        assert "skip" in note.lower(), f"{section.id}'s content note does not say it can be skipped"


def _warns_and_can_be_skipped(section: Section) -> bool:
    return section.sensitive and section.skippable and bool(text(section.content_note))


def test_questions_about_arrest_crime_or_immigration_sit_in_sensitive_sections(
    instrument: Instrument,
) -> None:
    topic = re.compile(r"\b(arrest\w*|crimes?|immigration)\b", re.IGNORECASE)
    exposed = [
        item.id
        for item in instrument.answerable_items()
        if (topic.search(text(item.label)) or item.sensitive)
        and not _warns_and_can_be_skipped(instrument.section_of(item.id))
    ]
    assert exposed == []


# --- Anonymity ----------------------------------------------------------------------


def test_no_question_asks_for_a_direct_identifier(instrument: Instrument) -> None:
    asked = []
    for item in instrument.items():
        words = [item.id.replace("_", " "), text(item.label)]
        words += [text(choice.label) for choice in item.choices]
        for what, pattern in IDENTIFIER_PATTERNS.items():
            if any(re.search(pattern, word, re.IGNORECASE) for word in words):
                asked.append((item.id, what))
    assert asked == []


def test_the_identifier_check_would_catch_a_question_asking_for_one() -> None:
    questions = (
        "What is your name?",
        "What is your phone number?",
        "Your email, if you want a reply",
        "What was your address?",
        "What is your date of birth?",
        "What is your passport number?",
        "Please give your crime reference number.",
    )
    for question in questions:
        assert any(
            re.search(pattern, question, re.IGNORECASE) for pattern in IDENTIFIER_PATTERNS.values()
        ), question


def test_every_text_box_asks_people_not_to_write_names(instrument: Instrument) -> None:
    boxes = [item for item in instrument.items() if item.type in ("short_text", "long_text")]
    assert boxes, "the survey has open questions"
    unwarned = [item.id for item in boxes if NAMES_WARNING not in text(item.hint).lower()]
    assert unwarned == []


def test_questions_about_the_person_come_after_questions_about_the_police(
    instrument: Instrument,
) -> None:
    order = positions(instrument)
    demographics = instrument.sections[-1]
    assert {"age_band", "gender", "region", "uk_national"} <= {i.id for i in demographics.items}
    earliest = min(order[item.id] for item in demographics.items)
    assert all(order[item.id] < earliest for s in instrument.sections[:-1] for item in s.items)


def test_age_is_asked_in_wide_bands_for_adults_only(instrument: Instrument) -> None:
    age = instrument.item("age_band")
    assert age.type == "single_choice"
    bands = [re.fullmatch(r"(\d+) (?:to (\d+)|or over)", text(c.label)) for c in age.choices]
    assert all(bands), "every age choice is a band such as '25 to 34' or '65 or over'"
    assert int(bands[0].group(1)) == 18
    closed = [band for band in bands if band.group(2)]
    assert all(int(b.group(2)) - int(b.group(1)) + 1 >= 5 for b in closed)
    assert not any(item.type == "number" for item in instrument.items())


# --- Support and consent -------------------------------------------------------------


def test_support_lists_the_helpline_and_999(instrument: Instrument) -> None:
    phones = {resource.phone for resource in instrument.support[LANGUAGE]}
    assert {"08000 121 700", "999"} <= phones


def test_the_limits_of_confidentiality_say_where_to_get_help_now(
    instrument: Instrument,
) -> None:
    limits = text(instrument.consent.confidentiality_limits)
    assert "999" in limits
    assert "08000 121 700" in limits


def test_withdrawal_says_until_when(instrument: Instrument) -> None:
    assert re.search(r"\b\d+ months?\b", text(instrument.consent.withdrawal))


# --- Length ------------------------------------------------------------------------


def test_it_says_it_takes_10_to_15_minutes(instrument: Instrument) -> None:
    low, high = STATED_MINUTES
    assert low <= instrument.estimated_minutes <= high


def test_the_stated_time_holds_for_a_slow_reader_shown_the_most_questions(
    instrument: Instrument,
) -> None:
    """The lint's longest path is at most 20 % over the stated time, and not under it."""
    minutes = estimate_seconds(instrument) / 60  # the lint's model: 130 words a minute
    stated = instrument.estimated_minutes
    assert stated <= minutes <= stated * BURDEN_TOLERANCE, minutes


# --- Routing --------------------------------------------------------------------------


def test_every_condition_names_only_earlier_items(instrument: Instrument) -> None:
    order = positions(instrument)
    for section in instrument.sections:
        first = order[section.items[0].id]
        if section.show_if is not None:
            assert all(order[name] < first for name in section.show_if.references), section.id
        for item in section.items:
            if item.show_if is not None:
                assert all(order[name] < order[item.id] for name in item.show_if.references)


POLICE = {"police_contact": "yes"}


@pytest.mark.parametrize(
    ("item_id", "answers", "expected"),
    [
        ("arrest_reason", {**POLICE, "arrested": "no"}, False),
        ("after_arrest", {**POLICE, "arrested": "no"}, False),
        ("arrest_reason", {**POLICE, "arrested": "yes"}, True),
        ("after_arrest", {**POLICE, "arrested": "dont_know"}, True),
        ("after_arrest", {**POLICE, "arrested": "prefer_not_to_say"}, False),
        ("forced_crime", {**POLICE, "arrested": "no", "seen_as": "victim"}, False),
        ("forced_crime", {**POLICE, "arrested": "yes", "seen_as": "victim"}, True),
        ("forced_crime", {**POLICE, "arrested": "no", "seen_as": "offender"}, True),
        ("defence_raised_by", {**POLICE, "arrested": "yes", "forced_crime": "no"}, False),
        ("defence_raised_by", {**POLICE, "arrested": "yes", "forced_crime": "yes"}, True),
        ("interpreter_given", POLICE, True),
        ("details_passed", {**POLICE, "immigration_status": "british_or_irish"}, False),
        ("details_passed", {**POLICE, "immigration_status": "no_permission"}, True),
        ("details_passed", {**POLICE, "immigration_status": "prefer_not_to_say"}, True),
        ("nrm_understood", {**POLICE, "told_nrm": "no"}, False),
        ("nrm_understood", {**POLICE, "told_nrm": "yes"}, True),
        ("support_after", {**POLICE, "referred": "no_not_offered"}, False),
        ("support_after", {**POLICE, "referred": "yes_police"}, True),
        ("support_after", {**POLICE, "referred": "yes_other"}, True),
        ("why_not_referred", {**POLICE, "referred": "yes_police"}, False),
        ("why_not_referred", {**POLICE, "referred": "no_did_not_want"}, True),
        ("what_would_help", {**POLICE, "felt_able_to_help": "yes"}, False),
        ("what_would_help", {**POLICE, "felt_able_to_help": "not_applicable"}, False),
        ("what_would_help", {**POLICE, "felt_able_to_help": "partly"}, True),
        ("what_would_help", {**POLICE, "felt_able_to_help": "no"}, True),
        ("what_would_help", {**POLICE, "felt_able_to_help": "prefer_not_to_say"}, True),
    ],
)
def test_follow_up_questions_appear_only_when_they_apply(
    instrument: Instrument, item_id: str, answers: dict[str, object], expected: bool
) -> None:
    assert shown(instrument, item_id, answers) is expected


def test_someone_who_never_met_the_police_sees_no_police_questions(
    instrument: Instrument,
) -> None:
    answers = {"police_contact": "no"}
    police_items = [
        item.id
        for section in instrument.sections
        if section.id in ("first_contact", "treatment", "immigration", "support", "investigation")
        for item in section.items
    ]
    assert police_items
    assert [i for i in police_items if shown(instrument, i, answers)] == []
    assert shown(instrument, "no_contact_note", answers)
    assert shown(instrument, "should_change", answers)


@pytest.mark.parametrize("answer", ["yes", "dont_know", "prefer_not_to_say", "skipped"])
def test_a_non_answer_to_the_first_question_shuts_nobody_out(
    instrument: Instrument, answer: str
) -> None:
    answers = {"police_contact": answer}
    assert shown(instrument, "contact_how", answers)
    assert shown(instrument, "seen_as", answers)
    assert shown(instrument, "told_support", answers)
    assert not shown(instrument, "no_contact_note", answers)


# --- Plain language ---------------------------------------------------------------------


def test_all_respondent_text_together_reads_at_flesch_60_or_above(
    instrument: Instrument, flesch: Callable[[str], float]
) -> None:
    whole = " ".join(as_sentence(words) for _, words in respondent_texts(instrument) if words)
    assert flesch(whole) >= OVERALL_FLOOR, f"Flesch reading ease {flesch(whole):.1f}"


def test_each_longer_text_reads_at_flesch_55_or_above(
    instrument: Instrument, flesch: Callable[[str], float]
) -> None:
    measured = [
        (where, round(flesch(words), 1))
        for where, words in respondent_texts(instrument)
        if len(words.split()) >= PER_TEXT_MIN_WORDS
    ]
    assert len(measured) > 50, "most of the survey's text is long enough to be scored"
    dense = [(where, score) for where, score in measured if score < PER_TEXT_FLOOR]
    assert dense == []


@pytest.mark.parametrize("sentence", DENSE_OFFICIAL_PROSE)
def test_the_per_text_floor_rejects_dense_official_prose(
    flesch: Callable[[str], float], sentence: str
) -> None:
    assert flesch(sentence) < PER_TEXT_FLOOR


def test_plain_words_score_higher_than_official_words(flesch: Callable[[str], float]) -> None:
    plain = "You can stop at any time. You do not have to say why."
    official = "You may discontinue participation at any time without explanation."
    assert flesch(plain) > PER_TEXT_FLOOR > flesch(official)
