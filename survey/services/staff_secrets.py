"""Staff two-step secrets, sealed at rest with the site's "staff" data key.

A TOTP secret in clear lets whoever copies the database make second-factor
codes. It is stored sealed (`survey.sealing`, AES-256-GCM) with a site data
key that is wrapped by the master key like a study's (`SiteKey`), so ``heard
keys rotate`` re-wraps that one key and the secrets themselves never change.
Each ciphertext is bound to its column and to the account's id: copied into
another account's row it does not open, and sign-in fails as for a wrong code.

A secret shown at enrolment waits for its first code in the server-side
session. It is sealed there too, but with a key derived from the master key
(HKDF, its own purpose), so opening the set-up page writes no key row; after
a rotation a pending secret no longer opens and the page simply offers a new one.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import keyring, sealing
from survey.extensions import write_transaction
from survey.models.keys import SiteKey
from survey.models.sealed import site_key_id
from survey.sealing import SealingError

PURPOSE = "staff"
TOTP_CONTEXT = "staff_user.totp_secret"
PENDING_CONTEXT = "web_session.totp_pending"
PENDING_KEY_PURPOSE = "heard staff totp pending v1"

log = logging.getLogger(__name__)


def seal_secret(session: Session, user_id: int, secret: str) -> str:
    """Return `secret` sealed for account `user_id`'s row (call it outside a write transaction)."""
    with write_transaction(session):  # makes the site key on first use
        key_id = site_key_id(session, PURPOSE)
    return keyring.active().seal(key_id, secret, f"{TOTP_CONTEXT}|{user_id}")


def open_secret(session: Session, stored: str | None, user_id: int) -> str | None:
    """Return the secret in `stored`, or None when there is none or this one does not open.

    A value written before secrets were sealed (no ``hs1:`` prefix) is read as it
    is; sign-in seals it (`needs_sealing`). A changed, moved or damaged
    ciphertext is logged by account id only and treated as no secret, so the
    code typed fails like a wrong one. But when the staff key itself cannot be
    opened (its row is gone, or the master key that wrapped it is not
    configured), every account's secret fails alike: that is the operator's to
    fix, so `SealingError` goes up to the "data key missing" page (503) and no
    one's sign-in is counted as a failure, nor anyone locked out.
    """
    if not stored:
        return None
    if not sealing.is_sealed(stored):
        return stored
    try:
        key_id = sealing.key_id_of(stored)
    except SealingError as error:
        return _unopened(user_id, error)
    staff_key = session.scalar(select(SiteKey.id).where(SiteKey.purpose == PURPOSE))
    if staff_key is None:
        raise SealingError("the staff data key no longer exists: no two-step secret can open")
    if key_id != staff_key:
        return _unopened(user_id, SealingError(f"sealed with key {key_id}, not the staff key"))
    data_key = keyring.active().data_key(key_id)  # a master key missing or wrong: raises
    try:
        return sealing.unseal(data_key, stored, f"{TOTP_CONTEXT}|{user_id}")
    except SealingError as error:
        return _unopened(user_id, error)


def _unopened(user_id: int, error: SealingError) -> None:
    log.warning("staff account %s: its two-step secret does not open (%s)", user_id, error)


def seal_pending(user_id: int, secret: str) -> str:
    """Return a secret awaiting its first code sealed for `user_id`'s session (writes nothing)."""
    master = keyring.active().current
    key = sealing.derive(master.secret, PENDING_KEY_PURPOSE)
    return sealing.seal(key, master.id, secret, f"{PENDING_CONTEXT}|{user_id}")


def open_pending(stored: str | None, user_id: int) -> str | None:
    """Return the pending secret in `stored`, or None when there is none or it does not open."""
    if not stored or not sealing.is_sealed(stored):
        return None
    try:
        master = sealing.find_master(keyring.active().masters, sealing.key_id_of(stored))
        key = sealing.derive(master.secret, PENDING_KEY_PURPOSE)
        return sealing.unseal(key, stored, f"{PENDING_CONTEXT}|{user_id}")
    except SealingError:
        return None


def needs_sealing(stored: str | None) -> bool:
    """Return True for a secret still stored in clear (enrolled before 0008_sealed_totp)."""
    return bool(stored) and not sealing.is_sealed(stored)
