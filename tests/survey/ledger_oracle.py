"""The withdrawal ledger's digest, computed as documented, without Heard's code."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def digest(secret_key: str, message: str) -> str:
    """Return HMAC-SHA256(HKDF-SHA256(secret_key, info="heard forgotten v1"), message) in hex."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"heard forgotten v1").derive(
        secret_key.encode()
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
