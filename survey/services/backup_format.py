"""The encrypted backup file: a header, then chunks sealed with AES-256-GCM (a STREAM design).

Layout (all integers big-endian)::

    header (50 bytes)
      magic        8   b"HEARDBK1"
      version      1   1
      kind         1   1 = SQLite database file, 2 = pg_dump custom archive
      master id   16   the id of the master key (ASCII hex, `survey.sealing.MasterKey.id`)
      salt        16   random, per backup
      nonce prefix 4   random, per backup
      chunk size   4   plaintext bytes per chunk (every chunk but the last is full)
    chunks, each the ciphertext of up to `chunk size` bytes plus a 16-byte tag

The backup key is ``derive(master secret, "heard backup v1" + salt.hex())``
(HKDF-SHA256). Chunk number ``i`` (from 0) is sealed with the nonce
``nonce prefix || i`` (8 bytes) and the associated data ``header || i || final``
where ``final`` is one byte, 1 for the last chunk and 0 otherwise. There is
always a last chunk (empty only when the plaintext is), and only it may be
shorter than the chunk size, so a reader knows the last chunk as the one that
ends the file. A changed header, a changed or missing byte, reordered chunks,
a file cut at a chunk boundary and bytes appended at the end all fail to open.
This module knows nothing of Flask or the database.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from survey.sealing import MasterKey, SealingError, derive, find_master

MAGIC = b"HEARDBK1"
VERSION = 1
KINDS = {"sqlite": 1, "postgresql": 2}
HEADER = struct.Struct(">8sBB16s16s4sI")
TAG_BYTES = 16
CHUNK_BYTES = 64 * 1024
MIN_CHUNK_BYTES = 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024
PURPOSE = "heard backup v1"


class BackupFileError(Exception):
    """The file is not a Heard backup, is damaged, or its key is missing: nothing was written."""


@dataclass(frozen=True)
class Header:
    """What a backup file says about itself before anything is decrypted."""

    kind: str
    master_id: str
    salt: bytes
    nonce_prefix: bytes
    chunk_size: int

    def pack(self) -> bytes:
        """Return the header as its 50 bytes."""
        return HEADER.pack(
            MAGIC,
            VERSION,
            KINDS[self.kind],
            self.master_id.encode("ascii"),
            self.salt,
            self.nonce_prefix,
            self.chunk_size,
        )


def new_header(kind: str, master: MasterKey, chunk_size: int = CHUNK_BYTES) -> Header:
    """Return the header of a new backup of a `kind` database under `master`."""
    if not MIN_CHUNK_BYTES <= chunk_size <= MAX_CHUNK_BYTES:
        raise ValueError(f"chunk size must be {MIN_CHUNK_BYTES} to {MAX_CHUNK_BYTES} bytes")
    return Header(kind, master.id, secrets.token_bytes(16), secrets.token_bytes(4), chunk_size)


def parse_header(data: bytes) -> Header:
    """Return the header at the start of `data`; `BackupFileError` if it is not one."""
    if len(data) < HEADER.size or not data.startswith(MAGIC):
        raise BackupFileError("This is not a Heard backup file.")
    _, version, kind, master_id, salt, prefix, chunk_size = HEADER.unpack(data[: HEADER.size])
    if version != VERSION:
        raise BackupFileError(
            f"This backup has format version {version}; this Heard reads version {VERSION}. "
            "Restore it with the Heard that made it, or a newer one."
        )
    names = {number: name for name, number in KINDS.items()}
    try:
        text_id = master_id.decode("ascii")
        int(text_id, 16)
    except (UnicodeDecodeError, ValueError):
        text_id = ""
    if kind not in names or not text_id or not MIN_CHUNK_BYTES <= chunk_size <= MAX_CHUNK_BYTES:
        raise BackupFileError("The backup file's header is damaged.")
    return Header(names[kind], text_id, salt, prefix, chunk_size)


def read_header(source: BinaryIO) -> Header:
    """Read and return the header of the backup open in `source`."""
    return parse_header(_read(source, HEADER.size))


def _cipher(header: Header, master: MasterKey) -> AESGCM:
    return AESGCM(derive(master.secret, PURPOSE + header.salt.hex()))


def _nonce(header: Header, counter: int) -> bytes:
    return header.nonce_prefix + counter.to_bytes(8, "big")


def _associated(packed: bytes, counter: int, final: bool) -> bytes:
    return packed + counter.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _read(source: BinaryIO, size: int) -> bytes:
    """Read `size` bytes, or fewer only at the end of the file."""
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def encrypt_stream(source: BinaryIO, target: BinaryIO, header: Header, master: MasterKey) -> int:
    """Write `header` and `source` sealed in chunks to `target`; return the plaintext bytes."""
    if master.id != header.master_id:
        raise ValueError("the header names another master key")
    packed = header.pack()
    cipher = _cipher(header, master)
    target.write(packed)
    block, counter, total = _read(source, header.chunk_size), 0, 0
    while True:
        ahead = _read(source, header.chunk_size) if len(block) == header.chunk_size else b""
        final = not ahead
        aad = _associated(packed, counter, final)
        target.write(cipher.encrypt(_nonce(header, counter), block, aad))
        total += len(block)
        if final:
            return total
        block, counter = ahead, counter + 1


def decrypt_stream(
    source: BinaryIO, target: BinaryIO, header: Header, keys: list[MasterKey]
) -> int:
    """Write the plaintext of the backup in `source` (just past its header) to `target`.

    Returns the plaintext bytes. Raises `BackupFileError` when the master key
    is missing or a chunk does not open (damaged, cut short, reordered or
    extended); what was written to `target` by then must be thrown away.
    """
    try:
        master = find_master(keys, header.master_id)
    except SealingError:
        raise BackupFileError(f"master key {header.master_id} is not available") from None
    packed, cipher = header.pack(), _cipher(header, master)
    size = header.chunk_size + TAG_BYTES
    block, counter, total = _read(source, size), 0, 0
    while True:
        ahead = _read(source, size) if len(block) == size else b""
        final = not ahead
        try:
            plain = cipher.decrypt(
                _nonce(header, counter), block, _associated(packed, counter, final)
            )
        except (InvalidTag, ValueError):
            raise BackupFileError(
                f"The backup file is damaged, cut short or was changed (part {counter + 1} "
                "does not open)."
            ) from None
        target.write(plain)
        total += len(plain)
        if final:
            return total
        block, counter = ahead, counter + 1
