"""Turn an uploaded transcript's bytes into text: decode, refuse binary, normalise.

Encodings are decided from the bytes alone, never guessed by a heuristic
library: a UTF-8 byte order mark means UTF-8; ``FF FE`` or ``FE FF`` means
UTF-16 (little or big endian); otherwise strict UTF-8, and only if that
fails, Windows-1252 when the result looks like text (with a warning, since
the guess can be wrong). Text with NULs or many control characters is
binary or garbled and is refused: it is not a transcript, and coding it
would only show noise.

Examples
--------
>>> decode("café".encode("utf-16"), max_bytes=100)
('café', ())
>>> clean("\\ufeffA:  hi  \\r\\n\\r\\nB: yo\\n\\n")
'A:  hi\\n\\nB: yo'
"""

from __future__ import annotations

import codecs
import unicodedata

from coding.errors import CodingError, ErrorCode
from coding.text import normalise

WINDOWS_1252_WARNING = (
    "The file is not UTF-8, so it was read as Windows-1252 (Western European): check "
    "that accented letters and quotes look right, and save it as UTF-8 if they do not."
)
# Share of control characters (other than tab, line feed, carriage return and
# form feed) above which a text is taken to be binary or garbled.
MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
_CONTROL_BYTES = bytes(b for b in [*range(0x20), 0x7F] if chr(b) not in _ALLOWED_CONTROLS)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes | str, *, max_bytes: int) -> tuple[str, tuple[str, ...]]:
    """Return the text of `data` and any warnings; CodingError if too large, binary or undecodable.

    Examples
    --------
    >>> decode(b"caf\\xe9", max_bytes=100)[0]
    'café'
    """
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise CodingError(ErrorCode.FILE_TOO_LARGE, size=size, limit=max_bytes)
    if isinstance(data, str):
        text, warnings = data, ()
    else:
        text, warnings = _decode_bytes(bytes(data))
    refuse_binary(text)
    return text, warnings


def _decode_bytes(data: bytes) -> tuple[str, tuple[str, ...]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding), ()
    if b"\x00" in data:
        raise CodingError(ErrorCode.TRANSCRIPT_BINARY, detail="it contains NUL bytes")
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as error:
        first_error = error
    share = (len(data) - len(data.translate(None, _CONTROL_BYTES))) / len(data)
    if share > MAX_CONTROL_SHARE:
        detail = f"{share:.0%} of its bytes are control characters"
        raise CodingError(ErrorCode.TRANSCRIPT_BINARY, detail=detail)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None:
        detail = f"byte {first_error.start} (0x{data[first_error.start]:02X}) is not UTF-8"
        raise CodingError(ErrorCode.TRANSCRIPT_ENCODING, detail=detail)
    return text, (WINDOWS_1252_WARNING,)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        label = encoding.upper().replace("-LE", " LE").replace("-BE", " BE")
        detail = f"it starts with a {label} byte order mark, but byte {error.start} is not {label}"
        raise CodingError(ErrorCode.TRANSCRIPT_ENCODING, detail=detail) from None


def _control_share(text: str) -> float:
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS
    )
    return controls / max(len(text), 1)


def refuse_binary(text: str) -> None:
    """Raise CodingError ``TRANSCRIPT_BINARY`` if `text` holds NULs or many control characters."""
    if "\x00" in text:
        raise CodingError(ErrorCode.TRANSCRIPT_BINARY, detail="it contains NUL characters")
    share = _control_share(text)
    if share > MAX_CONTROL_SHARE:
        detail = f"{share:.0%} of its characters are control characters"
        raise CodingError(ErrorCode.TRANSCRIPT_BINARY, detail=detail)


def clean(text: str) -> str:
    """Return `text` as Heard stores a transcript; CodingError ``TRANSCRIPT_EMPTY`` if blank.

    Removes a byte order mark, makes it NFC with ``\\n`` line endings, trims
    trailing spaces on every line, and drops blank lines at the start and
    whitespace at the end.

    Examples
    --------
    >>> clean("  \\n\\nR: yes \\r\\n")
    'R: yes'
    """
    text = normalise(text.removeprefix("\ufeff"))
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    result = "\n".join(lines).rstrip()
    if not result:
        raise CodingError(ErrorCode.TRANSCRIPT_EMPTY)
    return result
