"""The form that starts a topic fit: what it may ask for, read into job parameters.

The job checks its parameters again (`job_params.validate`); the form gives a
person a message about the field they got wrong before a job is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy.orm import Session

from analysis.disclosure import suppress
from survey.models import Study
from survey.services.analysis.corpus import study_corpus
from survey.services.analysis.job_params import MAX_TOPICS, METHODS, MIN_TOPICS

MIN_K, MAX_K = MIN_TOPICS, MAX_TOPICS


class FitFormError(ValueError):
    """A topic fit was asked for with a value the form cannot take; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_fit_form(
    form: Mapping[str, str], item_ids: Iterable[str], languages: Iterable[str] = ()
) -> dict:
    """Return the parameters of a topic fit from its form, or raise FitFormError."""
    item = form.get("item_id", "") or None
    if item is not None and item not in set(item_ids):
        raise FitFormError("topics.unknown_question", "Choose a question that has answers.")
    language = form.get("language", "") or None
    if language is not None and language not in set(languages):
        raise FitFormError("topics.unknown_language", "Choose a language the answers are in.")
    k = (form.get("n_topics", "auto") or "auto").strip().lower()
    if k != "auto" and (not k.isdigit() or not MIN_K <= int(k) <= MAX_K):
        raise FitFormError(
            "topics.bad_k",
            f"The number of topics must be “auto” or a whole number from {MIN_K} to {MAX_K}.",
        )
    method = form.get("method", "nmf")
    if method not in METHODS:
        raise FitFormError("topics.bad_method", "Choose NMF or LDA.")
    seed = (form.get("seed", "0") or "0").strip()
    if not seed.isdigit() or int(seed) > 2**31 - 1:
        raise FitFormError("topics.bad_seed", "The seed must be a whole number, 0 or more.")
    return {
        "item_id": item,
        "n_topics": k if k == "auto" else int(k),
        "method": method,
        "seed": int(seed),
        "segmenting": "auto",
        **({"language": language} if language else {}),
    }


def answer_languages(session: Session, study: Study) -> list[tuple[str, str, int | None]]:
    """Return (code, name, documents) of each language the study's text is in, most used first.

    A respondent's language can single them out, so the counts pass through
    disclosure control (`analysis.disclosure.suppress`): None where hidden.
    """
    from babel import Locale, UnknownLocaleError

    counts = Counter(d.language for d in study_corpus(session, study))
    shown = suppress(
        pd.Series(dict(counts.most_common()), dtype="int64"), study.disclosure_threshold
    )
    found = []
    for code, number in shown.items():
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name("en") or code
        except (ValueError, UnknownLocaleError):
            name = code
        found.append((code, name, None if pd.isna(number) else int(number)))
    return found
