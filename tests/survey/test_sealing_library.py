"""The sealing primitives, checked against `cryptography`'s AES-GCM directly (no app)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from survey import sealing
from survey.sealing import SealingError

KEY = bytes(range(32))
TEXTS = ["", "They were kind to me.", "Zebraquartz \u202eevil\u202c 🙁 \x00 नमस्ते", "x" * 10_000]


def _body(token: str, key_id: str) -> bytes:
    return base64.urlsafe_b64decode(token[len(sealing.PREFIX) + len(key_id) + 1 :])


@pytest.mark.parametrize("text", TEXTS)
def test_a_sealed_text_opens_with_plain_aes_gcm_and_holds_nothing_else(text):
    token = sealing.seal(KEY, "k1", text)
    body = _body(token, "k1")
    # nonce (12 bytes) + ciphertext (as long as the text) + tag (16): no time, no other field.
    assert len(body) == 12 + len(text.encode("utf-8")) + 16
    assert AESGCM(KEY).decrypt(body[:12], body[12:], b"k1").decode("utf-8") == text
    assert sealing.unseal(KEY, token) == text


def test_sealing_the_same_text_twice_gives_different_ciphertexts():
    assert sealing.seal(KEY, "k1", "same words") != sealing.seal(KEY, "k1", "same words")


def test_a_changed_byte_anywhere_in_the_ciphertext_is_refused():
    token = sealing.seal(KEY, "k1", "They were kind to me.")
    body = bytearray(_body(token, "k1"))
    for position in (0, 12, len(body) - 1):
        changed = bytearray(body)
        changed[position] ^= 1
        forged = f"{sealing.PREFIX}k1:{base64.urlsafe_b64encode(bytes(changed)).decode()}"
        with pytest.raises(SealingError):
            sealing.unseal(KEY, forged)


def test_a_wrong_key_or_a_moved_key_id_opens_nothing():
    token = sealing.seal(KEY, "k1", "words")
    with pytest.raises(SealingError):
        sealing.unseal(bytes(32), token)
    with pytest.raises(SealingError):
        sealing.unseal(KEY, token.replace(":k1:", ":k2:"))


def test_a_text_sealed_for_one_column_does_not_open_in_another():
    token = sealing.seal(KEY, "k1", "words", "answer.value")
    assert sealing.unseal(KEY, token, "answer.value") == "words"
    for elsewhere in ("memo.text", ""):
        with pytest.raises(SealingError):
            sealing.unseal(KEY, token, elsewhere)


def test_a_data_key_is_bound_to_its_master_its_id_and_its_study():
    master = sealing.master_key(KEY)
    wrapped = sealing.wrap(master, b"d" * 32, "key1", 7)
    assert sealing.unwrap(master, wrapped, "key1", 7) == b"d" * 32
    for other in [("key1", 8), ("key2", 7)]:
        with pytest.raises(SealingError):
            sealing.unwrap(master, wrapped, *other)
    with pytest.raises(SealingError, match="does not open"):
        sealing.unwrap(sealing.master_key(bytes(32)), wrapped, "key1", 7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no key"),
        ("not base64 !!!", "not base64url"),
        (base64.urlsafe_b64encode(b"short").decode(), "5 bytes"),
    ],
)
def test_a_bad_master_key_setting_gets_a_message_naming_the_setting(text, message):
    with pytest.raises(SealingError, match=message) as caught:
        sealing.decode_keys(text, "HEARD_DATA_KEY")
    assert "HEARD_DATA_KEY" in str(caught.value)


def test_several_master_keys_may_be_given_and_the_first_is_current():
    first, second = sealing.new_secret(), sealing.new_secret()
    text = f"{sealing.encode_key(first)}, {sealing.encode_key(second)}"
    keys = sealing.decode_keys(text, "HEARD_DATA_KEY")
    assert [k.secret for k in keys] == [first, second]
    assert keys[0].id != keys[1].id
    assert "secret" not in repr(keys[0]) and str(first) not in repr(keys)


def test_the_key_file_is_made_once_readable_only_by_its_owner(tmp_path):
    made = sealing.load_master_keys(None, tmp_path)
    again = sealing.load_master_keys("", tmp_path)
    assert made == again
    assert (tmp_path / sealing.KEY_FILE).stat().st_mode & 0o077 == 0


def test_derived_keys_differ_by_purpose():
    assert sealing.derive(KEY, "backup") != sealing.derive(KEY, "other")
    assert len(sealing.derive(KEY, "backup")) == 32
