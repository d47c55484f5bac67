"""Turn a posted question page into answers, and answers back into form values.

Pure functions over plain mappings: the view hands in the posted fields as
``{name: [values]}`` so nothing here needs a request. Field names are the item
id, plus ``ID__na`` for the non-answer box of a text, number or date item,
``ID__month``/``ID__year`` for month_year and ``ID__text`` for a
self-described choice.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from instruments.schema import Instrument, Item
from survey.services.messages import N_

CHOICE_TYPES = ("single_choice", "multiple_choice", "scale", "yes_no")
SELF_DESCRIBE_MAX = 200


@dataclass(frozen=True)
class Stored:
    """What goes into one answer row: a JSON-able value or a non-answer code."""

    value: object = None
    code: str | None = None

    def as_condition_value(self) -> object:
        """Return what `show_if` conditions see: the value, or the code."""
        return self.code if self.code is not None else self.value

    def encoded(self) -> str | None:
        """Return the value as JSON for the database (None for a non-answer)."""
        return None if self.code is not None else json.dumps(self.value, ensure_ascii=False)


@dataclass
class PageInput:
    """The outcome of reading one posted page."""

    answers: dict[str, Stored] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def clean_text(raw: str) -> str:
    """Normalise typed text: NFC, ``\\n`` line endings, no NUL or other control characters."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def read_page(items: Iterable[Item], form: Mapping[str, Sequence[str]]) -> PageInput:
    """Read the answers to `items` from posted `form`, with a message per bad field."""
    result = PageInput()
    for item in items:
        if not item.answerable:
            continue
        reader = _READERS[item.type]
        try:
            stored = reader(item, form)
        except _FieldError as error:
            result.errors[error.field or item.id] = error.message
            continue
        if stored is None:
            if item.required:
                result.errors[item.id] = _required_message(item)
                continue
            stored = Stored(code="skipped")
        result.answers[item.id] = stored
        extra = _self_described(item, form, stored)
        if isinstance(extra, _FieldError):
            result.errors[extra.field or item.id] = extra.message
        elif extra is not None:
            result.answers[f"{item.id}__text"] = extra
    return result


class _FieldError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _required_message(item: Item) -> str:
    if item.type in CHOICE_TYPES:
        return N_("Select an answer, or choose “Prefer not to say”.")
    return N_("Enter an answer, or choose “Prefer not to say”.")


