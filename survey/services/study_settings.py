"""A study's settings: read them for the form, check every field, save and audit the changes.

Each field is checked on its own and every problem comes back at once, by
field name. Saving records one audit event per setting changed, with its
name and, for short values (numbers, dates, slugs, languages), the new value;
the title and the support lists' names and descriptions are named, not
quoted. Links are where a respondent's browser goes with their address, so
the exit address is recorded with its old and new values, and so are each
language's support links (``support_links``), cut to the audit log's 200
characters with a marker. With ``HEARD_LINK_HOSTS`` set, every link must be
on one of those hosts (`services.link_hosts`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instruments.schema import Instrument
from survey.extensions import write_transaction
from survey.models import Response, Study, User
from survey.models.studies import today
from survey.services.answers import clean_text
from survey.services.audit import MAX_DETAIL_LENGTH, record
from survey.services.errors import ServiceError
from survey.services.link_hosts import allowed, refusal
from survey.services.new_study import slug_error
from survey.services.permissions import EDIT, require
from survey.services.support import SupportListInvalid, links_of, parse_support, support_text

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
LIMITS = {
    "retention_days": (1, 3650, "days"),
    "disclosure_threshold": (5, 1000, "responses"),
    "draft_lifetime_hours": (1, 168, "hours"),
}
QUOTED = ("slug", "opens_on", "closes_on", "retain_until", "languages", *LIMITS, "resume_enabled")
CUT = "…[cut]"
Form = Mapping[str, Sequence[str]]


class SettingsInvalid(ServiceError):
    """Some settings are not right; `errors` holds one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("the settings are not right")
        self.errors = errors


def offered_languages(study: Study, instrument: Instrument) -> tuple[str, ...]:
    """Return the languages respondents may choose: the study's choice among the instrument's."""
    chosen = study.languages
    offered = tuple(lang for lang in instrument.languages if chosen is None or lang in chosen)
    return offered or instrument.languages


def form_values(study: Study, instrument: Instrument) -> dict[str, object]:
    """Return the study's settings as the settings form shows them."""
    values: dict[str, object] = {
        "title": study.title,
        "slug": study.slug,
        "opens_on": study.opens_on.isoformat() if study.opens_on else "",
        "closes_on": study.closes_on.isoformat() if study.closes_on else "",
        "retain_until": study.retain_until.isoformat() if study.retain_until else "",
        "languages": list(offered_languages(study, instrument)),
        "exit_url": study.exit_url or "",
        "resume_enabled": study.resume_enabled,
    }
    values.update({name: str(getattr(study, name)) for name in LIMITS})
    for language in instrument.languages:
        values[f"support_{language}"] = support_text(study.support.get(language, []))
    return values


def posted_values(posted: Form, instrument: Instrument) -> dict[str, object]:
    """Return what was posted in the shape of `form_values`, to show the form again."""
    values: dict[str, object] = {name: _one(posted, name) for name in ("title", "slug")}
    dates = ("opens_on", "closes_on", "retain_until")
    values.update({n: _one(posted, n) for n in (*dates, "exit_url", *LIMITS)})
    values["languages"] = list(posted.get("languages", []))
    values["resume_enabled"] = _one(posted, "resume_enabled") == "yes"
    for language in instrument.languages:
        values[f"support_{language}"] = _one(posted, f"support_{language}")
    return values


def update_settings(
    session: Session,
    user: User,
    study: Study,
    instrument: Instrument,
    posted: Form,
    *,
    link_hosts: Sequence[str] = (),
) -> list[str]:
    """Check and save the posted settings; return the names of those that changed.

    `link_hosts` is ``HEARD_LINK_HOSTS``: when set, links must be on those hosts.
    """
    require(session, user, EDIT, study)
    parsed, errors = _parse_all(session, study, instrument, posted, tuple(link_hosts))
    if errors:
        raise SettingsInvalid(errors)
    changed = [name for name, value in parsed.items() if _current(study, name) != value]
    with write_transaction(session):
        for name in changed:
            before = _current(study, name)
            _apply(study, name, parsed[name])
            quoted = {"value": _audit_value(parsed[name])} if name in QUOTED else {}
            if name == "exit_url":
                quoted = {"old": _cut(before or ""), "new": _cut(parsed[name] or "")}
            record(session, user, "study.settings", study, setting=name, **quoted)
            if name == "support":
                _record_links(session, user, study, before, parsed[name])
    return changed


def _record_links(session: Session, user: User, study: Study, before: dict, after: dict) -> None:
    """Record each language whose support links changed, with the old and new links."""
    for language in sorted(set(before) | set(after)):
        old, new = links_of(before.get(language, [])), links_of(after.get(language, []))
        if old != new:
            record(
                session, user, "study.settings", study, setting="support_links",
                language=language, old=_cut(" ".join(old)), new=_cut(" ".join(new)),
            )  # fmt: skip


def _cut(text: str) -> str:
    """Return `text` if it fits the audit log's detail, else its start and a marker."""
    if len(text) <= MAX_DETAIL_LENGTH:
        return text
    return text[: MAX_DETAIL_LENGTH - len(CUT)] + CUT


