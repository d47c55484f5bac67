"""Read members of an untrusted zip (a ``.qdpx``) in memory, within limits.

Nothing is ever extracted to disk. Before anything is read, the archive is
refused when it is larger than the total limit, has too many members, or has a
member whose name is absolute, climbs out (``..``), uses a backslash or a drive
letter, or collides with another name when case is ignored. Members are read
lazily, only when asked for, through a bounded reader that counts the bytes
actually unpacked (the sizes in the zip headers can lie) against the member
limit, the total limit and the compression ratio. Only stored and deflated
members are read: bzip2 and LZMA would unpack a whole block at a time, beyond
any bound.

Examples
--------
>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as archive:
...     archive.writestr("Sources/A.txt", "text")
>>> archive = Archive(buffer.getvalue())
>>> archive.find("sources/a.txt")
'Sources/A.txt'
>>> archive.read("Sources/A.txt")
b'text'
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from coding.errors import CodingError, ErrorCode

MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 100
# Below this many unpacked bytes a member's ratio is not checked: a short
# repetitive text can compress far better than 1:100 and harms nobody.
RATIO_FLOOR = 1024 * 1024

_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


@dataclass(frozen=True)
class ZipLimits:
    """How much an archive may unpack to; every field has a module constant as its default."""

    total_bytes: int = MAX_TOTAL_BYTES
    member_bytes: int = MAX_MEMBER_BYTES
    members: int = MAX_MEMBERS
    ratio: int = MAX_RATIO


class Archive:
    """An untrusted zip held in memory: find members case-insensitively, read them within limits."""

    def __init__(self, data: bytes, limits: ZipLimits | None = None) -> None:
        self.limits = limits or ZipLimits()
        if len(data) > self.limits.total_bytes:
            raise CodingError(
                ErrorCode.FILE_TOO_LARGE, size=len(data), limit=self.limits.total_bytes
            )
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except _READ_ERRORS as error:
            raise CodingError(ErrorCode.ZIP_INVALID, detail=_reason(error)) from None
        if len(infos) > self.limits.members:
            raise CodingError(
                ErrorCode.ZIP_TOO_MANY_MEMBERS, count=len(infos), limit=self.limits.members
            )
        self._members = _index(infos)
        self._unpacked = 0
        self._read: dict[str, bytes] = {}

    def names(self) -> list[str]:
        """Return the member names (files only), in archive order."""
        return [info.filename for info in self._members.values()]

    def find(self, name: str) -> str | None:
        """Return the member called `name`, ignoring case, or None."""
        info = self._members.get(name.casefold())
        return None if info is None else info.filename

    def read(self, name: str) -> bytes:
        """Return the bytes of member `name` (as :meth:`find` gives it), within the limits."""
        if name not in self._read:
            self._read[name] = self._read_bounded(self._members[name.casefold()])
        return self._read[name]

    def _read_bounded(self, info: zipfile.ZipInfo) -> bytes:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            detail = f"{info.filename!r} uses compression method {info.compress_type}; only "
            raise CodingError(ErrorCode.ZIP_INVALID, detail=detail + "stored and deflate are read")
        budget = min(self.limits.member_bytes, self.limits.total_bytes - self._unpacked)
        if info.file_size > budget:
            self._refuse(info)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    if size > budget or self._too_compressed(size, info.compress_size):
                        self._refuse(info)
                    chunks.append(chunk)
        except CodingError:
            raise
        except _READ_ERRORS as error:
            raise CodingError(ErrorCode.ZIP_INVALID, detail=_reason(error)) from None
        self._unpacked += size
        return b"".join(chunks)

    def _too_compressed(self, size: int, compressed: int) -> bool:
        return size > RATIO_FLOOR and size > self.limits.ratio * max(compressed, 1)

    def _refuse(self, info: zipfile.ZipInfo) -> None:
        limit = min(self.limits.member_bytes, self.limits.total_bytes)
        raise CodingError(ErrorCode.ZIP_TOO_LARGE, limit=limit, member=info.filename)


def _index(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Return the file members by case-folded name, refusing unsafe and colliding names."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        for name in {info.filename, info.orig_filename}:
            if is_unsafe_name(name):
                raise CodingError(ErrorCode.ZIP_UNSAFE_MEMBER, member=name)
        if info.is_dir():
            continue
        key = info.filename.casefold()
        if key in members:
            detail = f"two members are named {info.filename!r} (ignoring case)"
            raise CodingError(ErrorCode.ZIP_INVALID, detail=detail)
        members[key] = info
    return members


def is_unsafe_name(name: str) -> bool:
    """Return True for a member name that is empty, absolute, climbs out, or is not POSIX-style.

    Examples
    --------
    >>> [is_unsafe_name(n) for n in ["sources/a.txt", "../a", "/a", "C:a", "a\\\\b"]]
    [False, True, True, True, True]
    """
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or _DRIVE.match(name):
        return True
    return any(part == ".." for part in name.split("/"))


def _reason(error: BaseException) -> str:
    return str(error).rstrip(".") or type(error).__name__
