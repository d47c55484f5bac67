"""Browser history says nothing about what a survey asks (threat model 2.1).

A browser keeps the address and the title of every page it shows. Someone
who picks up the respondent's phone later (a trafficker, say) reads that
history, so no respondent address, no link a page offers to follow, and no
page title may carry an item id, a section key, a question label, a section
title or the instrument's title, in any language the study has. Each test
walks a study through every kind of respondent page: every question page on
the way (with and without an error), section openings, "Check your answers"
and its "Change" links, save for later and coming back, the end page,
withdrawal, a kind "no" and a page that does not exist.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

import pytest
import yaml
from flask import Flask

from instruments import load_library
from instruments.schema import Consent, Instrument, Item
from survey.services import navigation
from tests.factories import add_study, instrument_yaml, tiny_instrument
from tests.survey.journey import Respondent

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LINK = re.compile(r'(?:href|action)="([^"]*)"')
FIELD_NAME = re.compile(r'name="([a-z0-9_]+)"')
TOKEN = re.compile(r"[A-Za-z0-9_]+")
CHOICES = ("single_choice", "scale", "yes_no", "multiple_choice")


@dataclass
class History:
    """What the browser keeps: every address it was at or sent to, every title it showed."""

    addresses: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # same-site links and form targets offered

    def keep(self, person: Respondent) -> None:
        """Record the page `person` is on, the redirects that led there and its links."""
        page = person.page
        self.addresses += [hop.headers["Location"] for hop in page.history]
        self.addresses.append(page.request.full_path.rstrip("?"))
        self.titles += [html.unescape(t) for t in TITLE.findall(person.html)]
        links = (html.unescape(link) for link in LINK.findall(person.html))
        self.links += [link for link in links if link.startswith(("/", "#"))]


def answers_for(item: Item) -> dict[str, str]:
    """Return a valid answer that opens what depends on it (a yes, the first option)."""
    if item.type == "yes_no":
        return {item.id: "yes"}
    if item.type in ("single_choice", "scale", "multiple_choice"):
        return {item.id: item.choice_values()[0]}
    if item.type == "number":
        return {item.id: str(int(item.min or 1))}
    if item.type == "month_year":
        return {f"{item.id}__month": "3", f"{item.id}__year": "2020"}
    if item.type in ("short_text", "long_text"):
        return {item.id: "Some words."}
    return {}


def asked(person: Respondent, instrument: Instrument) -> list[Item]:
    """Return the items whose fields the current page shows."""
    names = set(FIELD_NAME.findall(person.html))
    return [item for item in instrument.items() if item.answerable and item.id in names]


def answer_the_page(person: Respondent, instrument: Instrument, history: History) -> None:
    """Show the page's error first (a forged option), then answer it and move on."""
    items = asked(person, instrument)
    choice = next((item for item in items if item.type in CHOICES), None)
    if choice is not None:
        person.answer({choice.id: "forged"})
        assert person.page.status_code == 400 and "Error:" in person.html
        history.keep(person)
    given: dict[str, str] = {}
    for item in items:
        given |= answers_for(item)
    person.answer(given)
    if person.page.status_code == 400:  # an answer this walk cannot guess: leave it blank
        person.answer({})
    history.keep(person)


def walk(app: Flask, slug: str, instrument: Instrument, language: str) -> History:
    """Go through every kind of respondent page of the study at `slug` in `language`."""
    history = History()
    person = Respondent(app.test_client(), slug)
    person.get(f"/s/{slug}")
    history.keep(person)
    person.post(data={"lang": language})
    history.keep(person)
    person.post()  # the safety page
    history.keep(person)
    person.post(data={"choice": "agree"})
    history.keep(person)
    for _ in navigation.all_steps(instrument):
        if person.path.endswith("/check"):
            break
        if "/section/" in person.path:
            person.answer({})  # "Answer these questions"
            history.keep(person)
        else:
            answer_the_page(person, instrument, history)
    assert person.path.endswith("/check"), person.path
    history.keep(person)
    changes = [link for link in LINK.findall(person.html) if "from=check" in link]
    assert changes, "the check page offers no Change links"
    for link in changes:
        person.get(html.unescape(link))
        history.keep(person)
    person.answer({}, action="save")
    history.keep(person)
    phrase = person.phrase()
    person.get(f"/s/{slug}/resume")
    history.keep(person)
    person.post(data={"phrase": phrase})  # back where it was saved
    history.keep(person)
    person.get(f"/s/{slug}/check")
    history.keep(person)
    person.submit()
    history.keep(person)
    for path in (f"/s/{slug}/withdraw", f"/s/{slug}/check", f"/s/{slug}/p/999"):
        person.get(path)
        history.keep(person)
    declining = Respondent(app.test_client(), slug)
    declining.begin()
    declining.get(f"/s/{slug}/consent")
    declining.post(data={"choice": "no"})
    history.keep(declining)
    return history


def ids_of(instrument: Instrument) -> set[str]:
    """Return every item id, section key and page key of `instrument`."""
    ids = {item.id for item in instrument.items()}
    ids |= {section.id for section in instrument.sections}
    return ids | {step.key for step in navigation.all_steps(instrument)}