def _parse_all(
    session: Session, study: Study, instrument: Instrument, posted: Form, hosts: tuple[str, ...]
) -> tuple[dict[str, object], dict[str, str]]:
    parsers: dict[str, Callable[[], object]] = {
        "title": lambda: _title(_one(posted, "title")),
        "slug": lambda: _slug(session, study, _one(posted, "slug")),
        "opens_on": lambda: _date(_one(posted, "opens_on")),
        "closes_on": lambda: _date(_one(posted, "closes_on")),
        "retain_until": lambda: _retain_until(study, _one(posted, "retain_until")),
        "languages": lambda: _languages(posted.get("languages", []), instrument),
        "exit_url": lambda: _exit_url(_one(posted, "exit_url"), hosts),
        "resume_enabled": lambda: _one(posted, "resume_enabled") == "yes",
        **{name: _number_parser(posted, name) for name in LIMITS},
    }
    parsed: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, parse in parsers.items():
        try:
            parsed[name] = parse()
        except _FieldError as error:
            errors[name] = str(error)
    _check_dates(parsed, errors)
    parsed["support"] = _support(posted, instrument, errors, hosts)
    return parsed, errors


class _FieldError(ValueError):
    """One field's problem, in words for the researcher."""


def _one(posted: Form, name: str) -> str:
    values = posted.get(name) or [""]
    return clean_text(values[0]).strip()  # a pasted NUL or control character goes


def _title(text: str) -> str:
    if not text:
        raise _FieldError("Give the study a title.")
    if len(text) > 200:
        raise _FieldError(f"Use at most 200 characters for the title (it has {len(text)}).")
    return text


def _slug(session: Session, study: Study, slug: str) -> str:
    if slug == study.slug:
        return slug
    if message := slug_error(session, slug, ignore=study):
        raise _FieldError(message)
    has_responses = session.scalar(
        select(func.count()).select_from(Response).where(Response.study_id == study.id)
    )
    if has_responses or study.withdrawn_count:
        raise _FieldError(
            "People have answered at this address already: it cannot change, or they "
            "could not come back to their answers or withdraw them."
        )
    return slug


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _FieldError("Enter a date as year-month-day, like 2025-03-31.") from None


def _retain_until(study: Study, text: str) -> dt.date | None:
    """Return the retention date asked for: a real date, not in the past (unless unchanged)."""
    day = _date(text)
    if day is not None and day != study.retain_until and day < today():
        raise _FieldError(
            "The retention date cannot be in the past: the next purge would delete "
            "the study's data at once. Choose today or a later day."
        )
    return day


def _check_dates(parsed: dict[str, object], errors: dict[str, str]) -> None:
    opens, closes = parsed.get("opens_on"), parsed.get("closes_on")
    if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
        errors["closes_on"] = "The closing date must be on or after the opening date."
    kept = parsed.get("retain_until")
    if isinstance(kept, dt.date) and isinstance(closes, dt.date) and kept < closes:
        errors["retain_until"] = (
            "The retention date must be on or after the closing date: "
            "answers must not be deleted while the study still takes them."
        )


def _languages(chosen: Sequence[str], instrument: Instrument) -> list[str] | None:
    offered = [lang for lang in instrument.languages if lang in chosen]
    unknown = [lang for lang in chosen if lang not in instrument.languages]
    if unknown or not offered:
        raise _FieldError("Choose at least one of the instrument's languages.")
    return None if offered == list(instrument.languages) else offered


def _exit_url(text: str, hosts: tuple[str, ...] = ()) -> str | None:
    if not text:
        return None
    parts = urlsplit(text)
    local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if len(text) > 500 or any(c.isspace() for c in text) or not parts.hostname:
        raise _FieldError("Enter a whole web address, like https://www.bbc.co.uk/weather.")
    if parts.scheme != "https" and not local:
        raise _FieldError("The exit address must start with https:// (http only for localhost).")
    if not allowed(text, hosts):
        raise _FieldError(refusal("The exit address", hosts))
    return text


def _number_parser(posted: Form, name: str) -> Callable[[], int]:
    low, high, unit = LIMITS[name]

    def parse() -> int:
        text = _one(posted, name)
        if not text.isdigit() or not low <= int(text) <= high:
            raise _FieldError(f"Enter a whole number of {unit} from {low} to {high}.")
        return int(text)

    return parse


def _support(
    posted: Form, instrument: Instrument, errors: dict[str, str], hosts: tuple[str, ...] = ()
) -> dict[str, list[dict[str, str]]]:
    lists: dict[str, list[dict[str, str]]] = {}
    for language in instrument.languages:
        name = f"support_{language}"
        try:
            resources = parse_support(_one(posted, name), hosts)
        except SupportListInvalid as error:
            errors[name] = str(error)
            continue
        if resources:
            lists[language] = resources
    return lists


def _current(study: Study, name: str) -> object:
    if name == "languages":
        return study.languages
    if name == "support":
        return study.support
    return getattr(study, name)


def _apply(study: Study, name: str, value: object) -> None:
    if name == "languages":
        study.languages_json = json.dumps(value) if value else None
    elif name == "support":
        study.support_json = json.dumps(value, ensure_ascii=False) if value else None
    else:
        setattr(study, name, value)


def _audit_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(value)
    return value
