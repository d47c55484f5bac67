"""Render a respondent page: shared by the respondent journey and the studio's preview.

The respondent templates never build their own links: they call `link(name,
**values)`, which the journey points at its own routes and the preview at
routes that store nothing. So the preview shows the very same pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, render_template, url_for
from flask_babel import gettext, ngettext, refresh

from instruments.schema import Instrument, is_rtl, language_name
from survey.extensions import babel
from survey.models import Study
from survey.services import link_hosts
from survey.services.messages import Message
from survey.services.support import shown_support, support_for

Link = Callable[..., str]


def tr(text: object) -> object:
    """Translate a service's :class:`Message` into the page's language; pass other text through."""
    if not isinstance(text, Message):
        return text
    params = {name: tr(value) for name, value in text.params.items()}
    if text.plural is not None and text.count is not None:
        return ngettext(text.msgid, text.plural, text.count, **params)
    return gettext(text.msgid, **params)


def interface_locale() -> str:
    """Return the language of the respondent page being rendered, or English.

    Only the respondent's own choice counts (the study's default until they
    pick another): the Accept-Language header is never read.
    """
    language = g.get("respondent_language") or "en"
    try:
        Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "en"
    return language.replace("-", "_")


def init_translations(app: Flask) -> None:
    """Bind Flask-Babel with the respondent's chosen language as the locale."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    babel.init_app(app, locale_selector=interface_locale)
    # Flask-Babel keeps loaded catalogues on the (module-wide) Babel object, not
    # per app: start each new app, with its own translation folders, afresh.
    with app.app_context():
        babel.domain_instance.cache.clear()
    app.jinja_env.globals["tr"] = tr  # macros imported without context need it too


def exit_url(study: Study | None) -> str:
    """Return where quick exit goes for `study` (the neutral default otherwise).

    With ``HEARD_LINK_HOSTS`` set, a study address on another host is not used.
    """
    config = current_app.config
    own = study.exit_url if study is not None else None
    return link_hosts.shown_exit(own, config["HEARD_LINK_HOSTS"], config["HEARD_DEFAULT_EXIT_URL"])


def respond_link(slug: str | None) -> Link:
    """Return the link maker of the real journey through the study at `slug`."""

    def link(name: str, **values: str) -> str:
        if name == "quick_exit" or slug is None:
            return url_for("respond.quick_exit")
        return url_for(f"respond.{name}", slug=slug, **values)

    return link


def render_respondent(
    template: str,
    *,
    study: Study | None,
    instrument: Instrument | None,
    language: str,
    languages: Sequence[str],
    link: Link,
    status: int = 200,
    **context: object,
) -> tuple[str, int]:
    """Render `respond/<template>` with the study, language, support, exit link and links."""
    g.respondent_language = language
    refresh()  # the locale follows the page's language, even if one was looked up earlier
    page = render_template(
        f"respond/{template}",
        study=study,
        instrument=instrument,
        lang=language,
        languages=languages,
        rtl=is_rtl(language),
        support=shown_support(
            support_for(instrument, language, study.support if study else None),
            current_app.config["HEARD_LINK_HOSTS"],
        ),
        exit_url=exit_url(study),
        link=link,
        t=lambda text: text.get(language) if text is not None else "",
        language_name=language_name,
        **context,
    )
    return page, status
