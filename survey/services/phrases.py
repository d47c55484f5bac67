"""Phrases of random words for saving and coming back, and for withdrawal.

A phrase is shown once and never stored: the database keeps only a keyed slow
hash of it (argon2id whose salt is derived from the server's secret key and
the phrase's purpose). The same phrase always gives the same hash, so it can
be found through a unique index, and a copied database without the key gives
an attacker nothing to test guesses against.

A withdrawal phrase is normally random (`new_phrase`). When the final submit
carries the one-time key of its "Check your answers" page, the phrase is
derived from that key instead (`phrase_for`), so a repeat of the same post
from the same session, after a reply lost in transit, can show the same
phrase again (see `survey.web.respond.pages.check`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from functools import cache
from importlib import resources

from argon2.low_level import Type, hash_secret_raw

WORDS_PER_PHRASE = 5
# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
# The cost in use: OWASP's, unless a test suite asked for less (use_cost).
_cost = {"memory_cost": ARGON2_MEMORY_KIB, "time_cost": ARGON2_TIME_COST}
RESUME = "resume"
WITHDRAW = "withdraw"


@cache
def word_list() -> tuple[str, ...]:
    """Return the bundled EFF long word list (7,776 words)."""
    text = resources.files("survey").joinpath("wordlists/eff_large_wordlist.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def phrase_bits(words: int = WORDS_PER_PHRASE) -> float:
    """Return the entropy in bits of a phrase of `words` random words."""
    return words * math.log2(len(word_list()))


def new_phrase(words: int = WORDS_PER_PHRASE) -> str:
    """Return a fresh phrase of `words` words, each chosen by the system's CSPRNG."""
    vocabulary = word_list()
    return " ".join(secrets.choice(vocabulary) for _ in range(words))


def phrase_for(
    secret_key: str,
    response_id: str,
    submit_key: str,
    *,
    purpose: str = WITHDRAW,
    words: int = WORDS_PER_PHRASE,
) -> str:
    """Return the phrase derived from a one-time submit key: the same inputs, the same phrase.

    HMAC-SHA256 keyed by the secret and `purpose` is run in counter mode over
    the response id and the submit key; each 16-bit draw below the largest
    multiple of the list's length picks a word (the rest are rejected), so
    every word is equally likely and `phrase_bits` holds, as long as the
    submit key has at least that much entropy and stays secret.
    """
    vocabulary = word_list()
    return " ".join(
        vocabulary[i]
        for i in derived_indexes(secret_key, response_id, submit_key, purpose=purpose, count=words)
    )


def derived_indexes(
    secret_key: str, response_id: str, submit_key: str, *, purpose: str, count: int
) -> list[int]:
    """Return `count` uniform word indexes drawn from the keyed HMAC stream (see `phrase_for`)."""
    size = len(word_list())
    limit = 65536 - 65536 % size  # draws at or above this would favour the first words
    key = hmac.new(
        secret_key.encode(), f"heard-derived-phrase:{purpose}".encode(), hashlib.sha256
    ).digest()
    # Length-prefixed, so no two (response, submit key) pairs share a message.
    message = b"".join(
        len(part).to_bytes(4, "big") + part for part in (response_id.encode(), submit_key.encode())
    )
    indexes: list[int] = []
    counter = 0
    while len(indexes) < count:
        block = hmac.new(key, message + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
        for offset in range(0, len(block), 2):
            draw = int.from_bytes(block[offset : offset + 2], "big")
            if draw < limit and len(indexes) < count:
                indexes.append(draw % size)
    return indexes


def normalise_phrase(typed: str) -> str:
    """Return `typed` as the canonical phrase: lower case, single spaces, no punctuation."""
    words = re.split(r"[^a-z-]+", typed.lower()[:500])
    return " ".join(word.strip("-") for word in words if word.strip("-"))


def use_cost(*, memory_kib: int, time_cost: int) -> None:
    """Hash phrases at this argon2id cost from now on: a test suite's hook, never production's."""
    _cost.update(memory_cost=memory_kib, time_cost=time_cost)


def hash_phrase(phrase: str, *, secret_key: str, purpose: str) -> str:
    """Return the keyed slow hash of `phrase` for `purpose` (hex)."""
    salt = hmac.new(
        secret_key.encode(), f"heard-phrase:{purpose}".encode(), hashlib.sha256
    ).digest()
    raw = hash_secret_raw(
        normalise_phrase(phrase).encode(),
        salt,
        time_cost=_cost["time_cost"],
        memory_cost=_cost["memory_cost"],
        parallelism=ARGON2_PARALLELISM,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()
