"""Authenticated encryption of respondents' words at rest: master keys, data keys, sealed text.

Three layers, all AES-256-GCM (`cryptography`):

- a **master key** (32 random bytes) from ``HEARD_DATA_KEY`` or the key file in
  the instance folder; it never touches the database;
- one **data key** per study, stored only wrapped by a master key (the
  ``study_key`` row), so deleting that row makes the study's texts unreadable
  for good; what belongs to no study (staff two-step secrets) has a site data
  key, wrapped the same way (the ``site_key`` row);
- **sealed text**: ``hs1:<key id>:<base64url(nonce || ciphertext || tag)>``.

A sealed text carries no time: the nonce is 96 random bits and nothing else
goes in clear but the key id (Fernet tokens, by contrast, carry their creation
time in clear). The key id and the column it lives in are bound into the tag
as associated data, so a ciphertext moved under another key's id or into
another column fails to open rather than decrypting to garbage. This module
knows nothing of Flask or the database.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "hs1:"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_FILE = "data_key"
NEXT_KEY_FILE = "data_key.next"


class SealingError(Exception):
    """A key is missing or wrong, or a sealed text does not open: nothing was decrypted."""


@dataclass(frozen=True)
class MasterKey:
    """A master key and its public id (the first 8 bytes of its SHA-256, in hex)."""

    id: str
    secret: bytes = b""

    def __repr__(self) -> str:  # never print the secret
        return f"MasterKey(id={self.id!r})"


def master_key(secret: bytes) -> MasterKey:
    """Return `secret` as a master key with its id."""
    if len(secret) != KEY_BYTES:
        raise SealingError(f"a data key must be {KEY_BYTES} bytes, not {len(secret)}")
    return MasterKey(hashlib.sha256(secret).hexdigest()[:16], secret)


def new_secret() -> bytes:
    """Return a fresh random key (256 bits)."""
    return secrets.token_bytes(KEY_BYTES)


def encode_key(secret: bytes) -> str:
    """Return `secret` as text for ``HEARD_DATA_KEY`` or a key file (base64url)."""
    return base64.urlsafe_b64encode(secret).decode("ascii")


def decode_keys(text: str, source: str) -> list[MasterKey]:
    """Return the master keys written in `text` (base64url, comma or line separated), first current.

    Raises `SealingError` naming `source` (never quoting the text) when one is not a key.
    """
    keys = []
    for number, part in enumerate(p.strip() for p in text.replace(",", "\n").splitlines()):
        if not part:
            continue
        try:
            secret = base64.urlsafe_b64decode(part.encode("ascii") + b"=" * (-len(part) % 4))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise SealingError(f"{source}: key {number + 1} is not base64url text") from None
        if len(secret) != KEY_BYTES:
            raise SealingError(
                f"{source}: key {number + 1} is {len(secret)} bytes; a data key is {KEY_BYTES}"
            )
        keys.append(master_key(secret))
    if not keys:
        raise SealingError(f"{source} holds no key")
    return keys


def write_key_file(path: Path, secret: bytes) -> None:
    """Write `secret` to a new key file readable only by its owner (fails if it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(encode_key(secret) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_master_keys(env_value: str | None, instance_path: Path) -> list[MasterKey]:
    """Return the master keys: ``HEARD_DATA_KEY`` if set, else the instance key file (made once).

    The first key is the one new data keys are wrapped with. A key file left
    by an interrupted ``heard keys rotate`` (``data_key.next``) is read too, so
    data keys already re-wrapped with it still open.
    """
    if env_value and env_value.strip():
        return decode_keys(env_value, "HEARD_DATA_KEY")
    path = instance_path / KEY_FILE
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_key_file(path, new_secret())
    keys = decode_keys(path.read_text(encoding="ascii"), str(path))
    pending = instance_path / NEXT_KEY_FILE
    if pending.exists():
        keys += decode_keys(pending.read_text(encoding="ascii"), str(pending))
    return keys


def derive(secret: bytes, purpose: str) -> bytes:
    """Return a 256-bit key for `purpose` derived from `secret` (HKDF-SHA256)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()
    ).derive(secret)


def _wrap_context(key_id: str, study_id: int) -> bytes:
    return f"heard study key v1|{key_id}|{study_id}".encode()


def _wrap(master: MasterKey, data_key: bytes, context: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(master.secret).encrypt(nonce, data_key, context)


def _unwrap(master: MasterKey, wrapped: bytes, context: bytes, what: str) -> bytes:
    try:
        return AESGCM(master.secret).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context)
    except InvalidTag:
        raise SealingError(f"the master key {master.id} does not open {what}") from None


def wrap(master: MasterKey, data_key: bytes, key_id: str, study_id: int) -> bytes:
    """Return `data_key` encrypted under `master`, bound to its key id and study."""
    return _wrap(master, data_key, _wrap_context(key_id, study_id))


def unwrap(master: MasterKey, wrapped: bytes, key_id: str, study_id: int) -> bytes:
    """Return the data key in `wrapped`; `SealingError` if `master` did not wrap it."""
    return _unwrap(master, wrapped, _wrap_context(key_id, study_id), f"data key {key_id}")


def _site_wrap_context(key_id: str, purpose: str) -> bytes:
    # Not a study's context: a site key cannot be passed off as a study's, nor the reverse.
    return f"heard site key v1|{key_id}|{purpose}".encode()


def wrap_site(master: MasterKey, data_key: bytes, key_id: str, purpose: str) -> bytes:
    """Return a site data key (one that belongs to no study) encrypted under `master`."""
    return _wrap(master, data_key, _site_wrap_context(key_id, purpose))


def unwrap_site(master: MasterKey, wrapped: bytes, key_id: str, purpose: str) -> bytes:
    """Return the site data key in `wrapped`; `SealingError` if `master` did not wrap it."""
    return _unwrap(master, wrapped, _site_wrap_context(key_id, purpose), f"site key {key_id}")


def is_sealed(value: str) -> bool:
    """Return True when `value` is a sealed text."""
    return value.startswith(PREFIX)


def _bound(key_id: str, context: str) -> bytes:
    # The key id, and where the text lives (a column), are authenticated with it: a
    # ciphertext moved under another key or into another column fails to open.
    return f"{key_id}|{context}".encode() if context else key_id.encode()


def seal(data_key: bytes, key_id: str, plaintext: str, context: str = "") -> str:
    """Return `plaintext` sealed with `data_key`, bound to its key id and `context`."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), _bound(key_id, context))
    return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + body).decode('ascii')}"


def key_id_of(token: str) -> str:
    """Return the id of the data key that sealed `token`."""
    key_id, sep, _ = token[len(PREFIX) :].partition(":")
    if not sep or not key_id:
        raise SealingError("a sealed text is damaged (no key id)")
    return key_id


def unseal(data_key: bytes, token: str, context: str = "") -> str:
    """Return the text sealed in `token`; `SealingError` if it was changed or the key is wrong."""
    key_id = key_id_of(token)
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX) + len(key_id) + 1 :])
        bound = _bound(key_id, context)
        plain = AESGCM(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound)
    except (InvalidTag, binascii.Error, ValueError):
        raise SealingError(f"a text sealed with data key {key_id} does not open") from None
    return plain.decode("utf-8")


def find_master(keys: Iterable[MasterKey], master_id: str) -> MasterKey:
    """Return the key with `master_id`, or `SealingError` saying which key is missing."""
    for key in keys:
        if key.id == master_id:
            return key
    raise SealingError(
        f"the master key {master_id} is not configured (HEARD_DATA_KEY or the instance "
        f"key file holds {', '.join(k.id for k in keys) or 'none'})"
    )