def words_of(instrument: Instrument) -> set[str]:
    """Return every question label, section title and the title, in every language."""
    texts = [instrument.title, *(s.title for s in instrument.sections)]
    texts += [item.label for item in instrument.items()]
    return {text.get(lang) for text in texts for lang in instrument.languages} - {"", None}


def route_words(app: Flask) -> set[str]:
    """Return the fixed words of respondent addresses (``start``, ``check``...)."""
    rules = (rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("respond."))
    return {word for rule in rules for word in TOKEN.findall(re.sub(r"<[^>]*>", "", rule))}


def telling(text: str, ids: set[str], words: set[str]) -> Iterator[str]:
    """Yield each id (a whole token) and each label or title (whole words) found in `text`."""
    yield from sorted(set(TOKEN.findall(text)) & ids)
    folded = text.casefold()
    for word in sorted(words):
        if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", folded):
            yield word


def assert_neutral(
    app: Flask, history: History, instrument: Instrument, at_least: int = 20
) -> None:
    """Assert no address, link or title of `history` names what `instrument` asks."""
    # A key that is also a fixed word of our addresses ("start") names nothing there.
    ids = ids_of(instrument) - route_words(app)
    words = words_of(instrument)
    assert len(ids) > 5 and len(words) > 5, "nothing left to look for"
    seen = min(len(history.titles), len(history.addresses))
    assert seen >= at_least, "the walk saw too little"
    for address in {unquote(a) for a in history.addresses + history.links}:
        assert not list(telling(address, ids, words)), address
    for title in set(history.titles):
        assert not list(telling(title, ids, words)), title


def step_kinds_seen(history: History) -> set[str]:
    """Return which of question pages and section openings the walk showed."""
    paths = " ".join(history.addresses)
    return {kind for kind in ("/p/", "/section/") if kind in paths}


def translated_instrument() -> Instrument:
    """The tiny instrument in English and French, every text of it translated."""
    fr = {
        "A tiny survey": "Une petite enquête",
        "About you": "Vous concernant",
        "How did you meet the police?": "Comment avez-vous rencontré la police ?",
        "I called them": "Je les ai appelés",
        "They found me": "Ils m'ont trouvé",
        "Tell us more": "Dites-nous en plus",
        "Hard things": "Des choses difficiles",
        "This part asks about arrest.": "Cette partie parle d'arrestation.",
        "Were you arrested?": "Avez-vous été arrêté ?",
        "Were you charged?": "Avez-vous été inculpé ?",
        "More": "Encore",
        "What help did you get?": "Quelle aide avez-vous reçue ?",
        "A place to stay": "Un logement",
        "A lawyer": "Un avocat",
        "How old are you?": "Quel âge avez-vous ?",
        "When was it?": "Quand était-ce ?",
    }

    def both(node):
        if isinstance(node, dict):
            return {
                key: {"en": value, "fr": fr[value]}
                if key in ("title", "label", "content_note") and isinstance(value, str)
                else both(value)
                for key, value in node.items()
            }
        return [both(child) for child in node] if isinstance(node, list) else node

    english = yaml.safe_load(instrument_yaml())["sections"]
    return tiny_instrument(
        languages=["en", "fr"],
        title={"en": "A tiny survey", "fr": fr["A tiny survey"]},
        purpose={"en": "To test Heard.", "fr": "Pour tester Heard."},
        organisation={"name": {"en": "Test team", "fr": "Équipe de test"}},
        consent={part: {"en": f"About {part}.", "fr": f"Sur {part}."} for part in Consent.PARTS},
        sections=both(english),
    )


STUDIES = {
    "demo": (lambda: load_library("police-response"), "en"),
    "translated-en": (translated_instrument, "en"),
    "translated-fr": (translated_instrument, "fr"),
}


@pytest.mark.parametrize("study", sorted(STUDIES))
def test_no_address_link_or_title_names_what_the_study_asks(app: Flask, study: str):
    make, language = STUDIES[study]
    instrument = make()
    add_study(app, instrument, slug="study-a")
    history = walk(app, "study-a", instrument, language)
    assert step_kinds_seen(history) == {"/p/", "/section/"}
    assert_neutral(app, history, instrument)


def test_every_step_of_the_demo_has_an_address_that_names_nothing(app: Flask, client):
    # Steps the walk may not reach (their conditions were not met) still have addresses.
    instrument = load_library("police-response")
    add_study(app, instrument, slug="study-a")
    person = Respondent(client, "study-a")
    person.begin()
    history = History()
    for step in navigation.all_steps(instrument):
        route = "p" if step.kind == navigation.PAGE else "section"
        person.get(f"/s/study-a/{route}/{step.number}")
        assert person.page.status_code == 200, step
        history.keep(person)
    assert_neutral(app, history, instrument, at_least=len(navigation.all_steps(instrument)))


def test_the_titles_still_say_what_kind_of_page_it_is(app: Flask):
    # WCAG 2.4.2: neutral, yet each title still says what the page is for.
    instrument = tiny_instrument()
    add_study(app, instrument, slug="study-a")
    history = walk(app, "study-a", instrument, "en")
    titles = set(history.titles)
    assert "Question page 1 – Survey" in titles
    assert "Error: Question page 1 – Survey" in titles
    assert "Before a section – Survey" in titles
    assert "Check your answers – Survey" in titles
