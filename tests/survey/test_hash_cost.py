"""Production hashes at OWASP's argon2id cost; only the test suite asks for a cheaper one."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys

from argon2.low_level import Type, hash_secret_raw

from survey.services import phrases

PROBE = """
from survey.services import accounts, phrases
hasher = accounts.HASHER
print(hasher.time_cost, hasher.memory_cost, hasher.parallelism)
print(accounts._DUMMY_HASH.split("$")[3])
print(phrases.hash_phrase("apple river candle", secret_key="k", purpose="resume"))
"""


def _owasp_phrase_hash(phrase: str, secret_key: str, purpose: str) -> str:
    """Hash as the module's docstring says, with argon2's own function at OWASP's cost."""
    salt = hmac.new(secret_key.encode(), f"heard-phrase:{purpose}".encode(), hashlib.sha256)
    return hash_secret_raw(
        phrase.encode(),
        salt.digest(),
        time_cost=2,
        memory_cost=19456,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    ).hex()


def test_a_fresh_process_hashes_passwords_and_phrases_at_owasp_minimums():
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )

    hasher, dummy, phrase = probe.stdout.split("\n")[:3]
    assert tuple(map(int, hasher.split())) == (2, 19456, 1)
    assert dummy == "m=19456,t=2,p=1"
    assert phrase == _owasp_phrase_hash("apple river candle", "k", "resume")


def test_the_owasp_hashing_fixture_restores_the_production_phrase_cost(owasp_hashing):
    hashed = phrases.hash_phrase("  Apple, river candle ", secret_key="k", purpose="withdraw")

    assert hashed == _owasp_phrase_hash("apple river candle", "k", "withdraw")


def test_the_suite_hashes_phrases_cheaply_by_default():
    hashed = phrases.hash_phrase("apple river candle", secret_key="k", purpose="withdraw")

    assert hashed != _owasp_phrase_hash("apple river candle", "k", "withdraw")
