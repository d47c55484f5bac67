"""The one-time key that lets only the last "Check your answers" form send a response.

Each "Check your answers" page gets a fresh random key, kept in the server-side
session and in the page's form. Only a post carrying the key this session saw
last may submit: an earlier response's form sent again from a refreshed end
page, an older tab or a form with no key must not send the draft as it is
now. The withdrawal phrase is derived from the key (`phrases.phrase_for`), so
the same post repeated after a lost reply can show the same phrase again.

The view passes the session as a plain mapping and the posted value; nothing
here reads a request.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.models import Study
from survey.services import phrases, responses

FIELD = "submit_key"  # the form field, and the session's entry


@dataclass(frozen=True)
class Shown:
    """A withdrawal phrase to show on the end page, and the quote choice to repeat."""

    phrase: str
    no_quotes: bool


def issue(state: MutableMapping[str, object]) -> str:
    """Give the session a fresh key for the "Check your answers" page about to be shown."""
    key = secrets.token_urlsafe(16)
    state[FIELD] = key
    return key


def forget(state: MutableMapping[str, object]) -> None:
    """Drop the session's key: a new response, save for later, resume or the end page."""
    state.pop(FIELD, None)


def accepted(state: Mapping[str, object], posted: str | None) -> str | None:
    """Return the posted key if it is the one this session was given last, else None."""
    kept = state.get(FIELD)
    if not isinstance(kept, str) or not kept or posted is None:
        return None
    if not hmac.compare_digest(posted.encode(), kept.encode()):
        return None
    return kept


def phrase_for(secret_key: str, response_id: str, key: str) -> str:
    """Return the withdrawal phrase a submit with `key` gives `response_id`."""
    return phrases.phrase_for(secret_key, response_id, key)


def shown_again(
    db_session: Session,
    study: Study,
    state: Mapping[str, object],
    posted: str | None,
    secret_key: str,
) -> Shown | None:
    """Return the phrase to show again for a repeated submit, or None for "already sent".

    The final submit may commit and its reply, or the save of this session,
    be lost (a worker killed, a connection dropped); the browser re-posts the
    form. Only that same post from that same session can see the phrase
    again: the one-time key lives only in the server-side session and on the
    no-store check page, is worth nothing without the session cookie, and the
    phrase derived from it must match the stored withdrawal hash. The phrase
    itself is never stored. Once shown, the key leaves the session; a quick
    exit ends the session and takes the key with it. Someone holding both the
    server's secret key and a session row whose submit reply was lost could
    derive that phrase until the session expires; that person could delete
    responses anyway, and the phrase names no one.
    """
    response_id = state.get("response")
    key = accepted(state, posted)
    if not isinstance(response_id, str) or not response_id or key is None:
        return None
    phrase = phrase_for(secret_key, response_id, key)
    response = responses.phrase_again(db_session, study, response_id, phrase, secret_key)
    return Shown(phrase, response.no_quotes) if response is not None else None
