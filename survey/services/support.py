"""Where a respondent can get help: the instrument's lists, a study's own, or the UK defaults.

A study may replace the instrument's support list in any language. In the
studio a list is written one resource a line, its parts separated by ``|``:
``Name | phone | web address | what it is``; only the name is required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from instruments.schema import Instrument, SupportResource
from survey.services.errors import ServiceError
from survey.services.link_hosts import allowed, refusal
from survey.services.messages import N_

DEFAULT_SUPPORT = (
    SupportResource(
        name=N_("Modern Slavery & Exploitation Helpline"),
        phone="08000 121 700",
        url="https://www.modernslaveryhelpline.org",
        description=N_("Free and confidential, 24 hours a day, 7 days a week."),
    ),
    SupportResource(
        name=N_("Emergency services"),
        phone="999",
        description=N_("If you are in danger now, call 999."),
    ),
)
PARTS = ("name", "phone", "url", "description")
MAX_RESOURCES = 10
MAX_LENGTHS = {"name": 100, "phone": 30, "url": 300, "description": 300}
PHONE_CHARACTERS = set("0123456789 +-()")

Overrides = Mapping[str, Sequence[Mapping[str, str]]]


class SupportListInvalid(ServiceError):
    """A support list written in the studio is not right; the message says where and why."""


def support_for(
    instrument: Instrument | None, language: str, overrides: Overrides | None = None
) -> tuple[SupportResource, ...]:
    """Return the support resources to show in `language`.

    The study's own list in that language comes first, then the instrument's;
    failing both, the study's and then the instrument's list in the default
    language; failing all, the UK defaults.
    """
    overrides = overrides or {}
    if instrument is None:
        return _resources(overrides.get(language)) or DEFAULT_SUPPORT
    for lang in (language, instrument.default_language):
        resources = _resources(overrides.get(lang)) or tuple(instrument.support.get(lang, ()))
        if resources:
            return resources
    return DEFAULT_SUPPORT


def _resources(entries: Sequence[Mapping[str, str]] | None) -> tuple[SupportResource, ...]:
    return tuple(
        SupportResource(**{part: entry.get(part) or None for part in PARTS})  # type: ignore[arg-type]
        for entry in entries or ()
        if entry.get("name")
    )


def support_text(entries: Sequence[Mapping[str, str]]) -> str:
    """Return a support list as the studio's text: one resource a line, parts split by |."""
    lines = []
    for entry in entries:
        parts = [entry.get(part) or "" for part in PARTS]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def parse_support(text: str, hosts: Sequence[str] = ()) -> list[dict[str, str]]:
    """Return the resources written in `text`; raise SupportListInvalid naming the line.

    With `hosts` (``HEARD_LINK_HOSTS``), every web address must be on one of them.
    """
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_RESOURCES:
        raise SupportListInvalid(f"List at most {MAX_RESOURCES} places to get help.")
    return [_parse_line(number, line, hosts) for number, line in lines]


def _parse_line(number: int, line: str, hosts: Sequence[str] = ()) -> dict[str, str]:
    values = [part.strip() for part in line.split("|")]
    if len(values) > len(PARTS):
        raise SupportListInvalid(
            f"Line {number}: use at most 4 parts (name | phone | web address | what it is)."
        )
    entry = {part: value for part, value in zip(PARTS, values, strict=False) if value}
    if not entry.get("name"):
        raise SupportListInvalid(f"Line {number}: start with the name of the service.")
    for part, value in entry.items():
        if len(value) > MAX_LENGTHS[part]:
            raise SupportListInvalid(
                f"Line {number}: the {part} is too long (at most {MAX_LENGTHS[part]} characters)."
            )
    phone = entry.get("phone", "")
    if phone and (not set(phone) <= PHONE_CHARACTERS or not any(c.isdigit() for c in phone)):
        raise SupportListInvalid(
            f"Line {number}: the phone number may hold only digits, spaces and + - ( )."
        )
    url = entry.get("url", "")
    if url and (urlsplit(url).scheme != "https" or not urlsplit(url).hostname):
        raise SupportListInvalid(f"Line {number}: the web address must start with https://.")
    if url and not allowed(url, hosts):
        raise SupportListInvalid(refusal(f"Line {number}: the web address", hosts))
    return entry


def links_of(entries: Sequence[Mapping[str, str]]) -> list[str]:
    """Return the web addresses of a support list, in order."""
    return [entry["url"] for entry in entries if entry.get("url")]


def shown_support(
    resources: Sequence[SupportResource], hosts: Sequence[str]
) -> tuple[SupportResource, ...]:
    """Return the support lines with any web address on another host left out.

    The line stays (its name, phone and words); only the link goes. Heard's own
    default helpline is the administrator's choice and is kept as it is.
    """
    return tuple(
        r if not r.url or r in DEFAULT_SUPPORT or allowed(r.url, hosts) else replace(r, url=None)
        for r in resources
    )
