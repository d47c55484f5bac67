"""The administrator's allow-list of hosts for a study's exit address and support links.

A respondent who leaves by quick exit, or taps a support link, reaches that
site with their address. ``HEARD_LINK_HOSTS`` (see `survey.config.link_hosts`)
lets an administrator say which sites those may be: a link must then be on
one of the hosts or a subdomain of one. Empty, any https address will do.
The settings refuse another host, and publishing or reopening a study is
refused while its exit address, its own support lists or its instrument's
support lists point elsewhere; respondent pages apply it when shown
(`shown_exit`, `support.shown_support`), for a study opened before the list.
The administrator's default exit address and the built-in helpline are the
administrator's own choice and are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from instruments.schema import Instrument
from survey.models import Study
from survey.services.errors import ServiceError

__all__ = [
    "LinksNotAllowed",
    "allowed",
    "not_allowed",
    "refusal",
    "shown_exit",
    "study_links_refused",
]


class LinksNotAllowed(ServiceError):
    """A study's links are not on the hosts the administrator allows; `problems` says which."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("links outside the allowed hosts")
        self.problems = problems


def allowed(url: str, hosts: Sequence[str]) -> bool:
    """Return True when `url` is on one of `hosts` or a subdomain of one (no hosts: True).

    A backslash, a control character or a space is refused outright: browsers
    read ``https://evil.example\\@nhs.uk`` as a page on evil.example.
    """
    if not hosts:
        return True
    if any(c == "\\" or ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        parts.port  # noqa: B018  (raises ValueError for a port that is not 0-65535)
    except ValueError:
        return False
    if parts.scheme != "https" or not host or "@" in parts.netloc or "%" in parts.netloc:
        return False  # userinfo and escapes in the host: browsers refuse or misread them
    if "" in host.split("."):
        return False  # an empty label (a..nhs.uk) is no host a browser will open
    return any(host == h or host.endswith("." + h) for h in hosts)


def shown_exit(url: str | None, hosts: Sequence[str], default: str) -> str:
    """Return where quick exit may go: the study's address if allowed now, else `default`.

    Settings, publish and reopen already refuse a link on another host; this
    holds the rule for a study opened before the administrator set the list.
    """
    return url if url and allowed(url, hosts) else default


def not_allowed(urls: Sequence[str], hosts: Sequence[str]) -> list[str]:
    """Return those of `urls` that are not on the allowed hosts."""
    return [url for url in urls if url and not allowed(url, hosts)]


def refusal(what: str, hosts: Sequence[str]) -> str:
    """Return the message for a link (`what`, e.g. "The exit address") on another host."""
    return (
        f"{what} must be on a site the administrator allows: {', '.join(hosts)} "
        "(or a subdomain of one)."
    )


def study_links_refused(
    study: Study, instrument: Instrument | None, hosts: Sequence[str]
) -> list[str]:
    """Return a message for each of the study's links on another host (empty: all allowed)."""
    if not hosts:
        return []
    problems = []
    if study.exit_url and not allowed(study.exit_url, hosts):
        problems.append(refusal(f"The exit address in the settings ({study.exit_url})", hosts))
    problems += _lists(study.support, "the study's settings", hosts)
    if instrument is not None:
        problems += _lists(instrument.support, "the instrument", hosts)
    return problems


def _lists(lists: Mapping[str, Sequence], where: str, hosts: Sequence[str]) -> list[str]:
    problems = []
    for language, resources in lists.items():
        for number, resource in enumerate(resources, 1):
            url = resource.get("url") if isinstance(resource, Mapping) else resource.url
            if url and not allowed(url, hosts):
                what = f"Support line {number} ({language}) in {where} ({url})"
                problems.append(refusal(what, hosts))
    return problems