def _values(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    raw = form.get(name, [])
    if isinstance(raw, str):
        raw = [raw]
    return [v for v in raw if isinstance(v, str)]


def _single(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v for v in _values(form, name) if v != ""]
    if len(values) > 1:
        raise _FieldError(N_("Choose only one answer."), name)
    return values[0] if values else None


def _chosen_non_answer(item: Item, value: str | None) -> Stored | None:
    if value is None:
        return None
    if value in item.non_answers:
        return Stored(code=value)
    return None


def _read_choice(item: Item, form: Mapping[str, Sequence[str]]) -> Stored | None:
    value = _single(form, item.id)
    if value is None:
        return None
    non_answer = _chosen_non_answer(item, value)
    if non_answer:
        return non_answer
    if item.type == "scale":
        if value not in {str(c.value) for c in item.choices}:
            raise _FieldError(N_("Select one of the answers shown."), item.id)
        return Stored(value=int(value))
    if value not in item.choice_values():
        raise _FieldError(N_("Select one of the answers shown."), item.id)
    return Stored(value=value)


def _read_multiple(item: Item, form: Mapping[str, Sequence[str]]) -> Stored | None:
    chosen = list(dict.fromkeys(v for v in _values(form, item.id) if v))
    if not chosen:
        return None
    codes = [v for v in chosen if v in item.non_answers]
    options = [v for v in chosen if v not in item.non_answers]
    if any(v not in item.choice_values() for v in options):
        raise _FieldError(N_("Select only the answers shown."), item.id)
    if codes and (options or len(codes) > 1):
        raise _FieldError(N_("Select answers, or “Prefer not to say”, but not both."), item.id)
    if codes:
        return Stored(code=codes[0])
    order = item.choice_values()
    return Stored(value=sorted(options, key=order.index))


def _na_box(item: Item, form: Mapping[str, Sequence[str]], has_value: bool) -> Stored | None:
    name = f"{item.id}__na"
    codes = list(dict.fromkeys(v for v in _values(form, name) if v))
    if not codes:
        return None
    if len(codes) > 1 or codes[0] not in item.non_answers:
        raise _FieldError(N_("Choose only one of the options shown."), name)
    if has_value:
        raise _FieldError(
            N_("Give an answer, or choose “Prefer not to say”, but not both."), item.id
        )
    return Stored(code=codes[0])


def _read_text(item: Item, form: Mapping[str, Sequence[str]]) -> Stored | None:
    raw = _single(form, item.id) or ""
    text = clean_text(raw)
    non_answer = _na_box(item, form, bool(text))
    if non_answer:
        return non_answer
    if not text:
        return None
    limit = item.max_length or 5000
    if len(text) > limit:
        raise _FieldError(
            N_(
                "Your answer must be %(limit)s characters or fewer. It is %(length)s now.",
                limit=format(limit, ","),
                length=format(len(text), ","),
            ),
            item.id,
        )
    return Stored(value=text)


def _read_number(item: Item, form: Mapping[str, Sequence[str]]) -> Stored | None:
    raw = clean_text(_single(form, item.id) or "").replace(",", "")
    non_answer = _na_box(item, form, bool(raw))
    if non_answer:
        return non_answer
    if not raw:
        return None
    number = _parse_number(raw, item)
    if item.min is not None and number < item.min:
        raise _FieldError(
            N_("Enter a number that is %(min)s or more.", min=_plain(item.min)), item.id
        )
    if item.max is not None and number > item.max:
        raise _FieldError(
            N_("Enter a number that is %(max)s or less.", max=_plain(item.max)), item.id
        )
    return Stored(value=number)


def _parse_number(raw: str, item: Item) -> int | float:
    if len(raw) > 30:
        raise _FieldError(N_("Enter a number, like 3."), item.id)
    try:
        number = int(raw) if item.integer else float(raw)
    except ValueError:
        message = (
            N_("Enter a whole number, like 3.") if item.integer else N_("Enter a number, like 3.")
        )
        raise _FieldError(message, item.id) from None
    if isinstance(number, float) and not math.isfinite(number):
        raise _FieldError(N_("Enter a number, like 3."), item.id)
    return number


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _read_month_year(item: Item, form: Mapping[str, Sequence[str]]) -> Stored | None:
    month = clean_text(_single(form, f"{item.id}__month") or "")
    year = clean_text(_single(form, f"{item.id}__year") or "")
    non_answer = _na_box(item, form, bool(month or year))
    if non_answer:
        return non_answer
    if not month and not year:
        return None
    if not month.isdigit() or not 1 <= int(month) <= 12:
        raise _FieldError(N_("Choose a month."), f"{item.id}__month")
    this_year = dt.datetime.now(dt.UTC).year
    if not (year.isdigit() and len(year) == 4 and 1900 <= int(year) <= this_year):
        raise _FieldError(
            N_("Enter a year between 1900 and %(this_year)s, like 2021.", this_year=this_year),
            f"{item.id}__year",
        )
    return Stored(value=f"{int(year):04d}-{int(month):02d}")


def _self_described(item: Item, form: Mapping[str, Sequence[str]], stored: Stored) -> object:
    if not item.self_describe:
        return None
    chosen = stored.value if isinstance(stored.value, list) else [stored.value]
    if item.self_describe not in chosen:
        return None
    text = clean_text(_single(form, f"{item.id}__text") or "")
    if not text:
        return None
    if len(text) > SELF_DESCRIBE_MAX:
        return _FieldError(
            N_("Your description must be %(limit)s characters or fewer.", limit=SELF_DESCRIBE_MAX),
            f"{item.id}__text",
        )
    return Stored(value=text)


_READERS = {
    "single_choice": _read_choice,
    "yes_no": _read_choice,
    "scale": _read_choice,
    "multiple_choice": _read_multiple,
    "short_text": _read_text,
    "long_text": _read_text,
    "number": _read_number,
    "month_year": _read_month_year,
}


def form_values(items: Iterable[Item], answers: Mapping[str, Stored]) -> dict[str, list[str]]:
    """Return the form fields that show `answers` again, as ``{name: [values]}``."""
    values: dict[str, list[str]] = {}
    for item in items:
        stored = answers.get(item.id)
        if stored is None or stored.code in ("skipped", "not_shown"):
            continue
        if stored.code is not None:
            name = item.id if item.type in (*CHOICE_TYPES, "multiple_choice") else f"{item.id}__na"
            values[name] = [stored.code]
        elif item.type == "month_year":
            year, month = str(stored.value).split("-")
            values[f"{item.id}__year"] = [year]
            values[f"{item.id}__month"] = [str(int(month))]
        elif isinstance(stored.value, list):
            values[item.id] = [str(v) for v in stored.value]
        else:
            values[item.id] = [str(stored.value)]
        described = answers.get(f"{item.id}__text")
        if described is not None and described.value is not None:
            values[f"{item.id}__text"] = [str(described.value)]
    return values


def decode(value: str | None, code: str | None) -> Stored:
    """Return the :class:`Stored` held by an answer row's columns."""
    if code is not None:
        return Stored(code=code)
    return Stored(value=json_value(value) if value is not None else None)


def json_value(text: str) -> object:
    """Return the value of stored JSON `text`; plain strings and whole numbers skip the parser.

    Exports decode millions of answers, and most are a short string or a whole
    number: a string without a backslash has no escape to undo, and a string of
    digits is an integer.
    """
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"' and "\\" not in text:
        inner = text[1:-1]
        if '"' not in inner:
            return inner
    elif text.isdigit() and text.isascii() and (text == "0" or text[0] != "0"):
        return int(text)
    return json.loads(text)


def free_text_ids(instrument: Instrument) -> frozenset[str]:
    """Return the answer keys that hold a respondent's own words (sealed at rest)."""
    keys = set()
    for item in instrument.answerable_items():
        if item.type in ("short_text", "long_text"):
            keys.add(item.id)
        if item.self_describe:
            keys.add(f"{item.id}__text")
    return frozenset(keys)
