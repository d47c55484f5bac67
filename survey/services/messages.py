"""Interface text that services hand to the web layer, marked for translation.

Services never import flask, so they cannot call Flask-Babel. They return a
:class:`Message` instead: the English text (it *is* a ``str``, so logs, the
CLI and tests read it as before) that also remembers its msgid and named
parameters. The respondent templates pass it through ``tr()``, which looks it
up in the chosen language's catalogue. ``N_`` and ``NP_`` are the markers
pybabel extracts (``make messages``).
"""

from __future__ import annotations

from collections.abc import Mapping


class Message(str):
    """English text that the web layer can still translate: msgid, plural, count, params."""

    msgid: str
    plural: str | None
    count: int | None
    params: Mapping[str, object]

    def __new__(
        cls, msgid: str, plural: str | None = None, count: int | None = None, **params: object
    ) -> Message:
        """Make the message; its ``str`` value is the English text, parameters filled in."""
        template = plural if plural is not None and count != 1 else msgid
        values = {"num": count, **params} if count is not None else params
        self = super().__new__(cls, template % values if values else template)
        self.msgid, self.plural, self.count, self.params = msgid, plural, count, params
        return self


def N_(msgid: str, **params: object) -> Message:
    """Mark `msgid` for translation; `params` fill its ``%(name)s`` places."""
    return Message(msgid, **params)


def NP_(singular: str, plural: str, count: int, **params: object) -> Message:
    """Mark a message with a plural; ``%(num)s`` is `count`."""
    return Message(singular, plural, count, **params)
