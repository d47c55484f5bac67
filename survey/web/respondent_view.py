"""Render a respondent page: shared by the respondent journey and the studio's preview.

The respondent templates never build their own links: they call `link(name,
**values)`, which the journey points at its own routes and the preview at
routes that store nothing. So the preview shows the very same pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app, render_template, url_for

from instruments.schema import Instrument, is_rtl, language_name
from survey.models import Study
from survey.services.support import support_for

Link = Callable[..., str]


def exit_url(study: Study | None) -> str:
    """Return where quick exit goes for `study` (the neutral default otherwise)."""
    if study is not None and study.exit_url:
        return study.exit_url
    return current_app.config["HEARD_DEFAULT_EXIT_URL"]


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
    page = render_template(
        f"respond/{template}",
        study=study,
        instrument=instrument,
        lang=language,
        languages=languages,
        rtl=is_rtl(language),
        support=support_for(instrument, language, study.support if study else None),
        exit_url=exit_url(study),
        link=link,
        t=lambda text: text.get(language) if text is not None else "",
        language_name=language_name,
        **context,
    )
    return page, status
