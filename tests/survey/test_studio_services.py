"""The studio's plain services: support lists, the numbered listing, offered languages."""

from __future__ import annotations

import pytest

from survey.models import Study
from survey.services.listing import listing
from survey.services.studio import check_source
from survey.services.study_settings import offered_languages
from survey.services.support import (
    DEFAULT_SUPPORT,
    SupportListInvalid,
    parse_support,
    support_for,
    support_text,
)
from tests.factories import instrument_yaml, tiny_instrument
from tests.survey.test_exit_and_languages import arabic_instrument


def test_a_support_list_is_read_one_resource_a_line():
    text = "Helpline | 0800 000 000 | https://help.org | Free\n\nPolice | 999\n"

    assert parse_support(text) == [
        {
            "name": "Helpline",
            "phone": "0800 000 000",
            "url": "https://help.org",
            "description": "Free",
        },
        {"name": "Police", "phone": "999"},
    ]


def test_a_support_list_written_back_reads_the_same():
    entries = [{"name": "Helpline", "phone": "0800"}, {"name": "Web", "url": "https://a.org"}]

    assert parse_support(support_text(entries)) == entries


def test_a_support_list_with_too_many_lines_is_refused():
    with pytest.raises(SupportListInvalid, match="at most 10"):
        parse_support("\n".join(f"Service {n}" for n in range(11)))


def test_the_studys_list_in_the_language_comes_before_the_instruments():
    instrument = arabic_instrument()

    shown = support_for(instrument, "ar", {"ar": [{"name": "Local"}]})

    assert [r.name for r in shown] == ["Local"]


def test_the_instruments_list_in_the_language_comes_before_the_studys_default_language():
    instrument = arabic_instrument()

    shown = support_for(instrument, "ar", {"en": [{"name": "English only"}]})

    assert [r.name for r in shown] == ["خط المساعدة"]


def test_without_any_list_the_uk_defaults_are_shown():
    assert support_for(tiny_instrument(), "en", {}) == DEFAULT_SUPPORT


def test_notes_are_placed_under_their_lines_and_counted():
    source = instrument_yaml(estimated_minutes=0)

    shown = listing(source, check_source(source))

    [line] = [line for line in shown.lines if line.notes]
    assert line.text == "estimated_minutes: 0"
    assert [note.code for note in line.notes] == ["ESTIMATED_MINUTES"]
    assert (shown.errors, shown.warnings) == (1, 0)
    assert len(shown.lines) == len(source.split("\n"))


def test_a_note_without_a_line_is_listed_apart():
    shown = listing("", check_source(""))

    assert shown.unplaced and all(note.line is None or note.line > 1 for note in shown.unplaced)


@pytest.mark.parametrize(
    ("chosen", "offered"),
    [(None, ("en", "ar")), (["ar"], ("ar",)), (["fr"], ("en", "ar"))],
)
def test_the_languages_offered_are_the_studys_choice_among_the_instruments(chosen, offered):
    study = Study(languages_json=None if chosen is None else f'["{chosen[0]}"]')

    assert offered_languages(study, arabic_instrument()) == offered
