"""Hostile input as hypothesis strategies: the test (tests/survey/test_hostile_input.py) and
the fuzzer (bench/fuzz.py) draw from the same ones.

A form is drawn as a list of (name, value) pairs of raw bytes, so a body can
carry what a browser never would: invalid UTF-8, lone surrogates (encoded as
CESU-style bytes), NUL, a parameter repeated, a field left out, fields nobody
asked for and megabyte values. `form_body` turns the pairs into an
application/x-www-form-urlencoded body, the CSRF token (and any hidden field)
first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

MEGABYTE = 1 << 20
XSS = (
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/"
    "</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    "<script>alert('hx')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
)
TEMPLATES = ("{{7*7}}", "{% raw %}{{ config }}{% endraw %}", "{{ ''.__class__.__mro__ }}",
             "${7*7}", "#{7*7}", "{{", "{%", "{#")  # fmt: skip
SQL = ("' OR 1=1 --", "'; DROP TABLE answer; --", "1; DROP TABLE study", '" OR ""="',
       "%' --", "1' UNION SELECT NULL--", "\\'; --")  # fmt: skip
FORMULAS = ('=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "=1+1", "\t=1+1")  # fmt: skip
UNICODE = ("\u202egnp.exe", "left\u202eright", "a\u200bb\ufeffc", "\ufeff", "\u200b" * 40,
           "e\u0301\u0308\u0323\u0330" * 8, "Z\u0337\u0322\u034e\u0344a\u0334l\u0338g\u0336o",
           "\u05e9\u05dc\u05d5\u05dd", "\U0001f642\U0001f3f3\ufe0f\u200d\U0001f308",
           "\ud800", "x\udfffy", "\ud83d")  # fmt: skip
CONTROL = ("\x00", "a\x00b", "\x00" * 20, "\r\n\r\nSet-Cookie: x=1", "\x1b[31m", "\x7f\x08")
ODD = ("", " ", "0", "-1", "99999999999999999999999", "1e400", "NaN", "-0", "../../etc/passwd",
       "%00", "%FF", "null", "undefined", "[]", "{}", "true")  # fmt: skip
PAYLOADS: tuple[str, ...] = (*XSS, *TEMPLATES, *SQL, *FORMULAS, *UNICODE, *CONTROL, *ODD)
BAD_BYTES = (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
             b"\xc0\xaf", b"\xe2\x82", b"\x80")  # fmt: skip


def encode(text: str) -> bytes:
    """Return `text` as UTF-8, lone surrogates kept as the (invalid) bytes they would be."""
    return text.encode("utf-8", "surrogatepass")


def any_text() -> st.SearchStrategy[str]:
    """Return a strategy of short text of any code point, surrogates and controls included."""
    return st.text(st.characters(exclude_categories=()), max_size=40)


def hostile_text() -> st.SearchStrategy[str]:
    """Return a strategy of text: payloads, any characters, and the two run together."""
    piece = st.one_of(st.sampled_from(PAYLOADS), any_text())
    return st.lists(piece, min_size=1, max_size=3).map("".join)


def hostile_bytes(valid: Sequence[str] = ()) -> st.SearchStrategy[bytes]:
    """Return a strategy of one raw value: hostile text, invalid UTF-8, or a value that works."""
    choices = [hostile_text().map(encode), st.lists(st.sampled_from(BAD_BYTES), min_size=1,
               max_size=3).map(b"".join), st.binary(max_size=24)]  # fmt: skip
    if valid:
        ok = st.sampled_from([encode(value) for value in valid])
        choices.append(ok)
        choices.append(st.tuples(ok, hostile_text().map(encode)).map(b"".join))
    return st.one_of(*choices)


def huge_bytes(sizes: Sequence[int] = (60_000, 600_000, MEGABYTE)) -> st.SearchStrategy[bytes]:
    """Return a strategy of one long value (of one of `sizes`, in bytes): a payload repeated.

    Under a megabyte it reaches the view (the form limit is 1 MB); at a megabyte it
    meets the limit.
    """
    unit = hostile_text().map(encode).filter(bool)
    return st.tuples(unit, st.sampled_from(sizes)).map(
        lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[: pair[1]]
    )


Pairs = list[tuple[bytes, bytes]]


@st.composite
def hostile_form(draw: st.DrawFn, fields: Mapping[str, Sequence[str]], huge: bool = False) -> Pairs:
    """Return a strategy of forms for an endpoint whose fields (and values that work) are given.

    Each known field is left out, sent once or sent two or three times; a few fields
    nobody asked for come after. With `huge`, one value is a megabyte long.
    """
    pairs: Pairs = []
    for name, valid in fields.items():
        repeat = draw(st.sampled_from((0, 1, 1, 1, 2, 3)))
        pairs += [(encode(name), draw(hostile_bytes(valid))) for _ in range(repeat)]
    unknown = st.tuples(hostile_bytes(("action", "csrf_token", "phrase")), hostile_bytes())
    pairs += draw(st.lists(unknown, max_size=2))
    if huge:
        name = draw(st.sampled_from([*fields, "unknown"])) if fields else "unknown"
        pairs.append((encode(name), draw(huge_bytes())))
    return draw(st.permutations(pairs)) if pairs else pairs


def hostile_query() -> st.SearchStrategy[bytes]:
    """Return a strategy of raw query strings (already percent-encoded)."""
    names = ("q", "by", "where", "question", "topic", "page", "next", "lang", "code", "reason")
    pair = st.tuples(st.sampled_from(names).map(str.encode), hostile_bytes())
    return st.lists(pair, max_size=4).map(form_body)


def form_body(
    pairs: Iterable[tuple[bytes, bytes]], first: Mapping[str, str] | None = None
) -> bytes:
    """Return an urlencoded body: the `first` fields (a CSRF token), then `pairs` as raw bytes."""
    ordered = [(encode(key), encode(value)) for key, value in (first or {}).items()]
    ordered += list(pairs)
    return b"&".join(quote_from_bytes(key).encode() + b"=" + quote_from_bytes(value).encode()
                     for key, value in ordered)  # fmt: skip


def short(value: object, limit: int = 200) -> str:
    """Return the repr of `value`, cut to `limit` characters (for reports)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"
